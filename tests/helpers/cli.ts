/** The `yardstick` command as an operator runs it: a real subprocess with a clean environment. */
import { spawn, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..", "..");

export interface CliResult {
  code: number | null;
  /** The signal that ended it, if one did (yardstickAsync only). */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Run as this user and group (root only): lets a test meet a read-only folder that root could write. */
  uid?: number;
  gid?: number;
}

function environment(options: CliOptions): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env };
}

/** Runs `yardstick <args>` to the end (blocks: nothing in this process can answer it meanwhile). */
export function yardstick(args: string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "yardstick.js"), ...args], {
    cwd: options.cwd ?? ROOT,
    env: environment(options),
    encoding: "utf8",
    timeout: 170_000,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like `yardstick`, without blocking: for commands that talk to a server this process runs. */
export function yardstickAsync(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "yardstick.js"), ...args], {
      cwd: options.cwd ?? ROOT,
      env: environment(options),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code, signal) => done({ code, signal, stdout, stderr }));
  });
}
