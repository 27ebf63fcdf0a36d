/**
 * Work on a data folder under its run lock, as every writing command does it: take the lock, remove what
 * killed runs left, do the work, release the lock however the work ends — also when the process is told to
 * stop (SIGTERM, Ctrl-C), after the work's own stop steps have run.
 */
import { dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { onShutdown } from "../core/shutdown.ts";
import { cleanLeftovers } from "./leftovers.ts";
import { acquireRunLock, type RunLock } from "./run-lock.ts";

/** Takes the lock of `dataDir` for `what` and runs `work` under it. */
export async function withRunLock<T>(
  dataDir: string,
  what: string,
  logger: Logger,
  work: () => Promise<T>,
): Promise<T> {
  const lock = await acquireRunLock(dataPaths(dataDir).lock, what);
  return holdRunLock(lock, dataDir, logger, work);
}

/** Runs `work` under a lock already taken, then releases it. */
export async function holdRunLock<T>(
  lock: RunLock,
  dataDir: string,
  logger: Logger,
  work: () => Promise<T>,
): Promise<T> {
  // Stop steps run newest first: the work's own (cancel dbt, record the stage), then these two.
  const releaseOnStop = onShutdown("release the lock", () => lock.release());
  const cleanOnStop = onShutdown("remove temporary files", () => {
    cleanLeftovers(dataDir);
  });
  try {
    cleanLeftovers(dataDir, logger);
    return await work();
  } finally {
    cleanOnStop();
    lock.release();
    releaseOnStop();
  }
}
