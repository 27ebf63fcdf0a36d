/**
 * The lake writer: immutable Parquet batches under `<lake>/raw/<source>/<stream>/`, written through an
 * in-memory DuckDB to a temporary dot-name and renamed into place, so a reader (or a crash) never sees a
 * half file. Every row carries its key columns, `_extracted_at`, `_run_id` and the raw JSON payload.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DuckDBTimestampValue } from "@duckdb/node-api";
import { openDb, sqlLiteral } from "../warehouse/duckdb.ts";

export type LakeColumnType = "VARCHAR" | "TIMESTAMP" | "INTEGER" | "BIGINT" | "BOOLEAN";

export interface LakeColumn {
  name: string;
  type: LakeColumnType;
}

export interface LakeBatch {
  lakeDir: string;
  source: string;
  stream: string;
  runId: string;
  extractedAt: Date;
  /** Stream-specific columns (the primary key first); `_extracted_at`, `_run_id` and `payload` are added. */
  columns: readonly LakeColumn[];
  rows: readonly { values: Record<string, string | number | boolean | null>; payload: unknown }[];
}

export function streamDir(lakeDir: string, source: string, stream: string): string {
  return join(lakeDir, "raw", source, stream);
}

/** Writes one batch as one Parquet file and returns its path; writes nothing for an empty batch. */
export async function writeLakeBatch(batch: LakeBatch): Promise<string | null> {
  if (batch.rows.length === 0) return null;
  const dir = streamDir(batch.lakeDir, batch.source, batch.stream);
  mkdirSync(dir, { recursive: true });
  const stamp = batch.extractedAt.toISOString().replace(/[-:.]/g, "");
  const seq = readdirSync(dir).filter((f) => !f.startsWith(".")).length;
  const name = `${stamp}-${batch.runId}-${String(seq).padStart(6, "0")}.parquet`;
  const target = join(dir, name);
  const tmp = join(dir, `.${name}.tmp`);
  const db = await openDb(":memory:", "read_write");
  try {
    const cols = [...batch.columns, { name: "_run_id", type: "VARCHAR" as const }];
    await db.run(
      `create table batch (${cols.map((c) => `"${c.name}" ${c.type}`).join(", ")}, "_extracted_at" TIMESTAMP, "payload" JSON)`,
    );
    const appender = await db.connection.createAppender("batch");
    const extractedMicros = BigInt(batch.extractedAt.getTime()) * 1000n;
    for (const row of batch.rows) {
      for (const col of batch.columns) appendValue(appender, col.type, row.values[col.name] ?? null);
      appender.appendVarchar(batch.runId);
      appender.appendTimestamp(new DuckDBTimestampValue(extractedMicros));
      appender.appendVarchar(JSON.stringify(row.payload));
      appender.endRow();
    }
    appender.closeSync();
    await db.run(`copy batch to ${sqlLiteral(tmp)} (format parquet, compression zstd)`);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  } finally {
    db.close();
  }
  renameSync(tmp, target);
  return target;
}

type Appender = Awaited<ReturnType<Awaited<ReturnType<typeof openDb>>["connection"]["createAppender"]>>;

function appendValue(
  appender: Appender,
  type: LakeColumnType,
  value: string | number | boolean | null,
): void {
  if (value === null) {
    appender.appendNull();
    return;
  }
  switch (type) {
    case "VARCHAR":
      appender.appendVarchar(String(value));
      return;
    case "INTEGER":
      appender.appendInteger(Number(value));
      return;
    case "BIGINT":
      appender.appendBigInt(BigInt(value));
      return;
    case "BOOLEAN":
      appender.appendBoolean(Boolean(value));
      return;
    case "TIMESTAMP":
      appender.appendTimestamp(new DuckDBTimestampValue(BigInt(Date.parse(String(value))) * 1000n));
      return;
  }
}

/** Removes temporaries a killed writer left behind (dot-files ending in .tmp). Readers ignore them anyway. */
export function sweepTemporaries(lakeDir: string, source: string, stream: string): number {
  const dir = streamDir(lakeDir, source, stream);
  let removed = 0;
  try {
    for (const f of readdirSync(dir)) {
      if (f.startsWith(".") && f.endsWith(".tmp")) {
        rmSync(join(dir, f), { force: true });
        removed++;
      }
    }
  } catch {
    // No folder yet: nothing to sweep.
  }
  return removed;
}
