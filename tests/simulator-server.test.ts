import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMIT_CHECKS_QUERY } from "../extractors/github/queries/commit-checks.query.ts";
import {
  DEFAULT_BRANCH_COMMITS_QUERY,
  DEPLOYED_COMMIT_HISTORY_QUERY,
} from "../extractors/github/queries/default-branch-commits.query.ts";
import {
  DEPLOYMENTS_BY_ID_QUERY,
  REPOSITORIES_DEPLOYMENTS_QUERY,
  REPOSITORY_DEPLOYMENTS_PAGE_QUERY,
} from "../extractors/github/queries/deployments.query.ts";
import { SEARCH_INCIDENTS_QUERY } from "../extractors/github/queries/incidents.query.ts";
import { ORG_REPOSITORIES_QUERY } from "../extractors/github/queries/org-repositories.query.ts";
import { PULL_REQUEST_COMMITS_PAGE_QUERY } from "../extractors/github/queries/pull-request-commits.query.ts";
import { PULL_REQUEST_REVIEWS_PAGE_QUERY } from "../extractors/github/queries/pull-request-reviews.query.ts";
import { REPO_PULL_REQUESTS_QUERY } from "../extractors/github/queries/pull-requests.query.ts";
import { REPOSITORY_QUERY } from "../extractors/github/queries/repository.query.ts";
import { SEARCH_PULL_REQUESTS_QUERY } from "../extractors/github/queries/search-pull-requests.query.ts";
import { type Dataset, type DatasetPullRequest, parseDataset } from "../simulator/dataset.ts";
import { DatasetIndex } from "../simulator/dataset-index.ts";
import { ids, pullRequestNodeId } from "../simulator/node-ids.ts";
import { runSearch } from "../simulator/search.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";

/** Only the count of a search (no nodes): how the tests read issueCount. */
const SEARCH_COUNT_QUERY = /* GraphQL */ `
query SearchCount($q: String!) {
  search(type: ISSUE, query: $q, first: 1) { issueCount }
  rateLimit { cost remaining resetAt limit }
}
`;

// biome-ignore lint/suspicious/noExplicitAny: GraphQL JSON from the wire, checked field by field by the tests
type Json = any;

interface Answer {
  data: Json;
  errors?: Json[];
  headers: Headers;
}

async function gql(sim: Simulator, query: string, variables: Record<string, unknown> = {}, token = "t0k3n") {
  const res = await fetch(sim.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Json; errors?: Json[] };
  return { data: body.data, errors: body.errors, headers: res.headers } as Answer;
}

/** `data` of an answer that must have no errors. */
async function ok(sim: Simulator, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const answer = await gql(sim, query, variables, token);
  expect(answer.errors).toBeUndefined();
  return answer.data;
}

const HEX40 = /^[0-9a-f]{40}$/;

/** A stable 40-hex object id for a label. */
const oid = (label: string) => createHash("sha1").update(label).digest("hex");

const ada = { login: "ada", type: "User" } as const;
const grace = { login: "grace", type: "User" } as const;
const linus = { login: "linus", type: "User" } as const;
const agent = { login: "copilot-swe-agent", type: "Bot" } as const;
const dependabot = { login: "dependabot", type: "Bot" } as const;
const actions = { login: "github-actions", type: "Bot" } as const;

/** A commit of `repository`'s history, written by the label of its oid, with only what history needs. */
function historyCommit(repository: string) {
  return (oidLabel: string, committedDate: string, parents: string[]) => ({
    message: "m",
    authorName: "a",
    authorEmail: "a@x",
    authoredDate: "2026-05-01T00:00:00Z",
    oid: oid(oidLabel),
    committerName: "a",
    committerEmail: "a@x",
    committedDate,
    repository,
    parents: parents.map(oid),
  });
}

function commit(label: string, at: string, message: string, who: "ada" | "grace" | "linus" | null) {
  const name = who ?? "copilot-swe-agent[bot]";
  const email = who ? `${who}@acme.example` : "198982749+Copilot@users.noreply.github.com";
  return {
    oid: oid(label),
    message,
    authorName: name,
    authorEmail: email,
    authorLogin: who,
    authoredDate: at,
    committerName: name,
    committerEmail: email,
    committedDate: at,
  };
}

