/**
 * The build inputs: what dbt needs from yardstick.yaml (teams) and from metrics.yaml (`definitions:`),
 * written as Parquet just before dbt runs, so that they reach the warehouse through sources like any other
 * data (the models never read YAML). A change in either file reclassifies all history on the next build,
 * without re-extraction.
 *
 * Written through an in-memory DuckDB with every value bound as a parameter: team names, logins and
 * patterns come from files people edit and are never pasted into SQL.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tempSibling } from "../core/atomic-fs.ts";
import type { Config } from "../core/config.ts";
import { InputError, type InputProblem } from "../core/errors.ts";
import { LITERAL_SIGNAL_KINDS } from "../metrics/default-definitions.ts";
import { DEFAULT_DEFINITIONS, type Definitions } from "../metrics/metric-schema.ts";
import { requiredLiteral } from "../metrics/re2-pattern.ts";
import { isPathGlob, workflowGlobRegex } from "../metrics/workflow-glob.ts";
import { type Db, sqlLiteral, withDb } from "./duckdb.ts";

export interface BuildInputFiles {
  teamMembers: string;
  teamRepos: string;
  /** Where incident tools' incidents belong: (source, field, value, repository, team). */
  incidentMappings: string;
  /** One row: the scalar definitions (production pattern, revert window, incident labels, privacy floor, …). */
  definitions: string;
  /** One row per AI signal, automation accounts included (kind automation_login). */
  aiSignals: string;
  sizeBuckets: string;
  /** One row per `deploy_workflows` entry, in order, with its glob compiled to a regular expression. */
  deployWorkflows: string;
}

export interface BuildInputRows {
  teamMembers: number;
  teamRepos: number;
  incidentMappings: number;
  aiSignals: number;
  sizeBuckets: number;
  deployWorkflows: number;
}

/** Where the inputs live under `<data>/build/inputs`. */
export function buildInputPaths(inputsDir: string): BuildInputFiles {
  return {
    teamMembers: join(inputsDir, "team_members.parquet"),
    teamRepos: join(inputsDir, "team_repos.parquet"),
    incidentMappings: join(inputsDir, "incident_mappings.parquet"),
    definitions: join(inputsDir, "definitions.parquet"),
    aiSignals: join(inputsDir, "ai_signals.parquet"),
    sizeBuckets: join(inputsDir, "size_buckets.parquet"),
    deployWorkflows: join(inputsDir, "deploy_workflows.parquet"),
  };
}

/** One row of ai_signals.parquet. */
export interface AiSignalRow {
  signal: string;
  tool: string;
  kind: string;
  pattern: string;
  strength: string;
  authorship: string;
  /** Lower-case text every match contains (regular-expression kinds), so the build can skip most rows. */
  required_text: string | null;
}

/**
 * The catalogue as dbt reads it: the AI signals, then one automation_login signal per automation account.
 * Example: `aiSignalRows(DEFAULT_DEFINITIONS)[0]` → `{ signal: "copilot_agent_login", kind: "agent_login", … }`.
 */
export function aiSignalRows(
  definitions: Pick<Definitions, "ai_signals" | "automation_accounts">,
): AiSignalRow[] {
  const signals = definitions.ai_signals.map((s) => ({
    ...s,
    required_text: LITERAL_SIGNAL_KINDS.includes(s.kind) ? null : requiredLiteral(s.pattern),
  }));
  const automation = definitions.automation_accounts.map((login) => {
    const tool = login.replace(/\[bot\]$/i, "").toLowerCase();
    return {
      signal: `automation_account_${login
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "_")
        .replace(/^_+|_+$/g, "")}`,
      tool,
      kind: "automation_login",
      pattern: login,
      strength: "certain",
      authorship: "automation",
      required_text: null,
    };
  });
  return [...signals, ...automation];
}

/** One row of deploy_workflows.parquet. */
export interface DeployWorkflowRow {
  position: number;
  /** The glob as written in metrics.yaml. */
  workflow: string;
  /** `path`: matched against the workflow file's path; `name`: against its name and its file name. */
  match_on: "path" | "name";
  workflow_regex: string;
  /** A fixed environment, `{workflow}` or `{job}`. */
  environment: string;
  jobs_regex: string | null;
}

