import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeBuildInputs } from "../warehouse/build-inputs.ts";
import { sqlLiteral, withDb } from "../warehouse/duckdb.ts";

const scratch: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "yardstick-inputs-"));
  scratch.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

async function readParquet(file: string) {
  return await withDb(":memory:", "read_write", async (db) => ({
    columns: await db.all<{ column_name: string; column_type: string }>(
      `select column_name, column_type from (describe select * from read_parquet(${sqlLiteral(file)}))`,
    ),
    rows: await db.all<Record<string, string>>(`select * from read_parquet(${sqlLiteral(file)})`),
  }));
}

describe("writeBuildInputs", () => {
  it("writes every team member and team repository, with names kept exactly as written", async () => {
    const dir = tempDir();
    const teams = [
      { name: 'Platform\'s "core"; drop table x; --', members: ["alice", "Bob"], repos: ["acme/api"] },
      { name: "web", members: ["bob"], repos: ["acme/web", "acme/site"] },
    ];
    const written = await writeBuildInputs({ teams }, dir);

    expect(written.rows).toMatchObject({ teamMembers: 3, teamRepos: 3 });
    const members = await readParquet(written.files.teamMembers);
    const repos = await readParquet(written.files.teamRepos);
    expect(members.columns).toEqual([
      { column_name: "team", column_type: "VARCHAR" },
      { column_name: "login", column_type: "VARCHAR" },
    ]);
    const byKey = <T extends Record<string, string>>(rows: T[]) =>
      rows.map((r) => JSON.stringify(r)).sort((a, b) => a.localeCompare(b));
    expect(byKey(members.rows)).toEqual(
      byKey(teams.flatMap((t) => t.members.map((login) => ({ team: t.name, login })))),
    );
    expect(byKey(repos.rows)).toEqual(
      byKey(teams.flatMap((t) => t.repos.map((repository) => ({ team: t.name, repository })))),
    );
    // Files are renamed into place: no temporary names are left behind.
    expect(readdirSync(dir).sort()).toEqual([
      "ai_signals.parquet",
      "definitions.parquet",
      "deploy_workflows.parquet",
      "size_buckets.parquet",
      "team_members.parquet",
      "team_repos.parquet",
    ]);
  });

  it("writes typed files with no rows when yardstick.yaml names no teams", async () => {
    const written = await writeBuildInputs({ teams: [] }, tempDir());
    const repos = await readParquet(written.files.teamRepos);
    expect(written.rows).toMatchObject({ teamMembers: 0, teamRepos: 0 });
    expect(repos.rows).toEqual([]);
    expect(repos.columns.map((c) => `${c.column_name} ${c.column_type}`)).toEqual([
      "team VARCHAR",
      "repository VARCHAR",
    ]);
  });
});
