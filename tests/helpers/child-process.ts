/**
 * Real child processes driven by what they print: a test waits for a line (a progress signal), never for a
 * length of time. Every line the child writes to stdout or stderr is kept, in order.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";

export interface Child {
  process: ChildProcess;
  pid: number;
  /** Every line printed so far (stdout and stderr interleaved as they arrived). */
  lines: string[];
  /** Resolves with the first line (already printed or still to come) that matches; rejects if the child exits first. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Writes one line to the child's stdin. */
  send(line: string): void;
  /** Resolves when the child has exited, with its exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts `node <args>` with pipes on all three standard streams. */
export function startNode(args: string[], options: StartOptions = {}): Child {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  let ended = false;
  const onLine = (line: string) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  let open = 2;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    let result: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const settle = () => {
      if (result === null || open > 0) return;
      ended = true;
      for (const waiter of waiters.splice(0))
        waiter.reject(
          new Error(
            `the child exited (${result.code ?? result.signal}) before printing ${waiter.pattern}:\n${lines.join("\n")}`,
          ),
        );
      resolve(result);
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
      reader.on("line", onLine);
      reader.on("close", () => {
        open -= 1;
        settle();
      });
    }
    child.on("exit", (code, signal) => {
      result = { code, signal };
      settle();
    });
  });
  child.stdin!.on("error", () => {
    // The child may exit before reading what was sent; that is for the test's assertions to notice.
  });
  return {
    process: child,
    pid: child.pid!,
    lines,
    exited,
    waitFor(pattern) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      if (ended)
        return Promise.reject(new Error(`the child exited before printing ${pattern}:\n${lines.join("\n")}`));
      return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }));
    },
    send(line) {
      child.stdin!.write(line + "\n");
    },
  };
}

/** Pids of this machine's processes whose command line contains `text` (Linux: read from /proc). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

/** Resolves once `done()` holds, checking again whenever the event loop is free (the test's timeout bounds it). */
export async function eventually(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 100));
}
