/**
 * The simulator's dataset: the organisations, repositories and pull requests it serves, as a JSON file that
 * developers can write by hand or save from the generator. Loose file in, normalised `Dataset` out: optional
 * fields get their defaults, `state` is derived from the timestamps, and every problem names the file, the
 * field path and (when it can) the line and column. Format and example: simulator/README.md.
 */
import { z } from "zod";
import { writeFileAtomic } from "../core/atomic-fs.ts";
import { InputError, type InputProblem } from "../core/errors.ts";
import { fieldPath, parseYaml, readInputFile, validateYaml } from "../core/yaml-source.ts";

export type ActorType = "User" | "Bot";
export type PullRequestState = "OPEN" | "CLOSED" | "MERGED";
export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface DatasetActor {
  login: string;
  type: ActorType;
}

export interface DatasetCommit {
  oid: string;
  message: string;
  authorName: string;
  authorEmail: string;
  /** The GitHub user the author email belongs to; null for bots and unknown emails (GraphQL `author.user`). */
  authorLogin: string | null;
  authoredDate: string;
  committerName: string;
  committerEmail: string;
  committedDate: string;
}

export interface DatasetReview {
  author: DatasetActor | null;
  state: ReviewState;
  submittedAt: string | null;
  /** Review comments left with this review (`comments { totalCount }`); absent means 0. */
  commentCount?: number;
}

export type TimelineEventType = "READY_FOR_REVIEW" | "CONVERT_TO_DRAFT" | "REVIEW_REQUESTED";

/** A pull request timeline event the extractor reads (`timelineItems(itemTypes: …)`). */
export interface DatasetTimelineEvent {
  type: TimelineEventType;
  createdAt: string;
  /** Who did it (for an agent's pull request, the human who marked it ready); null for a deleted account. */
  actor: DatasetActor | null;
  /** REVIEW_REQUESTED only: the user or bot asked to review. */
  requestedReviewer?: DatasetActor | null;
}

export interface DatasetPullRequest {
  /** "owner/name" of a repository in `repositories`. */
  repository: string;
  number: number;
  title: string;
  body: string;
  author: DatasetActor | null;
  headRefName: string;
  baseRefName: string;
  state: PullRequestState;
  isDraft: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  additions: number;
  deletions: number;
  changedFiles: number;
  mergeCommitOid: string | null;
  commits: DatasetCommit[];
  reviews: DatasetReview[];
  /** Label names; absent means none. Search's `label:` qualifier matches them. */
  labels?: string[];
  /**
   * Who merged it (GraphQL `mergedBy`); only on a merged pull request. Absent, the simulator answers the last
   * approver, else the author.
   */
  mergedBy?: DatasetActor | null;
  /**
   * Ready-for-review, convert-to-draft and review-request events, oldest first; absent means none. A pull
   * request opened as a draft and later marked ready has a READY_FOR_REVIEW event (`isDraft` is false).
   */
  timelineEvents?: DatasetTimelineEvent[];
}

export interface DatasetRepository {
  owner: string;
  name: string;
  defaultBranch: string;
  isArchived: boolean;
  pushedAt: string | null;
  createdAt: string;
}

/** A commit on a repository's default branch (history is ordered oldest first per repository). */
export interface DatasetBranchCommit {
  repository: string;
  oid: string;
  message: string;
  authorName: string;
  authorEmail: string;
  authorLogin: string | null;
  authoredDate: string;
  committerName: string;
  committerEmail: string;
  committedDate: string;
  /** Parent oids: two for a merge commit, one otherwise, none for the root. */
  parents: string[];
  /** The pull request this commit landed with (its merge, squash or one of its rebased commits), if any. */
  pullRequestNumber: number | null;
}

export type CheckStatus = "QUEUED" | "IN_PROGRESS" | "COMPLETED" | "WAITING" | "PENDING" | "REQUESTED";
export type CheckConclusion =
  | "SUCCESS"
  | "FAILURE"
  | "CANCELLED"
  | "TIMED_OUT"
  | "SKIPPED"
  | "NEUTRAL"
  | "STALE"
  | "ACTION_REQUIRED"
  | "STARTUP_FAILURE";

/** A check run (a job of a workflow run). */
export interface DatasetCheckRun {
  name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt: string | null;
  completedAt: string | null;
}

