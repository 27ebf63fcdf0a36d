/**
 * The run lock: one Yardstick process at a time writes a data folder. The lock is a kernel file lock, so it
 * ends with its holder however the holder ends (a crash, `kill -9`, a container restart) and nothing is ever
 * judged from a pid: pid reuse (a container's next run is pid 1 again) cannot keep a dead run's lock alive,
 * and two runs starting at the same moment cannot both get it.
 *
 * Node has no flock(), so the lock is taken through DuckDB, which the pipeline loads anyway: opening a DuckDB
 * file read-write takes an exclusive fcntl lock on it, which the kernel drops when the process dies; a second
 * process is refused with the holder's pid. The locked file is `<lock>.db` (an empty database, created once
 * and never deleted: a lock on a deleted file would lock nothing). Beside it, `<lock>` itself is a JSON note
 * for people (pid, what, since, host); it is informational only and never decides anything.
 *
 * fcntl locks belong to a process, not to a file handle: a second open of the same file in the same process
 * would succeed, and closing it would drop the first lock. So this module refuses re-entry within a process
 * and is the only code that opens the lock file.
 */
import { readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { writeFileAtomic } from "../core/atomic-fs.ts";
import { EXIT, YardstickError } from "../core/errors.ts";
import { ensureLockDatabase, lockDatabaseOf } from "./lock-database.ts";

export interface RunLock {
  /** The informational JSON note, `<data>/yardstick.lock`. */
  readonly file: string;
  /** Releases the lock (and removes the note if it is still this holder's). Idempotent. */
  release(): void;
}

/** What the note beside the lock says about its holder. */
export interface LockNote {
  pid: number;
  what: string;
  since: string;
  host?: string;
}

/** The lock is held by another process; `pid` is the kernel's word for who, `note` what its note says. */
export class LockHeldError extends YardstickError {
  override name = "LockHeldError";
  constructor(
    message: string,
    readonly pid: number | null,
    readonly note: LockNote | null,
  ) {
    super(message);
  }
}

/** Locks held by this process, by locked file: fcntl cannot tell two holders in one process apart. */
const held = new Map<string, string>();

/**
 * Takes the lock, or throws LockHeldError naming the holder. `file` is the note's path
 * (`dataPaths(dir).lock`); the locked database is `<file>.db`.
 * Example: `const lock = await acquireRunLock(paths.lock, "run 20261201T020000Z-ab12cd"); try { … } finally { lock.release(); }`.
 */
export async function acquireRunLock(file: string, what = "run"): Promise<RunLock> {
  const note = resolve(file);
  const database = lockDatabaseOf(note);
  const holder = held.get(database);
  if (holder !== undefined) {
    throw new LockHeldError(
      `this process already holds the lock ${database} (for ${holder}); ${what} must wait until that ends`,
      process.pid,
      null,
    );
  }
  held.set(database, what);
  let instance: DuckDBInstance;
  try {
    await ensureLockDatabase(database);
    instance = await DuckDBInstance.create(database, { access_mode: "READ_WRITE", threads: "1" });
  } catch (error) {
    held.delete(database);
    throw lockError(error, note, database);
  }
  const text = JSON.stringify(
    { pid: process.pid, what, since: new Date().toISOString(), host: hostname() } satisfies LockNote,
    null,
    1,
  );
  try {
    writeFileAtomic(note, `${text}\n`);
  } catch (error) {
    instance.closeSync();
    held.delete(database);
    throw error;
  }
  let released = false;
  return {
    file: note,
    release() {
      if (released) return;
      released = true;
      try {
        // Still holding the lock, so nobody else can have written a note that counts; a note that is not
        // ours was written by hand and is left alone.
        if (readNoteText(note) === `${text}\n`) rmSync(note, { force: true });
      } finally {
        instance.closeSync();
        held.delete(database);
      }
    },
  };
}

/** What the note says, when it is readable JSON with a pid (it may be absent, stale or hand-written). */
export function readLockNote(file: string): LockNote | null {
  const text = readNoteText(file);
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as Partial<LockNote>;
    return typeof parsed.pid === "number" ? (parsed as LockNote) : null;
  } catch {
    return null;
  }
}

function readNoteText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function lockError(error: unknown, note: string, database: string): YardstickError {
  const message = error instanceof Error ? error.message : String(error);
  const conflict = /Conflicting lock is held in .*\(PID (\d+)\)/.exec(message);
  if (conflict || /Could not set lock/.test(message)) {
    const pid = conflict ? Number(conflict[1]) : null;
    const said = readLockNote(note);
    // The note only describes the holder when it names the pid the kernel named.
    const about =
      said && said.pid === pid
        ? `: ${said.what} since ${said.since}${said.host ? ` on ${said.host}` : ""}`
        : "";
    return new LockHeldError(
      `another Yardstick process (${pid === null ? "pid unknown" : `pid ${pid}`}${about}) holds the lock on ${dirname(note)}; wait for it to finish`,
      pid,
      said,
    );
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOTDIR" || code === "EEXIST") {
    return new YardstickError(
      `the data folder ${dirname(note)} is not a folder (dataDir): ${message}`,
      EXIT.badInput,
    );
  }
  if (
    code === "EACCES" ||
    code === "EROFS" ||
    code === "EPERM" ||
    /Permission denied|Read-only file system/.test(message)
  ) {
    return new YardstickError(
      `the data folder ${dirname(note)} is not writable (dataDir): Yardstick cannot create its lock file there: ${message}`,
      EXIT.badInput,
    );
  }
  if (/not a valid DuckDB database file/.test(message)) {
    return new YardstickError(
      `the lock file ${database} is damaged (not a DuckDB file): make sure no Yardstick process uses ${dirname(note)}, delete the file, and run again`,
    );
  }
  return new YardstickError(`could not take the lock ${database}: ${message}`, undefined, { cause: error });
}
