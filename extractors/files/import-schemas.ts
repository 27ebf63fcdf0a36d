/**
 * The zod schemas of import rows: a row arrives as text cells by column name (empty cells absent) and leaves
 * normalised (times in UTC, SHAs lower-cased, statuses lower-cased, team names as yardstick.yaml spells
 * them), or with one issue per bad cell, whose path names the column. Cross-column rules (a finish before
 * its start, an incident with neither repository nor team) are issues on the column to fix.
 */
import { z } from "zod";
import { DEPLOYMENT_STATUSES, type DeploymentStatus } from "./import-columns.ts";
import {
  type Parsed,
  parseCommitSha,
  parseExternalId,
  parseInstant,
  parseReference,
  parseRepository,
  parseText,
  parseUrl,
  quoted,
} from "./import-values.ts";

export interface DeploymentRecord {
  id: string;
  repository: string;
  environment: string;
  commit_sha: string;
  status: DeploymentStatus;
  created_at: string;
  finished_at: string | null;
  ref: string | null;
  url: string | null;
  deployed_by: string | null;
}

export interface IncidentRecord {
  id: string;
  title: string;
  created_at: string;
  resolved_at: string | null;
  severity: string | null;
  repository: string | null;
  team: string | null;
  reference: string | null;
  url: string | null;
}

/** One cell through one of the value rules of import-values.ts. */
function cell<T>(parse: (text: string) => Parsed<T>) {
  return z.string().transform((text, ctx) => {
    const parsed = parse(text);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  });
}

const text = (max: number) => cell((t) => parseText(t, max));

function status(t: string): Parsed<DeploymentStatus> {
  const lower = t.toLowerCase().replace(/[ -]/g, "_");
  return (DEPLOYMENT_STATUSES as readonly string[]).includes(lower)
    ? { ok: true, value: lower as DeploymentStatus }
    : { ok: false, message: `must be one of ${DEPLOYMENT_STATUSES.join(", ")}: got ${quoted(t)}` };
}

function team(teams: readonly string[]) {
  return (t: string): Parsed<string> => {
    const found = teams.find((name) => name.toLowerCase() === t.toLowerCase());
    if (found) return { ok: true, value: found };
    return {
      ok: false,
      message:
        teams.length === 0
          ? `names team ${quoted(t)}, but yardstick.yaml has no teams: add it under teams:, or give the repository instead`
          : `names team ${quoted(t)}, which yardstick.yaml does not have (its teams: ${teams.join(", ")})`,
    };
  };
}

/** The deployment row, with `now` the latest time a row may have. */
export function deploymentRowSchema(now: Date) {
  const instant = cell((t) => parseInstant(t, now));
  return z
    .object({
      id: cell(parseExternalId),
      repository: cell(parseRepository),
      environment: text(100),
      commit_sha: cell(parseCommitSha),
      status: cell(status),
      created_at: instant,
      finished_at: instant.optional(),
      ref: text(255).optional(),
      url: cell(parseUrl).optional(),
      deployed_by: text(100).optional(),
    })
    .superRefine((row, ctx) => {
      const finishes = row.status === "success" || row.status === "failure" || row.status === "error";
      if (finishes && row.finished_at === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["finished_at"],
          message: `is required for a deployment whose status is ${row.status}: when did it finish?`,
        });
      if (row.status === "in_progress" && row.finished_at !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["finished_at"],
          message: "must be empty while the status is in_progress (a finished deployment has another status)",
        });
      if (row.finished_at !== undefined && row.finished_at < row.created_at)
        ctx.addIssue({
          code: "custom",
          path: ["finished_at"],
          message: `is before created_at (${row.created_at}): a deployment cannot finish before it starts`,
        });
    })
    .transform(
      (row): DeploymentRecord => ({
        id: row.id,
        repository: row.repository,
        environment: row.environment,
        commit_sha: row.commit_sha,
        status: row.status,
        created_at: row.created_at,
        finished_at: row.finished_at ?? null,
        ref: row.ref ?? null,
        url: row.url ?? null,
        deployed_by: row.deployed_by ?? null,
      }),
    );
}

/** The incident row; `teams` are yardstick.yaml's team names. */
export function incidentRowSchema(now: Date, teams: readonly string[]) {
  const instant = cell((t) => parseInstant(t, now));
  return z
    .object({
      id: cell(parseExternalId),
      title: cell((t) => parseText(t, 1000, { lineBreaks: true })),
      created_at: instant,
      resolved_at: instant.optional(),
      severity: text(50).optional(),
      repository: cell(parseRepository).optional(),
      team: cell(team(teams)).optional(),
      reference: cell(parseReference).optional(),
      url: cell(parseUrl).optional(),
    })
    .superRefine((row, ctx) => {
      if (row.repository === undefined && row.team === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["repository"],
          message:
            "repository and team are both empty: give the repository affected, the team (as yardstick.yaml names it), or both",
        });
      if (row.resolved_at !== undefined && row.resolved_at < row.created_at)
        ctx.addIssue({
          code: "custom",
          path: ["resolved_at"],
          message: `is before created_at (${row.created_at}): an incident cannot be resolved before it starts`,
        });
      if (row.reference !== undefined && /^#\d+$/.test(row.reference) && row.repository === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["reference"],
          message: `${quoted(row.reference)} needs the repository column, or write it owner/name${row.reference}`,
        });
    })
    .transform(
      (row): IncidentRecord => ({
        id: row.id,
        title: row.title,
        created_at: row.created_at,
        resolved_at: row.resolved_at ?? null,
        severity: row.severity ?? null,
        repository: row.repository ?? null,
        team: row.team ?? null,
        reference: row.reference ?? null,
        url: row.url ?? null,
      }),
    );
}
