/**
 * A process that competes for the run lock, driven line by line so that tests race real processes by
 * progress, not by time: it prints `ready`, and on `go` tries the lock and prints `won` or
 * `refused <message>`; `release` releases it (printing `released`); the end of its input ends it.
 *
 * Usage: node --import tsx tests/helpers/lock-contender.ts <lock file> [what]
 */
import { createInterface } from "node:readline";
import { acquireRunLock } from "../../jobs/run-lock.ts";

const [file, what = "test"] = process.argv.slice(2);
if (!file) throw new Error("usage: lock-contender.ts <lock file> [what]");
const say = (line: string) => process.stdout.write(line + "\n");

let lock: { release(): void } | undefined;
const input = createInterface({ input: process.stdin });
say("ready");
for await (const line of input) {
  if (line === "go") {
    try {
      lock = await acquireRunLock(file, what);
      say("won");
    } catch (error) {
      say(`refused ${(error as Error).message.replace(/\n/g, " ")}`);
    }
  } else if (line === "release") {
    lock?.release();
    say("released");
  }
}
