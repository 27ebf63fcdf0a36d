/**
 * Lake compaction: every nightly run lands a few small Parquet batches per stream, and after a year the build
 * reads thousands of them. Compaction rewrites a stream's small batches into one file holding exactly their
 * rows — every column kept, `_extracted_at` and `_run_id` included — so staging's latest-extraction dedupe
 * picks the same row for every key and the warehouse comes out the same.
 *
 * The swap is journalled, in four durable steps per stream:
 *   1. the rows are copied to `.compact-<id>.parquet.tmp` (a dot name: the build never reads it) and counted;
 *   2. `.compaction.json` records the new file's name and the batches it replaces;
 *   3. the new file is renamed into place;
 *   4. the replaced batches are removed, then the journal.
 * Whatever step a crash interrupts, the next compaction (and every `yardstick run`, before it builds) reads
 * the journal and finishes the job (the new file is in place: remove what it replaced) or undoes it (it is
 * not: remove the temporary). Between step 3 and the end the stream holds every row twice; a build that runs
 * in that window is still right, because staging keeps one row per key — the latest extraction, ties broken
 * by run id — and the two copies of a row are identical, so either is the same row. The journal only keeps
 * the lake from carrying the copies for ever.
 *
 * Callers hold the run lock: nothing else writes or builds from the lake meanwhile.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-fs.ts";
import { YardstickError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { sqlLiteral, withDb } from "../warehouse/duckdb.ts";

/** Batches at least this large are left as they are: compaction merges small files, not history. */
export const LARGE_BATCH_BYTES = 256 * 1024 * 1024;

const JOURNAL = ".compaction.json";

/** The test seam: the named step after which a compaction kills its own process (crash tests only). */
export const COMPACTION_CRASH_ENV = "YARDSTICK_TEST_COMPACTION_CRASH_AFTER";
export type CompactionStep = "written" | "journalled" | "swapped" | "removing";

interface Journal {
  output: string;
  inputs: string[];
  rows: number;
  startedAt: string;
}

export interface StreamCompaction {
  /** `<source>/<stream>`, e.g. `github/pull_requests`. */
  stream: string;
  filesBefore: number;
  filesAfter: number;
  /** Rows moved into the new file (0 when nothing was compacted). */
  rows: number;
  /** What an interrupted earlier compaction needed, when it did: "finished" or "rolled back". */
  recovered?: "finished" | "rolled back";
}

export interface CompactLakeOptions {
  lakeDir: string;
  logger: Logger;
  /** Names the new files; letters, digits, `.`, `_` and `-` only. */
  runId: string;
  /**
   * Compact only streams with more batch files than this (the nightly threshold); 0 compacts every stream
   * that has two or more small batches (`yardstick compact`).
   */
  threshold?: number;
  /** Only these streams (`<source>/<stream>` or `<stream>`); every stream when absent. */
  streams?: readonly string[];
  now?: () => Date;
  /** The environment read for the crash seam (defaults to the process's). */
  env?: NodeJS.ProcessEnv;
}

/** A lake batch: a Parquet file the build reads (dot names are temporaries and journals). */
export function isLakeBatch(name: string): boolean {
  return name.endsWith(".parquet") && !name.startsWith(".");
}

/** Every stream folder of the lake, as `<source>/<stream>` with its path, sorted. */
export function lakeStreams(lakeDir: string): { stream: string; dir: string }[] {
  const raw = join(lakeDir, "raw");
  if (!existsSync(raw)) return [];
  const out: { stream: string; dir: string }[] = [];
  for (const source of readdirSync(raw, { withFileTypes: true })) {
    if (!source.isDirectory() || source.name.startsWith(".")) continue;
    for (const stream of readdirSync(join(raw, source.name), { withFileTypes: true })) {
      if (!stream.isDirectory() || stream.name.startsWith(".")) continue;
      out.push({ stream: `${source.name}/${stream.name}`, dir: join(raw, source.name, stream.name) });
    }
  }
  return out.sort((a, b) => a.stream.localeCompare(b.stream));
}

/** Batch files of a stream folder, sorted by name (the lake writer's names sort by extraction time). */
export function streamBatches(dir: string): string[] {
  return readdirSync(dir).filter(isLakeBatch).sort();
}

/**
 * Finishes or undoes every interrupted compaction in the lake (see the file comment). Returns the streams
 * that needed it. Example: `recoverCompactions(paths.lake, logger)` → `[{ stream: "github/deployments", … }]`.
 */
export function recoverCompactions(lakeDir: string, logger: Logger): StreamCompaction[] {
  const recovered: StreamCompaction[] = [];
  for (const { stream, dir } of lakeStreams(lakeDir)) {
    const before = streamBatches(dir).length;
    const outcome = recoverStream(dir);
    if (!outcome) continue;
    const after = streamBatches(dir).length;
    logger.info(`compact: ${stream}: ${outcome} an interrupted compaction (${before} → ${after} files)`);
    recovered.push({ stream, filesBefore: before, filesAfter: after, rows: 0, recovered: outcome });
  }
  return recovered;
}

