/**
 * A lake stream, declared (tap-github style): the source it belongs to, its name (its folder:
 * `<lake>/raw/<source>/<name>/`), its Parquet columns with the primary key first, and how one record becomes
 * a row. The record itself is the payload, kept whole so that new fields can be modelled later without
 * re-extracting. Streams (source.ts) read an API and hand records to the sink, which writes every lake
 * stream the same way.
 */
import type { LakeColumn } from "./lake-writer.ts";

export type RowValue = string | number | boolean | null;

export interface LakeStream<R> {
  /** The source's name: `github`, `pagerduty`. */
  source: string;
  name: string;
  /** Columns of the primary key, in order. */
  primaryKey: readonly string[];
  /** Lake columns (primary key first); `_extracted_at`, `_run_id` and `payload` are added by the writer. */
  columns: readonly LakeColumn[];
  toRow(record: R): Record<string, RowValue>;
  /** What lands as `payload` (default: the record itself). */
  toPayload?(record: R): unknown;
}

/** Declares a lake stream with its record type checked. */
export function defineLakeStream<R>(stream: LakeStream<R>): LakeStream<R> {
  return stream;
}
