/**
 * Stopping cleanly when told to (SIGTERM from a supervisor, SIGINT from Ctrl-C). Work that must be undone or
 * recorded if the process stops registers a step for as long as it runs: cancel dbt, remove a build folder,
 * record the stage as interrupted, release the lock. On the first signal the steps run newest first, then the
 * process exits with 128 + the signal's number (143 for SIGTERM, 130 for SIGINT), as shells and supervisors
 * expect, since the work did not finish; a second signal exits at once. A process whose only steps say that
 * stopping is its normal end (the scheduler, between runs) exits 0, as service managers expect. Work still in flight (a GitHub request that hangs) is abandoned:
 * everything it writes is written atomically, so stopping in the middle is as safe as a crash, only tidier.
 *
 * The handlers are installed by the command line only; in tests and library use, registering steps is
 * harmless and nothing listens for signals.
 */
import { constants } from "node:os";
import { YardstickError } from "./errors.ts";

export type ShutdownStep = (signal: NodeJS.Signals) => void | Promise<void>;

interface Registered {
  what: string;
  run: ShutdownStep;
  active: boolean;
  /** Stopping here interrupts no work: the way this process normally ends. */
  idle: boolean;
}

const steps: Registered[] = [];
let stopping: NodeJS.Signals | null = null;

/**
 * Registers `step` to run if the process is told to stop; call the returned function when the work is over.
 * Example: `const done = onShutdown("release the lock", () => lock.release()); try { … } finally { done(); }`.
 */
export function onShutdown(what: string, step: ShutdownStep, options: { idle?: boolean } = {}): () => void {
  const entry: Registered = { what, run: step, active: true, idle: options.idle ?? false };
  steps.push(entry);
  return () => {
    entry.active = false;
    const i = steps.indexOf(entry);
    if (i >= 0) steps.splice(i, 1);
  };
}

/** The signal the process is stopping on, or null while it is not stopping. */
export function stoppingSignal(): NodeJS.Signals | null {
  return stopping;
}

/** 128 + the signal's number: 143 for SIGTERM, 130 for SIGINT. */
export function exitCodeFor(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** Work that stopped because the process was told to stop; its exit code is the signal's. */
export class InterruptedError extends YardstickError {
  override name = "InterruptedError";
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`, exitCodeFor(signal));
  }
}

/** Throws InterruptedError if the process is stopping (checked before starting more work). */
export function throwIfStopping(): void {
  if (stopping) throw new InterruptedError(stopping);
}

export interface ShutdownHandlerOptions {
  /** Where to say what is happening (a line, already formatted). */
  write: (line: string) => void;
  /** Ends the process; `process.exit` outside tests. */
  exit?: (code: number) => void;
}

/** Installs the SIGTERM and SIGINT handlers (once per process). */
export function installShutdownHandlers(options: ShutdownHandlerOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) {
        options.write(`${signal} again: exiting now`);
        exit(exitCodeFor(signal));
        return;
      }
      stopping = signal;
      const pending = steps.filter((s) => s.active).reverse();
      const code = pending.length > 0 && pending.every((s) => s.idle) ? 0 : exitCodeFor(signal);
      options.write(
        pending.length > 0
          ? `${signal}: stopping (${pending.map((s) => s.what).join(", then ")})`
          : `${signal}: stopping`,
      );
      void (async () => {
        for (const step of pending) {
          if (!step.active) continue;
          try {
            await step.run(signal);
          } catch (error) {
            options.write(
              `while stopping, could not ${step.what}: ${error instanceof Error ? error.message : String(error)}`,
            );
          }
        }
        options.write(`stopped (${signal}, exit ${code})`);
        exit(code);
      })();
    });
  }
}
