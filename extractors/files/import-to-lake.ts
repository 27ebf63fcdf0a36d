/**
 * Lands validated import rows in the lake: the rows that are new or changed (by key and content hash against
 * the latest row of each key already in the stream) go into ONE Parquet batch, written by the lake writer
 * (temporary name, then rename), so an import lands whole or not at all. Rows the lake already holds as they
 * are write nothing: importing the same file twice leaves the lake byte for byte as it was.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { withDb } from "../../warehouse/duckdb.ts";
import { streamDir, writeLakeBatch } from "../lake-writer.ts";
import { contentHash, FILE_STREAMS, fileLakeRow } from "./file-streams.ts";
import type { ImportKind } from "./import-columns.ts";
import type { DeploymentRecord, IncidentRecord } from "./import-schemas.ts";

export interface ImportSummary {
  rows: number;
  added: number;
  changed: number;
  unchanged: number;
  /** The batch written, or null when nothing was new (or on a dry run). */
  batch: string | null;
}

/** The content hash of the latest row of every key of `system` in a stream. */
async function landedHashes(lakeDir: string, kind: ImportKind, system: string): Promise<Map<string, string>> {
  const stream = FILE_STREAMS[kind];
  const dir = streamDir(lakeDir, stream.source, stream.name);
  const hashes = new Map<string, string>();
  if (!existsSync(dir) || !readdirSync(dir).some((f) => !f.startsWith(".") && f.endsWith(".parquet")))
    return hashes;
  const rows = await withDb(":memory:", "read_write", (db) =>
    db.all<{ external_id: string; content_hash: string }>(
      `select external_id, content_hash from (
         select external_id, content_hash,
                row_number() over (partition by system, external_id order by _extracted_at desc, _run_id desc) as rank
         from read_parquet(?, union_by_name = true)
         where system = ?
       ) where rank = 1`,
      [join(dir, "[!.]*.parquet"), system],
    ),
  );
  for (const r of rows) hashes.set(r.external_id, r.content_hash);
  return hashes;
}

/**
 * Writes the new and changed rows of an import as one batch (nothing on `dryRun`) and says what it found.
 * Example: `await importToLake({ lakeDir, kind: "deployments", system: "file", file, rows, runId, now })`.
 */
export async function importToLake(options: {
  lakeDir: string;
  kind: ImportKind;
  system: string;
  /** The file's name as given (its base name goes into each payload). */
  file: string;
  rows: readonly { line: number; record: DeploymentRecord | IncidentRecord }[];
  runId: string;
  now: Date;
  dryRun?: boolean;
}): Promise<ImportSummary> {
  const { kind, system } = options;
  const landed = await landedHashes(options.lakeDir, kind, system);
  const fresh: typeof options.rows = options.rows.filter(
    (r) => landed.get(r.record.id) !== contentHash(r.record),
  );
  const changed = fresh.filter((r) => landed.has(r.record.id)).length;
  const summary: ImportSummary = {
    rows: options.rows.length,
    added: fresh.length - changed,
    changed,
    unchanged: options.rows.length - fresh.length,
    batch: null,
  };
  if (options.dryRun || fresh.length === 0) return summary;
  const stream = FILE_STREAMS[kind];
  summary.batch = await writeLakeBatch({
    lakeDir: options.lakeDir,
    source: stream.source,
    stream: stream.name,
    runId: options.runId,
    extractedAt: options.now,
    columns: stream.columns,
    rows: fresh.map((r) => fileLakeRow(kind, system, r, options.file)),
  });
  return summary;
}
