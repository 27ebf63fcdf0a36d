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
  example: string;
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
      example: "deploy-4711",
    },
    {
      name: "repository",
      required: true,
      description: "the GitHub repository deployed, owner/name",
      example: "acme/api",
    },
    {
      name: "environment",
      required: true,
      description:
        "where it was deployed; production is what metrics.yaml production_environment_pattern matches",
      example: "production",
    },
    {
      name: "commit_sha",
      required: true,
      description: "the full 40-character SHA of the commit deployed",
      example: "9fceb02d0ae598e95dc970b74767f19372d61af8",
    },
    {
      name: "status",
      required: true,
      description: `${DEPLOYMENT_STATUSES.join(", ")} (any case)`,
      example: "success",
    },
    {
      name: "created_at",
      required: true,
      description: `when the deployment started: ${TIME}`,
      example: "2026-03-01T14:05:00Z",
    },
    {
      name: "finished_at",
      required: false,
      description: "when it finished (required for success, failure and error; empty while in_progress)",
      example: "2026-03-01T14:12:30Z",
    },
    { name: "ref", required: false, description: "the branch or tag deployed", example: "main" },
    {
      name: "url",
      required: false,
      description: "a link to the deployment's log (http or https); an incident's reference may name it",
      example: "https://deploy.example.com/runs/4711",
    },
    { name: "deployed_by", required: false, description: "who or what deployed it", example: "argocd" },
  ],
  incidents: [
    {
      name: "id",
      required: true,
      description:
        "the incident's id in the tool it comes from, unique in the file; a row imported again with the same id replaces the earlier one",
      example: "INC-231",
    },
    {
      name: "title",
      required: true,
      description: "the incident's title (kept as text, never run as a formula)",
      example: "Checkout errors",
    },
    {
      name: "created_at",
      required: true,
      description: `when the incident started: ${TIME}`,
      example: "2026-03-02T09:00:00Z",
    },
    {
      name: "resolved_at",
      required: false,
      description: "when it was resolved; empty while it is open",
      example: "2026-03-02T10:30:00Z",
    },
    {
      name: "severity",
      required: false,
      description: "severity or urgency as the tool names it",
      example: "SEV2",
    },
    {
      name: "repository",
      required: false,
      description: "the GitHub repository affected, owner/name (repository or team, or both, is required)",
      example: "acme/api",
    },
    {
      name: "team",
      required: false,
      description: "the team affected, as yardstick.yaml names it: its repositories are the ones linked",
      example: "payments",
    },
    {
      name: "reference",
      required: false,
      description:
        "what caused it, one word: a pull request (owner/name#12, or #12 with repository), a commit SHA (7-40 hex digits), or a deployment (its id or url)",
      example: "acme/api#812",
    },
    {
      name: "url",
      required: false,
      description: "a link to the incident (http or https)",
      example: "https://status.example.com/inc/231",
    },
  ],
};

/** The column names of a kind, in the documented order. */
export function columnNames(kind: ImportKind): string[] {
  return IMPORT_COLUMNS[kind].map((c) => c.name);
}
