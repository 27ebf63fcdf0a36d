/**
 * A declarative extractor stream (tap-github style): what to ask, where the records are in the answer,
 * their primary key and cursor field, and the lake columns. The stream runner does the paging, cursors and
 * writing for every stream.
 */
import type { LakeColumn } from "../../lake-writer.ts";

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface RepositoryPartition {
  owner: string;
  name: string;
  /** "owner/name" */
  fullName: string;
}

export interface StreamDefinition<Response, Node> {
  source: "github";
  name: string;
  document: string;
  partition: "repository";
  /** Variables of one page request. */
  variables(partition: RepositoryPartition, after: string | null, pageSize: number): Record<string, unknown>;
  /** The records of one page and where to go next; null when the partition does not exist. */
  page(response: Response): { nodes: Node[]; pageInfo: PageInfo } | null;
  /** The time the cursor compares against (records arrive newest first). */
  cursorValue(node: Node): string;
  /** Lake columns, primary key first. */
  columns: readonly LakeColumn[];
  toRow(node: Node, partition: RepositoryPartition): Record<string, string | number | boolean | null>;
}