/** A check suite on a commit: for GitHub Actions, one workflow run (with its jobs as check runs). */
export interface DatasetCheckSuite {
  repository: string;
  commitOid: string;
  /** App slug, e.g. "github-actions". */
  app: string;
  /** Workflow name; null for suites of apps that are not Actions. */
  workflowName: string | null;
  /** The workflow's file (default `.github/workflows/<workflowName>.yml`). */
  workflowPath?: string;
  /** The workflow run's id, in its URL `/<owner>/<name>/actions/runs/<id>` (default: derived from the suite). */
  runDatabaseId?: number;
  /** Event that triggered the run: pull_request, push, schedule, workflow_dispatch… */
  event: string;
  runNumber: number;
  branch: string | null;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  createdAt: string;
  updatedAt: string;
  checkRuns: DatasetCheckRun[];
}

export type StatusState = "ERROR" | "EXPECTED" | "FAILURE" | "PENDING" | "SUCCESS";

/** A legacy commit status (e.g. from Jenkins). */
export interface DatasetCommitStatus {
  repository: string;
  commitOid: string;
  context: string;
  state: StatusState;
  createdAt: string;
  targetUrl: string | null;
}

export type DeploymentStatusState =
  | "ERROR"
  | "FAILURE"
  | "INACTIVE"
  | "IN_PROGRESS"
  | "PENDING"
  | "QUEUED"
  | "SUCCESS"
  | "WAITING"
  | "DESTROYED"
  | "ABANDONED";

export interface DatasetDeploymentStatus {
  state: DeploymentStatusState;
  createdAt: string;
  description: string;
  logUrl: string | null;
  environmentUrl: string | null;
}

export interface DatasetDeployment {
  repository: string;
  /** Stable per repository, increasing with creation (the dataset's own key; GitHub ids are derived). */
  number: number;
  environment: string;
  commitOid: string;
  ref: string;
  task: string;
  description: string;
  creator: DatasetActor | null;
  createdAt: string;
  updatedAt: string;
  /** Oldest first; the last is the latest status. */
  statuses: DatasetDeploymentStatus[];
}

/** An issue (incidents are issues with an incident label). Shares its number space with pull requests. */
/**
 * A commit on a branch other than the default one that a deployment shipped from: a hotfix or release
 * branch cut from the default branch. GitHub's history of such a commit runs through its parents into the
 * default branch's history.
 */
export interface DatasetOtherBranchCommit extends DatasetBranchCommit {
  branch: string;
}

export interface DatasetIssue {
  repository: string;
  number: number;
  title: string;
  body: string;
  author: DatasetActor | null;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  stateReason: "COMPLETED" | "NOT_PLANNED" | "REOPENED" | null;
}

export interface Dataset {
  organizations: { login: string }[];
  repositories: DatasetRepository[];
  pullRequests: DatasetPullRequest[];
  /** Default-branch history of every repository. */
  defaultBranchCommits: DatasetBranchCommit[];
  /** Commits of hotfix and release branches (oldest first), never merged into the default branch. */
  otherBranchCommits: DatasetOtherBranchCommit[];
  /** CI on pull request head commits and default-branch commits. */
  checkSuites: DatasetCheckSuite[];
  commitStatuses: DatasetCommitStatus[];
  deployments: DatasetDeployment[];
  issues: DatasetIssue[];
}

// With Z, or with an offset as git writes them (2026-03-01T10:00:00+02:00), stored in UTC with Z.
const timestamp = z.iso
  .datetime({
    offset: true,
    error:
      'must be an ISO-8601 timestamp with Z or an offset, like "2026-06-01T12:00:00Z" or "2026-06-01T14:00:00+02:00"',
  })
  .transform((text) => (text.endsWith("Z") ? text : toUtc(text)));

/** `2026-03-01T10:00:00+02:00` → `2026-03-01T08:00:00Z`; milliseconds kept only when the text had a fraction. */
function toUtc(text: string): string {
  const iso = new Date(text).toISOString();
  return /T\d{2}:\d{2}:\d{2}\.\d/.test(text) ? iso : iso.replace(/\.\d{3}Z$/, "Z");
}
const oid = z.string().regex(/^[0-9a-f]{40}$/, "must be a 40-character lowercase hex git object id");
const login = z.string().regex(/^[A-Za-z0-9_.\-[\]]+$/, "must be a GitHub login");
const count = z.number().int().min(0);

const actorSchema = z.object({ login, type: z.enum(["User", "Bot"]) }).strict();

const commitSchema = z
  .object({
    oid,
    message: z.string(),
    authorName: z.string(),
    authorEmail: z.string(),
    authorLogin: login.nullable().default(null),
    authoredDate: timestamp,
    committerName: z.string(),
    committerEmail: z.string(),
    committedDate: timestamp,
  })
  .strict();

