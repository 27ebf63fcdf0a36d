/**
 * What the generator knows about everything it made, independently of anything Yardstick computes: the
 * answer key that extraction, dbt models, classification and metrics are tested against. Every field is
 * recorded while the generator makes the thing it describes (which review it wrote as the first human one,
 * which deployment it let ship a merge, which change it made break production), never by reading the
 * dataset back the way the models do. Definitions follow docs/metrics.md
 * ("Yardstick's default definitions"); timestamps are ISO-8601 UTC with Z, like the dataset's.
 */
import type { ActorType, Dataset, PullRequestState } from "./dataset.ts";

/** The authorship classes, in precedence order (models/intermediate/authorship/int_pull_requests_authorship.yml). */
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

/**
 * How merged pull requests land on the default branch. `squash`: one new commit "Title (#123)".
 * `merge`: a merge commit "Merge pull request #123 from owner/branch" whose second parent is the PR's head,
 * so the PR's own commits join the history. `rebase`: the PR's commits re-created on top of the branch
 * (new oids, committer GitHub); the last one is the PR's merge commit.
 */
export type MergeStrategy = "squash" | "merge" | "rebase";

/** `continuous`: a deployment starts shortly after each landing; `train`: at 10:00 and 15:00 UTC on weekdays. */
export type DeployStyle = "continuous" | "train";

/**
 * How a repository's deployments are recorded. `deployments_api`: a GitHub Deployment (with its statuses)
 * only. `workflow`: a run of the Actions workflow "Deploy" (`.github/workflows/deploy.yml`, one job named
 * after the environment) on the default branch only, no Deployment; such a repository never deploys from a
 * hotfix or release branch. `both`: the workflow run creates the Deployment, seconds after it starts, with
 * the run's URL as the Deployment's log URL; a deployment from a hotfix or release branch is a Deployment
 * only (its run is not on the default branch).
 */
export type DeployVia = "deployments_api" | "workflow" | "both";

export interface TruthRepository {
  /** "owner/name" */
  repository: string;
  team: string | null;
  mergeStrategy: MergeStrategy;
  deployStyle: DeployStyle;
  /** The Actions workflow's jobs (check run names). */
  ciJobs: string[];
  /** The repository also has legacy Jenkins commit statuses. */
  legacyStatuses: boolean;
  deployVia: DeployVia;
}

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
  /** Earliest authored time of the pull request's own commits (start of coding and of lead time). */
  firstCommitAt: string | null;
  /**
   * Ready for review: the last ReadyForReview event, else opened. The dataset has no timeline events, so
   * this is `createdAt`, or null while the pull request is still a draft.
   */
  readyForReviewAt: string | null;
  /**
   * First review by a human other than the author: never a bot, never the AI reviewer. The requester of
   * an agent's pull request is not its author, so their review counts.
   */
  firstReviewAt: string | null;
  /** First APPROVED review by such a human. */
  approvedAt: string | null;
  /** Review rounds: CHANGES_REQUESTED reviews by humans. */
  reviewRounds: number;
  /**
   * The pull request's commits committed after `firstReviewAt` (rework after review); null when no human
   * reviewed it (there is no "after" to count from, and 0 would read as "no rework").
   */
  commitsAfterFirstReview: number | null;
  /**
   * The production deployment that shipped the merge: the first successful production deployment (in
   * order of finishing) whose commit contains the merge commit. Its per-repository `number`, or null.
   */
  deploymentNumber: number | null;
  /** When that deployment finished (its SUCCESS status): the end of lead time for changes. */
  deployedAt: string | null;
  /** For a revert pull request: the number of the pull request it reverts. */
  revertOf: number | null;
  /** The later pull request titled `Revert "<title>"` that reverts this one, if any. */
  revertedBy: number | null;
  /** When that revert was merged (null while it is not). */
  revertedAt: string | null;
  /** Incidents linked (by the incident linking rule) to the deployment that shipped this pull request. */
  incidents: number[];
  /** The generator made this change break production: it causes the incidents of its deployment. */
  defective: boolean;
  /** Workflow runs (Actions check suites, re-runs included) on the pull request's head commits. */
  ciRuns: number;
  /** Those that completed with FAILURE, TIMED_OUT or STARTUP_FAILURE. */
  ciFailures: number;
  /** An AI agent's account opened the pull request (the Copilot coding agent's, here). */
  agentOpened: boolean;
  /**
   * Who pressed merge (GraphQL `mergedBy`): the author of a person's pull request; for an agent's, its
   * requester or the teammate who approved it; for Dependabot's, the approver, else Dependabot itself. Null
   * unless merged.
   */
  mergedBy: string | null;
  /**
   * Merged with an APPROVED review, submitted by the merge, from a teammate who is neither the author nor the
   * person who asked the agent (the generator picks approvers from that pool; bots never approve). Null
   * unless merged.
   */
  independentApproval: boolean | null;
  /**
   * ai_authored, merged by the person who asked the agent, and reviewed by the merge by no human other than
   * that person (their own steering comments are not another human's review). Null unless merged.
   */
  selfMergedWithoutReview: boolean | null;
  /**
   * At the merge, the newest workflow run on the pull request's final head commit among those completed by
   * then concluded FAILURE, TIMED_OUT or STARTUP_FAILURE (the generator has one workflow, "ci"); false when
   * none had completed. Null unless merged.
   */
  mergedWithFailingCi: boolean | null;
}

