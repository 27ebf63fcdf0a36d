/**
 * A lake stream, declared (tap-github style): its name, its Parquet columns with the primary key first,
 * and how one record becomes a row. The record itself is the payload, kept whole so that new fields can be
 * modelled later without re-extracting. The phases read GitHub; the sink writes every stream the same way.
 */
import type { LakeColumn } from "../../lake-writer.ts";

export type RowValue = string | number | boolean | null;

export interface LakeStream<R> {
  source: "github";
  name: string;
  /** Columns of the primary key, in order. */
  primaryKey: readonly string[];
  /** Lake columns (primary key first); `_extracted_at`, `_run_id` and `payload` are added by the writer. */
  columns: readonly LakeColumn[];
  toRow(record: R): Record<string, RowValue>;
  /** What lands as `payload` (default: the record itself). */
  toPayload?(record: R): unknown;
}

export interface RepositoryPartition {
  owner: string;
  name: string;
  /** "owner/name" */
  fullName: string;
}

export function partitionOf(fullName: string): RepositoryPartition {
  const [owner = "", name = ""] = fullName.split("/");
  return { owner, name, fullName };
}

/** Declares a stream with its record type checked. */
export function defineStream<R>(stream: LakeStream<R>): LakeStream<R> {
  return stream;
}
