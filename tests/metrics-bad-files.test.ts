/**
 * Bad metrics.yaml files, kind by kind: each names file:line:column, the field and what is wrong, exits 2,
 * and leaves a real pipeline's data folder (lake, ledger, warehouse, published site) exactly as it was.
 *
 * Every bad file is a small valid base file with one thing broken. The expected position is found here by
 * searching the text for the broken token (not by asking the parser), so a wrong line or column fails.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { metricsCommand } from "../cli/metrics-command.ts";
import { dataPaths, loadConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { runPipeline } from "../jobs/pipeline.ts";
import { parseMetricsFile } from "../metrics/metrics-file.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";

const ROOT = resolve(import.meta.dirname, "..");
const run = promisify(execFile);

/** A valid file using every metric type, both definitions lists and bands; each kind breaks one thing. */
const BASE = `version: 1

definitions:
  privacy_floor: 5
  production_environment_pattern: '^(prod|production)([-_ ].*)?$'
  deploy_workflows:
    - { workflow: "deploy*.yml", environment: production }
    - { workflow: ".github/workflows/release.yml", environment: "{job}", jobs: "deploy-*" }
  size_buckets:
    - { bucket: "0-10", max_lines: 10 }
    - { bucket: "11-100", max_lines: 100 }
    - { bucket: "101+" }
  ai_signals:
    - { signal: claude_code_coauthor, tool: claude_code, kind: trailer_email, strength: certain,
        authorship: ai_assisted, pattern: '^no-?reply@anthropic\\.com$' }
    - { signal: codex_task_link, tool: codex, kind: body_link, strength: certain,
        authorship: ai_authored, pattern: 'chatgpt\\.com/codex/tasks/task_' }

metrics:
  - name: merged_prs
    type: simple
    label: Merged pull requests
    description: Pull requests merged in the period.
    owner: devex
    model: fct_pull_requests
    agg: count
    expr: pull_request_id
    filter: is_merged
    time_dimension: merged_at
    unit: count
    direction: higher_is_better
    dimensions: [team, authorship_class]

  - name: time_to_merge_p50
    type: simple
    label: Median time to merge
    description: Hours from opening to merge.
    owner: devex
    model: fct_pull_requests
    agg: median
    expr: time_to_merge_hours
    filter: is_merged
    time_dimension: merged_at
    unit: hours
    direction: lower_is_better
    min_sample: 5
    dimensions: [team, authorship_class]
    bands: { elite: 24, high: 168, medium: 720 }

  - name: time_to_merge_p90
    type: simple
    label: 90th percentile time to merge
    description: Hours from opening to merge, 90th percentile.
    owner: devex
    model: fct_pull_requests
    agg: percentile
    agg_params: { percentile: 0.9 }
    expr: time_to_merge_hours
    filter: is_merged
    time_dimension: merged_at
    unit: hours
    direction: lower_is_better
    dimensions: [team]

  - name: reverted_prs
    type: simple
    label: Reverted pull requests
    description: Merged pull requests reverted within the window.
    owner: devex
    model: fct_pull_requests
    agg: sum_boolean
    expr: reverted_within_window
    filter: is_merged
    time_dimension: merged_at
    unit: count
    direction: lower_is_better
    dimensions: [team, authorship_class]

  - name: revert_rate
    type: ratio
    label: Revert rate
    description: Share of merged pull requests reverted.
    owner: devex
    numerator: reverted_prs
    denominator: merged_prs
    unit: ratio
    direction: lower_is_better
    dimensions: [team]
    bands: { elite: 0.01, high: 0.05, medium: 0.1 }

  - name: deployments
    type: simple
    label: Production deployments
    description: Successful production deployments.
    owner: devex
    model: fct_deployments
    agg: count
    expr: deployment_id
    filter: is_production and is_success
    time_dimension: finished_at
    unit: count
    direction: higher_is_better
    dimensions: [team, environment]

  - name: change_failure_rate
    type: ratio
    label: Change failure rate
    description: Production deployments that caused an incident.
    owner: devex
    numerator: { metric: deployments, filter: has_incident }
    denominator: deployments
    unit: ratio
    direction: lower_is_better
    dimensions: [team]

  - name: incidents
    type: simple
    label: Incidents
    description: Incidents opened in the period.
    owner: sre
    model: fct_incidents
    agg: count
    expr: incident_id
    time_dimension: started_at
    unit: count
    direction: lower_is_better
    dimensions: [team]

  - name: deployment_days
    type: simple
    label: Days with a production deployment
    description: Distinct UTC days with a successful production deployment.
    owner: devex
    model: fct_deployments
    agg: count_distinct
    expr: "date_trunc('day', finished_at)"
    filter: is_production and is_success
    time_dimension: finished_at
    unit: days
    direction: higher_is_better
    dimensions: [team]

  - name: deployment_days_per_week
    type: derived
    label: Deployment days per week
    description: Days with a production deployment, per week.
    owner: devex
    expr: deployment_days / period_days * 7
    metrics: [deployment_days]
    unit: per_week
    direction: higher_is_better
    dimensions: [team]
    bands: { elite: 5, high: 1, medium: 0.23 }

  - name: merges_per_deploy_day
    type: derived
    label: Merges per deployment day
    description: Merged pull requests per day with a production deployment.
    owner: devex
    expr: merged / days
    metrics:
      - { metric: merged_prs, alias: merged }
      - { metric: deployment_days, alias: days }
    unit: ratio
    direction: neutral
    dimensions: [team]
`;

