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
}

export interface DatasetRepository {
  owner: string;
  name: string;
  defaultBranch: string;
  isArchived: boolean;
  pushedAt: string | null;
  createdAt: string;
}

export interface Dataset {
  organizations: { login: string }[];
  repositories: DatasetRepository[];
  pullRequests: DatasetPullRequest[];
}

const timestamp = z.iso.datetime({ error: 'must be an ISO-8601 UTC timestamp like "2026-06-01T12:00:00Z"' });
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

/** The JSON file's schema, cross-field rules included (repository known, numbers unique, state consistent). */
export const datasetSchema = z
  .object({
    organizations: z.array(z.object({ login }).strict()).default([]),
    repositories: z.array(repositorySchema),
    pullRequests: z.array(pullRequestSchema).default([]),
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
  });

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
    })),
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
