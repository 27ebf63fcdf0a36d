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
      "incident_mappings.parquet",
      "size_buckets.parquet",
      "team_members.parquet",
      "team_repos.parquet",
    ]);
  });

  it("writes where PagerDuty's services and incident.io's field values and types belong, values as written", async () => {
    const written = await writeBuildInputs(
      {
        teams: [],
        pagerduty: {
          url: "https://api.pagerduty.com",
          tokenEnv: "PAGERDUTY_TOKEN",
          requestIntervalMs: 100,
          pageSize: 100,
          services: [{ id: "PX1", repos: ["acme/api", "acme/web"], teams: ["payments"] }],
        },
        incidentIo: {
          url: "https://api.incident.io",
          tokenEnv: "INCIDENT_IO_TOKEN",
          requestIntervalMs: 100,
          pageSize: 250,
          referenceField: "Cause'; drop table x; --",
          mappings: [
            { customField: "Affected service", value: "api's", repos: ["acme/api"], teams: [] },
            { incidentType: "Platform", repos: [], teams: ["platform"] },
          ],
        },
      },
      tempDir(),
    );
    const mappings = await readParquet(written.files.incidentMappings);
    expect(written.rows.incidentMappings).toBe(6);
    expect(mappings.rows.map((r) => Object.values(r).join("|")).sort()).toEqual(
      [
        "incident_io|custom_field:Affected service|api's|acme/api|",
        "incident_io|incident_type|Platform||platform",
        "incident_io|reference_field|Cause'; drop table x; --||",
        "pagerduty|service|PX1|acme/api|",
        "pagerduty|service|PX1|acme/web|",
        "pagerduty|service|PX1||payments",
      ].sort(),
    );
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
