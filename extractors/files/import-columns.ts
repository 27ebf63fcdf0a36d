/**
 * The columns of an import file (`yardstick import deployments|incidents <file>`), one list per kind: the
 * single description that `--help`, the README table and the validator's "unknown column" messages share.
 * Plain data, no validation library: `yardstick --help` loads this file.
 */

export type ImportKind = "deployments" | "incidents";

export const IMPORT_KINDS: readonly ImportKind[] = ["deployments", "incidents"];

export interface ImportColumn {
  name: string;
  required: boolean;
  /** What it holds and how it is written, for people. */
  description: string;
}

/** Statuses a deployment row may have, as fct_deployments.outcome names them. */
export const DEPLOYMENT_STATUSES = ["success", "failure", "error", "in_progress", "inactive"] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

const TIME =
  "ISO 8601 with a time zone, e.g. 2026-03-01T14:05:00Z or 2026-03-01 15:05:00+01:00 (stored in UTC)";

export const IMPORT_COLUMNS: Readonly<Record<ImportKind, readonly ImportColumn[]>> = {
  deployments: [
    {
      name: "id",
      required: true,
      description:
        "the deployment's id in the tool it comes from, unique in the file; a row imported again with the same id replaces the earlier one",
    },
    {
      name: "repository",
      required: true,
      description: "the GitHub repository deployed, owner/name",
    },
    {
      name: "environment",
      required: true,
      description:
        "where it was deployed; production is what metrics.yaml production_environment_pattern matches",
    },
    {
      name: "commit_sha",
      required: true,
      description: "the full 40-character SHA of the commit deployed",
    },
    {
      name: "status",
      required: true,
      description: `${DEPLOYMENT_STATUSES.join(", ")} (any case)`,
    },
    {
      name: "created_at",
      required: true,
      description: `when the deployment started: ${TIME}`,
    },
    {
      name: "finished_at",
      required: false,
      description: "when it finished (required for success, failure and error; empty while in_progress)",
    },
    { name: "ref", required: false, description: "the branch or tag deployed" },
    {
      name: "url",
      required: false,
      description: "a link to the deployment's log (http or https); an incident's reference may name it",
    },
    { name: "deployed_by", required: false, description: "who or what deployed it" },
  ],
  incidents: [
    {
      name: "id",
      required: true,
      description:
        "the incident's id in the tool it comes from, unique in the file; a row imported again with the same id replaces the earlier one",
    },
    {
      name: "title",
      required: true,
      description: "the incident's title (kept as text, never run as a formula)",
    },
    {
      name: "created_at",
      required: true,
      description: `when the incident started: ${TIME}`,
    },
    {
      name: "resolved_at",
      required: false,
      description: "when it was resolved; empty while it is open",
    },
    {
      name: "severity",
      required: false,
      description: "severity or urgency as the tool names it",
    },
    {
      name: "repository",
      required: false,
      description: "the GitHub repository affected, owner/name (repository or team, or both, is required)",
    },
    {
      name: "team",
      required: false,
      description: "the team affected, as yardstick.yaml names it: its repositories are the ones linked",
    },
    {
      name: "reference",
      required: false,
      description:
        "what caused it, one word: a pull request (owner/name#12, or #12 with repository), a commit SHA (7-40 hex digits), or a deployment (its id or url)",
    },
    {
      name: "url",
      required: false,
      description: "a link to the incident (http or https)",
    },
  ],
};

/** The column names of a kind, in the documented order. */
export function columnNames(kind: ImportKind): string[] {
  return IMPORT_COLUMNS[kind].map((c) => c.name);
}