const dataset: Dataset = parseDataset({
  organizations: [{ login: "acme" }, { login: "globex" }],
  repositories: [
    { owner: "acme", name: "api", pushedAt: "2026-06-10T00:00:00Z", createdAt: "2024-01-01T00:00:00Z" },
    { owner: "acme", name: "web", pushedAt: "2026-06-09T00:00:00Z", createdAt: "2024-02-01T00:00:00Z" },
    { owner: "acme", name: "old", isArchived: true, pushedAt: "2026-05-01T00:00:00Z" },
    { owner: "globex", name: "site", pushedAt: "2026-06-03T00:00:00Z" },
    { owner: "ada", name: "tools", pushedAt: "2026-06-03T05:00:00Z" },
  ],
  pullRequests: [
    {
      repository: "acme/api",
      number: 1,
      title: "Add retry to webhooks",
      body: "Retries with backoff.",
      author: ada,
      headRefName: "ada/retry",
      createdAt: "2026-06-01T09:00:00Z",
      updatedAt: "2026-06-03T12:00:00Z",
      closedAt: "2026-06-03T11:00:00Z",
      mergedAt: "2026-06-03T11:00:00Z",
      additions: 30,
      deletions: 6,
      changedFiles: 3,
      mergeCommitOid: oid("api-m1"),
      labels: ["bug", "backend"],
      commits: [
        commit(
          "c1",
          "2026-06-01T08:00:00Z",
          "feat: retry webhooks\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
          "ada",
        ),
        commit("c2", "2026-06-02T10:00:00Z", "fix: backoff cap", "ada"),
        {
          ...commit("c3", "2026-06-03T09:00:00Z", "test: retry", "ada"),
          committerName: "GitHub",
          committerEmail: "noreply@github.com",
        },
      ],
      reviews: [
        { author: grace, state: "CHANGES_REQUESTED", submittedAt: "2026-06-02T09:00:00Z", commentCount: 2 },
        { author: grace, state: "APPROVED", submittedAt: "2026-06-03T10:00:00Z" },
        { author: linus, state: "COMMENTED", submittedAt: "2026-06-03T10:30:00Z" },
      ],
      timelineEvents: [
        { type: "READY_FOR_REVIEW", createdAt: "2026-06-01T10:00:00Z", actor: ada },
        { type: "REVIEW_REQUESTED", createdAt: "2026-06-01T10:01:00Z", actor: ada, requestedReviewer: grace },
      ],
    },
    {
      repository: "acme/api",
      number: 2,
      title: "[WIP] Dark mode",
      body: "Agent at work.",
      author: agent,
      headRefName: "copilot/dark-mode",
      isDraft: true,
      createdAt: "2026-06-05T09:00:00Z",
      updatedAt: "2026-06-08T09:00:00Z",
      additions: 0,
      deletions: 0,
      changedFiles: 0,
      labels: ["frontend"],
      commits: [commit("c4", "2026-06-05T08:59:00Z", "Initial plan", null)],
      timelineEvents: [
        { type: "READY_FOR_REVIEW", createdAt: "2026-06-05T12:00:00Z", actor: ada },
        { type: "CONVERT_TO_DRAFT", createdAt: "2026-06-06T09:00:00Z", actor: ada },
      ],
    },
    {
      repository: "acme/api",
      number: 3,
      title: "Bump lodash from 4.17.20 to 4.17.21",
      author: dependabot,
      headRefName: "dependabot/npm_and_yarn/lodash-4.17.21",
      createdAt: "2026-06-04T06:00:00Z",
      updatedAt: "2026-06-06T08:00:00Z",
      closedAt: "2026-06-06T08:00:00Z",
      additions: 2,
      deletions: 2,
      changedFiles: 1,
      labels: ["dependencies"],
      commits: [commit("c5", "2026-06-04T06:00:00Z", "Bump lodash", null)],
    },
    {
      repository: "acme/api",
      number: 5,
      title: "Fix null handling in the parser",
      author: grace,
      headRefName: "grace/null",
      createdAt: "2026-06-07T09:00:00Z",
      updatedAt: "2026-06-09T10:00:00Z",
      closedAt: "2026-06-09T09:00:00Z",
      mergedAt: "2026-06-09T09:00:00Z",
      additions: 5,
      deletions: 1,
      changedFiles: 1,
      mergeCommitOid: oid("api-m5"),
      labels: ["bug"],
      commits: [commit("c6", "2026-06-07T08:00:00Z", "fix: null", "grace")],
      reviews: [{ author: ada, state: "APPROVED", submittedAt: "2026-06-08T09:00:00Z" }],
    },
    {
      repository: "acme/web",
      number: 1,
      title: "Cursor pagination for the list view",
      author: ada,
      headRefName: "ada/cursor",
      createdAt: "2026-06-02T09:00:00Z",
      updatedAt: "2026-06-04T00:00:00Z",
      closedAt: "2026-06-03T23:00:00Z",
      mergedAt: "2026-06-03T23:00:00Z",
      additions: 10,
      deletions: 0,
      changedFiles: 2,
      mergeCommitOid: oid("web-m1"),
      labels: ["bug", "frontend"],
      commits: [commit("w1", "2026-06-02T08:00:00Z", "feat: cursor", "ada")],
    },
    {
      repository: "acme/web",
      number: 2,
      title: "Tidy the footer",
      author: linus,
      labels: ["Needs Review"],
      headRefName: "linus/footer",
      createdAt: "2026-06-08T09:00:00Z",
      updatedAt: "2026-06-08T12:00:00Z",
      additions: 1,
      deletions: 1,
      changedFiles: 1,
      commits: [commit("w2", "2026-06-08T08:00:00Z", "chore: footer", "linus")],
    },
    {
      repository: "acme/old",
      number: 1,
      title: "Last change before archiving",
      author: ada,
      headRefName: "ada/last",
      createdAt: "2026-06-01T00:00:00Z",
      updatedAt: "2026-06-02T12:00:00Z",
      closedAt: "2026-06-02T12:00:00Z",
      mergedAt: "2026-06-02T12:00:00Z",
      additions: 1,
      deletions: 0,
      changedFiles: 1,
      labels: ["bug"],
    },
    {
      repository: "globex/site",
      number: 1,
      title: "Globex landing page",
      author: ada,
      headRefName: "ada/landing",
      createdAt: "2026-06-02T00:00:00Z",
      updatedAt: "2026-06-03T00:00:00Z",
      additions: 1,
      deletions: 0,
      changedFiles: 1,
      labels: ["bug"],
    },
    {
      repository: "ada/tools",
      number: 1,
      title: "A script",
      author: ada,
      headRefName: "ada/script",
      createdAt: "2026-06-03T04:00:00Z",
      updatedAt: "2026-06-03T05:00:00Z",
      additions: 1,
      deletions: 0,
      changedFiles: 1,
    },
  ],
  issues: [
    {
      repository: "acme/api",
      number: 4,
      title: "Webhooks dropped",
      body: "root cause: #1",
      author: linus,
      labels: ["incident", "sev1"],
      createdAt: "2026-06-04T07:00:00Z",
      updatedAt: "2026-06-04T09:00:00Z",
      closedAt: "2026-06-04T08:30:00Z",
    },
    {
      repository: "acme/api",
      number: 6,
      title: "Parser errors in production",
      author: grace,
      labels: ["incident"],
      createdAt: "2026-06-09T11:00:00Z",
      updatedAt: "2026-06-09T11:30:00Z",
    },
    {
      repository: "acme/api",
      number: 7,
      title: "Typo in the docs",
      author: ada,
      labels: ["bug"],
      createdAt: "2026-06-05T00:00:00Z",
      updatedAt: "2026-06-05T00:00:00Z",
    },
    {
      repository: "acme/web",
      number: 3,
      title: "Footer flickers",
      author: null,
      labels: ["sev1"],
      createdAt: "2026-06-06T00:00:00Z",
      updatedAt: "2026-06-07T00:00:00Z",
      closedAt: "2026-06-07T00:00:00Z",
      stateReason: "NOT_PLANNED",
    },
  ],
  defaultBranchCommits: [
    { ...commit("b1", "2026-05-01T00:00:00Z", "Initial commit", "ada"), repository: "acme/api", parents: [] },
    {
      ...commit("b2", "2026-05-15T00:00:00Z", "chore: scaffolding", "linus"),
      repository: "acme/api",
      parents: [oid("b1")],
    },
    {
      ...commit("api-m1", "2026-06-03T11:00:00Z", "Add retry to webhooks (#1)", "ada"),
      committerName: "GitHub",
      committerEmail: "noreply@github.com",
      repository: "acme/api",
      parents: [oid("b2")],
      pullRequestNumber: 1,
    },
    {
      ...commit("api-m5", "2026-06-09T09:00:00Z", "Fix null handling in the parser (#5)", "grace"),
      committerName: "GitHub",
      committerEmail: "noreply@github.com",
      repository: "acme/api",
      parents: [oid("api-m1")],
      pullRequestNumber: 5,
    },
  ],
  checkSuites: [
    {
      repository: "acme/api",
      commitOid: oid("c3"),
      app: "github-actions",
      workflowName: "ci",
      event: "pull_request",
      runNumber: 41,
      branch: "ada/retry",
      status: "COMPLETED",
      conclusion: "FAILURE",
      createdAt: "2026-06-03T09:01:00Z",
      updatedAt: "2026-06-03T09:20:00Z",
      checkRuns: [
        {
          name: "build",
          conclusion: "SUCCESS",
          startedAt: "2026-06-03T09:02:00Z",
          completedAt: "2026-06-03T09:10:00Z",
        },
        {
          name: "test",
          conclusion: "FAILURE",
          startedAt: "2026-06-03T09:02:00Z",
          completedAt: "2026-06-03T09:19:00Z",
        },
      ],
    },
    {
      repository: "acme/api",
      commitOid: oid("c3"),
      app: "codecov",
      event: "pull_request",
      status: "COMPLETED",
      conclusion: "SUCCESS",
      createdAt: "2026-06-03T09:01:00Z",
      updatedAt: "2026-06-03T09:05:00Z",
    },
    {
      repository: "acme/api",
      commitOid: oid("api-m1"),
      workflowName: "ci",
      event: "push",
      runNumber: 42,
      branch: "main",
      conclusion: "SUCCESS",
      createdAt: "2026-06-03T11:01:00Z",
      updatedAt: "2026-06-03T11:12:00Z",
    },
  ],
  commitStatuses: [
    {
      repository: "acme/api",
      commitOid: oid("c3"),
      context: "jenkins",
      state: "PENDING",
      createdAt: "2026-06-03T09:01:00Z",
    },
    {
      repository: "acme/api",
      commitOid: oid("c3"),
      context: "jenkins",
      state: "SUCCESS",
      createdAt: "2026-06-03T09:30:00Z",
      targetUrl: "https://jenkins.acme.example/job/api/41",
    },
    {
      repository: "acme/api",
      commitOid: oid("c3"),
      context: "security",
      state: "FAILURE",
      createdAt: "2026-06-03T09:10:00Z",
    },
    {
      repository: "acme/api",
      commitOid: oid("api-m1"),
      context: "jenkins",
      state: "SUCCESS",
      createdAt: "2026-06-03T11:20:00Z",
    },
    {
      repository: "acme/api",
      commitOid: oid("api-m5"),
      context: "jenkins",
      state: "PENDING",
      createdAt: "2026-06-09T09:05:00Z",
    },
  ],
  deployments: [
    {
      repository: "acme/api",
      number: 1,
      environment: "production",
      commitOid: oid("b2"),
      createdAt: "2026-05-20T10:00:00Z",
      updatedAt: "2026-05-20T10:05:00Z",
      statuses: [
        { state: "IN_PROGRESS", createdAt: "2026-05-20T10:00:00Z" },
        { state: "SUCCESS", createdAt: "2026-05-20T10:05:00Z" },
      ],
    },
    {
      repository: "acme/api",
      number: 2,
      environment: "staging",
      commitOid: oid("api-m1"),
      createdAt: "2026-06-03T11:30:00Z",
      updatedAt: "2026-06-03T11:35:00Z",
      statuses: [{ state: "SUCCESS", createdAt: "2026-06-03T11:35:00Z" }],
    },
    {
      repository: "acme/api",
      number: 3,
      environment: "production",
      commitOid: oid("api-m1"),
      creator: actions,
      description: "Deploy m1",
      createdAt: "2026-06-03T12:00:00Z",
      updatedAt: "2026-06-03T12:06:00Z",
      statuses: [
        { state: "QUEUED", createdAt: "2026-06-03T12:00:00Z" },
        { state: "IN_PROGRESS", createdAt: "2026-06-03T12:01:00Z" },
        {
          state: "SUCCESS",
          createdAt: "2026-06-03T12:06:00Z",
          description: "Deployed",
          logUrl: "https://github.com/acme/api/actions/runs/1",
          environmentUrl: "https://api.acme.example",
        },
      ],
    },
    {
      repository: "acme/api",
      number: 4,
      environment: "production",
      commitOid: oid("api-m5"),
      createdAt: "2026-06-09T09:30:00Z",
      updatedAt: "2026-06-09T09:40:00Z",
      statuses: [
        { state: "IN_PROGRESS", createdAt: "2026-06-09T09:30:00Z" },
        { state: "FAILURE", createdAt: "2026-06-09T09:40:00Z" },
      ],
    },
    {
      repository: "acme/api",
      number: 5,
      environment: "production",
      commitOid: oid("api-m5"),
      createdAt: "2026-06-09T10:00:00Z",
      updatedAt: "2026-06-09T10:00:00Z",
    },
    {
      repository: "acme/api",
      number: 6,
      environment: "preview",
      commitOid: oid("c3"),
      ref: "ada/retry",
      createdAt: "2026-06-03T09:30:00Z",
      updatedAt: "2026-06-03T10:00:00Z",
      statuses: [
        { state: "SUCCESS", createdAt: "2026-06-03T09:31:00Z" },
        { state: "DESTROYED", createdAt: "2026-06-03T10:00:00Z" },
      ],
    },
  ],
});