const reviewSchema = z
  .object({
    author: actorSchema.nullable(),
    state: z.enum(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]),
    submittedAt: timestamp.nullable(),
    commentCount: count.optional(),
  })
  .strict();

const timelineEventSchema = z
  .object({
    type: z.enum(["READY_FOR_REVIEW", "CONVERT_TO_DRAFT", "REVIEW_REQUESTED"]),
    createdAt: timestamp,
    actor: actorSchema.nullable(),
    requestedReviewer: actorSchema.nullable().optional(),
  })
  .strict();

const pullRequestSchema = z
  .object({
    repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/name"'),
    number: z.number().int().min(1),
    title: z.string(),
    body: z.string().default(""),
    author: actorSchema.nullable(),
    headRefName: z.string().min(1),
    baseRefName: z.string().min(1).default("main"),
    state: z.enum(["OPEN", "CLOSED", "MERGED"]).optional(),
    isDraft: z.boolean().default(false),
    createdAt: timestamp,
    updatedAt: timestamp,
    closedAt: timestamp.nullable().default(null),
    mergedAt: timestamp.nullable().default(null),
    additions: count,
    deletions: count,
    changedFiles: count,
    mergeCommitOid: oid.nullable().default(null),
    commits: z.array(commitSchema).default([]),
    reviews: z.array(reviewSchema).default([]),
    labels: z.array(z.string().min(1)).optional(),
    timelineEvents: z.array(timelineEventSchema).optional(),
    mergedBy: actorSchema.nullable().optional(),
  })
  .strict();

const repositorySchema = z
  .object({
    owner: login,
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a repository name"),
    defaultBranch: z.string().min(1).default("main"),
    isArchived: z.boolean().default(false),
    pushedAt: timestamp.nullable().default(null),
    createdAt: timestamp.default("2020-01-01T00:00:00Z"),
  })
  .strict();

const repositoryRef = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/name"');
const checkStatus = z.enum(["QUEUED", "IN_PROGRESS", "COMPLETED", "WAITING", "PENDING", "REQUESTED"]);
const checkConclusion = z.enum([
  "SUCCESS",
  "FAILURE",
  "CANCELLED",
  "TIMED_OUT",
  "SKIPPED",
  "NEUTRAL",
  "STALE",
  "ACTION_REQUIRED",
  "STARTUP_FAILURE",
]);

const branchCommitSchema = commitSchema
  .extend({
    repository: repositoryRef,
    parents: z.array(oid).default([]),
    pullRequestNumber: z.number().int().min(1).nullable().default(null),
  })
  .strict();

const otherBranchCommitSchema = branchCommitSchema
  .extend({ branch: z.string().min(1, "must name the branch") })
  .strict();

