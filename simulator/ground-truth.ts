/**
 * What the generator knows about each pull request it made, independently of anything Yardstick computes:
 * the answer key that extraction, dbt models, classification and metrics are tested against.
 */
import type { ActorType, Dataset, PullRequestState } from "./dataset.ts";

/** The authorship classes of DESIGN.md, in precedence order. */
export type Authorship = "automation" | "ai_authored" | "ai_assisted" | "unmarked";

/** AI tools the generator leaves markers of. `copilot_agent` is the cloud agent; `copilot` the IDE trailer. */
export type AiTool = "claude_code" | "cursor" | "codex" | "copilot" | "copilot_agent";

/** Markers that look like AI evidence but are not, planted so that classifiers can be tested on them. */
export type Decoy =
  | "human_named_claude"
  | "human_named_devin"
  | "word_cursor"
  | "word_codex"
  | "human_coauthor";

export interface TruthPullRequest {
  repository: string;
  number: number;
  /** GraphQL node id, the lake's primary key. */
  nodeId: string;
  authorLogin: string | null;
  authorType: ActorType;
  authorship: Authorship;
  aiTools: AiTool[];
  /** The human who asked an agent for the pull request (ai_authored only). */
  initiatedBy: string | null;
  /** Author's team; for agent PRs the initiator's; else the repository's team; else "unassigned". */
  team: string;
  /** A review came from an AI reviewer (never changes authorship). */
  aiReviewed: boolean;
  decoys: Decoy[];
  state: PullRequestState;
  createdAt: string;
  mergedAt: string | null;
  closedAt: string | null;
}

export interface GroundTruth {
  pullRequests: TruthPullRequest[];
}

/** A team as it goes into yardstick.yaml. */
export interface TeamDefinition {
  name: string;
  members: string[];
  /** "owner/name" */
  repos: string[];
}

export interface GeneratedOrg {
  dataset: Dataset;
  truth: GroundTruth;
  teams: TeamDefinition[];
}

export const UNASSIGNED = "unassigned";

/**
 * The team a pull request belongs to, by the rule of the `fct_pull_requests` contract: the person's team
 * (alphabetically first if several), else the repository's team, else "unassigned".
 */
export function teamFor(person: string | null, repository: string, teams: readonly TeamDefinition[]): string {
  const login = person?.toLowerCase();
  const byMember = teams
    .filter((t) => login !== undefined && t.members.some((m) => m.toLowerCase() === login))
    .map((t) => t.name)
    .sort();
  if (byMember[0]) return byMember[0];
  const byRepo = teams
    .filter((t) => t.repos.some((r) => r.toLowerCase() === repository.toLowerCase()))
    .map((t) => t.name)
    .sort();
  return byRepo[0] ?? UNASSIGNED;
}