const SEARCH = `query S($q: String!, $after: String, $first: Int = 100) {
  search(type: ISSUE, query: $q, first: $first, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename
      ... on PullRequest { number repository { nameWithOwner } }
      ... on Issue { number repository { nameWithOwner } }
    }
  }
}`;

/** "owner/name#number" of each search result, in order. */
async function searchKeys(sim: Simulator, q: string): Promise<string[]> {
  const data = await ok(sim, SEARCH, { q });
  const keys = data.search.nodes.map((n: Json) => `${n.repository.nameWithOwner}#${n.number}`);
  expect(data.search.issueCount).toBe(keys.length);
  return keys;
}

describe("the simulator serves the extractors' documents", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ dataset });
  });
  afterAll(async () => {
    await sim?.close();
  });

  const pr1 = pullRequestNodeId("acme/api", 1);

  it("serves a repository's pull requests by UPDATED_AT DESC with every PullRequestFields field", async () => {
    const data = await ok(sim, REPO_PULL_REQUESTS_QUERY, {
      owner: "acme",
      name: "api",
      after: null,
      pageSize: 10,
    });
    const connection = data.repository.pullRequests;
    expect(connection.totalCount).toBe(4);
    expect(connection.nodes.map((n: Json) => n.number)).toEqual([5, 2, 3, 1]);
    const node = connection.nodes[3];
    expect(node).toMatchObject({
      id: pr1,
      fullDatabaseId: expect.stringMatching(/^\d{10}$/),
      number: 1,
      url: "https://github.com/acme/api/pull/1",
      title: "Add retry to webhooks",
      body: "Retries with backoff.",
      state: "MERGED",
      isDraft: false,
      createdAt: "2026-06-01T09:00:00Z",
      updatedAt: "2026-06-03T12:00:00Z",
      publishedAt: "2026-06-01T09:00:00Z",
      closedAt: "2026-06-03T11:00:00Z",
      mergedAt: "2026-06-03T11:00:00Z",
      additions: 30,
      deletions: 6,
      changedFiles: 3,
      baseRefName: "main",
      headRefName: "ada/retry",
      headRefOid: oid("c3"),
      isCrossRepository: false,
      repository: { nameWithOwner: "acme/api" },
      author: { __typename: "User", login: "ada" },
      authorAssociation: "MEMBER",
      mergedBy: { __typename: "User", login: "grace" },
      mergeCommit: { oid: oid("api-m1"), committedDate: "2026-06-03T11:00:00Z" },
      reviewDecision: "APPROVED",
      totalCommentsCount: 1,
      labels: { totalCount: 2, nodes: [{ name: "bug" }, { name: "backend" }] },
    });
    expect(node.timelineItems).toEqual({
      totalCount: 2,
      nodes: [
        {
          __typename: "ReadyForReviewEvent",
          createdAt: "2026-06-01T10:00:00Z",
          actor: { __typename: "User", login: "ada" },
        },
        {
          __typename: "ReviewRequestedEvent",
          createdAt: "2026-06-01T10:01:00Z",
          requestedReviewer: { __typename: "User", login: "grace" },
        },
      ],
    });
    expect(node.commits.totalCount).toBe(3);
    expect(node.commits.pageInfo.hasNextPage).toBe(false);
    const [c1, , c3] = node.commits.nodes.map((n: Json) => n.commit);
    expect(c1).toEqual({
      id: expect.stringMatching(/^C_/),
      oid: oid("c1"),
      message: "feat: retry webhooks\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
      authoredDate: "2026-06-01T08:00:00Z",
      committedDate: "2026-06-01T08:00:00Z",
      additions: 10, // 30 additions shared by 3 commits
      deletions: 2,
      author: {
        name: "ada",
        email: "ada@acme.example",
        date: "2026-06-01T08:00:00Z",
        user: { login: "ada" },
      },
      committer: {
        name: "ada",
        email: "ada@acme.example",
        date: "2026-06-01T08:00:00Z",
        user: { login: "ada" },
      },
      // The CI of each push comes with its commit (none ran on this one).
      checkSuites: { totalCount: 0, nodes: [] },
    });
    expect(c3.checkSuites.totalCount).toBe(2);
    expect(c3.committer).toEqual({
      name: "GitHub",
      email: "noreply@github.com",
      date: "2026-06-03T09:00:00Z",
      user: null,
    });
    const head = node.headCommit.nodes[0].commit;
    expect(head.oid).toBe(oid("c3"));
    expect(head.id).toBe(c3.id);
    expect(head.status).toEqual({
      state: "FAILURE", // security failed; jenkins' latest is SUCCESS
      contexts: [
        {
          context: "jenkins",
          state: "SUCCESS",
          createdAt: "2026-06-03T09:30:00Z",
          targetUrl: "https://jenkins.acme.example/job/api/41",
        },
        { context: "security", state: "FAILURE", createdAt: "2026-06-03T09:10:00Z", targetUrl: null },
      ],
    });
    expect(head.checkSuites.totalCount).toBe(2);
    const [actions, codecov] = head.checkSuites.nodes;
    expect(actions).toEqual({
      id: expect.any(String),
      databaseId: expect.any(Number),
      status: "COMPLETED",
      conclusion: "FAILURE",
      createdAt: "2026-06-03T09:01:00Z",
      updatedAt: "2026-06-03T09:20:00Z",
      app: { slug: "github-actions" },
      branch: { name: "ada/retry" },
      workflowRun: {
        databaseId: expect.any(Number),
        runNumber: 41,
        event: "pull_request",
        createdAt: "2026-06-03T09:01:00Z",
        updatedAt: "2026-06-03T09:20:00Z",
        url: expect.stringMatching(/^https:\/\/github\.com\/acme\/api\/actions\/runs\/\d+$/),
        file: { path: ".github/workflows/ci.yml" },
        workflow: { name: "ci", databaseId: expect.any(Number) },
      },
      checkRuns: {
        totalCount: 2,
        nodes: [
          {
            databaseId: expect.any(Number),
            name: "build",
            status: "COMPLETED",
            conclusion: "SUCCESS",
            startedAt: "2026-06-03T09:02:00Z",
            completedAt: "2026-06-03T09:10:00Z",
          },
          {
            databaseId: expect.any(Number),
            name: "test",
            status: "COMPLETED",
            conclusion: "FAILURE",
            startedAt: "2026-06-03T09:02:00Z",
            completedAt: "2026-06-03T09:19:00Z",
          },
        ],
      },
    });
    expect(codecov).toMatchObject({
      conclusion: "SUCCESS",
      app: { slug: "codecov" },
      branch: null,
      workflowRun: null,
      checkRuns: { totalCount: 0, nodes: [] },
    });
    expect(node.reviews.totalCount).toBe(3);
    expect(node.reviews.pageInfo.hasNextPage).toBe(false);
    expect(node.reviews.nodes).toEqual([
      {
        id: expect.any(String),
        fullDatabaseId: expect.stringMatching(/^\d{10}$/),
        state: "CHANGES_REQUESTED",
        submittedAt: "2026-06-02T09:00:00Z",
        author: { __typename: "User", login: "grace" },
        authorAssociation: "MEMBER",
        // The head when the review was submitted: c2 came an hour later.
        commit: { oid: oid("c1") },
        comments: { totalCount: 2 },
      },
      expect.objectContaining({ state: "APPROVED", commit: { oid: oid("c3") }, comments: { totalCount: 0 } }),
      expect.objectContaining({ state: "COMMENTED", author: { __typename: "User", login: "linus" } }),
    ]);
  });

  it("serves an agent's draft with its ready and convert-to-draft events, and a bot's pull request", async () => {
    const data = await ok(sim, REPO_PULL_REQUESTS_QUERY, {
      owner: "acme",
      name: "api",
      after: null,
      pageSize: 10,
    });
    const [, agentPr, botPr] = data.repository.pullRequests.nodes;
    expect(agentPr).toMatchObject({
      number: 2,
      isDraft: true,
      state: "OPEN",
      author: { __typename: "Bot", login: "copilot-swe-agent" },
      authorAssociation: "NONE",
      mergedBy: null,
      mergeCommit: null,
      reviewDecision: null,
      timelineItems: {
        totalCount: 2,
        nodes: [
          {
            __typename: "ReadyForReviewEvent",
            createdAt: "2026-06-05T12:00:00Z",
            actor: { __typename: "User", login: "ada" },
          },
          { __typename: "ConvertToDraftEvent", createdAt: "2026-06-06T09:00:00Z" },
        ],
      },
    });
    expect(agentPr.commits.nodes[0].commit.author.user).toBeNull();
    expect(botPr).toMatchObject({
      number: 3,
      state: "CLOSED",
      mergedAt: null,
      author: { __typename: "Bot", login: "dependabot" },
      labels: { totalCount: 1, nodes: [{ name: "dependencies" }] },
      timelineItems: { totalCount: 0, nodes: [] },
    });
  });

  it("finds pull requests changed in a window with org-wide search, with the same payload as the repository scan", async () => {
    const q =
      "org:acme is:pr archived:false updated:2026-06-03T00:00:00Z..2026-06-08T12:00:00Z sort:updated-asc";
    const seen: string[] = [];
    const hasNext: boolean[] = [];
    let after: string | null = null;
    const nodes: Json[] = [];
    for (;;) {
      const data = await ok(sim, SEARCH_PULL_REQUESTS_QUERY, { q, after, pageSize: 2 });
      expect(data.search.issueCount).toBe(5);
      for (const n of data.search.nodes) {
        expect(n.__typename).toBe("PullRequest");
        seen.push(`${n.repository.nameWithOwner}#${n.number}`);
        nodes.push(n);
      }
      hasNext.push(data.search.pageInfo.hasNextPage);
      if (!data.search.pageInfo.hasNextPage) break;
      after = data.search.pageInfo.endCursor;
    }
    // Updated inside the window (both ends included), oldest update first; acme/old is archived.
    expect(seen).toEqual(["acme/api#1", "acme/web#1", "acme/api#3", "acme/api#2", "acme/web#2"]);
    expect(hasNext).toEqual([true, true, false]);
    const scanned = await ok(sim, REPO_PULL_REQUESTS_QUERY, {
      owner: "acme",
      name: "api",
      after: null,
      pageSize: 10,
    });
    const fromScan = scanned.repository.pullRequests.nodes.find((n: Json) => n.number === 1);
    const { __typename, ...fromSearch } = nodes[0];
    expect(fromSearch).toEqual(fromScan);
    const count = await ok(sim, SEARCH_COUNT_QUERY, { q });
    expect(count.search).toEqual({ issueCount: 5 });
  });

  it("pages a pull request's commits by node id", async () => {
    const first = await ok(sim, PULL_REQUEST_COMMITS_PAGE_QUERY, { id: pr1, after: null, pageSize: 2 });
    expect(first.node.id).toBe(pr1);
    expect(first.node.commits.totalCount).toBe(3);
    expect(first.node.commits.pageInfo.hasNextPage).toBe(true);
    expect(first.node.commits.nodes.map((n: Json) => n.commit.oid)).toEqual([oid("c1"), oid("c2")]);
    const rest = await ok(sim, PULL_REQUEST_COMMITS_PAGE_QUERY, {
      id: pr1,
      after: first.node.commits.pageInfo.endCursor,
      pageSize: 2,
    });
    expect(rest.node.commits.nodes.map((n: Json) => n.commit.oid)).toEqual([oid("c3")]);
    expect(rest.node.commits.pageInfo.hasNextPage).toBe(false);
    expect(rest.node.commits.nodes[0].commit).toMatchObject({
      message: "test: retry",
      author: { name: "ada", user: { login: "ada" } },
      committer: { name: "GitHub", user: null },
    });
  });

  it("pages a pull request's reviews by node id after a cursor", async () => {
    const one = await ok(
      sim,
      `query($id: ID!) { node(id: $id) { ... on PullRequest { reviews(first: 1) { pageInfo { endCursor } } } } }`,
      { id: pr1 },
    );
    const data = await ok(sim, PULL_REQUEST_REVIEWS_PAGE_QUERY, {
      id: pr1,
      after: one.node.reviews.pageInfo.endCursor,
    });
    expect(data.node.reviews.totalCount).toBe(3);
    expect(data.node.reviews.pageInfo.hasNextPage).toBe(false);
    expect(
      data.node.reviews.nodes.map((r: Json) => [r.state, r.author.login, r.comments.totalCount]),
    ).toEqual([
      ["APPROVED", "grace", 0],
      ["COMMENTED", "linus", 0],
    ]);
  });

  it("serves CI of commits batched by node id, with null and NOT_FOUND for an unknown id", async () => {
    const prs = await ok(sim, REPO_PULL_REQUESTS_QUERY, {
      owner: "acme",
      name: "api",
      after: null,
      pageSize: 10,
    });
    const c3 = prs.repository.pullRequests.nodes[3].headCommit.nodes[0].commit.id;
    const history = await ok(sim, DEFAULT_BRANCH_COMMITS_QUERY, {
      owner: "acme",
      name: "api",
      since: "2026-01-01T00:00:00Z",
      after: null,
      pageSize: 10,
    });
    const byOid = new Map<string, string>(
      history.repository.defaultBranchRef.target.history.nodes.map((n: Json) => [n.oid, n.id]),
    );
    const answer = await gql(sim, COMMIT_CHECKS_QUERY, {
      ids: [c3, byOid.get(oid("api-m1")), byOid.get(oid("b1")), "C_kwDOnope"],
    });
    const [head, merge, root, unknown] = answer.data.nodes;
    expect(head).toMatchObject({
      oid: oid("c3"),
      committedDate: "2026-06-03T09:00:00Z",
      status: { state: "FAILURE" },
    });
    expect(head.checkSuites.nodes.map((s: Json) => s.app.slug)).toEqual(["github-actions", "codecov"]);
    expect(merge.checkSuites).toEqual({
      totalCount: 1,
      nodes: [
        {
          id: expect.any(String),
          databaseId: expect.any(Number),
          status: "COMPLETED",
          conclusion: "SUCCESS",
          createdAt: "2026-06-03T11:01:00Z",
          updatedAt: "2026-06-03T11:12:00Z",
          app: { slug: "github-actions" },
          branch: { name: "main" },
          workflowRun: expect.objectContaining({
            runNumber: 42,
            event: "push",
            workflow: expect.any(Object),
          }),
          checkRuns: { totalCount: 0, nodes: [] },
        },
      ],
    });
    // One workflow: the pull request's run and the push run name the same workflow.
    expect(merge.checkSuites.nodes[0].workflowRun.workflow).toEqual(
      head.checkSuites.nodes[0].workflowRun.workflow,
    );
    expect(merge.status).toEqual({
      state: "SUCCESS",
      contexts: [
        { context: "jenkins", state: "SUCCESS", createdAt: "2026-06-03T11:20:00Z", targetUrl: null },
      ],
    });
    expect(root).toMatchObject({ oid: oid("b1"), checkSuites: { totalCount: 0, nodes: [] }, status: null });
    expect(unknown).toBeNull();
    expect(answer.errors).toEqual([
      {
        type: "NOT_FOUND",
        path: ["nodes", 3],
        locations: expect.any(Array),
        message: "Could not resolve to a node with the global id of 'C_kwDOnope'",
      },
    ]);
  });

  it("pages default-branch history since a watermark, newest first, with parents and pull requests", async () => {
    const vars = { owner: "acme", name: "api", since: "2026-05-10T00:00:00Z", pageSize: 2 };
    const first = await ok(sim, DEFAULT_BRANCH_COMMITS_QUERY, { ...vars, after: null });
    const ref = first.repository.defaultBranchRef;
    expect(ref.name).toBe("main");
    expect(ref.target.history.pageInfo.hasNextPage).toBe(true);
    const [m5, m1] = ref.target.history.nodes;
    expect(m5).toEqual({
      id: expect.stringMatching(/^C_/),
      oid: oid("api-m5"),
      authoredDate: "2026-06-09T09:00:00Z",
      committedDate: "2026-06-09T09:00:00Z",
      message: "Fix null handling in the parser (#5)",
      parents: { totalCount: 1, nodes: [{ oid: oid("api-m1") }] },
      author: { name: "grace", email: "grace@acme.example", user: { login: "grace" } },
      committer: { name: "GitHub", email: "noreply@github.com", user: null },
      associatedPullRequests: { nodes: [{ id: pullRequestNodeId("acme/api", 5), number: 5 }] },
    });
    expect(m1.associatedPullRequests.nodes).toEqual([{ id: pr1, number: 1 }]);
    const rest = await ok(sim, DEFAULT_BRANCH_COMMITS_QUERY, {
      ...vars,
      after: ref.target.history.pageInfo.endCursor,
    });
    const history = rest.repository.defaultBranchRef.target.history;
    // b1 (2026-05-01) is older than the watermark.
    expect(history.nodes.map((n: Json) => n.oid)).toEqual([oid("b2")]);
    expect(history.nodes[0].parents).toEqual({ totalCount: 1, nodes: [{ oid: oid("b1") }] });
    expect(history.nodes[0].associatedPullRequests.nodes).toEqual([]);
    expect(history.pageInfo.hasNextPage).toBe(false);
    const none = await ok(sim, DEFAULT_BRANCH_COMMITS_QUERY, {
      ...vars,
      since: "2026-07-01T00:00:00Z",
      after: null,
    });
    expect(none.repository.defaultBranchRef.target.history.nodes).toEqual([]);
  });

  it("filters history by commit time even when a merged branch brings older commits into it", async () => {
    const at = historyCommit("acme/merged");
    const merged = parseDataset({
      repositories: [{ owner: "acme", name: "merged" }],
      defaultBranchCommits: [
        at("r", "2026-05-01T00:00:00Z", []),
        at("x", "2026-05-20T00:00:00Z", ["r"]),
        at("old", "2026-05-10T00:00:00Z", ["r"]),
        at("merge", "2026-05-21T00:00:00Z", ["x", "old"]),
      ],
    });
    const server = await startSimulator({ dataset: merged });
    try {
      const walk = async (since: string) => {
        const seen: string[] = [];
        let after: string | null = null;
        for (;;) {
          const data = await ok(server, DEFAULT_BRANCH_COMMITS_QUERY, {
            owner: "acme",
            name: "merged",
            since,
            after,
            pageSize: 1,
          });
          const history = data.repository.defaultBranchRef.target.history;
          seen.push(...history.nodes.map((n: Json) => n.oid));
          if (!history.pageInfo.hasNextPage) return seen;
          after = history.pageInfo.endCursor;
        }
      };
      expect(await walk("2026-05-15T00:00:00Z")).toEqual([oid("merge"), oid("x")]);
      expect(await walk("2026-01-01T00:00:00Z")).toEqual([oid("merge"), oid("old"), oid("x"), oid("r")]);
    } finally {
      await server.close();
    }
  });

  it("lists a hotfix commit's history as git does: its branch, then the default branch from where it was cut", async () => {
    const at = historyCommit("acme/hot");
    const hot = parseDataset({
      repositories: [{ owner: "acme", name: "hot" }],
      defaultBranchCommits: [
        at("m0", "2026-05-01T00:00:00Z", []),
        at("m1", "2026-05-02T00:00:00Z", ["m0"]),
        at("m2", "2026-05-03T00:00:00Z", ["m1"]),
        at("m3", "2026-05-06T00:00:00Z", ["m2"]),
      ],
      otherBranchCommits: [
        { ...at("h1", "2026-05-04T00:00:00Z", ["m1"]), branch: "hotfix/1" },
        { ...at("h2", "2026-05-05T00:00:00Z", ["h1"]), branch: "hotfix/1" },
      ],
      deployments: [
        {
          repository: "acme/hot",
          number: 1,
          environment: "production",
          commitOid: oid("h2"),
          ref: "hotfix/1",
          createdAt: "2026-05-05T01:00:00Z",
          updatedAt: "2026-05-05T01:00:00Z",
        },
      ],
    });
    const server = await startSimulator({ dataset: hot });
    try {
      const history = async (depth: number) => {
        const data = await ok(server, DEPLOYED_COMMIT_HISTORY_QUERY, {
          owner: "acme",
          name: "hot",
          oid: oid("h2"),
          depth,
        });
        return data.repository.object.history.nodes.map((n: Json) => [
          n.oid,
          n.parents.nodes.map((p: Json) => p.oid),
        ]);
      };
      // m2 and m3 came after the cut: not ancestors of the fix.
      expect(await history(100)).toEqual([
        [oid("h2"), [oid("h1")]],
        [oid("h1"), [oid("m1")]],
        [oid("m1"), [oid("m0")]],
        [oid("m0"), []],
      ]);
      expect((await history(2)).map(([o]: [string]) => o)).toEqual([oid("h2"), oid("h1")]);
      const deployment = await ok(server, DEPLOYMENTS_BY_ID_QUERY, {
        ids: [ids.deployment("acme/hot", 1).nodeId],
      });
      expect(deployment.nodes[0].ref.name).toBe("hotfix/1");
      expect(deployment.nodes[0].commitOid).toBe(oid("h2"));
    } finally {
      await server.close();
    }
  });

  it("uses the last merge as the default branch head of a repository whose history the dataset leaves out", async () => {
    const data = await ok(sim, DEFAULT_BRANCH_COMMITS_QUERY, {
      owner: "acme",
      name: "web",
      since: "2026-01-01T00:00:00Z",
      after: null,
      pageSize: 10,
    });
    const nodes = data.repository.defaultBranchRef.target.history.nodes;
    expect(nodes.map((n: Json) => n.oid)).toEqual([oid("web-m1")]);
    expect(nodes[0].associatedPullRequests.nodes).toEqual([
      { id: pullRequestNodeId("acme/web", 1), number: 1 },
    ]);
  });

  it("lists an organisation's non-archived repositories, most recently pushed first, with their branch heads", async () => {
    const data = await ok(sim, ORG_REPOSITORIES_QUERY, { org: "acme", after: null });
    expect(data.organization.repositories.pageInfo.hasNextPage).toBe(false);
    expect(data.organization.repositories.nodes).toEqual([
      {
        id: expect.stringMatching(/^R_/),
        databaseId: expect.any(Number),
        nameWithOwner: "acme/api",
        isFork: false,
        isArchived: false,
        pushedAt: "2026-06-10T00:00:00Z",
        updatedAt: "2026-06-10T00:00:00Z",
        createdAt: "2024-01-01T00:00:00Z",
        defaultBranchRef: { name: "main", target: { oid: oid("api-m5") } },
      },
      expect.objectContaining({
        nameWithOwner: "acme/web",
        updatedAt: "2026-06-09T00:00:00Z",
        defaultBranchRef: { name: "main", target: { oid: oid("web-m1") } },
      }),
    ]);
    const single = await ok(sim, REPOSITORY_QUERY, { owner: "ada", name: "tools" });
    expect(single.repository).toMatchObject({ nameWithOwner: "ada/tools", isArchived: false });
    expect(single.repository.defaultBranchRef.target.oid).toMatch(HEX40);
  });

  it("serves deployments newest first with GitHub's derived state and statuses newest first", async () => {
    const repos = await ok(sim, ORG_REPOSITORIES_QUERY, { org: "acme", after: null });
    const ids = repos.organization.repositories.nodes.map((r: Json) => r.id);
    const data = await ok(sim, REPOSITORIES_DEPLOYMENTS_QUERY, { ids, perRepository: 3 });
    const [api, web] = data.nodes;
    expect(api.nameWithOwner).toBe("acme/api");
    expect(api.deployments.totalCount).toBe(6);
    expect(api.deployments.pageInfo.hasNextPage).toBe(true);
    const [d5, d4, d3] = api.deployments.nodes;
    expect(d5).toEqual({
      id: expect.stringMatching(/^DE_/),
      databaseId: expect.any(Number),
      environment: "production",
      originalEnvironment: "production",
      latestEnvironment: "production",
      state: "PENDING",
      task: "deploy",
      description: "",
      createdAt: "2026-06-09T10:00:00Z",
      updatedAt: "2026-06-09T10:00:00Z",
      commitOid: oid("api-m5"),
      ref: { name: "main" },
      creator: { __typename: "User", login: "ghost" },
      latestStatus: null,
      statuses: { totalCount: 0, nodes: [] },
    });
    expect(d4).toMatchObject({
      state: "FAILURE",
      latestStatus: { state: "FAILURE", createdAt: "2026-06-09T09:40:00Z" },
    });
    expect(d4.statuses.nodes.map((s: Json) => s.state)).toEqual(["FAILURE", "IN_PROGRESS"]);
    expect(d3).toMatchObject({
      state: "ACTIVE", // the latest successful production deployment
      description: "Deploy m1",
      creator: { __typename: "Bot", login: "github-actions" },
      latestStatus: { state: "SUCCESS", createdAt: "2026-06-03T12:06:00Z" },
    });
    expect(d3.statuses).toEqual({
      totalCount: 3,
      nodes: [
        {
          state: "SUCCESS",
          createdAt: "2026-06-03T12:06:00Z",
          updatedAt: "2026-06-03T12:06:00Z",
          description: "Deployed",
          logUrl: "https://github.com/acme/api/actions/runs/1",
          environmentUrl: "https://api.acme.example",
        },
        expect.objectContaining({
          state: "IN_PROGRESS",
          description: "",
          logUrl: null,
          environmentUrl: null,
        }),
        expect.objectContaining({ state: "QUEUED", createdAt: "2026-06-03T12:00:00Z" }),
      ],
    });
    expect(web.deployments).toEqual({
      totalCount: 0,
      pageInfo: { hasNextPage: false, endCursor: null },
      nodes: [],
    });

    const rest = await ok(sim, REPOSITORY_DEPLOYMENTS_PAGE_QUERY, {
      owner: "acme",
      name: "api",
      after: api.deployments.pageInfo.endCursor,
      pageSize: 50,
    });
    const older = rest.repository.deployments.nodes;
    expect(older.map((d: Json) => [d.environment, d.state])).toEqual([
      ["staging", "ACTIVE"],
      ["preview", "DESTROYED"],
      ["production", "INACTIVE"], // superseded by the later successful production deployment
    ]);
    // DESTROYED is a deployment state; as a status GitHub's schema only has INACTIVE.
    expect(older[1].statuses.nodes.map((s: Json) => s.state)).toEqual(["INACTIVE", "SUCCESS"]);
    expect(older[1].ref).toEqual({ name: "ada/retry" });
    expect(rest.repository.deployments.pageInfo.hasNextPage).toBe(false);

    const byId = await ok(sim, DEPLOYMENTS_BY_ID_QUERY, { ids: [d4.id, older[2].id] });
    expect(byId.nodes).toEqual([
      { repository: { nameWithOwner: "acme/api" }, ...d4 },
      { repository: { nameWithOwner: "acme/api" }, ...older[2] },
    ]);
  });

  it("filters deployments by environment", async () => {
    const data = await ok(
      sim,
      `{ repository(owner: "acme", name: "api") {
        deployments(first: 10, environments: ["staging", "preview"], orderBy: {field: CREATED_AT, direction: ASC}) {
          totalCount nodes { environment createdAt }
        } } }`,
    );
    expect(data.repository.deployments).toEqual({
      totalCount: 2,
      nodes: [
        { environment: "preview", createdAt: "2026-06-03T09:30:00Z" },
        { environment: "staging", createdAt: "2026-06-03T11:30:00Z" },
      ],
    });
  });

  it("finds incidents by label search across the organisation, with their fields", async () => {
    const q = "org:acme is:issue label:incident,sev1 updated:>=2026-06-04T00:00:00Z sort:updated-asc";
    const data = await ok(sim, SEARCH_INCIDENTS_QUERY, { q, after: null, pageSize: 10 });
    expect(data.search.issueCount).toBe(3);
    const [api4, web3, api6] = data.search.nodes;
    expect(api4).toEqual({
      __typename: "Issue",
      id: expect.stringMatching(/^I_/),
      number: 4,
      url: "https://github.com/acme/api/issues/4",
      title: "Webhooks dropped",
      body: "root cause: #1",
      state: "CLOSED",
      stateReason: "COMPLETED",
      createdAt: "2026-06-04T07:00:00Z",
      updatedAt: "2026-06-04T09:00:00Z",
      closedAt: "2026-06-04T08:30:00Z",
      repository: { nameWithOwner: "acme/api" },
      author: { __typename: "User", login: "linus" },
      labels: { nodes: [{ name: "incident" }, { name: "sev1" }] },
    });
    expect(web3).toMatchObject({ number: 3, author: null, state: "CLOSED", stateReason: "NOT_PLANNED" });
    expect(api6).toMatchObject({ number: 6, state: "OPEN", stateReason: null, closedAt: null });
  });

  it("filters a repository's issues by labels (any) and by update time, ordered by UPDATED_AT", async () => {
    const query = `query($labels: [String!], $since: DateTime, $after: String) {
      repository(owner: "acme", name: "api") {
        issues(first: 1, after: $after, labels: $labels, filterBy: {since: $since}, orderBy: {field: UPDATED_AT, direction: ASC}) {
          totalCount pageInfo { hasNextPage endCursor } nodes { number }
        }
      }
    }`;
    const vars = { labels: ["incident", "sev1"], since: "2026-06-04T08:00:00Z" };
    const first = await ok(sim, query, { ...vars, after: null });
    expect(first.repository.issues.totalCount).toBe(2);
    expect(first.repository.issues.nodes).toEqual([{ number: 4 }]);
    const second = await ok(sim, query, { ...vars, after: first.repository.issues.pageInfo.endCursor });
    expect(second.repository.issues.nodes).toEqual([{ number: 6 }]);
    expect(second.repository.issues.pageInfo.hasNextPage).toBe(false);
    const bugs = await ok(sim, query, { labels: ["BUG"], since: null, after: null });
    expect(bugs.repository.issues).toMatchObject({ totalCount: 1, nodes: [{ number: 7 }] });
  });

  it("resolves node ids of every kind it hands out, and answers an unknown id with null and NOT_FOUND", async () => {
    const incident = await ok(sim, SEARCH_INCIDENTS_QUERY, {
      q: "repo:acme/api is:issue label:sev1",
      after: null,
      pageSize: 1,
    });
    const deployments = await ok(sim, REPOSITORY_DEPLOYMENTS_PAGE_QUERY, {
      owner: "acme",
      name: "api",
      after: null,
      pageSize: 1,
    });
    const repos = await ok(sim, ORG_REPOSITORIES_QUERY, { org: "acme", after: null });
    const commits = await ok(sim, PULL_REQUEST_COMMITS_PAGE_QUERY, { id: pr1, after: null, pageSize: 1 });
    const ids = [
      pr1,
      commits.node.commits.nodes[0].commit.id,
      repos.organization.repositories.nodes[0].id,
      incident.search.nodes[0].id,
      deployments.repository.deployments.nodes[0].id,
      "PR_kwDOnothing",
    ];
    const answer = await gql(
      sim,
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
        ... on PullRequest { number } ... on Commit { oid } ... on Repository { nameWithOwner }
        ... on Issue { number } ... on Deployment { environment } } }`,
      { ids },
    );
    expect(answer.data.nodes).toEqual([
      { __typename: "PullRequest", id: ids[0], number: 1 },
      { __typename: "Commit", id: ids[1], oid: oid("c1") },
      { __typename: "Repository", id: ids[2], nameWithOwner: "acme/api" },
      { __typename: "Issue", id: ids[3], number: 4 },
      { __typename: "Deployment", id: ids[4], environment: "production" },
      null,
    ]);
    expect(answer.errors).toEqual([expect.objectContaining({ type: "NOT_FOUND", path: ["nodes", 5] })]);
    const single = await gql(sim, `query($id: ID!) { node(id: $id) { id } }`, { id: "nope" });
    expect(single.data).toEqual({ node: null });
    expect(single.errors?.[0]).toMatchObject({
      type: "NOT_FOUND",
      path: ["node"],
      message: "Could not resolve to a node with the global id of 'nope'",
    });
  });
});

describe("search semantics", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ dataset });
  });
  afterAll(async () => {
    await sim?.close();
  });

  const sorted = async (q: string) => (await searchKeys(sim, q)).sort();

  it("scopes by org:, user: and repo:, several of them OR'd, and everything without one", async () => {
    expect(await sorted("org:acme is:pr")).toEqual(
      [
        "acme/api#1",
        "acme/api#2",
        "acme/api#3",
        "acme/api#5",
        "acme/old#1",
        "acme/web#1",
        "acme/web#2",
      ].sort(),
    );
    expect(await sorted("repo:acme/web repo:globex/site")).toEqual(
      ["acme/web#1", "acme/web#2", "acme/web#3", "globex/site#1"].sort(),
    );
    expect(await sorted("org:globex repo:ada/tools")).toEqual(["ada/tools#1", "globex/site#1"]);
    expect(await sorted("user:ada")).toEqual(["ada/tools#1"]);
    expect(await sorted("is:pr label:bug")).toEqual(
      ["acme/api#1", "acme/api#5", "acme/old#1", "acme/web#1", "globex/site#1"].sort(),
    );
    expect(await sorted("org:nobody is:pr")).toEqual([]);
  });

  it("tells pull requests from issues, and both apart from neither", async () => {
    expect(await sorted("org:acme is:issue")).toEqual([
      "acme/api#4",
      "acme/api#6",
      "acme/api#7",
      "acme/web#3",
    ]);
    expect(await sorted("org:acme")).toHaveLength(11);
    const data = await ok(sim, SEARCH, { q: "repo:acme/api is:issue" });
    expect(new Set(data.search.nodes.map((n: Json) => n.__typename))).toEqual(new Set(["Issue"]));
  });

  it("filters open, closed, merged and draft", async () => {
    expect(await sorted("org:acme is:pr is:open")).toEqual(["acme/api#2", "acme/web#2"]);
    expect(await sorted("org:acme is:pr is:closed")).toEqual(
      ["acme/api#1", "acme/api#3", "acme/api#5", "acme/old#1", "acme/web#1"].sort(),
    );
    expect(await sorted("org:acme is:pr is:merged")).toEqual([
      "acme/api#1",
      "acme/api#5",
      "acme/old#1",
      "acme/web#1",
    ]);
    expect(await sorted("org:acme is:issue is:open")).toEqual(["acme/api#6", "acme/api#7"]);
    expect(await sorted("org:acme is:pr is:draft")).toEqual(["acme/api#2"]);
    expect(await sorted("org:acme is:pr author:grace")).toEqual(["acme/api#5"]);
  });

  it("ORs the labels of one label: qualifier, ANDs repeated ones, and excludes -label:", async () => {
    expect(await sorted("org:acme label:bug,frontend")).toEqual(
      ["acme/api#1", "acme/api#2", "acme/api#5", "acme/api#7", "acme/old#1", "acme/web#1"].sort(),
    );
    expect(await sorted("org:acme label:bug label:frontend")).toEqual(["acme/web#1"]);
    expect(await sorted("org:acme label:bug -label:backend")).toEqual(
      ["acme/api#5", "acme/api#7", "acme/old#1", "acme/web#1"].sort(),
    );
    expect(await sorted('org:acme label:"needs review"')).toEqual(["acme/web#2"]);
  });

  it("keeps archived repositories out with archived:false, and only them with archived:true", async () => {
    expect(await sorted("org:acme is:pr archived:false")).toEqual(
      ["acme/api#1", "acme/api#2", "acme/api#3", "acme/api#5", "acme/web#1", "acme/web#2"].sort(),
    );
    expect(await sorted("org:acme is:pr archived:true")).toEqual(["acme/old#1"]);
  });

  it("filters by update and creation time with every operator, dates covering whole days", async () => {
    expect(await sorted("org:acme is:pr updated:>=2026-06-08T09:00:00Z")).toEqual(
      ["acme/api#2", "acme/api#5", "acme/web#2"].sort(),
    );
    expect(await sorted("org:acme is:pr updated:>2026-06-08T09:00:00Z")).toEqual([
      "acme/api#5",
      "acme/web#2",
    ]);
    expect(await sorted("org:acme is:pr updated:<2026-06-03T12:00:00Z")).toEqual(["acme/old#1"]);
    expect(await sorted("org:acme is:pr updated:<=2026-06-03T12:00:00Z")).toEqual([
      "acme/api#1",
      "acme/old#1",
    ]);
    expect(await sorted("org:acme updated:2026-06-04")).toEqual(["acme/api#4", "acme/web#1"]);
    expect(await sorted("org:acme updated:2026-06-06..2026-06-07")).toEqual(["acme/api#3", "acme/web#3"]);
    expect(await sorted("org:acme is:pr updated:2026-06-08T12:00:00Z..*")).toEqual([
      "acme/api#5",
      "acme/web#2",
    ]);
    expect(await sorted("org:acme is:pr updated:>=2026-06-08T11:00:00+02:00")).toEqual(
      ["acme/api#2", "acme/api#5", "acme/web#2"].sort(),
    );
    expect(await sorted("org:acme is:pr created:<2026-06-02")).toEqual(["acme/api#1", "acme/old#1"]);
  });

  it("sorts by update or creation time in either direction, newest created first by default", async () => {
    const scope = "org:acme is:pr archived:false";
    const byUpdate = ["acme/api#1", "acme/web#1", "acme/api#3", "acme/api#2", "acme/web#2", "acme/api#5"];
    const byCreation = ["acme/api#1", "acme/web#1", "acme/api#3", "acme/api#2", "acme/api#5", "acme/web#2"];
    expect(await searchKeys(sim, `${scope} sort:updated-asc`)).toEqual(byUpdate);
    expect(await searchKeys(sim, `${scope} sort:updated-desc`)).toEqual([...byUpdate].reverse());
    expect(await searchKeys(sim, `${scope} sort:updated`)).toEqual([...byUpdate].reverse());
    expect(await searchKeys(sim, `${scope} sort:created-asc`)).toEqual(byCreation);
    expect(await searchKeys(sim, scope)).toEqual([...byCreation].reverse());
  });

  it("ignores qualifiers it does not know, and matches free words in the title or body", async () => {
    expect(await sorted("org:acme is:pr flavour:vanilla is:pr")).toEqual(await sorted("org:acme is:pr"));
    expect(await sorted("org:acme webhooks")).toEqual(["acme/api#1", "acme/api#4"]);
  });

  it("pages with cursors in the asked order, each result once", async () => {
    const q = "org:acme is:pr archived:false sort:updated-desc";
    const all = await searchKeys(sim, q);
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data = await ok(sim, SEARCH, { q, after, first: 4 });
      paged.push(...data.search.nodes.map((n: Json) => `${n.repository.nameWithOwner}#${n.number}`));
      if (!data.search.pageInfo.hasNextPage) break;
      after = data.search.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
  });

  it("refuses first: 101 with EXCESSIVE_PAGINATION", async () => {
    const answer = await gql(sim, SEARCH, { q: "org:acme", first: 101 });
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]).toMatchObject({
      type: "EXCESSIVE_PAGINATION",
      path: ["search"],
      message: "Requesting 101 records on the `search` connection exceeds the `first` limit of 100 records.",
    });
  });

  it("reaches at most 1,000 results per query while issueCount reports them all", async () => {
    const total = 1203;
    const start = Date.parse("2026-01-01T00:00:00Z");
    const at = (i: number) => new Date(start + i * 60_000).toISOString().replace(".000Z", "Z");
    const big = parseDataset({
      organizations: [{ login: "big" }],
      repositories: [{ owner: "big", name: "r" }],
      pullRequests: Array.from({ length: total }, (_, i) => ({
        repository: "big/r",
        number: i + 1,
        title: `Change ${i + 1}`,
        author: null,
        headRefName: `b${i}`,
        createdAt: at(i),
        updatedAt: at(i),
        additions: 1,
        deletions: 0,
        changedFiles: 1,
      })),
    });
    const server = await startSimulator({ dataset: big });
    try {
      const q = "org:big is:pr sort:updated-asc";
      const numbers: number[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const data = await ok(server, SEARCH, { q, after, first: 100 });
        expect(data.search.issueCount).toBe(total);
        numbers.push(...data.search.nodes.map((n: Json) => n.number));
        pages += 1;
        if (!data.search.pageInfo.hasNextPage) break;
        after = data.search.pageInfo.endCursor;
      }
      expect(pages).toBe(10);
      expect(numbers).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      // A narrower window reaches the rest, as the extractor's window halving relies on.
      const rest = await ok(server, SEARCH, { q: `${q} updated:>=${at(1000)}`, first: 100 });
      expect(rest.search.issueCount).toBe(203);
      const restAll: number[] = rest.search.nodes.map((n: Json) => n.number);
      let cursor = rest.search.pageInfo.endCursor;
      let more = rest.search.pageInfo.hasNextPage;
      while (more) {
        const page = await ok(server, SEARCH, { q: `${q} updated:>=${at(1000)}`, first: 100, after: cursor });
        restAll.push(...page.search.nodes.map((n: Json) => n.number));
        cursor = page.search.pageInfo.endCursor;
        more = page.search.pageInfo.hasNextPage;
      }
      expect(restAll).toEqual(Array.from({ length: 203 }, (_, i) => i + 1001));
    } finally {
      await server.close();
    }
  });
});