/**
 * The deploy workflows as dbt reads them. Example: `{ workflow: "deploy*.yml", environment: "production" }` →
 * `{ position: 0, match_on: "name", workflow_regex: "^deploy.*\\.yml$", environment: "production", … }`.
 */
export function deployWorkflowRows(definitions: Pick<Definitions, "deploy_workflows">): DeployWorkflowRow[] {
  return definitions.deploy_workflows.map((entry, position) => ({
    position,
    workflow: entry.workflow,
    match_on: isPathGlob(entry.workflow) ? "path" : "name",
    workflow_regex: workflowGlobRegex(entry.workflow),
    environment: entry.environment,
    jobs_regex: entry.jobs === undefined ? null : workflowGlobRegex(entry.jobs),
  }));
}

type MappingRow = readonly [string, string, string, string | null, string | null];

/**
 * The rows of incident_mappings.parquet: each PagerDuty service (field `service`) and each incident.io
 * custom field value (`custom_field:<name>`) or incident type (`incident_type`) with every repository and
 * every team it maps to, one a row; and for incident.io the custom field naming root causes (field
 * `reference_field`, neither repository nor team).
 * Example: a service PX1 with repos [acme/api] → `["pagerduty", "service", "PX1", "acme/api", null]`.
 */
export function incidentMappingRows(config: Partial<Pick<Config, "pagerduty" | "incidentIo">>): MappingRow[] {
  const rows: MappingRow[] = [];
  const targets = (
    source: string,
    field: string,
    value: string,
    to: { repos: string[]; teams: string[] },
  ) => {
    for (const repository of to.repos) rows.push([source, field, value, repository, null]);
    for (const team of to.teams) rows.push([source, field, value, null, team]);
  };
  for (const service of config.pagerduty?.services ?? [])
    targets("pagerduty", "service", service.id, service);
  if (config.incidentIo)
    rows.push(["incident_io", "reference_field", config.incidentIo.referenceField, null, null]);
  for (const mapping of config.incidentIo?.mappings ?? []) {
    if (mapping.customField !== undefined)
      targets("incident_io", `custom_field:${mapping.customField}`, mapping.value ?? "", mapping);
    else if (mapping.incidentType !== undefined)
      targets("incident_io", "incident_type", mapping.incidentType, mapping);
  }
  return rows;
}

/**
 * Writes team_members.parquet (team, login) and team_repos.parquet (team, repository) from the teams in
 * `config`, incident_mappings.parquet from its incident sources, and definitions.parquet, ai_signals.parquet,
 * size_buckets.parquet and deploy_workflows.parquet from `definitions`
 * (metrics.yaml; Yardstick's defaults when absent). Each file is replaced atomically. Throws an InputError
 * when a pattern does not compile in the warehouse's regular-expression engine.
 */
export async function writeBuildInputs(
  config: Pick<Config, "teams"> & Partial<Pick<Config, "pagerduty" | "incidentIo">>,
  inputsDir: string,
  definitions: Definitions = DEFAULT_DEFINITIONS,
): Promise<{ files: BuildInputFiles; rows: BuildInputRows }> {
  mkdirSync(inputsDir, { recursive: true });
  const files = buildInputPaths(inputsDir);
  const members = config.teams.flatMap((team) => team.members.map((login) => [team.name, login] as const));
  const repos = config.teams.flatMap((team) =>
    team.repos.map((repository) => [team.name, repository] as const),
  );
  const mappings = incidentMappingRows(config);
  const signals = aiSignalRows(definitions);
  const deployWorkflows = deployWorkflowRows(definitions);
  let previousMax = -1;
  const buckets = definitions.size_buckets.map((b) => {
    const row = { bucket: b.bucket, min_lines: previousMax + 1, max_lines: b.max_lines ?? null };
    previousMax = b.max_lines ?? previousMax;
    return row;
  });

  await withDb(":memory:", "read_write", async (db) => {
    await checkPatterns(db, definitions);
    await writePairs(db, files.teamMembers, "login", members);
    await writePairs(db, files.teamRepos, "repository", repos);
    await writeRows(
      db,
      files.incidentMappings,
      "source varchar, field varchar, value varchar, repository varchar, team varchar",
      mappings,
      "source, field, value, repository, team",
    );
    await writeDefinitions(db, files.definitions, definitions);
    await writeRows(
      db,
      files.aiSignals,
      "signal varchar, tool varchar, kind varchar, pattern varchar, strength varchar, authorship varchar, required_text varchar",
      signals.map((s) => [s.signal, s.tool, s.kind, s.pattern, s.strength, s.authorship, s.required_text]),
    );
    await writeRows(
      db,
      files.sizeBuckets,
      "bucket varchar, min_lines integer, max_lines integer",
      buckets.map((b) => [b.bucket, b.min_lines, b.max_lines]),
    );
    await writeRows(
      db,
      files.deployWorkflows,
      "position integer, workflow varchar, match_on varchar, workflow_regex varchar, environment varchar, jobs_regex varchar",
      deployWorkflows.map((w) => [
        w.position,
        w.workflow,
        w.match_on,
        w.workflow_regex,
        w.environment,
        w.jobs_regex,
      ]),
      "position",
    );
  });
  return {
    files,
    rows: {
      teamMembers: members.length,
      teamRepos: repos.length,
      incidentMappings: mappings.length,
      aiSignals: signals.length,
      sizeBuckets: buckets.length,
      deployWorkflows: deployWorkflows.length,
    },
  };
}

