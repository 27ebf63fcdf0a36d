import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/core";
import { throttling } from "@octokit/plugin-throttling";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../core/errors.ts";
import { type Dataset, loadDataset, saveDataset } from "../simulator/dataset.ts";
import { evolveOrg } from "../simulator/org-evolver.ts";
import { type GeneratedOrg, generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";

/**
 * A fixed pull request document for these tests (the extractor's own evolves; its costs are checked
 * against this one, worked out by hand below).
 */
const REPO_PULL_REQUESTS_QUERY = /* GraphQL */ `
query RepoPullRequests($owner: String!, $name: String!, $after: String, $pageSize: Int!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    pullRequests(first: $pageSize, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        fullDatabaseId
        number
        url
        title
        body
        state
        isDraft
        createdAt
        updatedAt
        closedAt
        mergedAt
        additions
        deletions
        changedFiles
        baseRefName
        headRefName
        author { __typename login }
        mergeCommit { oid }
        commits(first: 100) {
          totalCount
          nodes {
            commit {
              oid
              message
              authoredDate
              committedDate
              author { name email date user { login } }
              committer { name email date }
            }
          }
        }
        reviews(first: 50) {
          totalCount
          nodes { id state submittedAt author { __typename login } }
        }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
`;

// biome-ignore lint/suspicious/noExplicitAny: GraphQL JSON from the wire, checked field by field by the tests
type Json = any;

interface Reply {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, Json> | null;
    errors?: Record<string, Json>[];
    message?: string;
    documentation_url?: string;
  };
}

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = "t0k3n",
): Promise<Reply> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `bearer ${token}`;
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Reply["body"] };
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string, from = 0): { line: number; column: number } {
  const offset = text.indexOf(needle, from);
  if (offset < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before[before.length - 1] as string).length + 1 };
}

const HOUR = 3_600_000;

