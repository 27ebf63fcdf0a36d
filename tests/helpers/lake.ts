/** Test helpers that read what the pipeline wrote, independently of the code under test. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { withDb } from "../../warehouse/duckdb.ts";

export interface LakePullRequest {
  id: string;
  repository: string;
  title: string;
  updatedAt: string;
  extractedAt: string;
}

/** Every pull request row in the lake (duplicates included), read straight from the Parquet files. */
export async function readLakePullRequests(dataDir: string): Promise<LakePullRequest[]> {
  const dir = join(dataDir, "lake", "raw", "github", "pull_requests");
  const files = readdirSync(dir).filter((f) => f.endsWith(".parquet") && !f.startsWith("."));
  if (files.length === 0) return [];
  return withDb(":memory:", "read_write", (db) =>
    db.all<LakePullRequest>(
      `select pull_request_id as id, repository, payload->>'$.title' as title,
              payload->>'$.updatedAt' as "updatedAt", strftime(_extracted_at, '%Y-%m-%dT%H:%M:%S.%gZ') as "extractedAt"
       from read_parquet(?) order by id, "extractedAt"`,
      [join(dir, "[!.]*.parquet")],
    ),
  );
}

/** Every file under a folder, recursively (for "no secret was written anywhere" checks). */
export function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...allFiles(path));
    else out.push(path);
  }
  return out;
}

export function filesContaining(dir: string, needle: string): string[] {
  return allFiles(dir).filter((f) => readFileSync(f).includes(needle));
}
