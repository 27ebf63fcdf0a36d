/**
 * The lake streams of imported files, `<lake>/raw/files/deployments/` and `<lake>/raw/files/incidents/`,
 * declared in one place: key columns first, then what staging and the import's own comparison read. A row is
 * keyed by the system the file comes from (`--system`, default `file`) and the row's id in it; the payload is
 * the normalised row with where it was read from (file name and line). `content_hash` is the hash of the row
 * alone, so importing the same rows again, from this file or another, is recognised and writes nothing.
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import type { LakeColumn } from "../lake-writer.ts";
import type { ImportKind } from "./import-columns.ts";
import type { DeploymentRecord, IncidentRecord } from "./import-schemas.ts";

export const FILES_SOURCE = "files";

export type RowValue = string | number | boolean | null;

export interface FileStream {
  source: typeof FILES_SOURCE;
  name: ImportKind;
  primaryKey: readonly ["system", "external_id"];
  columns: readonly LakeColumn[];
}

const KEY: readonly LakeColumn[] = [
  { name: "system", type: "VARCHAR" },
  { name: "external_id", type: "VARCHAR" },
];

export const FILE_STREAMS: Readonly<Record<ImportKind, FileStream>> = {
  deployments: {
    source: FILES_SOURCE,
    name: "deployments",
    primaryKey: ["system", "external_id"],
    columns: [
      ...KEY,
      { name: "repository", type: "VARCHAR" },
      { name: "created_at", type: "TIMESTAMP" },
      { name: "content_hash", type: "VARCHAR" },
    ],
  },
  incidents: {
    source: FILES_SOURCE,
    name: "incidents",
    primaryKey: ["system", "external_id"],
    columns: [...KEY, { name: "created_at", type: "TIMESTAMP" }, { name: "content_hash", type: "VARCHAR" }],
  },
};

/** Hash of a normalised row: its fields in their fixed order, so equal rows hash equally. */
export function contentHash(record: DeploymentRecord | IncidentRecord): string {
  return createHash("sha256").update(JSON.stringify(record)).digest("hex");
}

/** The lake row of one imported record. */
export function fileLakeRow(
  kind: ImportKind,
  system: string,
  row: { line: number; record: DeploymentRecord | IncidentRecord },
  file: string,
): { values: Record<string, RowValue>; payload: unknown } {
  const { record } = row;
  const values: Record<string, RowValue> = {
    system,
    external_id: record.id,
    created_at: record.created_at,
    content_hash: contentHash(record),
  };
  if (kind === "deployments") values.repository = (record as DeploymentRecord).repository;
  return { values, payload: { ...record, imported_from: { file: basename(file), line: row.line } } };
}