describe("organisation generator", () => {
  const org = generateOrg({ seed: 7 });
  const prs = org.dataset.pullRequests;

  it("generates the same organisation from the same seed", () => {
    const again = generateOrg({ seed: 7 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(org));
  });

  it("generates a different organisation from a different seed", () => {
    const other = generateOrg({ seed: 8 });
    expect(other.dataset.pullRequests.map((p) => p.title)).not.toEqual(prs.map((p) => p.title));
    expect(other.teams).not.toEqual(org.teams);
  });

  it("honours the requested sizes and keeps everything before the end", () => {
    const end = new Date("2026-03-01T00:00:00Z");
    const small = generateOrg({ seed: 3, teams: 3, repositories: 4, pullRequests: 60, days: 30, end });
    expect(small.teams).toHaveLength(3);
    expect(small.dataset.repositories).toHaveLength(4);
    expect(small.dataset.pullRequests).toHaveLength(60);
    const start = end.getTime() - 30 * 24 * HOUR;
    for (const pr of small.dataset.pullRequests) {
      for (const t of [pr.createdAt, pr.updatedAt, pr.closedAt, pr.mergedAt]) {
        if (t) expect(Date.parse(t)).toBeLessThan(end.getTime());
      }
      expect(Date.parse(pr.createdAt)).toBeGreaterThanOrEqual(start);
    }
  });

  it("leaves exactly one repository without a team", () => {
    const owned = new Set(org.teams.flatMap((t) => t.repos));
    const teamless = org.dataset.repositories.filter((r) => !owned.has(`${r.owner}/${r.name}`));
    expect(teamless).toHaveLength(1);
  });

  it("opens pull requests mostly on weekdays and starts commits before the pull request opens", () => {
    const weekend = prs.filter((p) => [0, 6].includes(new Date(p.createdAt).getUTCDay())).length;
    // With no rhythm, 2 days in 7 would be weekend days (about 57 of 200).
    expect(weekend).toBeLessThan(prs.length * 0.1);
    for (const pr of prs) {
      expect(pr.commits.length).toBeGreaterThan(0);
      expect(
        Date.parse((pr.commits[0] as Dataset["pullRequests"][0]["commits"][0]).authoredDate),
      ).toBeLessThanOrEqual(Date.parse(pr.createdAt));
    }
  });

  it("gives a long-tailed time to merge, with closed-unmerged, open and draft pull requests", () => {
    const hours = prs
      .filter((p) => p.mergedAt)
      .map((p) => (Date.parse(p.mergedAt as string) - Date.parse(p.createdAt)) / HOUR)
      .sort((a, b) => a - b);
    const median = hours[Math.floor(hours.length / 2)] as number;
    const p90 = hours[Math.floor(hours.length * 0.9)] as number;
    expect(median).toBeGreaterThan(4);
    expect(median).toBeLessThan(72);
    expect(p90 / median).toBeGreaterThan(2.5); // log-normal tail, not a narrow band
    expect(prs.filter((p) => p.state === "CLOSED").length).toBeGreaterThan(0);
    expect(prs.filter((p) => p.state === "OPEN").length).toBeGreaterThan(0);
    expect(prs.filter((p) => p.isDraft).length).toBeGreaterThan(0);
    for (const pr of prs) {
      if (pr.state === "MERGED") expect(pr.closedAt).toBe(pr.mergedAt);
      expect(Date.parse(pr.updatedAt)).toBeGreaterThanOrEqual(Date.parse(pr.closedAt ?? pr.createdAt));
    }
  });

  it("has merged pull requests approved by someone other than the author, a few merged on comments alone or without a human review", () => {
    let unreviewed = 0;
    let commentsOnly = 0;
    const truthOf = new Map(org.truth.pullRequests.map((t) => [`${t.repository}#${t.number}`, t]));
    for (const pr of prs) {
      for (const review of pr.reviews) expect(review.author?.login).not.toBe(pr.author?.login);
      // The person who asked an agent may only comment on its pull request: their review is not an approval.
      const t = truthOf.get(`${pr.repository}#${pr.number}`);
      const asker = t?.initiatedBy;
      for (const review of pr.reviews)
        if (review.author?.login === asker) expect(review.state).not.toBe("APPROVED");
      const human = pr.reviews.filter((r) => r.author?.type === "User" && r.author.login !== asker);
      if (pr.state !== "MERGED") continue;
      expect(t?.independentApproval).toBe(human.some((r) => r.state === "APPROVED"));
      if (human.length === 0) unreviewed++;
      else if (!human.some((r) => r.state === "APPROVED")) commentsOnly++;
    }
    // A few, not most: self-merges, agent work merged by its requester, dependency bumps on green CI; and
    // merges after comments without a formal approval.
    const merged = prs.filter((pr) => pr.state === "MERGED").length;
    expect(unreviewed).toBeGreaterThan(0);
    expect(unreviewed).toBeLessThan(merged * 0.2);
    expect(commentsOnly).toBeLessThan(merged * 0.1);
  });

  it("records an authorship class in the ground truth that matches the markers in the data", () => {
    const truthOf = (pr: (typeof prs)[0]) =>
      org.truth.pullRequests.find((t) => t.repository === pr.repository && t.number === pr.number);
    const classes = new Set(org.truth.pullRequests.map((t) => t.authorship));
    expect([...classes].sort()).toEqual(["ai_assisted", "ai_authored", "automation", "unmarked"]);
    const aiTrailer =
      /^(co-authored-by: .*<(noreply@anthropic\.com|cursoragent@cursor\.com|noreply@openai\.com|copilot@github\.com|223556219\+copilot@users\.noreply\.github\.com)>|made-with: cursor)$/im;
    // Cloud agents' git identities as the author of a commit (the Copilot agent's, the Copilot App's,
    // Cursor's background agent, Codex).
    const agentAuthor =
      /^((198982749|223556219)\+copilot@users\.noreply\.github\.com|cursoragent@cursor\.com|codex@openai\.com)$/i;
    const personsWithAgentCommits = { ai_assisted: 0, ai_authored: 0 };
    for (const pr of prs) {
      const truth = truthOf(pr);
      expect(truth).toBeDefined();
      const marked = pr.commits.some((c) => aiTrailer.test(c.message));
      const agentCommits = pr.commits.filter((c) => agentAuthor.test(c.authorEmail)).length;
      switch (truth?.authorship) {
        case "automation":
          expect(pr.author).toEqual({ login: "dependabot", type: "Bot" });
          break;
        case "ai_authored":
          if (pr.author?.type === "Bot") {
            expect(pr.author).toEqual({ login: "copilot-swe-agent", type: "Bot" });
            expect(pr.commits[0]?.message).toContain(`Co-authored-by: ${truth.initiatedBy} <`);
          } else {
            // A person opened it, but a cloud agent authored every commit (the share of 1 is met).
            expect(agentCommits).toBe(pr.commits.length);
            expect(truth.initiatedBy).toBe(pr.author?.login);
            personsWithAgentCommits.ai_authored++;
          }
          break;
        case "ai_assisted":
          expect(pr.author?.type).toBe("User");
          // AI trailers, or a cloud agent's commits below the share: some, not all.
          expect(marked || (agentCommits > 0 && agentCommits < pr.commits.length)).toBe(true);
          if (agentCommits > 0) personsWithAgentCommits.ai_assisted++;
          break;
        default:
          expect(pr.author?.type).toBe("User");
          expect(marked).toBe(false);
          expect(agentCommits).toBe(0);
      }
    }
    expect(personsWithAgentCommits.ai_assisted).toBeGreaterThan(0);
    expect(personsWithAgentCommits.ai_authored).toBeGreaterThan(0);
  });

  it("plants look-alikes that carry no AI marker: a human named Claude and the word cursor", () => {
    const claude = prs.filter((p) => p.author?.login === "claude-martin");
    expect(claude.length).toBeGreaterThan(0);
    expect(claude.every((p) => p.commits.every((c) => c.authorName === "Claude Martin"))).toBe(true);
    const cursorWord = org.truth.pullRequests.filter(
      (t) => t.decoys.includes("word_cursor") && t.authorship === "unmarked",
    );
    expect(cursorWord.length).toBeGreaterThan(0);
    for (const t of cursorWord) {
      const pr = prs.find((p) => p.repository === t.repository && p.number === t.number);
      expect(`${pr?.title} ${pr?.commits.map((c) => c.message).join(" ")}`.toLowerCase()).toContain("cursor");
    }
  });

  it("assigns each pull request the team of its author, else of its repository, else unassigned", () => {
    // Recomputed here from the teams list, independently of the generator's helper.
    const memberTeams = new Map<string, string[]>();
    for (const team of org.teams)
      for (const m of team.members) memberTeams.set(m, [...(memberTeams.get(m) ?? []), team.name]);
    const repoTeam = new Map(org.teams.flatMap((t) => t.repos.map((r) => [r, t.name] as const)));
    const shared = [...memberTeams.entries()].filter(([, teams]) => teams.length > 1);
    expect(shared.length).toBeGreaterThan(0);
    for (const t of org.truth.pullRequests) {
      const person = t.authorship === "ai_authored" ? t.initiatedBy : t.authorLogin;
      const teams = [...(memberTeams.get(person ?? "") ?? [])].sort();
      expect(t.team).toBe(teams[0] ?? repoTeam.get(t.repository) ?? "unassigned");
    }
    expect(org.truth.pullRequests.some((t) => t.team === "unassigned")).toBe(true);
  });

  it("moves exactly the changed pull requests past the old watermark when evolved", () => {
    const watermark = Math.max(...prs.map((p) => Date.parse(p.updatedAt)));
    const later = evolveOrg(org, { at: new Date(watermark + 24 * HOUR), updates: 4, newPullRequests: 2 });
    const moved = later.dataset.pullRequests
      .filter((p) => Date.parse(p.updatedAt) > watermark)
      .map((p) => `${p.repository}#${p.number}`)
      .sort();
    expect(moved).toEqual(later.changed.map((c) => `${c.repository}#${c.number}`).sort());
    expect(later.changed).toHaveLength(6);
    expect(later.truth.pullRequests).toHaveLength(prs.length + 2);
    expect(org.dataset.pullRequests).toHaveLength(prs.length); // the input is untouched
  });
});

describe("GraphQL server", () => {
  let org: GeneratedOrg;
  let sim: Simulator;

  beforeAll(async () => {
    org = generateOrg({ seed: 11 });
    sim = await startSimulator({ dataset: org.dataset });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("listens on loopback and counts the requests it receives", async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const before = sim.requestCount();
    await post(sim.url, "{ viewer { login } }");
    await post(sim.url, "{ viewer { login } }");
    expect(sim.requestCount()).toBe(before + 2);
  });

  it("rejects a document that names a field GitHub does not have, with GitHub's error shape", async () => {
    const query = `query Probe($owner: String!) {\n  repository(owner: $owner, name: "x") {\n    pullRequests(first: 1) { nodes { nonsense } }\n  }\n}`;
    const reply = await post(sim.url, query, { owner: "acme" });
    expect(reply.status).toBe(200);
    expect(reply.body).not.toHaveProperty("data");
    expect(reply.body.errors).toEqual([
      {
        path: ["query Probe", "repository", "pullRequests", "nodes", "nonsense"],
        extensions: { code: "undefinedField", typeName: "PullRequest", fieldName: "nonsense" },
        locations: [positionOf(query, "nonsense")],
        message: "Field 'nonsense' doesn't exist on type 'PullRequest'",
      },
    ]);
  });

  it("rejects a syntax error with graphql-ruby's parse error message", async () => {
    const query = "{ viewer { } }";
    const reply = await post(sim.url, query);
    const { line, column } = positionOf(query, "}");
    expect(reply.body).toEqual({
      errors: [
        { message: `Parse error on "}" (RCURLY) at [${line}, ${column}]`, locations: [{ line, column }] },
      ],
    });
  });

  it("refuses first: 101 with GitHub's EXCESSIVE_PAGINATION error", async () => {
    const query = `{ repository(owner: "acme", name: "api-gateway") { pullRequests(first: 101) { nodes { id } } } }`;
    const reply = await post(sim.url, query);
    expect(reply.body.data).toEqual({ repository: null });
    expect(reply.body.errors).toEqual([
      {
        type: "EXCESSIVE_PAGINATION",
        path: ["repository", "pullRequests"],
        locations: [positionOf(query, "pullRequests")],
        message:
          "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.",
      },
    ]);
  });

  it("answers an unknown repository with NOT_FOUND and a null field", async () => {
    const reply = await post(sim.url, `{ repository(owner: "acme", name: "nope") { id } }`);
    expect(reply.body.data).toEqual({ repository: null });
    expect(reply.body.errors?.[0]).toMatchObject({
      type: "NOT_FOUND",
      path: ["repository"],
      message: "Could not resolve to a Repository with the name 'acme/nope'.",
    });
  });

  it("pages pullRequests by UPDATED_AT DESC through cursors, returning every pull request once, in order", async () => {
    const repository = "acme/web-app";
    const expected = org.dataset.pullRequests
      .filter((p) => p.repository === repository)
      .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || b.number - a.number)
      .map((p) => p.number);
    expect(expected.length).toBeGreaterThan(20);
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const reply = await post(sim.url, REPO_PULL_REQUESTS_QUERY, {
        owner: "acme",
        name: "web-app",
        after,
        pageSize: 7,
      });
      expect(reply.body.errors).toBeUndefined();
      const connection = reply.body.data?.repository.pullRequests;
      expect(connection.totalCount).toBe(expected.length);
      seen.push(...connection.nodes.map((n: { number: number }) => n.number));
      pages += 1;
      if (!connection.pageInfo.hasNextPage) break;
      expect(connection.pageInfo.endCursor).not.toBe(after);
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  it("serves pull request nodes with the ground truth's node id, author type and commits", async () => {
    const reply = await post(sim.url, REPO_PULL_REQUESTS_QUERY, {
      owner: "acme",
      name: "api-gateway",
      after: null,
      pageSize: 100,
    });
    const nodes = reply.body.data?.repository.pullRequests.nodes as Record<string, Json>[];
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      const truth = org.truth.pullRequests.find(
        (t) => t.repository === "acme/api-gateway" && t.number === node.number,
      );
      const pr = org.dataset.pullRequests.find(
        (p) => p.repository === "acme/api-gateway" && p.number === node.number,
      );
      expect(node.id).toBe(truth?.nodeId);
      expect(node.author).toEqual({ __typename: truth?.authorType, login: truth?.authorLogin });
      expect(node.commits.totalCount).toBe(pr?.commits.length);
      expect(node.commits.nodes.map((c: Json) => c.commit.oid)).toEqual(pr?.commits.map((c) => c.oid));
      expect(node.reviews.nodes.map((r: Json) => r.author?.login)).toEqual(
        pr?.reviews.map((r) => r.author?.login),
      );
      expect(node.url).toBe(`https://github.com/acme/api-gateway/pull/${node.number}`);
    }
  });

  it("answers 401 Bad credentials to a token it does not accept, and 401 to a request without one", async () => {
    const strict = await startSimulator({ dataset: org.dataset, tokens: ["good-token"] });
    try {
      const bad = await post(strict.url, "{ viewer { login } }", {}, "wrong-token");
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/graphql",
      });
      const none = await post(strict.url, "{ viewer { login } }", {}, null);
      expect(none.status).toBe(401);
      const good = await post(strict.url, "{ viewer { login } }", {}, "good-token");
      expect(good.status).toBe(200);
      expect(good.body.data?.viewer.login).toEqual(expect.any(String));
    } finally {
      await strict.close();
    }
  });

  it("lowers the remaining points by each query's cost, in rateLimit and in the headers", async () => {
    const token = "budget-test";
    // pageSize 100: pullRequests 1 request + commits 100 + reviews 100 = 201 requests → 2 points.
    const vars = { owner: "acme", name: "web-app", after: null, pageSize: 100 };
    const first = await post(sim.url, REPO_PULL_REQUESTS_QUERY, vars, token);
    const second = await post(sim.url, REPO_PULL_REQUESTS_QUERY, vars, token);
    expect(first.body.data?.rateLimit).toMatchObject({ cost: 2, limit: 5000, remaining: 4998 });
    expect(second.body.data?.rateLimit).toMatchObject({ cost: 2, remaining: 4996 });
    expect(second.headers.get("x-ratelimit-remaining")).toBe("4996");
    expect(second.headers.get("x-ratelimit-used")).toBe("4");
    expect(second.headers.get("x-ratelimit-limit")).toBe("5000");
    expect(second.headers.get("x-ratelimit-resource")).toBe("graphql");
    const reset = Number(second.headers.get("x-ratelimit-reset")) * 1000;
    expect(new Date(reset).toISOString().replace(".000Z", "Z")).toBe(second.body.data?.rateLimit.resetAt);
  });

  it("charges GitHub's documented 51 points for repositories(100) → issues(50) → labels(60)", async () => {
    const query = `{ organization(login: "acme") { repositories(first: 100) { nodes { issues(first: 50) { nodes { labels(first: 60) { nodes { name } } } } } } }
      rateLimit { cost nodeCount } }`;
    const reply = await post(sim.url, query, {}, "docs-example");
    expect(reply.body.errors).toBeUndefined();
    expect(reply.body.data?.rateLimit).toEqual({ cost: 51, nodeCount: 100 + 5000 + 300000 });
  });

  it("refuses queries once a token's budget is spent, until the window resets", async () => {
    let now = new Date("2026-11-01T10:00:00Z");
    const tight = await startSimulator({ dataset: org.dataset, rateLimit: { limit: 2 }, clock: () => now });
    try {
      const query = "{ viewer { login } rateLimit { remaining } }";
      expect((await post(tight.url, query)).body.data?.rateLimit.remaining).toBe(1);
      expect((await post(tight.url, query)).body.data?.rateLimit.remaining).toBe(0);
      const refused = await post(tight.url, query);
      expect(refused.status).toBe(200);
      expect(refused.body.errors?.[0]).toMatchObject({ type: "RATE_LIMITED" });
      expect(refused.body.errors?.[0]?.message).toMatch(
        /^API rate limit already exceeded for user ID \d+\.$/,
      );
      expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
      now = new Date(now.getTime() + HOUR + 1000);
      expect((await post(tight.url, query)).body.data?.rateLimit.remaining).toBe(1);
    } finally {
      await tight.close();
    }
  });

  it("speaks GitHub closely enough for octokit: data through octokit.graphql, RATE_LIMITED to its throttling plugin", async () => {
    const tight = await startSimulator({ dataset: org.dataset, rateLimit: { limit: 1 } });
    try {
      const retryAfters: number[] = [];
      const octokit = new (Octokit.plugin(throttling))({
        auth: "octokit-token",
        baseUrl: tight.url.replace(/\/graphql$/, ""),
        throttle: {
          onRateLimit: (retryAfter: number) => {
            retryAfters.push(retryAfter);
            return false;
          },
          onSecondaryRateLimit: () => false,
        },
      });
      const data = await octokit.graphql<Json>(REPO_PULL_REQUESTS_QUERY, {
        owner: "acme",
        name: "web-app",
        after: null,
        pageSize: 3,
      });
      expect(data.repository.pullRequests.nodes).toHaveLength(3);
      await expect(octokit.graphql("{ viewer { login } }")).rejects.toThrow();
      expect(retryAfters).toHaveLength(1);
      expect(retryAfters[0]).toBeGreaterThan(3500); // the hour's window, in seconds
    } finally {
      await tight.close();
    }
  });

  it("serves the new dataset after setDataset", async () => {
    const later = evolveOrg(org, { at: new Date("2026-11-02T12:00:00Z"), updates: 0, newPullRequests: 1 });
    const added = later.changed[0];
    expect(added).toBeDefined();
    const [owner, name] = (added?.repository ?? "").split("/");
    const query = `query($owner: String!, $name: String!, $n: Int!) { repository(owner: $owner, name: $name) { pullRequest(number: $n) { number } } }`;
    const before = await post(sim.url, query, { owner, name, n: added?.number });
    expect(before.body.data?.repository).toEqual({ pullRequest: null });
    expect(before.body.errors?.[0]).toMatchObject({ type: "NOT_FOUND", path: ["repository", "pullRequest"] });
    sim.setDataset(later.dataset);
    try {
      const after = await post(sim.url, query, { owner, name, n: added?.number });
      expect(after.body.data?.repository.pullRequest.number).toBe(added?.number);
    } finally {
      sim.setDataset(org.dataset);
    }
  });

  it("serves a page of 100 pull requests with their commits and reviews quickly", async () => {
    const big = generateOrg({ seed: 5, repositories: 1, pullRequests: 300 });
    const server = await startSimulator({ dataset: big.dataset });
    try {
      const vars = { owner: "acme", name: "api-gateway", after: null, pageSize: 100 };
      await post(server.url, REPO_PULL_REQUESTS_QUERY, vars); // warm-up: parse and validate once
      // CPU time of this process (client and simulator both run in it), fastest of five: what the work
      // costs, not how long a busy machine kept it waiting for a core.
      let fastest = Infinity;
      for (let i = 0; i < 5; i++) {
        const started = process.cpuUsage();
        const reply = await post(server.url, REPO_PULL_REQUESTS_QUERY, vars);
        const used = process.cpuUsage(started);
        fastest = Math.min(fastest, (used.user + used.system) / 1000);
        expect(reply.body.data?.repository.pullRequests.nodes).toHaveLength(100);
      }
      expect(fastest).toBeLessThan(250);
    } finally {
      await server.close();
    }
  });
});

