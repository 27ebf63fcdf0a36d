/**
 * The build inputs: what dbt needs from yardstick.yaml, written as Parquet just before dbt runs, so that
 * team membership reaches the warehouse through sources like any other data (the models never read YAML).
 *
 * Written through an in-memory DuckDB with every value bound as a parameter: team names and logins come from
 * a file people edit and are never pasted into SQL.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tempSibling } from "../core/atomic-fs.ts";
import type { Config } from "../core/config.ts";
import { type Db, sqlLiteral, withDb } from "./duckdb.ts";

export interface BuildInputFiles {
  teamMembers: string;
  teamRepos: string;
}

/** Where the inputs live under `<data>/build/inputs`. */
export function buildInputPaths(inputsDir: string): BuildInputFiles {
  return {
    teamMembers: join(inputsDir, "team_members.parquet"),
    teamRepos: join(inputsDir, "team_repos.parquet"),
  };
}

/**
 * Writes team_members.parquet (team, login) and team_repos.parquet (team, repository) from the teams in
 * `config`; either may have zero rows. Each file is replaced atomically. Returns the paths and row counts.
 */
export async function writeBuildInputs(
  config: Pick<Config, "teams">,
  inputsDir: string,
): Promise<{ files: BuildInputFiles; rows: { teamMembers: number; teamRepos: number } }> {
  mkdirSync(inputsDir, { recursive: true });
  const files = buildInputPaths(inputsDir);
  const members = config.teams.flatMap((team) => team.members.map((login) => [team.name, login] as const));
  const repos = config.teams.flatMap((team) =>
    team.repos.map((repository) => [team.name, repository] as const),
  );

  await withDb(":memory:", "read_write", async (db) => {
    await writeTable(db, files.teamMembers, "login", members);
    await writeTable(db, files.teamRepos, "repository", repos);
  });
  return { files, rows: { teamMembers: members.length, teamRepos: repos.length } };
}

async function writeTable(
  db: Db,
  target: string,
  column: "login" | "repository",
  rows: readonly (readonly [string, string])[],
): Promise<void> {
  // A typed, possibly empty table, so that the Parquet file has its columns even with no rows.
  await db.run(`create or replace temp table build_input (team varchar, ${column} varchar)`);
  for (const [team, value] of rows) {
    await db.run("insert into build_input values ($team, $value)", { team, value });
  }
  const tmp = tempSibling(target);
  try {
    // COPY's target cannot be a parameter, so the path (never a team name) is quoted as a literal.
    await db.run(
      `copy (select * from build_input order by team, ${column}) to ${sqlLiteral(tmp)} (format parquet)`,
    );
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
