/** The `yardstick` command in a child process, for tests that keep a server (simulator, receiver) serving meanwhile. */
import { type CliResult, yardstickAsync } from "./cli.ts";

/** Runs the CLI without blocking this process; resolves with its exit code, signal and output. */
export function yardstick(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return yardstickAsync(args, { env });
}