describe("dataset files", () => {
  const dir = mkdtempSync(join(tmpdir(), "yardstick-dataset-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("round-trips a generated dataset through a file", () => {
    const { dataset } = generateOrg({ seed: 2, pullRequests: 40 });
    const file = join(dir, "round-trip.json");
    saveDataset(file, dataset);
    expect(loadDataset(file)).toEqual(dataset);
  });

  it("fills defaults and derives the state of a minimal hand-written dataset", () => {
    const file = join(dir, "minimal.json");
    writeFileSync(
      file,
      JSON.stringify({
        repositories: [{ owner: "acme", name: "api" }],
        pullRequests: [
          {
            repository: "acme/api",
            number: 1,
            title: "t",
            author: null,
            headRefName: "b",
            createdAt: "2026-01-01T00:00:00Z",
            updatedAt: "2026-01-02T00:00:00Z",
            closedAt: "2026-01-02T00:00:00Z",
            mergedAt: "2026-01-02T00:00:00Z",
            additions: 1,
            deletions: 0,
            changedFiles: 1,
          },
        ],
      }),
    );
    const dataset = loadDataset(file);
    expect(dataset.pullRequests[0]).toMatchObject({
      state: "MERGED",
      body: "",
      baseRefName: "main",
      isDraft: false,
      commits: [],
    });
    expect(dataset.repositories[0]).toMatchObject({ defaultBranch: "main", isArchived: false });
  });

  it("names the file, the field and its line when a dataset is invalid", () => {
    const { dataset } = generateOrg({ seed: 2, pullRequests: 10 });
    const broken = structuredClone(dataset) as unknown as { pullRequests: { author: { type: string } }[] };
    (broken.pullRequests[3] as { author: { type: string } }).author.type = "Robot";
    const file = join(dir, "broken.json");
    writeFileSync(file, JSON.stringify(broken, null, 2));
    let error: unknown;
    try {
      loadDataset(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const input = error as InputError;
    expect(input.exitCode).toBe(2);
    expect(input.message).toContain(file);
    expect(input.problems.map((p) => p.field)).toEqual(["pullRequests[3].author.type"]);
    const text = readFileSync(file, "utf8");
    expect(input.problems[0]?.position).toMatchObject({ file, line: positionOf(text, '"Robot"').line });
  });

  it("reports a JSON syntax error with the file and line", () => {
    const file = join(dir, "syntax.json");
    writeFileSync(file, '{\n  "repositories": [\n    { "owner": "acme", }\n  ]\n}\n');
    let error: unknown;
    try {
      loadDataset(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems[0]?.position).toMatchObject({ file, line: 3 });
  });

  it("rejects a pull request of a repository the dataset does not list", () => {
    const { dataset } = generateOrg({ seed: 2, pullRequests: 5 });
    const file = join(dir, "unknown-repo.json");
    const broken = structuredClone(dataset);
    (broken.pullRequests[0] as { repository: string }).repository = "acme/ghost";
    writeFileSync(file, JSON.stringify(broken, null, 2));
    expect(() => loadDataset(file)).toThrow(InputError);
    try {
      loadDataset(file);
    } catch (e) {
      expect((e as InputError).report()).toContain("pullRequests[0].repository");
      expect((e as InputError).report()).toContain("acme/ghost is not in repositories");
    }
  });
});