/** Compiles every regular expression in DuckDB itself, so a pattern RE2 rejects fails here, by name. */
async function checkPatterns(db: Db, definitions: Definitions): Promise<void> {
  const patterns: [field: string, pattern: string][] = [
    ["definitions.production_environment_pattern", definitions.production_environment_pattern],
  ];
  definitions.ai_signals.forEach((s, i) => {
    if (!LITERAL_SIGNAL_KINDS.includes(s.kind))
      patterns.push([`definitions.ai_signals[${i}].pattern`, s.pattern]);
  });
  const problems: InputProblem[] = [];
  for (const [field, pattern] of patterns) {
    try {
      await db.all("select regexp_matches('', $pattern, 'i') as ok", { pattern });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      problems.push({ field, message: `does not compile in the warehouse (RE2): ${reason}` });
    }
  }
  if (problems.length > 0) throw new InputError("metrics.yaml definitions are invalid", problems);
}

async function writeDefinitions(db: Db, target: string, definitions: Definitions): Promise<void> {
  await db.run("create or replace temp table incident_label (position integer, label varchar)");
  for (const [position, label] of definitions.incident_labels.entries()) {
    await db.run("insert into incident_label values ($position, $label)", { position, label });
  }
  await db.run(
    `create or replace temp table build_input as
     select
         cast($pattern as varchar) as production_environment_pattern,
         cast($revert as integer) as revert_window_days,
         coalesce((select list(label order by position) from incident_label), cast([] as varchar[]))
             as incident_labels,
         cast($floor as integer) as privacy_floor,
         cast($otherBots as boolean) as other_bots_are_automation,
         cast($share as double) as ai_authored_commit_share,
         cast($teams as varchar) as team_attribution`,
    {
      pattern: definitions.production_environment_pattern,
      revert: definitions.revert_window_days,
      floor: definitions.privacy_floor,
      otherBots: definitions.other_bots_are_automation,
      share: definitions.ai_authored_commit_share,
      teams: definitions.team_attribution,
    },
  );
  await copyTo(db, target, "select * from build_input");
}

async function writePairs(
  db: Db,
  target: string,
  column: "login" | "repository",
  rows: readonly (readonly [string, string])[],
): Promise<void> {
  await writeRows(db, target, `team varchar, ${column} varchar`, rows, `team, ${column}`);
}

/** A typed, possibly empty table written to `target`, so that the Parquet file has its columns even with no rows. */
async function writeRows(
  db: Db,
  target: string,
  columns: string,
  rows: readonly (readonly (string | number | null)[])[],
  orderBy?: string,
): Promise<void> {
  await db.run(`create or replace temp table build_input (${columns})`);
  const width = columns.split(",").length;
  const placeholders = Array.from({ length: width }, (_, i) => `$${i + 1}`).join(", ");
  for (const row of rows) {
    await db.run(`insert into build_input values (${placeholders})`, [...row]);
  }
  await copyTo(db, target, `select * from build_input${orderBy ? ` order by ${orderBy}` : ""}`);
}

async function copyTo(db: Db, target: string, query: string): Promise<void> {
  const tmp = tempSibling(target);
  try {
    // COPY's target cannot be a parameter, so the path (never a definition) is quoted as a literal.
    await db.run(`copy (${query}) to ${sqlLiteral(tmp)} (format parquet)`);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