describe("cost and limits of the extractors' documents", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ dataset });
  });
  afterAll(async () => {
    await sim?.close();
  });

  const fakeIds = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => `${prefix}_kwDOfake${i}`);

  /**
   * GitHub's formula, worked by hand per document: for each connection, the requests to fill it given
   * that every `first`/`last` fills (N parents → N requests), summed, ÷100, rounded, at least 1.
   */
  it.each([
    // Per pull request: labels, timelineItems, commits(50), each commit's checkSuites(10) ×50, headCommit
    // commits(last 1), its checkSuites(10), their checkRuns(20) ×10, reviews(10), their comments ×10 = 76
    // requests. 1 + 25×76 = 1,901 → 19.
    [
      "a search page of 25 pull requests",
      SEARCH_PULL_REQUESTS_QUERY,
      { q: "org:acme is:pr", after: null, pageSize: 25 },
      19,
    ],
    // 1 + 10×76 = 761 → 8.
    [
      "a repository page of 10 pull requests",
      REPO_PULL_REQUESTS_QUERY,
      { owner: "acme", name: "api", after: null, pageSize: 10 },
      8,
    ],
    ["a search count", SEARCH_COUNT_QUERY, { q: "org:acme is:pr" }, 1],
    // 50 commits as 50 parents: checkSuites 50 + checkRuns 50×20 = 1,050 → 11.
    ["CI of 50 commits", COMMIT_CHECKS_QUERY, { ids: fakeIds(50, "C") }, 11],
    // history 1 + parents 50 + associatedPullRequests 50 = 101 → 1.
    [
      "50 default-branch commits",
      DEFAULT_BRANCH_COMMITS_QUERY,
      { owner: "acme", name: "api", since: "2026-01-01T00:00:00Z", after: null, pageSize: 50 },
      1,
    ],
    // deployments 50 + statuses 50×10 = 550 → 6 (5.5 rounds up).
    [
      "deployments of 50 repositories",
      REPOSITORIES_DEPLOYMENTS_QUERY,
      { ids: fakeIds(50, "R"), perRepository: 10 },
      6,
    ],
    // statuses 50 → 1.
    ["50 deployments by id", DEPLOYMENTS_BY_ID_QUERY, { ids: fakeIds(50, "DE") }, 1],
    // reviews 1 + comments 100 = 101 → 1.
    ["a page of 100 reviews", PULL_REQUEST_REVIEWS_PAGE_QUERY, { id: "PR_x", after: null }, 1],
    // commits 1 + their checkSuites 100 = 101 → 1.
    ["a page of 100 commits", PULL_REQUEST_COMMITS_PAGE_QUERY, { id: "PR_x", after: null, pageSize: 100 }, 1],
    // search 1 + labels 100 = 101 → 1.
    [
      "a search page of 100 incidents",
      SEARCH_INCIDENTS_QUERY,
      { q: "org:acme is:issue", after: null, pageSize: 100 },
      1,
    ],
    ["a page of 100 repositories", ORG_REPOSITORIES_QUERY, { org: "acme", after: null }, 1],
  ])("charges %s GitHub's formula's points", async (_name, query, variables, points) => {
    const answer = await gql(
      sim,
      query as string,
      variables as Record<string, unknown>,
      `cost-${(_name as string).replaceAll(" ", "-")}`,
    );
    expect(answer.data.rateLimit.cost).toBe(points);
    expect(answer.data.rateLimit.remaining).toBe(5000 - (points as number));
    expect(answer.headers.get("x-ratelimit-used")).toBe(String(points));
  });

  it("counts a nodes(ids) list of N ids as N parents in the node limit", async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on PullRequest {
      commits(first: 100) { nodes { commit { parents(first: 100) { nodes { oid } } } } } } }
      rateLimit { cost nodeCount } }`;
    const fits = await gql(sim, query, { ids: fakeIds(40, "PR") });
    // 40×100 commits + 4,000×100 parents = 404,000 nodes; requests 40 + 4,000 → 40 points.
    expect(fits.data.rateLimit).toEqual({ cost: 40, nodeCount: 404_000 });
    const tooMany = await gql(sim, query, { ids: fakeIds(100, "PR") });
    expect(tooMany.data).toBeUndefined();
    expect(tooMany.errors).toEqual([
      {
        type: "MAX_NODE_LIMIT_EXCEEDED",
        message:
          "By the time this query traverses to the parents connection, it is requesting up to 1,010,000 possible nodes which exceeds the maximum limit of 500,000.",
      },
    ]);
  });

  it("refuses a history page over 100 with EXCESSIVE_PAGINATION at its path", async () => {
    const answer = await gql(sim, DEFAULT_BRANCH_COMMITS_QUERY, {
      owner: "acme",
      name: "api",
      since: "2026-01-01T00:00:00Z",
      after: null,
      pageSize: 101,
    });
    expect(answer.errors?.[0]).toMatchObject({
      type: "EXCESSIVE_PAGINATION",
      path: ["repository", "defaultBranchRef", "target", "history"],
    });
  });

  it("spends each token's budget on search pages and refuses once it is spent", async () => {
    // A search page of 25 costs 19 points.
    const tight = await startSimulator({ dataset, rateLimit: { limit: 25 } });
    try {
      const vars = { q: "org:acme is:pr", after: null, pageSize: 25 };
      const first = await gql(tight, SEARCH_PULL_REQUESTS_QUERY, vars, "a");
      expect(first.data.rateLimit.remaining).toBe(6);
      const second = await gql(tight, SEARCH_PULL_REQUESTS_QUERY, vars, "a");
      expect(second.headers.get("x-ratelimit-remaining")).toBe("0"); // charged in full: 38 used of 25
      expect(second.headers.get("x-ratelimit-used")).toBe("38");
      const refused = await gql(tight, SEARCH_PULL_REQUESTS_QUERY, vars, "a");
      expect(refused.errors?.[0]).toMatchObject({ type: "RATE_LIMITED" });
      const other = await gql(tight, SEARCH_PULL_REQUESTS_QUERY, vars, "b");
      expect(other.data.rateLimit.remaining).toBe(6);
    } finally {
      await tight.close();
    }
  });
});

describe("speed at scale", () => {
  /** `n` pull requests over 100 repositories and a year, built directly (no validation: it is large). */
  function bigDataset(n: number): Dataset {
    const start = Date.parse("2025-01-01T00:00:00Z");
    const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
    const hex = (i: number, k: number) =>
      `${i.toString(16).padStart(32, "0")}${k.toString(16).padStart(8, "0")}`;
    const pullRequests: DatasetPullRequest[] = [];
    for (let i = 0; i < n; i++) {
      const at = iso(start + Math.floor((i / n) * 365 * 86_400_000));
      pullRequests.push({
        repository: `acme/r${i % 100}`,
        number: Math.floor(i / 100) + 1,
        title: `Change ${i}`,
        body: "",
        author: { login: `u${i % 40}`, type: "User" },
        headRefName: `b${i}`,
        baseRefName: "main",
        state: "OPEN",
        isDraft: false,
        createdAt: at,
        updatedAt: at,
        closedAt: null,
        mergedAt: null,
        additions: 1,
        deletions: 0,
        changedFiles: 1,
        mergeCommitOid: null,
        commits: [0, 1].map((k) => ({
          oid: hex(i, k),
          message: "m",
          authorName: "U",
          authorEmail: "u@x",
          authorLogin: null,
          authoredDate: at,
          committerName: "U",
          committerEmail: "u@x",
          committedDate: at,
        })),
        reviews: [],
      });
    }
    return {
      organizations: [{ login: "acme" }],
      repositories: Array.from({ length: 100 }, (_, r) => ({
        owner: "acme",
        name: `r${r}`,
        defaultBranch: "main",
        isArchived: false,
        pushedAt: null,
        createdAt: "2020-01-01T00:00:00Z",
      })),
      pullRequests,
      defaultBranchCommits: [],
      otherBranchCommits: [],
      checkSuites: [],
      commitStatuses: [],
      deployments: [],
      issues: [],
    };
  }

  /** A dataset indexed and warmed: its organisation's sorted list built, its commits indexed. */
  function prepared(n: number) {
    const index = new DatasetIndex(bigDataset(n));
    const day = (d: number) => new Date(Date.parse("2025-01-01T00:00:00Z") + d * 86_400_000).toISOString();
    const query = (d: number) =>
      `org:acme is:pr archived:false updated:${day(d)}..${day(d + 1)} sort:updated-asc`;
    runSearch(index, query(400));
    // The second commit of pull request j (of the 10,000 both sizes have) lives in repository j % 100.
    const commitIds = Array.from({ length: 4000 }, (_, i) => {
      const j = (i * 7) % 10_000;
      return ids.commit(`acme/r${j % 100}`, `${j.toString(16).padStart(32, "0")}00000001`).nodeId;
    });
    for (const id of commitIds) expect(index.node(id)).toBeDefined();
    return { index, query, commitIds };
  }

  /**
   * CPU milliseconds this process spent on `work`: what it costs, whatever else the machine is busy with
   * (wall time on a shared machine also counts the time spent waiting for a core).
   */
  function cpuMs(work: () => void): number {
    const started = process.cpuUsage();
    work();
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  }

  /** CPU milliseconds for 400 searches of one-day windows, each reading a page of 25. */
  function searchTime({ index, query }: ReturnType<typeof prepared>, round: number): number {
    return cpuMs(() => {
      for (let d = 0; d < 400; d++) {
        const result = runSearch(index, query((d + round * 7) % 360));
        for (let i = 0; i < Math.min(25, result.count); i++) result.at(i);
      }
    });
  }

  /** CPU milliseconds for 4,000 commit lookups by node id. */
  function nodesTime({ index, commitIds }: ReturnType<typeof prepared>): number {
    return cpuMs(() => {
      for (const id of commitIds) index.node(id);
    });
  }

  it("finds a search page and a node by id in about the same time among 100,000 pull requests as among 10,000", () => {
    const small = prepared(10_000);
    const large = prepared(100_000);
    // Interleaved rounds, fastest of each: a garbage collection or a busy neighbour slows a round, not all.
    const best = {
      small: { search: Infinity, nodes: Infinity },
      large: { search: Infinity, nodes: Infinity },
    };
    for (let round = 0; round < 8; round++) {
      best.small.search = Math.min(best.small.search, searchTime(small, round));
      best.large.search = Math.min(best.large.search, searchTime(large, round));
      best.small.nodes = Math.min(best.small.nodes, nodesTime(small));
      best.large.nodes = Math.min(best.large.nodes, nodesTime(large));
    }
    // A scan per query would take about ten times longer on ten times the pull requests.
    expect(best.large.search / best.small.search).toBeLessThan(4);
    expect(best.large.nodes / best.small.nodes).toBeLessThan(4);
  });
});