const checkSuiteSchema = z
  .object({
    repository: repositoryRef,
    commitOid: oid,
    app: z.string().min(1).default("github-actions"),
    workflowName: z.string().nullable().default(null),
    workflowPath: z.string().min(1).optional(),
    runDatabaseId: z.number().int().min(1).optional(),
    event: z.string().min(1).default("push"),
    runNumber: z.number().int().min(1).default(1),
    branch: z.string().nullable().default(null),
    status: checkStatus.default("COMPLETED"),
    conclusion: checkConclusion.nullable().default(null),
    createdAt: timestamp,
    updatedAt: timestamp,
    checkRuns: z
      .array(
        z
          .object({
            name: z.string().min(1),
            status: checkStatus.default("COMPLETED"),
            conclusion: checkConclusion.nullable().default(null),
            startedAt: timestamp.nullable().default(null),
            completedAt: timestamp.nullable().default(null),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

const commitStatusSchema = z
  .object({
    repository: repositoryRef,
    commitOid: oid,
    context: z.string().min(1),
    state: z.enum(["ERROR", "EXPECTED", "FAILURE", "PENDING", "SUCCESS"]),
    createdAt: timestamp,
    targetUrl: z.string().nullable().default(null),
  })
  .strict();

const deploymentStatusState = z.enum([
  "ERROR",
  "FAILURE",
  "INACTIVE",
  "IN_PROGRESS",
  "PENDING",
  "QUEUED",
  "SUCCESS",
  "WAITING",
  "DESTROYED",
  "ABANDONED",
]);

const deploymentSchema = z
  .object({
    repository: repositoryRef,
    number: z.number().int().min(1),
    environment: z.string().min(1),
    commitOid: oid,
    ref: z.string().min(1).default("main"),
    task: z.string().default("deploy"),
    description: z.string().default(""),
    creator: actorSchema.nullable().default(null),
    createdAt: timestamp,
    updatedAt: timestamp,
    statuses: z
      .array(
        z
          .object({
            state: deploymentStatusState,
            createdAt: timestamp,
            description: z.string().default(""),
            logUrl: z.string().nullable().default(null),
            environmentUrl: z.string().nullable().default(null),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

const issueSchema = z
  .object({
    repository: repositoryRef,
    number: z.number().int().min(1),
    title: z.string(),
    body: z.string().default(""),
    author: actorSchema.nullable().default(null),
    labels: z.array(z.string()).default([]),
    createdAt: timestamp,
    updatedAt: timestamp,
    closedAt: timestamp.nullable().default(null),
    stateReason: z.enum(["COMPLETED", "NOT_PLANNED", "REOPENED"]).nullable().default(null),
  })
  .strict();

/** The JSON file's schema, cross-field rules included (repository known, numbers unique, state consistent). */
export const datasetSchema = z
  .object({
    organizations: z.array(z.object({ login }).strict()).default([]),
    repositories: z.array(repositorySchema),
    pullRequests: z.array(pullRequestSchema).default([]),
    defaultBranchCommits: z.array(branchCommitSchema).default([]),
    otherBranchCommits: z.array(otherBranchCommitSchema).default([]),
    checkSuites: z.array(checkSuiteSchema).default([]),
    commitStatuses: z.array(commitStatusSchema).default([]),
    deployments: z.array(deploymentSchema).default([]),
    issues: z.array(issueSchema).default([]),
  })
  .strict()
  .superRefine((data, ctx) => {
    const repos = new Set<string>();
    data.repositories.forEach((repo, i) => {
      const key = `${repo.owner}/${repo.name}`.toLowerCase();
      if (repos.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["repositories", i, "name"],
          message: `${repo.owner}/${repo.name} is listed twice`,
        });
      }
      repos.add(key);
    });
    const numbers = new Set<string>();
    data.pullRequests.forEach((pr, i) => {
      const at = (...path: (string | number)[]) => ["pullRequests", i, ...path];
      if (!repos.has(pr.repository.toLowerCase())) {
        ctx.addIssue({
          code: "custom",
          path: at("repository"),
          message: `${pr.repository} is not in repositories`,
        });
      }
      const key = `${pr.repository.toLowerCase()}#${pr.number}`;
      if (numbers.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: at("number"),
          message: `${pr.repository}#${pr.number} appears twice`,
        });
      }
      numbers.add(key);
      if (pr.mergedAt && !pr.closedAt) {
        ctx.addIssue({
          code: "custom",
          path: at("closedAt"),
          message: "must be set when mergedAt is (a merge closes the pull request)",
        });
      }
      if (pr.mergedBy && !pr.mergedAt) {
        ctx.addIssue({
          code: "custom",
          path: at("mergedBy"),
          message: "must be null unless mergedAt is set",
        });
      }
      if (pr.state && pr.state !== stateOf(pr)) {
        ctx.addIssue({
          code: "custom",
          path: at("state"),
          message: `is ${pr.state} but the timestamps say ${stateOf(pr)}`,
        });
      }
      if (Date.parse(pr.updatedAt) < Date.parse(pr.createdAt)) {
        ctx.addIssue({ code: "custom", path: at("updatedAt"), message: "is before createdAt" });
      }
    });
    checkActivity(data, repos, numbers, (path, message) => ctx.addIssue({ code: "custom", path, message }));
  });

type ParsedDataset = z.output<typeof datasetSchema>;
type Report = (path: (string | number)[], message: string) => void;

/**
 * Cross-field rules of history, CI, deployments and issues: each names a listed repository; history is
 * oldest first (a listed parent comes before its child) and names pull requests that exist; CI and
 * deployments sit on commits the dataset knows (a pull request's or the default branch's); deployment
 * statuses are in time order; issues and pull requests share one number space per repository.
 */
function checkActivity(
  data: ParsedDataset,
  repos: Set<string>,
  prNumbers: Set<string>,
  report: Report,
): void {
  const commits = new Set<string>();
  for (const pr of data.pullRequests) {
    for (const c of pr.commits) commits.add(`${pr.repository.toLowerCase()}@${c.oid}`);
  }
  const knownRepository = (arr: string, i: number, repository: string): string | null => {
    const key = repository.toLowerCase();
    if (repos.has(key)) return key;
    report([arr, i, "repository"], `${repository} is not in repositories`);
    return null;
  };
  const knownCommit = (arr: string, i: number, repo: string | null, oid: string) => {
    if (repo !== null && !commits.has(`${repo}@${oid}`)) {
      report(
        [arr, i, "commitOid"],
        `${oid} is not a commit of ${repo} (neither a pull request's nor on the default branch)`,
      );
    }
  };
  const history = new Set<string>();
  const later = new Set<string>();
  for (const c of data.defaultBranchCommits) later.add(`${c.repository.toLowerCase()}@${c.oid}`);
  data.defaultBranchCommits.forEach((c, i) => {
    const repo = knownRepository("defaultBranchCommits", i, c.repository);
    if (repo === null) return;
    const key = `${repo}@${c.oid}`;
    if (history.has(key))
      report(["defaultBranchCommits", i, "oid"], `${c.oid} is listed twice in ${c.repository}`);
    c.parents.forEach((parent, p) => {
      const parentKey = `${repo}@${parent}`;
      if (later.has(parentKey) && !history.has(parentKey)) {
        report(
          ["defaultBranchCommits", i, "parents", p],
          `${parent} is listed after its child (history is oldest first)`,
        );
      }
    });
    if (c.pullRequestNumber !== null && !prNumbers.has(`${repo}#${c.pullRequestNumber}`)) {
      report(
        ["defaultBranchCommits", i, "pullRequestNumber"],
        `${c.repository}#${c.pullRequestNumber} is not a listed pull request`,
      );
    }
    history.add(key);
    commits.add(key);
  });
  data.otherBranchCommits.forEach((c, i) => {
    const repo = knownRepository("otherBranchCommits", i, c.repository);
    if (repo === null) return;
    const key = `${repo}@${c.oid}`;
    if (commits.has(key))
      report(["otherBranchCommits", i, "oid"], `${c.oid} is listed twice in ${c.repository}`);
    c.parents.forEach((parent, p) => {
      if (!commits.has(`${repo}@${parent}`))
        report(["otherBranchCommits", i, "parents", p], `${parent} is not a commit listed before it`);
    });
    commits.add(key);
  });
  data.checkSuites.forEach((suite, i) => {
    knownCommit("checkSuites", i, knownRepository("checkSuites", i, suite.repository), suite.commitOid);
    if ((suite.status === "COMPLETED") !== (suite.conclusion !== null)) {
      report(["checkSuites", i, "conclusion"], "is set exactly when status is COMPLETED");
    }
    if (Date.parse(suite.updatedAt) < Date.parse(suite.createdAt)) {
      report(["checkSuites", i, "updatedAt"], "is before createdAt");
    }
    suite.checkRuns.forEach((run, r) => {
      if ((run.status === "COMPLETED") !== (run.conclusion !== null)) {
        report(["checkSuites", i, "checkRuns", r, "conclusion"], "is set exactly when status is COMPLETED");
      }
      if (run.startedAt && run.completedAt && Date.parse(run.completedAt) < Date.parse(run.startedAt)) {
        report(["checkSuites", i, "checkRuns", r, "completedAt"], "is before startedAt");
      }
    });
  });
  data.commitStatuses.forEach((status, i) => {
    knownCommit(
      "commitStatuses",
      i,
      knownRepository("commitStatuses", i, status.repository),
      status.commitOid,
    );
  });
  const deployments = new Set<string>();
  data.deployments.forEach((d, i) => {
    const repo = knownRepository("deployments", i, d.repository);
    knownCommit("deployments", i, repo, d.commitOid);
    const key = `${d.repository.toLowerCase()}#${d.number}`;
    if (deployments.has(key))
      report(["deployments", i, "number"], `${d.repository} deployment ${d.number} appears twice`);
    deployments.add(key);
    if (Date.parse(d.updatedAt) < Date.parse(d.createdAt))
      report(["deployments", i, "updatedAt"], "is before createdAt");
    d.statuses.forEach((status, s) => {
      const previous = d.statuses[s - 1];
      if (previous && Date.parse(status.createdAt) < Date.parse(previous.createdAt)) {
        report(
          ["deployments", i, "statuses", s, "createdAt"],
          "is before the previous status (statuses are oldest first)",
        );
      }
    });
  });
  const issues = new Set<string>();
  data.issues.forEach((issue, i) => {
    knownRepository("issues", i, issue.repository);
    const key = `${issue.repository.toLowerCase()}#${issue.number}`;
    if (issues.has(key) || prNumbers.has(key)) {
      report(
        ["issues", i, "number"],
        `${issue.repository}#${issue.number} is already taken (issues share numbers with pull requests)`,
      );
    }
    issues.add(key);
    if (issue.closedAt && Date.parse(issue.closedAt) < Date.parse(issue.createdAt)) {
      report(["issues", i, "closedAt"], "is before createdAt");
    }
    if (Date.parse(issue.updatedAt) < Date.parse(issue.createdAt))
      report(["issues", i, "updatedAt"], "is before createdAt");
  });
}

export type DatasetInput = z.input<typeof datasetSchema>;

function stateOf(pr: { closedAt: string | null; mergedAt: string | null }): PullRequestState {
  if (pr.mergedAt) return "MERGED";
  return pr.closedAt ? "CLOSED" : "OPEN";
}

function normalise(parsed: z.output<typeof datasetSchema>): Dataset {
  return {
    organizations: parsed.organizations,
    repositories: parsed.repositories,
    pullRequests: parsed.pullRequests.map((pr) => ({
      repository: pr.repository,
      number: pr.number,
      title: pr.title,
      body: pr.body,
      author: pr.author,
      headRefName: pr.headRefName,
      baseRefName: pr.baseRefName,
      state: pr.state ?? stateOf(pr),
      isDraft: pr.isDraft,
      createdAt: pr.createdAt,
      updatedAt: pr.updatedAt,
      closedAt: pr.closedAt,
      mergedAt: pr.mergedAt,
      additions: pr.additions,
      deletions: pr.deletions,
      changedFiles: pr.changedFiles,
      mergeCommitOid: pr.mergeCommitOid,
      commits: pr.commits,
      reviews: pr.reviews,
      // Kept only when given, so that a dataset without them reads back equal.
      ...(pr.labels !== undefined ? { labels: pr.labels } : {}),
      ...(pr.timelineEvents !== undefined ? { timelineEvents: pr.timelineEvents } : {}),
      ...(pr.mergedBy !== undefined ? { mergedBy: pr.mergedBy } : {}),
    })),
    defaultBranchCommits: parsed.defaultBranchCommits,
    otherBranchCommits: parsed.otherBranchCommits,
    checkSuites: parsed.checkSuites,
    commitStatuses: parsed.commitStatuses,
    deployments: parsed.deployments,
    issues: parsed.issues,
  };
}

const WHAT = "simulator dataset";

/**
 * Validates a dataset already in memory (e.g. built by a test). Problems name the field path;
 * `file` only labels the message.
 */
export function parseDataset(value: unknown, file = "<dataset>"): Dataset {
  const result = datasetSchema.safeParse(value);
  if (result.success) return normalise(result.data);
  const problems: InputProblem[] = result.error.issues.map((issue) => ({
    field: fieldPath(issue.path),
    message: issue.message,
  }));
  throw new InputError(`${WHAT} ${file} is invalid`, problems);
}

/**
 * Reads a dataset JSON file. A missing file, a JSON syntax error or an invalid field is an InputError
 * (exit code 2) naming the file, the field path and the line and column.
 */
export function loadDataset(file: string): Dataset {
  const text = readInputFile(file, WHAT);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw new InputError(`${WHAT} ${file} is not valid JSON`, [
      { field: "", message, position: { file, ...jsonErrorPosition(text, message) } },
    ]);
  }
  const result = datasetSchema.safeParse(value);
  if (result.success) return normalise(result.data);
  // Only on failure: re-read the file keeping source positions (JSON is YAML), so each problem gets
  // file:line:column. Parsing positions for every large, valid file would be wasted time.
  let positioned: ReturnType<typeof parseYaml> | undefined;
  try {
    positioned = parseYaml(text, file, WHAT);
  } catch {
    positioned = undefined;
  }
  if (positioned) validateYaml(positioned, datasetSchema, WHAT);
  return parseDataset(value, file);
}

/** Writes a dataset as pretty JSON, atomically. `loadDataset` reads back an equal dataset. */
export function saveDataset(file: string, dataset: Dataset): void {
  writeFileAtomic(file, JSON.stringify(dataset, null, 2) + "\n");
}

/** Line and column of a JSON.parse error, from the "(line L column C)" or "position N" in its message. */
function jsonErrorPosition(text: string, message: string): { line: number; column: number } {
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]), column: Number(lineCol[2]) };
  const pos = /position (\d+)/.exec(message);
  const offset = pos ? Number(pos[1]) : text.length;
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}
