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

/**
 * The lake's deduplicated content, stream by stream: for every primary key the payload of its latest
 * extraction, as sorted JSON lines. Two extractions of the same organisation must give equal content
 * however often they were interrupted or failed along the way.
 */
export async function dedupedLake(
  dataDir: string,
  streams: readonly { name: string; primaryKey: readonly string[]; source?: string }[],
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const stream of streams) {
    const dir = join(dataDir, "lake", "raw", stream.source ?? "github", stream.name);
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith(".parquet") && !f.startsWith("."));
    } catch {
      files = [];
    }
    if (files.length === 0) {
      out[stream.name] = [];
      continue;
    }
    const key = stream.primaryKey.map((k) => `"${k}"::varchar`).join(" || '|' || ");
    const rows = await withDb(":memory:", "read_write", (db) =>
      db.all<{ k: string; payload: string }>(
        `select k, payload::varchar as payload from (
           select ${key} as k, payload, row_number() over (partition by ${key} order by _extracted_at desc) as rank
           from read_parquet(?)
         ) where rank = 1 order by k`,
        [join(dir, "[!.]*.parquet")],
      ),
    );
    out[stream.name] = rows.map((r) => `${r.k} ${r.payload}`);
  }
  return out;
}