/** The text of metric `name` in BASE (from its `- name:` line to the blank line after it). */
function block(text: string, name: string): string {
  const start = text.indexOf(`  - name: ${name}\n`);
  if (start < 0) throw new Error(`no metric ${name}`);
  const end = text.indexOf("\n\n", start);
  return text.slice(start, end < 0 ? text.length : end + 1);
}

/** Replaces `from` by `to` inside metric `name` only (exactly once), or in the whole text without a name. */
function edit(text: string, from: string, to: string, name?: string): string {
  const scope = name ? block(text, name) : text;
  const count = scope.split(from).length - 1;
  if (count !== 1) throw new Error(`"${from}" occurs ${count} times in ${name ?? "the file"}`);
  const changed = scope.replace(from, to);
  return name ? text.replace(scope, changed) : changed;
}

/** 1-based line and column of the first `needle` at or after the first `after` (if given) in `text`. */
function positionOf(text: string, needle: string, after?: string): { line: number; column: number } {
  const from = after === undefined ? 0 : text.indexOf(after);
  if (from < 0) throw new Error(`"${after}" not found`);
  const index = text.indexOf(needle, from);
  if (index < 0) throw new Error(`"${needle}" not found after "${after}"`);
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

interface BadKind {
  /** What is wrong, as a reader would say it. */
  what: string;
  text: string;
  /** The field path the report names ("" for a problem with the whole file). */
  field: string;
  /** The broken token whose first character is the reported position, and a line to search from. */
  at: string;
  after?: string;
  /** A fragment the message must contain. */
  message: string | RegExp;
  /** Found by the SQL check of `metrics check` (DuckDB binding), not by loading the file. */
  sql?: boolean;
}

const metric = (name: string) => `- name: ${name}`;

const KINDS: BadKind[] = [
  {
    what: "a YAML syntax error",
    text: edit(BASE, "expr: pull_request_id", "expr: @pull_request_id"),
    field: "",
    at: "@pull_request_id",
    message: /reserved character @/,
  },
  {
    what: "a tab used for indentation",
    text: edit(BASE, "    label: Merged pull requests", "\tlabel: Merged pull requests"),
    field: "",
    at: "\tlabel",
    message: "Tabs are not allowed as indentation",
  },
  {
    what: "a key written twice in one metric",
    text: edit(BASE, "    type: simple\n", "    type: simple\n    type: ratio\n", "merged_prs"),
    field: "",
    at: "type: ratio",
    message: "Map keys must be unique",
  },
  {
    what: "a file that is a list, not a mapping",
    text: "- name: merged_prs\n  type: simple\n",
    field: "",
    at: "- name",
    message: /expected object/,
  },
  {
    what: "a missing version",
    text: edit(BASE, "version: 1\n\n", ""),
    field: "version",
    at: "definitions:",
    message: "must be 1 (the only metrics.yaml version): got nothing",
  },
  {
    what: "a version other than 1",
    text: edit(BASE, "version: 1", "version: 2"),
    field: "version",
    at: "2",
    after: "version:",
    message: "must be 1 (the only metrics.yaml version)",
  },
  {
    what: "an unknown top-level key",
    text: edit(BASE, "\nmetrics:\n", "\nmetric_owner: devex\nmetrics:\n"),
    field: "metric_owner",
    at: "metric_owner",
    message: 'unknown key "metric_owner"',
  },
  {
    what: "an empty metrics list",
    text: `${BASE.slice(0, BASE.indexOf("metrics:\n"))}metrics: []\n`,
    field: "metrics",
    at: "[]",
    message: "must define at least one metric",
  },
  {
    what: "a metric without a type",
    text: edit(BASE, "    type: simple\n", "", "merged_prs"),
    field: "metrics[0].type",
    at: "name: merged_prs",
    message: /must be one of simple, ratio, derived/,
  },
  {
    what: "an unknown metric type",
    text: edit(BASE, "type: simple", "type: simpel", "merged_prs"),
    field: "metrics[0].type",
    at: "simpel",
    message: /must be one of simple, ratio, derived/,
  },
  {
    what: "a metric written as a bare name",
    text: `${BASE.slice(0, BASE.indexOf("metrics:\n"))}metrics:\n  - merged_prs\n`,
    field: "metrics[0]",
    at: "merged_prs",
    message: 'must be one of simple, ratio, derived: got "merged_prs"',
  },
  {
    what: "a missing required field (label)",
    text: edit(BASE, "    label: Merged pull requests\n", "", "merged_prs"),
    field: "metrics[0].label",
    at: "name: merged_prs",
    message: "is required",
  },
  {
    what: "an unknown field (a typo of filter)",
    text: edit(BASE, "filter: is_merged", "filtr: is_merged", "merged_prs"),
    field: "metrics[0].filtr",
    at: "filtr",
    message: 'unknown key "filtr"',
  },
  {
    what: "an unknown unit",
    text: edit(BASE, "unit: count", "unit: pull_requests", "incidents"),
    field: "metrics[7].unit",
    at: "pull_requests",
    after: "unit: pull_requests",
    message: /Invalid option: expected one of "count"\|"hours"/,
  },
  {
    what: "a name that is not snake_case",
    text: edit(BASE, "name: incidents", "name: Incidents-Opened"),
    field: "metrics[7].name",
    at: "Incidents-Opened",
    message: "must be lower_snake_case",
  },
  {
    what: "two metrics with one name",
    text: edit(BASE, "name: incidents", "name: deployments"),
    field: "metrics[7].name",
    at: "deployments",
    after: "name: deployments\n    type: simple\n    label: Incidents",
    message: `"deployments" is already defined by metrics[5] (line ${positionOf(BASE, metric("deployments")).line})`,
  },
  {
    what: "an unknown aggregation",
    text: edit(BASE, "agg: count\n", "agg: total\n", "incidents"),
    field: "metrics[7].agg",
    at: "total",
    message: /Invalid option: expected one of "count"\|/,
  },
  {
    what: "agg percentile without a percentile",
    text: edit(BASE, "    agg_params: { percentile: 0.9 }\n", "", "time_to_merge_p90"),
    field: "metrics[2].agg_params.percentile",
    at: "name: time_to_merge_p90",
    message: "is required when agg is percentile",
  },
  {
    what: "a percentile written as a percent (90)",
    text: edit(BASE, "percentile: 0.9 }", "percentile: 90 }", "time_to_merge_p90"),
    field: "metrics[2].agg_params.percentile",
    at: "90",
    after: "agg_params:",
    message: "must be between 0 and 1 (exclusive)",
  },
  {
    what: "a percentile of 1",
    text: edit(BASE, "percentile: 0.9 }", "percentile: 1 }", "time_to_merge_p90"),
    field: "metrics[2].agg_params.percentile",
    at: "1 }",
    after: "agg_params:",
    message: "must be between 0 and 1 (exclusive)",
  },
  {
    what: "a negative percentile",
    text: edit(BASE, "percentile: 0.9 }", "percentile: -0.5 }", "time_to_merge_p90"),
    field: "metrics[2].agg_params.percentile",
    at: "-0.5",
    message: "must be between 0 and 1 (exclusive)",
  },
  {
    what: "a median with a percentile other than 0.5",
    text: edit(BASE, "    agg: median\n", "    agg: median\n    agg_params: { percentile: 0.75 }\n"),
    field: "metrics[1].agg_params.percentile",
    at: "0.75",
    message: "must be 0.5 or absent when agg is median: got 0.75",
  },
  {
    what: "agg_params on a count",
    text: edit(
      BASE,
      "    agg: count\n",
      "    agg: count\n    agg_params: { percentile: 0.5 }\n",
      "merged_prs",
    ),
    field: "metrics[0].agg_params",
    at: "{ percentile: 0.5 }",
    message: "applies only to agg median or percentile, not count",
  },
  {
    what: "an unknown model",
    text: edit(BASE, "model: fct_incidents", "model: fct_incident"),
    field: "metrics[7].model",
    at: "fct_incident",
    after: metric("incidents"),
    message: 'is not a known warehouse model: got "fct_incident"',
  },
  {
    what: "a time dimension that is not a column",
    text: edit(BASE, "time_dimension: started_at", "time_dimension: opened_at"),
    field: "metrics[7].time_dimension",
    at: "opened_at",
    message: 'is not a column of fct_incidents: got "opened_at"',
  },
  {
    what: "a time dimension that is not a timestamp",
    text: edit(BASE, "time_dimension: started_at", "time_dimension: state"),
    field: "metrics[7].time_dimension",
    at: "state",
    after: "time_dimension: state",
    message: "must be a timestamp column; state is varchar",
  },
  {
    what: "a dimension that is not a column",
    text: edit(BASE, "dimensions: [team, environment]", "dimensions: [team, env]"),
    field: "metrics[5].dimensions[1]",
    at: "env]",
    message: 'is not a column of fct_deployments: got "env"',
  },
  {
    what: "a dimension that is a measure",
    text: edit(BASE, "dimensions: [team, environment]", "dimensions: [team, duration_minutes]"),
    field: "metrics[5].dimensions[1]",
    at: "duration_minutes",
    message: "must be a category (varchar or boolean column); duration_minutes is double",
  },
  {
    what: "a dimension listed twice",
    text: edit(BASE, "dimensions: [team, environment]", "dimensions: [team, environment, team]"),
    field: "metrics[5].dimensions[2]",
    at: "team]",
    after: "dimensions: [team, environment, team]",
    message: 'lists "team" twice',
  },
  {
    what: "an expr with a second statement",
    text: edit(BASE, "expr: incident_id", "expr: incident_id; drop table fct_incidents"),
    field: "metrics[7].expr",
    at: "incident_id; drop",
    message: "must be one SQL expression (no ';')",
  },
  {
    what: "an expr with a SQL comment",
    text: edit(BASE, "expr: incident_id", "expr: incident_id -- all of them"),
    field: "metrics[7].expr",
    at: "incident_id --",
    message: "must not contain SQL comments",
  },
  {
    what: "a filter with a block comment",
    text: edit(BASE, "filter: is_merged", 'filter: "is_merged /* and not is_draft */"', "merged_prs"),
    field: "metrics[0].filter",
    at: '"is_merged /*',
    message: "must not contain SQL comments",
  },
  {
    what: "an expr naming a column the model does not have",
    text: edit(BASE, "expr: incident_id", "expr: incident_key"),
    field: "metrics[7].expr",
    at: "incident_key",
    message: /is not valid over fct_incidents: .*incident_key/,
    sql: true,
  },
  {
    what: "a median of text",
    text: edit(BASE, "expr: time_to_merge_hours", "expr: title", "time_to_merge_p50"),
    field: "metrics[1].expr",
    at: "title",
    message: "must be a number for agg median; it is VARCHAR",
    sql: true,
  },
  {
    what: "a filter that is not true or false",
    text: edit(BASE, "filter: is_merged", "filter: merged_at", "reverted_prs"),
    field: "metrics[3].filter",
    at: "merged_at",
    after: metric("reverted_prs"),
    message: "must be true or false (a condition); it is TIMESTAMP",
    sql: true,
  },
  {
    what: "sum_boolean over a number",
    text: edit(BASE, "expr: reverted_within_window", "expr: additions"),
    field: "metrics[3].expr",
    at: "additions",
    message: "must be true or false for agg sum_boolean; it is INTEGER",
    sql: true,
  },
  {
    what: "a ratio side's filter naming an unknown column",
    text: edit(BASE, "filter: has_incident }", "filter: had_incident }"),
    field: "metrics[6].numerator.filter",
    at: "had_incident",
    message: /is not valid over fct_deployments: .*had_incident/,
    sql: true,
  },
  {
    what: "an aggregate inside expr",
    text: edit(BASE, "expr: time_to_merge_hours", "expr: max(time_to_merge_hours)", "time_to_merge_p50"),
    field: "metrics[1].expr",
    at: "max(time_to_merge_hours)",
    message: /does not aggregate with median: .*aggregate function calls cannot be nested/,
    sql: true,
  },
  {
    what: "a ratio naming an unknown metric",
    text: edit(BASE, "numerator: reverted_prs", "numerator: reverts"),
    field: "metrics[4].numerator",
    at: "reverts",
    after: "numerator:",
    message: 'names "reverts", which is not a metric in this file',
  },
  {
    what: "a ratio naming a derived metric",
    text: edit(BASE, "denominator: merged_prs", "denominator: deployment_days_per_week"),
    field: "metrics[4].denominator",
    at: "deployment_days_per_week",
    message: '"deployment_days_per_week" is a derived metric',
  },
  {
    what: "a ratio of incompatible grains",
    text: edit(BASE, "numerator: { metric: deployments, filter: has_incident }", "numerator: incidents"),
    field: "metrics[6].denominator",
    at: "deployments",
    after: "numerator: incidents",
    message:
      "is a ratio of incompatible grains: the numerator counts fct_incidents rows, the denominator fct_deployments rows",
  },
  {
    what: "a ratio whose sides place rows by different time dimensions",
    text: edit(BASE, "time_dimension: merged_at", "time_dimension: closed_at", "reverted_prs"),
    field: "metrics[4].denominator",
    at: "merged_prs",
    after: "denominator: merged_prs",
    message: "must place rows in periods by the same time dimension as the numerator: closed_at vs merged_at",
  },
  {
    what: "a ratio sliced by a dimension one side lacks",
    text: edit(BASE, "dimensions: [team, authorship_class]", "dimensions: [team]", "reverted_prs").replace(
      "    dimensions: [team]\n    bands: { elite: 0.01",
      "    dimensions: [team, authorship_class]\n    bands: { elite: 0.01",
    ),
    field: "metrics[4].dimensions[1]",
    at: "authorship_class",
    after: "denominator: merged_prs",
    message: '"authorship_class" is not a dimension of reverted_prs',
  },
  {
    what: "a derived metric with an unknown input",
    text: edit(BASE, "- { metric: deployment_days, alias: days }", "- { metric: deploy_days, alias: days }"),
    field: "metrics[10].metrics[1].metric",
    at: "deploy_days",
    message: 'names "deploy_days", which is not a metric in this file',
  },
  {
    what: "a derived metric without inputs",
    text: edit(BASE, "metrics: [deployment_days]", "metrics: []"),
    field: "metrics[9].metrics",
    at: "[]",
    message: "must name at least one metric",
  },
  {
    what: "a derived expression naming something not among its inputs",
    text: edit(BASE, "expr: merged / days", "expr: merged / deploys"),
    field: "metrics[10].expr",
    at: "merged / deploys",
    message: 'refers to "deploys", which is not among its metrics (merged, days) or period_days',
  },
  {
    what: "a derived expression that is not a number",
    text: edit(BASE, "expr: merged / days", "expr: \"merged || 'x'\""),
    field: "metrics[10].expr",
    at: "\"merged || 'x'\"",
    message: "must be a number; it is VARCHAR",
    sql: true,
  },
  {
    what: "two derived metrics that need each other",
    text: edit(
      edit(BASE, "metrics: [deployment_days]", "metrics: [deployment_days, merges_per_deploy_day]"),
      "- { metric: merged_prs, alias: merged }",
      "- { metric: deployment_days_per_week, alias: merged }",
    ),
    field: "metrics[9].metrics",
    at: "[deployment_days, merges_per_deploy_day]",
    message: "forms a cycle: deployment_days_per_week → merges_per_deploy_day → deployment_days_per_week",
  },
  {
    what: "a derived metric that needs itself",
    text: edit(BASE, "metrics: [deployment_days]", "metrics: [deployment_days, deployment_days_per_week]"),
    field: "metrics[9].metrics",
    at: "[deployment_days, deployment_days_per_week]",
    message: "forms a cycle: deployment_days_per_week → deployment_days_per_week",
  },
  {
    what: "one alias for two inputs",
    text: edit(BASE, "{ metric: merged_prs, alias: merged }", "{ metric: merged_prs, alias: days }"),
    field: "metrics[10].metrics[1].metric",
    at: "deployment_days, alias: days",
    after: "{ metric: merged_prs, alias: days }",
    message: 'uses the name "days" twice; give one an alias',
  },
  {
    what: "an input aliased as the built-in period_days",
    text: edit(BASE, "alias: days }", "alias: period_days }"),
    field: "metrics[10].metrics[1].metric",
    at: "deployment_days, alias: period_days",
    message: '"period_days" is built in; choose another alias',
  },
  {
    what: "bands on a neutral metric",
    text: edit(
      BASE,
      "    direction: neutral\n",
      "    direction: neutral\n    bands: { elite: 10, high: 5, medium: 1 }\n",
    ),
    field: "metrics[10].bands",
    at: "{ elite: 10",
    message: "need a direction: a neutral metric has no better or worse band",
  },
  {
    what: "bands out of order",
    text: edit(
      BASE,
      "bands: { elite: 24, high: 168, medium: 720 }",
      "bands: { elite: 168, high: 24, medium: 720 }",
    ),
    field: "metrics[1].bands",
    at: "{ elite: 168",
    message: "must go best first for lower_is_better: elite <= high <= medium (got 168, 24, 720)",
  },
  {
    what: "a deploy workflow environment with an unknown placeholder",
    text: edit(BASE, 'environment: "{job}", jobs', 'environment: "{service}", jobs'),
    field: "definitions.deploy_workflows[1].environment",
    at: '"{service}"',
    message: "must be an environment name, or exactly one of {workflow}, {job}",
  },
  {
    what: "a deploy workflow glob with braces",
    text: edit(BASE, '"deploy*.yml"', '"deploy{,-prod}.yml"'),
    field: "definitions.deploy_workflows[0].workflow",
    at: '"deploy{,-prod}.yml"',
    message: "uses { }, which workflow patterns do not support",
  },
  {
    what: "deploy workflow jobs without the {job} environment",
    text: edit(BASE, 'environment: "{job}", jobs', "environment: production, jobs"),
    field: "definitions.deploy_workflows[1].jobs",
    at: '"deploy-*"',
    message: 'is only read with environment "{job}"',
  },
  {
    what: "a deploy workflow pattern that matches every workflow",
    text: edit(BASE, '"deploy*.yml"', '"*"'),
    field: "definitions.deploy_workflows[0].workflow",
    at: '"*"',
    message: "matches every workflow",
  },
  {
    what: "the same deploy workflow twice",
    text: edit(BASE, '".github/workflows/release.yml"', '"Deploy*.yml"'),
    field: "definitions.deploy_workflows[1].workflow",
    at: '"Deploy*.yml"',
    message: '"Deploy*.yml" is already deploy_workflows[0]',
  },
  {
    what: "an unknown key in a deploy workflow",
    text: edit(
      BASE,
      '{ workflow: "deploy*.yml", environment: production }',
      '{ workflow: "deploy*.yml", environments: production }',
    ),
    field: "definitions.deploy_workflows[0].environments",
    at: "environments",
    message: 'unknown key "environments"',
  },
  {
    what: "an unknown definition",
    text: edit(BASE, "  privacy_floor: 5\n", "  privacy_floor: 5\n  revert_window: 30\n"),
    field: "definitions.revert_window",
    at: "revert_window",
    message: 'unknown key "revert_window"',
  },
  {
    what: "a privacy floor of 0",
    text: edit(BASE, "privacy_floor: 5", "privacy_floor: 0"),
    field: "definitions.privacy_floor",
    at: "0",
    after: "privacy_floor:",
    message: /Too small: expected number to be >=1/,
  },
  {
    what: "a pattern with lookahead, which RE2 cannot run",
    text: edit(BASE, "'^(prod|production)([-_ ].*)?$'", "'^(?!staging)prod'"),
    field: "definitions.production_environment_pattern",
    at: "'^(?!staging)prod'",
    message: "uses lookahead ((?= or (?!), which the warehouse's RE2 does not support",
  },
  {
    what: "an AI signal pattern with a backreference",
    text: edit(BASE, "'chatgpt\\.com/codex/tasks/task_'", "'(task)_\\1'"),
    field: "definitions.ai_signals[1].pattern",
    at: "'(task)_",
    message: "uses backreferences",
  },
  {
    what: "size buckets that do not increase",
    text: edit(BASE, '{ bucket: "11-100", max_lines: 100 }', '{ bucket: "11-100", max_lines: 10 }'),
    field: "definitions.size_buckets[1].max_lines",
    at: "10 }",
    after: '"11-100"',
    message: "must be larger than the previous bucket's (10): buckets go smallest first",
  },
  {
    what: "two AI signals with one id",
    text: edit(BASE, "signal: codex_task_link", "signal: claude_code_coauthor"),
    field: "definitions.ai_signals[1].signal",
    at: "claude_code_coauthor",
    after: "authorship: ai_assisted",
    message: '"claude_code_coauthor" is already the id of ai_signals[0]',
  },
];

let dir: string;
/** A configuration path that does not exist, so `metrics check` has no warehouse to dry-run on. */
let noConfig: string;
const fileOf = new Map<BadKind, string>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ys-bad-metrics-"));
  noConfig = join(dir, "no-such-yardstick.yaml");
  KINDS.forEach((kind, i) => {
    const file = join(dir, `bad-${String(i).padStart(2, "0")}.yaml`);
    writeFileSync(file, kind.text);
    fileOf.set(kind, file);
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `yardstick metrics check` in this process: the InputError it throws. */
async function checkError(file: string): Promise<InputError> {
  const error = await metricsCommand({ out: () => {} })
    .parseAsync(["check", "--metrics", file, "--config", noConfig], { from: "user" })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!(error instanceof InputError)) throw new Error(`expected an InputError, got ${String(error)}`);
  return error;
}

/**
 * The report line the kind must produce, `field (file:line:col): message…` (or `file:line:col: message` for
 * the whole file), as a pattern whose group is the message.
 */
function expectedLine(kind: BadKind, file: string): RegExp {
  const { line, column } = positionOf(kind.text, kind.at, kind.after);
  const where = escapeRegExp(`${file}:${line}:${column}`);
  return new RegExp(
    kind.field ? `(?:^|\\s)${escapeRegExp(kind.field)} \\(${where}\\): (.*)$` : `(?:^|\\s)${where}: (.*)$`,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function expectReported(report: string, kind: BadKind, file: string): void {
  const pattern = expectedLine(kind, file);
  const line = report.split("\n").find((l) => pattern.test(l));
  expect(line, `no line matching ${pattern} in:\n${report}`).toBeDefined();
  const message = pattern.exec(line!)![1]!;
  if (typeof kind.message === "string") expect(message).toContain(kind.message);
  else expect(message).toMatch(kind.message);
}

describe("a bad metrics.yaml, kind by kind", () => {
  it("the base file is valid, SQL included, and the table covers many kinds", async () => {
    const base = join(dir, "base.yaml");
    writeFileSync(base, BASE);
    let out = "";
    await metricsCommand({ out: (t) => (out += t) }).parseAsync(
      ["check", "--metrics", base, "--config", noConfig],
      { from: "user" },
    );
    const names = (parseYaml(BASE) as { metrics: { name: string }[] }).metrics.map((m) => m.name);
    expect(out).toContain(`defines ${names.length} metrics`);
    expect(new Set(KINDS.map((k) => k.what)).size).toBe(KINDS.length);
    expect(KINDS.length).toBeGreaterThanOrEqual(24);
    for (const kind of KINDS) expect(kind.text, kind.what).not.toBe(BASE);
  });

  it.each(KINDS.map((k) => [k.what, k] as const))(
    "%s: file:line:column, field and message, exit 2",
    async (_what, kind) => {
      const file = fileOf.get(kind)!;
      const error = await checkError(file);
      expect(error.exitCode).toBe(2);
      expectReported(error.report(), kind, file);
      expect(error.message).toContain(kind.sql ? "has SQL that does not fit the warehouse" : file);
      // Loading alone (the first thing every command does) refuses all but the SQL kinds, which load and
      // are then refused by the SQL check.
      let loaded = true;
      try {
        parseMetricsFile(kind.text, file);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        loaded = false;
      }
      expect(loaded).toBe(kind.sql === true);
    },
  );
});

describe("several problems in one file", () => {
  /** The kinds that break different places of the file, applied together. */
  const combine = (...whats: string[]): { text: string; kinds: BadKind[] } => {
    const kinds = whats.map((w) => {
      const kind = KINDS.find((k) => k.what === w);
      if (!kind) throw new Error(`no kind "${w}"`);
      return kind;
    });
    // Each kind's text differs from BASE in one place: replay those edits by diffing lines.
    const lines = BASE.split("\n");
    let text = BASE;
    for (const kind of kinds) {
      const changed = kind.text.split("\n");
      expect(changed.length, kind.what).toBe(lines.length);
      const changedLines = changed.flatMap((l, i) => (l === lines[i] ? [] : [i]));
      const current = text.split("\n");
      for (const i of changedLines) current[i] = changed[i]!;
      text = current.join("\n");
    }
    return { text, kinds: kinds.map((k) => ({ ...k, text })) };
  };

  it("reports every problem of the file's fields at once, in file order", async () => {
    const { text, kinds } = combine(
      "a version other than 1",
      "a privacy floor of 0",
      "a pattern with lookahead, which RE2 cannot run",
      "two AI signals with one id",
      "an unknown metric type",
      "a percentile written as a percent (90)",
      "a dimension that is a measure",
      "two metrics with one name",
      "bands out of order",
    );
    const file = join(dir, "several.yaml");
    writeFileSync(file, text);
    const error = await checkError(file);
    expect(error.exitCode).toBe(2);
    for (const kind of kinds) expectReported(error.report(), kind, file);
    const lines = error.problems.map((p) => p.position!.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(error.problems).toHaveLength(kinds.length);
  });

  it("reports every problem between metrics at once", async () => {
    const { text, kinds } = combine(
      "a ratio naming an unknown metric",
      "a ratio of incompatible grains",
      "a derived expression naming something not among its inputs",
      "a derived metric that needs itself",
    );
    const file = join(dir, "several-references.yaml");
    writeFileSync(file, text);
    const error = await checkError(file);
    for (const kind of kinds) expectReported(error.report(), kind, file);
    expect(error.problems).toHaveLength(kinds.length);
  });

  it("reports field problems and problems between metrics together", async () => {
    const { text, kinds } = combine("an unknown aggregation", "a ratio naming an unknown metric");
    const file = join(dir, "fields-and-references.yaml");
    writeFileSync(file, text);
    const error = await checkError(file);
    for (const kind of kinds) expectReported(error.report(), kind, file);
    expect(error.problems).toHaveLength(kinds.length);
  });

  it("reports every SQL problem at once", async () => {
    const { text, kinds } = combine(
      "a median of text",
      "a filter that is not true or false",
      "a ratio side's filter naming an unknown column",
      "an expr naming a column the model does not have",
    );
    const file = join(dir, "several-sql.yaml");
    writeFileSync(file, text);
    const error = await checkError(file);
    for (const kind of kinds) expectReported(error.report(), kind, file);
    expect(error.problems).toHaveLength(kinds.length);
  });
});

/** The real `yardstick` command in a subprocess (asynchronous, so a simulator in this process keeps serving). */
async function yardstick(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, "bin", "yardstick.js"), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      encoding: "utf8",
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const kind = (what: string): BadKind => {
  const found = KINDS.find((k) => k.what === what);
  if (!found) throw new Error(`no kind "${what}"`);
  return found;
};

/**
 * Output of the CLI entry that bin/yardstick.js runs (cli/main.ts runCli), run in this process: the same
 * parsing, checks and exit codes, without a Node start per call. stderr is captured while it runs.
 */
async function yardstickInProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  const { runCli } = await import("../cli/main.ts");
  const write = process.stderr.write;
  let stderr = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await runCli(args), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe("yardstick metrics check through the CLI entry", () => {
  // A real subprocess for a few kinds (one per stage of checking: YAML, fields, references, SQL)…
  it.each([
    "a YAML syntax error",
    "an unknown field (a typo of filter)",
    "two derived metrics that need each other",
    "a median of text",
  ])("%s: a subprocess exits 2 with file:line:column and the message on stderr", async (what) => {
    const k = kind(what);
    const file = fileOf.get(k)!;
    const { code, stdout, stderr } = await yardstick([
      "metrics",
      "check",
      "--metrics",
      file,
      "--config",
      noConfig,
    ]);
    expect(code, stderr).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^error: metrics file .* (is not valid YAML|is invalid|has SQL that does not fit)/,
    );
    expectReported(stderr, k, file);
  });

  // …and every kind through the same entry in this process.
  it("every kind: runCli returns 2 and prints the report on stderr", async () => {
    for (const k of KINDS) {
      const file = fileOf.get(k)!;
      const { code, stderr } = await yardstickInProcess([
        "metrics",
        "check",
        "--metrics",
        file,
        "--config",
        noConfig,
      ]);
      expect(code, `${k.what}\n${stderr}`).toBe(2);
      expectReported(stderr, k, file);
    }
  });
});
/** Every file and folder under `root`: content hash, size and modification time (folders: time only). */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      out[`${path}/`] = `mtime ${stat.mtimeMs}`;
      for (const name of readdirSync(path)) walk(join(path, name));
    } else {
      const hash = createHash("sha256").update(readFileSync(path)).digest("hex");
      out[path] = `${hash} ${stat.size} mtime ${stat.mtimeMs}`;
    }
  };
  walk(root);
  return out;
}

/**
 * Bad files the nightly job and the page publisher get; each must be refused before anything is written,
 * the SQL kinds too (every command that writes checks the file's SQL against the contract first).
 */
const PIPELINE_SAMPLE = [
  "a YAML syntax error",
  "a version other than 1",
  "an unknown aggregation",
  "a dimension that is not a column",
  "a privacy floor of 0",
  "size buckets that do not increase",
  "a ratio naming a derived metric",
  "a derived metric with an unknown input",
  "an expr naming a column the model does not have",
  "a derived expression that is not a number",
];

describe("a bad metrics.yaml leaves a real pipeline's data untouched", () => {
  const TOKEN = "ghp_badMetricsTestTokenNeverWrittenAnywhere";
  let sim: Simulator;
  let dataDir: string;
  let configFile: string;

  beforeAll(async () => {
    const org = generateOrg({ seed: 5, repositories: 2, pullRequests: 60, days: 30 });
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN] });
    dataDir = mkdtempSync(join(tmpdir(), "ys-bad-metrics-data-"));
    configFile = join(dataDir, "yardstick.yaml");
    writeFileSync(
      configFile,
      stringify({
        dataDir: ".",
        github: {
          url: sim.url,
          tokenEnv: "SIM_TOKEN",
          requestIntervalMs: 0,
          orgs: [org.dataset.repositories[0]!.owner],
        },
        teams: org.teams,
      }),
    );
    const result = await runPipeline({
      config: loadConfig(configFile),
      root: ROOT,
      metricsFile: join(ROOT, "metrics.yaml"),
      logger: createMemoryLogger(),
      env: { SIM_TOKEN: TOKEN },
      client: { requestIntervalMs: 0, retryAfterBaseMs: 1 },
    });
    expect(result.pages.length).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await sim?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses each bad file with exit 2 in run, dashboards, build and metrics check; no byte or mtime moves", async () => {
    const paths = dataPaths(dataDir);
    // The pipeline really published: a warehouse, a page, a ledger.
    for (const path of [paths.warehouse, join(paths.site, "index.html"), paths.ledger])
      expect(statSync(path).size, path).toBeGreaterThan(0);
    const before = snapshot(dataDir);
    expect(Object.keys(before).length).toBeGreaterThan(10);
    const commands = (file: string) => [
      ["run", "--config", configFile, "--metrics", file],
      ["dashboards", "--config", configFile, "--metrics", file],
      ["build", "--config", configFile, "--metrics", file],
      ["extract", "--config", configFile, "--metrics", file],
      ["metrics", "check", "--config", configFile, "--metrics", file],
      ["metrics", "query", "merged_pull_requests", "--config", configFile, "--metrics", file],
    ];
    process.env.SIM_TOKEN = TOKEN;
    try {
      for (const what of PIPELINE_SAMPLE) {
        const k = kind(what);
        const file = fileOf.get(k)!;
        // `metrics query` of a sound metric still answers when another metric's SQL is wrong.
        for (const args of commands(file).filter((a) => !(k.sql && a[1] === "query"))) {
          const { code, stderr } = await yardstickInProcess(args);
          expect(code, `${what}: yardstick ${args.slice(0, 2).join(" ")}\n${stderr}`).toBe(2);
          expectReported(stderr, k, file);
        }
        expect(snapshot(dataDir), what).toEqual(before);
      }
    } finally {
      delete process.env.SIM_TOKEN;
    }
    // The nightly job and the publisher as real subprocesses too, for one kind.
    const k = kind("a ratio naming a derived metric");
    const file = fileOf.get(k)!;
    const results = await Promise.all(
      commands(file)
        .slice(0, 2)
        .map((args) => yardstick(args, { SIM_TOKEN: TOKEN })),
    );
    for (const { code, stderr } of results) {
      expect(code, stderr).toBe(2);
      expectReported(stderr, k, file);
    }
    expect(snapshot(dataDir)).toEqual(before);
  });
});
