/**
 * A lock so two runs never overlap on one data folder: an O_EXCL lock file holding the owner's pid. A lock
 * whose process is gone (a crash, a kill -9) is taken over instead of blocking every later run.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { YardstickError } from "../core/errors.ts";
import { isProcessAlive } from "../core/process-alive.ts";

export interface RunLock {
  release(): void;
}

export function acquireRunLock(file: string, what = "run"): RunLock {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readHolder(file);
      if (holder && isProcessAlive(holder.pid)) {
        throw new YardstickError(
          `another Yardstick ${holder.what} (pid ${holder.pid}, since ${holder.since}) holds ${file}; wait for it to finish`,
        );
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new YardstickError(`could not take the lock ${file}`);
}

function readHolder(file: string): { pid: number; what: string; since: string } | null {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}