function recoverStream(dir: string): "finished" | "rolled back" | null {
  const journalFile = join(dir, JOURNAL);
  // A compaction's temporary is never needed again: once its new file is in place it has been renamed away,
  // and before that the compaction is undone. The journal's own temporary goes too.
  for (const name of readdirSync(dir)) {
    if (/^\.compact-.*\.parquet\.tmp$/.test(name) || name.startsWith(`${JOURNAL}.tmp-`)) {
      rmSync(join(dir, name), { force: true });
    }
  }
  if (!existsSync(journalFile)) return null;
  const journal = readJournal(journalFile);
  if (!journal) {
    throw new YardstickError(
      `${journalFile} cannot be read: it records an interrupted compaction. Compare the stream's files with it and remove it by hand`,
    );
  }
  if (existsSync(join(dir, journal.output))) {
    for (const input of journal.inputs) rmSync(join(dir, input), { force: true });
    rmSync(journalFile, { force: true });
    return "finished";
  }
  rmSync(journalFile, { force: true });
  return "rolled back";
}

function readJournal(file: string): Journal | null {
  try {
    const j = JSON.parse(readFileSync(file, "utf8")) as Journal;
    const safe = (name: unknown) =>
      typeof name === "string" && !name.includes("/") && name !== "" && name !== "..";
    if (!safe(j.output) || !Array.isArray(j.inputs) || !j.inputs.every((i) => safe(i) && isLakeBatch(i)))
      return null;
    return j;
  } catch {
    return null;
  }
}

/**
 * Recovers interrupted compactions, then rewrites the small batches of every stream past the threshold into
 * one file per stream. Example: `await compactLake({ lakeDir, logger, runId, threshold: 100 })`.
 */
export async function compactLake(options: CompactLakeOptions): Promise<StreamCompaction[]> {
  const { lakeDir, logger, runId } = options;
  if (!/^[A-Za-z0-9_.-]+$/.test(runId)) {
    throw new YardstickError(`run id "${runId}" cannot name a file: use letters, digits, ".", "_" and "-"`);
  }
  const now = options.now ?? (() => new Date());
  const threshold = options.threshold ?? 0;
  const results = new Map(recoverCompactions(lakeDir, logger).map((r) => [r.stream, r]));
  const all = lakeStreams(lakeDir);
  const wanted = options.streams;
  if (wanted) {
    const unknown = wanted.filter((w) => !all.some((s) => s.stream === w || s.stream.endsWith(`/${w}`)));
    if (unknown.length > 0) {
      throw new YardstickError(
        `no stream ${unknown.map((u) => `"${u}"`).join(", ")} in the lake at ${lakeDir} (streams: ${all.map((s) => s.stream).join(", ") || "none"})`,
        2,
      );
    }
  }
  for (const { stream, dir } of all) {
    if (wanted && !wanted.some((w) => stream === w || stream.endsWith(`/${w}`))) continue;
    const batches = streamBatches(dir);
    if (threshold > 0 && batches.length <= threshold) continue;
    const small = batches.filter((name) => statSync(join(dir, name)).size < LARGE_BATCH_BYTES);
    if (small.length < 2) continue;
    const rows = await compactStream(dir, small, runId, now(), options.env ?? process.env);
    const after = streamBatches(dir).length;
    logger.info(`compact: ${stream}: ${batches.length} → ${after} files (${rows} rows rewritten)`);
    results.set(stream, {
      ...results.get(stream),
      stream,
      filesBefore: results.get(stream)?.filesBefore ?? batches.length,
      filesAfter: after,
      rows,
    });
  }
  return [...results.values()].sort((a, b) => a.stream.localeCompare(b.stream));
}

async function compactStream(
  dir: string,
  inputs: string[],
  runId: string,
  at: Date,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const crashAfter = (step: CompactionStep) => {
    // A real kill, not an exception: no finally block, no lock release, exactly what a crash leaves.
    if (env[COMPACTION_CRASH_ENV] === step) process.kill(process.pid, "SIGKILL");
  };
  const stamp = at.toISOString().replace(/[-:.]/g, "");
  // Sorts after the batches it replaces, like a batch the lake writer would write now.
  const output = `${stamp}-${runId}-compacted.parquet`;
  const temporary = `.compact-${stamp}-${runId}.parquet.tmp`;
  const tmpPath = join(dir, temporary);
  const paths = inputs.map((name) => join(dir, name));
  let rows: number;
  try {
    rows = await withDb(":memory:", "read_write", async (db) => {
      const list = `[${paths.map(sqlLiteral).join(", ")}]`;
      // union_by_name as the build reads them: a batch written before a column existed gets nulls there.
      // Insertion order is kept, so rows stay in batch order (the order the build would meet them in).
      await db.run("set preserve_insertion_order = true");
      await db.run(
        `copy (select * from read_parquet(${list}, union_by_name = true)) to ${sqlLiteral(tmpPath)} (format parquet, compression zstd)`,
      );
      const [counts] = await db.all<{ before: string; after: string }>(
        `select (select count(*) from read_parquet(${list}, union_by_name = true))::varchar as before,
                (select count(*) from read_parquet(${sqlLiteral(tmpPath)}))::varchar as after`,
      );
      if (!counts || counts.before !== counts.after) {
        throw new YardstickError(
          `compacting ${dir}: the new file holds ${counts?.after} rows, its batches ${counts?.before}; nothing was changed`,
        );
      }
      return Number(counts.after);
    });
  } catch (error) {
    rmSync(tmpPath, { force: true });
    throw error;
  }
  crashAfter("written");
  const journal: Journal = { output, inputs, rows, startedAt: at.toISOString() };
  writeFileAtomic(join(dir, JOURNAL), `${JSON.stringify(journal, null, 2)}\n`);
  crashAfter("journalled");
  renameSync(tmpPath, join(dir, output));
  crashAfter("swapped");
  for (const [i, path] of paths.entries()) {
    rmSync(path, { force: true });
    if (i === 0) crashAfter("removing");
  }
  rmSync(join(dir, JOURNAL), { force: true });
  return rows;
}