export type IncidentLink =
  | "root_cause_sha"
  | "root_cause_pull_request"
  | "root_cause_deployment"
  | "latest_before";

export interface TruthDeployment {
  repository: string;
  /**
   * The dataset's per-repository deployment number; for a deployment recorded by a workflow run only (no
   * Deployment), the number it would have had: the generator's order of creation.
   */
  number: number;
  /** Recorded as a GitHub Deployment (the dataset's `deployments`). */
  deploymentsApi: boolean;
  /**
   * The "Deploy" workflow run on the default branch that made it (the dataset's check suite of workflow
   * "Deploy", one job named after the environment), by its URL; null when no run on the default branch made
   * it. With both set, the warehouse must count it once.
   */
  workflowRunUrl: string | null;
  environment: string;
  commitOid: string;
  createdAt: string;
  /** Time of the terminal status (SUCCESS, FAILURE or ERROR); null while it runs. */
  finishedAt: string | null;
  /** Reached SUCCESS (a later INACTIVE, when superseded, does not undo it). */
  success: boolean;
  /**
   * Pull requests this deployment shipped first to its environment: merged, contained in its commit, not
   * in any earlier successful deployment of the environment.
   */
  shippedPullRequests: number[];
  /** Incidents linked to this deployment, and how each link is made. */
  incidents: { number: number; linkedBy: IncidentLink }[];
}

export interface TruthIncident {
  repository: string;
  number: number;
  severity: "sev1" | "sev2" | "sev3";
  /** The incident issue's creation. */
  startedAt: string;
  /** Its close (time to restore ends); null while open. */
  resolvedAt: string | null;
  /**
   * The deployment the linking rule gives: the one the body's `root cause:` names (a commit SHA, a pull
   * request `#n` or a deployment's log URL), else the latest successful production deployment of the same
   * repository that finished before `startedAt`. Null when neither exists.
   */
  deploymentNumber: number | null;
  linkedBy: IncidentLink | null;
  /** The root-cause reference as written in the body, if any. */
  rootCause: string | null;
  /** What really happened: the production deployment after which the generator broke production. */
  causeDeploymentNumber: number;
  /** …and the defective pull request it shipped (null for causes outside any pull request). */
  causePullRequest: number | null;
}

export interface GroundTruth {
  /** The generated window: nothing happens before `start` (except history) or after `end`. */
  start: string;
  end: string;
  repositories: TruthRepository[];
  pullRequests: TruthPullRequest[];
  deployments: TruthDeployment[];
  incidents: TruthIncident[];
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
