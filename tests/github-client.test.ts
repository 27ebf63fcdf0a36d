import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../core/logger.ts";
import { AdaptivePageSize, requestAdaptivePage } from "../extractors/github/adaptive-page-size.ts";
import { createGitHubClient, type GitHubClientOptions } from "../extractors/github/github-client.ts";
import {
  BudgetReserveReached,
  classifyAttempt,
  GitHubPartialDataError,
  GitHubRequestError,
  reactionOf,
  toleratedPartial,
} from "../extractors/github/github-errors.ts";
import { waitBeforeRetry } from "../extractors/github/github-retry-rules.ts";
import { RateLimitBudget } from "../extractors/github/rate-limit-budget.ts";
import { createRedactor } from "../extractors/http/redact.ts";
import type { RequestRecord } from "../extractors/http/request-record.ts";
import { normaliseRequestPolicy } from "../extractors/http/retry-policy.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type FaultKind, type Simulator, startSimulator } from "../simulator/server.ts";

const TOKEN = "ghp_clientTestTokenThatMustNeverAppear000001";

/** The kind our classification must give each simulated fault (written from GitHub's docs, not the code). */
const KIND_OF_FAULT: Record<FaultKind, string> = {
  bad_gateway_502: "bad_gateway",
  gateway_timeout_504: "gateway_timeout",
  timeout: "timeout",
  connection_reset: "connection_reset",
  secondary_limit_403: "secondary_limit",
  secondary_limit_200: "secondary_limit",
  primary_limit: "primary_limit",
  rate_limited_200: "rate_limited",
  partial_data: "partial_data",
  malformed_json: "malformed_json",
};
const ALL_FAULTS = Object.keys(KIND_OF_FAULT) as FaultKind[];

// A fixed document (the extractor's own queries may change): numbers and titles, oldest first.
const PR_PAGE = /* GraphQL */ `
query PullRequestPage($owner: String!, $name: String!, $after: String, $pageSize: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: $pageSize, after: $after, orderBy: {field: CREATED_AT, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes { id number title }
    }
  }
  rateLimit { cost remaining resetAt limit }
}`;

interface PrPage {
  repository: {
    pullRequests: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: { id: string; number: number; title: string }[];
    };
  };
}

describe("classifying GitHub's answers (one place)", () => {
  const secondary =
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
  const cases: [string, Parameters<typeof classifyAttempt>[0], string][] = [
    ["a clean answer", { status: 200, body: { data: { viewer: { login: "a" } } } }, "ok"],
    ["a 502 from the gateway", { status: 502, body: "<html>502 Bad Gateway</html>" }, "bad_gateway"],
    ["a 504", { status: 504, body: { message: "We couldn't respond in time" } }, "gateway_timeout"],
    ["a 503", { status: 503, body: "" }, "server_error"],
    ["a 401", { status: 401, body: { message: "Bad credentials" } }, "auth"],
    ["a 403 secondary limit", { status: 403, body: { message: secondary } }, "secondary_limit"],
    ["a 429", { status: 429, body: { message: "slow down" } }, "secondary_limit"],
    [
      "a 403 with no points left",
      {
        status: 403,
        headers: { "x-ratelimit-remaining": "0" },
        body: { message: "API rate limit exceeded" },
      },
      "primary_limit",
    ],
    ["a 403 for another reason", { status: 403, body: { message: "Resource not accessible" } }, "forbidden"],
    [
      "a 200 whose errors name the secondary limit",
      { status: 200, body: { errors: [{ message: secondary }] } },
      "secondary_limit",
    ],
    [
      "RATE_LIMITED with no points left",
      {
        status: 200,
        headers: { "x-ratelimit-remaining": "0" },
        body: { errors: [{ type: "RATE_LIMITED", message: "x" }] },
      },
      "primary_limit",
    ],
    [
      "RATE_LIMITED while points remain",
      {
        status: 200,
        headers: { "x-ratelimit-remaining": "812" },
        body: { errors: [{ type: "RATE_LIMITED", message: "x" }] },
      },
      "rate_limited",
    ],
    [
      "data with a NOT_FOUND at a path",
      {
        status: 200,
        body: {
          data: { nodes: [null] },
          errors: [{ type: "NOT_FOUND", message: "gone", path: ["nodes", 0] }],
        },
      },
      "not_found",
    ],
    [
      "data cut short by a timeout",
      {
        status: 200,
        body: {
          data: { a: null },
          errors: [{ type: "SOMETHING_WENT_WRONG", message: "Something went wrong", path: ["a"] }],
        },
      },
      "partial_data",
    ],
    [
      "Something went wrong with no data",
      {
        status: 200,
        body: { data: null, errors: [{ message: "Something went wrong while executing your query." }] },
      },
      "something_went_wrong",
    ],
    [
      "a validation error",
      { status: 200, body: { errors: [{ message: "Field 'x' doesn't exist on type 'Query'" }] } },
      "query",
    ],
    ["a truncated body", { status: 200, body: '{"data":{"viewer":' }, "malformed_json"],
    ["our timeout firing", { timedOut: true, error: new Error("aborted") }, "timeout"],
    [
      "a reset socket",
      { error: Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } }) },
      "connection_reset",
    ],
    [
      "a refused connection",
      { error: Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }) },
      "network",
    ],
  ];
  for (const [what, evidence, kind] of cases) {
    it(`classifies ${what} as ${kind}`, () => {
      expect(classifyAttempt(evidence).kind).toBe(kind);
    });
  }

  it("gives each kind one reaction: retriable, wait_until, tolerated or fatal", () => {
    expect(reactionOf("bad_gateway")).toBe("retriable");
    expect(reactionOf("malformed_json")).toBe("retriable");
    expect(reactionOf("partial_data")).toBe("retriable");
    expect(reactionOf("secondary_limit")).toBe("wait_until");
    expect(reactionOf("primary_limit")).toBe("wait_until");
    expect(reactionOf("not_found")).toBe("tolerated");
    expect(reactionOf("auth")).toBe("fatal");
    expect(reactionOf("query")).toBe("fatal");
  });

  it("reads retry-after and GitHub's request id from the headers", () => {
    const c = classifyAttempt({
      status: 403,
      headers: { "retry-after": "7", "x-github-request-id": "AB:12" },
      body: { message: secondary },
    });
    expect(c.retryAfterSeconds).toBe(7);
    expect(c.requestId).toBe("AB:12");
  });
});

describe("the waits of the request policy", () => {
  const policy = normaliseRequestPolicy({ retryAfterBaseMs: 1000, maxWaitMs: 10 * 60_000 });
  const now = new Date("2026-11-02T10:00:00Z");
  const failed = (kind: Parameters<typeof waitBeforeRetry>[1]["kind"], extra = {}) => ({
    kind,
    retryAfterSeconds: null,
    resetAt: null,
    ...extra,
  });

  it("backs off transient failures 1, 4, 9, 16 seconds", () => {
    expect([0, 1, 2, 3].map((n) => waitBeforeRetry(policy, failed("bad_gateway"), n, now).ms)).toEqual([
      1000, 4000, 9000, 16000,
    ]);
  });

  it("waits a minute after a secondary limit without retry-after, then doubles", () => {
    expect([0, 1, 2].map((n) => waitBeforeRetry(policy, failed("secondary_limit"), n, now).ms)).toEqual([
      60_000, 120_000, 240_000,
    ]);
  });

  it("honours retry-after before anything else", () => {
    expect(waitBeforeRetry(policy, failed("secondary_limit", { retryAfterSeconds: 3 }), 0, now).ms).toBe(
      3000,
    );
    expect(
      waitBeforeRetry(
        policy,
        failed("primary_limit", { retryAfterSeconds: 5, resetAt: new Date(now.getTime() + 300_000) }),
        0,
        now,
      ).ms,
    ).toBe(5000);
  });

  it("waits for the primary reset (plus a second) when it is close", () => {
    const resetAt = new Date(now.getTime() + 42_000);
    expect(waitBeforeRetry(policy, failed("primary_limit", { resetAt }), 0, now)).toEqual({
      ms: 43_000,
      clamped: false,
      beyondCap: false,
    });
  });

  it("refuses to wait for a primary reset beyond the cap", () => {
    const resetAt = new Date(now.getTime() + 50 * 60_000);
    expect(waitBeforeRetry(policy, failed("primary_limit", { resetAt }), 0, now).beyondCap).toBe(true);
  });

  it("clamps a long backoff to the cap", () => {
    const w = waitBeforeRetry(policy, failed("secondary_limit"), 6, now);
    expect(w).toEqual({ ms: 10 * 60_000, clamped: true, beyondCap: false });
  });
});

describe("the point budget and its reserve", () => {
  const now = new Date("2026-11-02T10:00:00Z");
  const reset = Math.floor(now.getTime() / 1000) + 1800;
  const headers = (remaining: number, used: number) => ({
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-used": String(used),
    "x-ratelimit-reset": String(reset),
  });

  it("takes cost from the body when the query selects rateLimit", () => {
    const budget = new RateLimitBudget();
    const body = {
      data: { rateLimit: { cost: 7, remaining: 4100, resetAt: "2026-11-02T10:30:00Z", limit: 5000 } },
    };
    expect(budget.observe(headers(4100, 900), body, true)).toMatchObject({
      cost: 7,
      remaining: 4100,
      source: "body",
    });
  });

  it("prices a request from the growth of x-ratelimit-used when the body has no rateLimit", () => {
    const budget = new RateLimitBudget();
    expect(budget.observe(headers(4000, 1000), { data: {} }, true)?.cost).toBeNull();
    expect(budget.observe(headers(3997, 1003), { data: {} }, true)).toMatchObject({
      cost: 3,
      source: "headers",
    });
  });

  it("proceeds above the reserve, waits for a near reset, stops for a far one", () => {
    const budget = new RateLimitBudget();
    budget.observe(headers(150, 4850), { data: {} }, true);
    expect(budget.beforeRequest(100, 60_000, now, 1)).toEqual({ action: "proceed" });
    expect(budget.beforeRequest(200, 60 * 60_000, now, 1)).toMatchObject({ action: "wait", ms: 1_801_000 });
    expect(budget.beforeRequest(200, 15 * 60_000, now, 1)).toMatchObject({
      action: "stop",
      remaining: 150,
      resetAt: new Date(reset * 1000).toISOString(),
    });
  });

  it("counts the expected cost of the next request against the reserve", () => {
    const budget = new RateLimitBudget();
    budget.observe(headers(205, 4795), { data: {} }, true);
    expect(budget.beforeRequest(200, 0, now, 5).action).toBe("proceed");
    expect(budget.beforeRequest(200, 0, now, 6).action).toBe("stop");
  });

  it("stops rather than waits again when a reset it waited for brought nothing back", () => {
    const budget = new RateLimitBudget();
    budget.observe(headers(10, 4990), { data: {} }, true);
    const first = budget.beforeRequest(200, 60 * 60_000, now, 1);
    expect(first.action).toBe("wait");
    budget.waitedForReset(new Date(reset * 1000).toISOString());
    expect(budget.beforeRequest(200, 60 * 60_000, new Date(reset * 1000 + 5000), 1).action).toBe("stop");
  });
});

describe("adaptive page size", () => {
  it("halves after a heavy failure, not below the floor", () => {
    const size = new AdaptivePageSize({ max: 50, min: 5 });
    expect([size.heavyFailure(), size.heavyFailure(), size.heavyFailure(), size.heavyFailure()]).toEqual([
      25, 12, 6, 5,
    ]);
  });

  it("grows back after N clean pages in a row, never above the configured size", () => {
    const size = new AdaptivePageSize({ max: 40, min: 5, growAfter: 3 });
    size.heavyFailure(); // 20
    size.heavyFailure(); // 10
    const seen = Array.from({ length: 9 }, () => size.success());
    expect(seen).toEqual([10, 10, 20, 20, 20, 40, 40, 40, 40]);
  });

  it("restarts the count of clean pages after a failure", () => {
    const size = new AdaptivePageSize({ max: 20, growAfter: 2 });
    size.heavyFailure(); // 10
    size.success();
    size.heavyFailure(); // 5
    expect(size.success()).toBe(5);
    expect(size.success()).toBe(10);
  });

  it("learns from a request record: a 502 on any attempt halves, a clean answer counts", () => {
    const size = new AdaptivePageSize({ max: 30, growAfter: 1 });
    const attempt = (kind: RequestRecord["attempts"][number]["kind"]) => ({
      kind,
      status: null,
      durationMs: 1,
      waitedMs: 0,
      requestId: null,
    });
    expect(size.observe({ outcome: "ok", attempts: [attempt("bad_gateway"), attempt("ok")] })).toBe(15);
    expect(size.observe({ outcome: "ok", attempts: [attempt("connection_reset"), attempt("ok")] })).toBe(30);
  });
});

describe("redaction", () => {
  it("removes the token, Authorization values and GitHub-shaped tokens from text and values", () => {
    const r = createRedactor("s3cr3t-token-value");
    expect(r.text("bad s3cr3t-token-value here")).toBe("bad [redacted] here");
    expect(r.text('{"authorization":"token abc123"}')).not.toContain("abc123");
    expect(r.text("leaked ghp_abcdefghijklmnopqrstuvwxyz0123456789")).toBe("leaked [redacted]");
    const v = r.value({ headers: { authorization: "bearer x" }, nested: ["s3cr3t-token-value"] });
    expect(v).toEqual({ headers: {}, nested: ["[redacted]"] });
  });
});

describe("the GitHub client against the simulator with faults", () => {
  const org = generateOrg({ seed: 5, repositories: 2, pullRequests: 60 });
  const repo = org.dataset.repositories[0]!;
  const expectedNumbers = org.dataset.pullRequests
    .filter((pr) => pr.repository === `${repo.owner}/${repo.name}`)
    .map((pr) => pr.number)
    .sort((a, b) => a - b);
  let sim: Simulator;
  let records: RequestRecord[];
  let lines: string[];

  /**
   * Attempt timeouts that expire when the simulator holds a request for a "timeout" fault, never by the
   * clock: a healthy request on a busy machine never times out, and a held one always does, at once.
   */
  const pendingTimeouts = new Set<() => void>();
  const expireWhenHeld = (_ms: number, expire: () => void) => {
    pendingTimeouts.add(expire);
    return () => {
      pendingTimeouts.delete(expire);
    };
  };

  const clientWith = (overrides: Partial<GitHubClientOptions> = {}) =>
    createGitHubClient({
      url: sim.url,
      token: TOKEN,
      logger: createLogger({ format: "json", level: "debug", write: (l) => lines.push(l) }),
      requestIntervalMs: 0,
      retryAfterBaseMs: 1,
      startTimeout: expireWhenHeld,
      onRequest: (r) => records.push(r),
      ...overrides,
    });

  async function allNumbers(client = clientWith(), pageSize = 10): Promise<number[]> {
    const numbers: number[] = [];
    let after: string | null = null;
    for (;;) {
      const page: PrPage = await client.query<PrPage>(
        PR_PAGE,
        { owner: repo.owner, name: repo.name, after, pageSize },
        { stream: "test", repository: `${repo.owner}/${repo.name}` },
      );
      numbers.push(...page.repository.pullRequests.nodes.map((n) => n.number));
      if (!page.repository.pullRequests.pageInfo.hasNextPage) return numbers.sort((a, b) => a - b);
      after = page.repository.pullRequests.pageInfo.endCursor;
    }
  }

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN] });
    sim.onFault((kind) => {
      if (kind === "timeout") for (const expire of [...pendingTimeouts]) expire();
    });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    records = [];
    lines = [];
    sim.setFaults(null);
  });

  it("reads every pull request of a repository without faults, one record per request", async () => {
    expect(expectedNumbers.length).toBeGreaterThan(20);
    expect(await allNumbers()).toEqual(expectedNumbers);
    expect(records).toHaveLength(Math.ceil(expectedNumbers.length / 10));
    for (const r of records) {
      expect(r).toMatchObject({ operation: "PullRequestPage", outcome: "ok", retries: 0, pageSize: 10 });
      expect(r.rateLimit?.cost).toBe(1);
      expect(r.rateLimit?.source).toBe("body");
    }
  });

  for (const fault of ALL_FAULTS) {
    it(`still reads exactly the right pull requests when ${fault} hits 30% of requests`, async () => {
      sim.setFaults({ rate: 0.3, kinds: [fault], seed: 17, timeoutMs: 3000 });
      const client = clientWith({ maxRetries: 6, maxRateLimitRetries: 6 });
      expect(await allNumbers(client)).toEqual(expectedNumbers);
      const injected = sim.faultStats()[fault];
      expect(injected).toBeGreaterThan(0);
      const retried = records.reduce(
        (sum, r) => sum + (r.retriesByKind[KIND_OF_FAULT[fault] as never] ?? 0),
        0,
      );
      expect(retried).toBe(injected);
    });
  }

  it("records exactly the retries a script of faults causes, with the kind of each", async () => {
    const script: (FaultKind | "ok")[] = [
      "bad_gateway_502",
      "timeout",
      "ok",
      "secondary_limit_403",
      "secondary_limit_200",
      "rate_limited_200",
      "ok",
      "primary_limit",
      "malformed_json",
      "connection_reset",
      "partial_data",
      "gateway_timeout_504",
      "ok",
    ];
    sim.setFaults({ script, timeoutMs: 3000 });
    const client = clientWith();
    // A page of pull requests: a partial answer can lose one of its nodes (`viewer`, being non-null,
    // would null the whole answer instead: "something went wrong", not partial data).
    const vars = { owner: repo.owner, name: repo.name, after: null, pageSize: 3 };
    for (let i = 0; i < 3; i++) await client.query(PR_PAGE, vars);
    // Split the script at each "ok": one request per group, its faults then its success.
    const groups: FaultKind[][] = [[]];
    for (const step of script) {
      if (step === "ok") groups.push([]);
      else groups[groups.length - 1]!.push(step);
    }
    const expected = groups.slice(0, 3).map((faults) => [...faults.map((f) => KIND_OF_FAULT[f]), "ok"]);
    expect(records.map((r) => r.attempts.map((a) => a.kind))).toEqual(expected);
    expect(records.map((r) => r.retries)).toEqual(expected.map((kinds) => kinds.length - 1));
    expect(records[1]!.retriesByKind).toEqual({ secondary_limit: 2, rate_limited: 1 });
    const waits = lines.map((l) => JSON.parse(l)).filter((l) => l.waitSeconds !== undefined);
    expect(waits).toHaveLength(script.filter((s) => s !== "ok").length);
    for (const w of waits) {
      expect(typeof w.kind).toBe("string");
      expect(w.attempt).toBeGreaterThan(1);
    }
    // After the 403 (retry-after: 1), the 200s carry no retry-after: a minute (here 60 × 1 ms) doubled for
    // each limit already met in this request.
    expect(records[1]!.attempts.map((a) => a.waitedMs)).toEqual([0, 1, 60 * 2, 60 * 4]);
  });

  it("gives up after the retry budget with a typed error that keeps the evidence", async () => {
    sim.setFaults({ script: Array(5).fill("bad_gateway_502") });
    const error = await clientWith()
      .query("query Viewer { viewer { login } }", {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubRequestError);
    const e = error as GitHubRequestError;
    expect(e.kind).toBe("bad_gateway");
    expect(e.status).toBe(502);
    expect(e.requestId).toMatch(/^[0-9A-F]+:[0-9A-F]+$/);
    expect(e.message).toContain("502");
    expect(e.record?.attempts).toHaveLength(5);
    expect(records[0]!.outcome).toBe("failed");
  });

  it("surfaces data that stays partial after retries as a typed error carrying that data", async () => {
    sim.setFaults({ script: Array(5).fill("partial_data") });
    const error = await clientWith()
      .query<PrPage>(PR_PAGE, { owner: repo.owner, name: repo.name, after: null, pageSize: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubPartialDataError);
    const e = error as GitHubPartialDataError<PrPage>;
    expect(e.kind).toBe("partial_data");
    const nodes = e.data.repository.pullRequests.nodes as ({ number: number } | null)[];
    expect(nodes.filter((n) => n === null)).toHaveLength(1);
    expect(nodes.filter((n) => n !== null)).toHaveLength(4);
    expect(e.graphqlErrors[0]!.path).toEqual(["repository", "pullRequests", "nodes", 0]);
    expect(toleratedPartial(e)).toBeNull();
  });

  it("does not retry a NOT_FOUND on one batched node, and lets the caller keep the rest", async () => {
    const page = await clientWith().query<PrPage>(PR_PAGE, {
      owner: repo.owner,
      name: repo.name,
      after: null,
      pageSize: 2,
    });
    const ids = page.repository.pullRequests.nodes.map((n) => n.id);
    records = [];
    const error = await clientWith()
      .query(`query Batch($ids: [ID!]!) { nodes(ids: $ids) { ... on PullRequest { number } } }`, {
        ids: [ids[0], "PR_kwDOdoesNotExist", ids[1]],
      })
      .catch((e: unknown) => e);
    const partial = toleratedPartial<{ nodes: ({ number: number } | null)[] }>(error);
    expect(partial).not.toBeNull();
    expect(partial!.data.nodes.map((n) => n?.number ?? null)).toEqual([
      page.repository.pullRequests.nodes[0]!.number,
      null,
      page.repository.pullRequests.nodes[1]!.number,
    ]);
    expect(partial!.missing[0]!.type).toBe("NOT_FOUND");
    expect(records[0]!.attempts).toHaveLength(1);
  });

  it("aborts an attempt that gets no answer within the timeout and retries it", async () => {
    // The first attempt is held until the test ends: only the client's own (real) timer can end it.
    const held = sim.holdNext("Viewer");
    try {
      await clientWith({ timeoutMs: 2000, startTimeout: undefined }).query(
        "query Viewer { viewer { login } }",
        {},
      );
    } finally {
      held.release();
    }
    const kinds = records[0]!.attempts.map((a) => a.kind);
    // A busy machine may time out a retry too; the held attempt always times out and the last is answered.
    expect(kinds[0]).toBe("timeout");
    expect(kinds.at(-1)).toBe("ok");
    expect(records[0]!.attempts[0]!.durationMs).toBeGreaterThanOrEqual(1900);
  });

  it("stops a cancelled request at once, without retrying", async () => {
    const held = sim.holdNext("Viewer");
    const controller = new AbortController();
    const pending = clientWith()
      .query("query Viewer { viewer { login } }", {}, { signal: controller.signal })
      .catch((e: unknown) => e);
    // Cancelled while the simulator holds it: the only way it can end is the cancellation.
    await held.arrived;
    controller.abort();
    const error = await pending;
    held.release();
    expect((error as GitHubRequestError).kind).toBe("cancelled");
    expect(records[0]!.attempts).toHaveLength(1);
  });

  it("says in the log that it is waiting for GitHub while a request goes unanswered, and stops saying it once answered", async () => {
    const notices: string[] = [];
    let noticed: (line: string) => void = () => {};
    const logger = createLogger({
      write: (line) => {
        lines.push(line);
        if (!line.startsWith("waiting for GitHub:")) return;
        notices.push(line);
        noticed(line);
      },
    });
    const nextNotice = (about: string) =>
      new Promise<string>((resolve) => {
        noticed = (line) => {
          if (line.includes(about)) resolve(line);
        };
      });
    const client = clientWith({ logger, slowNoticeMs: 20 });
    const repository = `${repo.owner}/${repo.name}`;
    const vars = { owner: repo.owner, name: repo.name, after: null, pageSize: 5 };

    // Held until the notice comes: the notice is the event the test waits for, not a duration.
    const held = sim.holdNext("PullRequestPage");
    const seen = nextNotice("PullRequestPage");
    const page = client.query<PrPage>(PR_PAGE, vars, { stream: "pull_requests", repository });
    await held.arrived;
    const notice = await seen;
    held.release();
    expect((await page).repository.pullRequests.nodes).toHaveLength(5);
    expect(notice).toMatch(
      new RegExp(
        `^waiting for GitHub: PullRequestPage \\(pull_requests ${repository}\\), [\\d.]+ m?s so far  `,
      ),
    );
    expect(notice).toContain("step=request_waiting");
    expect(records[0]!.attempts.map((a) => a.kind)).toEqual(["ok"]);

    // Once answered, its notices stop: a leftover timer of the page request would fire before the first
    // notice of a request held after it (same interval, started earlier).
    const answered = notices.length;
    const second = sim.holdNext("Viewer");
    const viewerSeen = nextNotice("Viewer");
    const viewer = client.query("query Viewer { viewer { login } }", {});
    await second.arrived;
    await viewerSeen;
    second.release();
    await viewer;
    expect(notices.slice(answered).filter((l) => !l.includes("Viewer"))).toEqual([]);
  }, 60_000);

  it("halves the page size after a 502 and grows it back after clean pages", async () => {
    sim.setFaults({ script: ["bad_gateway_502"] });
    const client = clientWith();
    const size = new AdaptivePageSize({ max: 8, min: 2, growAfter: 2 });
    const numbers: number[] = [];
    let after: string | null = null;
    for (;;) {
      const { data } = await requestAdaptivePage(size, (pageSize) =>
        client.request<PrPage>(PR_PAGE, { owner: repo.owner, name: repo.name, after, pageSize }),
      );
      numbers.push(...data.repository.pullRequests.nodes.map((n) => n.number));
      if (!data.repository.pullRequests.pageInfo.hasNextPage) break;
      after = data.repository.pullRequests.pageInfo.endCursor;
    }
    expect(numbers.sort((a, b) => a - b)).toEqual(expectedNumbers);
    // 8 (502, retried) → 4, 4 (two clean) → 8, 8…
    expect(records.slice(0, 5).map((r) => r.pageSize)).toEqual([8, 4, 4, 8, 8]);
  });

  it("asks again at half the size when a page keeps failing with 502", async () => {
    sim.setFaults({ script: Array(5).fill("bad_gateway_502") });
    const client = clientWith();
    const size = new AdaptivePageSize({ max: 10, min: 5 });
    const { data, pageSize } = await requestAdaptivePage(size, (n) =>
      client.request<PrPage>(PR_PAGE, { owner: repo.owner, name: repo.name, after: null, pageSize: n }),
    );
    expect(pageSize).toBe(5);
    const firstFive = org.dataset.pullRequests
      .filter((pr) => pr.repository === `${repo.owner}/${repo.name}`)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(0, 5)
      .map((pr) => pr.number);
    expect(data.repository.pullRequests.nodes.map((n) => n.number)).toEqual(firstFive);
    expect(records.map((r) => r.outcome)).toEqual(["failed", "ok"]);
  });

  it("never lets the token reach a log line, an error or a record", async () => {
    // The first request meets four rate limits (one more than its budget) and fails; the second recovers.
    sim.setFaults({ script: [...ALL_FAULTS, "ok"], timeoutMs: 3000 });
    const client = clientWith();
    const errors: unknown[] = [];
    await client.query("query Viewer { viewer { login } }", {}).catch((e: unknown) => errors.push(e));
    await client.query("query Viewer { viewer { login } }", {}).catch((e: unknown) => errors.push(e));
    const wrong = "ghp_wrongTokenAlsoNeverToAppearAnywhere00001";
    await clientWith({ token: wrong })
      .query("query Viewer { viewer { login } }", {})
      .catch((e: unknown) => errors.push(e));
    expect(errors).toHaveLength(2);
    const text = [
      ...lines,
      ...records.map((r) => JSON.stringify(r)),
      ...errors.flatMap((e) => [
        String(e),
        (e as Error).stack ?? "",
        JSON.stringify(e),
        inspect(e, { depth: 8 }),
      ]),
    ].join("\n");
    expect(text).toContain("secondary_limit");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(wrong);
    expect(text).not.toMatch(/ghp_[A-Za-z0-9]{20,}/);
  });
});

describe("the budget reserve against the simulator", () => {
  const org = generateOrg({ seed: 5, repositories: 2, pullRequests: 20 });
  const viewer = "query Viewer { viewer { login } rateLimit { cost remaining resetAt limit } }";

  it("stops with BudgetReserveReached before the budget falls under the reserve, sending nothing more", async () => {
    const sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN], rateLimit: { limit: 30 } });
    try {
      const records: RequestRecord[] = [];
      const client = createGitHubClient({
        url: sim.url,
        token: TOKEN,
        logger: createLogger({ write: () => {} }),
        requestIntervalMs: 0,
        reserve: 10,
        onRequest: (r) => records.push(r),
      });
      let stop: unknown;
      for (let i = 0; i < 40 && !stop; i++) await client.query(viewer, {}).catch((e: unknown) => (stop = e));
      expect(stop).toBeInstanceOf(BudgetReserveReached);
      const e = stop as BudgetReserveReached;
      // Each query costs 1 of 30 points: it stops once one more would leave fewer than 10.
      expect(e.remaining).toBe(10);
      expect(e.reason).toBe("reserve");
      expect(sim.requestCount()).toBe(20);
      expect(e.resetAt).toBe(records[records.length - 2]!.rateLimit!.resetAt);
      expect(records[records.length - 1]).toMatchObject({
        outcome: "stopped",
        failure: "budget_reserve",
        attempts: [],
      });
    } finally {
      await sim.close();
    }
  });

  it("waits for a reset that is close instead of stopping", async () => {
    let clock = new Date("2026-11-02T10:00:00Z").getTime();
    const sim = await startSimulator({
      dataset: org.dataset,
      tokens: [TOKEN],
      rateLimit: { limit: 12 },
      clock: () => new Date(clock),
    });
    try {
      const lines: string[] = [];
      const slept: number[] = [];
      const client = createGitHubClient({
        url: sim.url,
        token: TOKEN,
        logger: createLogger({ format: "json", write: (l) => lines.push(l) }),
        requestIntervalMs: 0,
        reserve: 5,
        maxWaitMs: 5 * 60_000,
        now: () => new Date(clock),
        sleep: async (ms) => {
          slept.push(ms);
          clock += ms;
        },
      });
      await client.query(viewer, {}); // opens the window: reset at 11:00
      clock = new Date("2026-11-02T10:58:00Z").getTime();
      // 11 points left: six queries bring it to 5, the seventh waits for the 11:00 reset.
      for (let i = 0; i < 10; i++) await client.query(viewer, {});
      expect(slept).toHaveLength(1);
      expect(slept[0]).toBe(2 * 60_000 + 1000);
      const wait = lines.map((l) => JSON.parse(l)).find((l) => l.kind === "budget_reserve");
      expect(wait).toMatchObject({ waitSeconds: 121, resetAt: "2026-11-02T11:00:00.000Z" });
      expect(client.budget()!.remaining).toBeGreaterThan(5);
    } finally {
      await sim.close();
    }
  });

  it("stops cleanly when GitHub says the budget is spent until a reset beyond the longest wait", async () => {
    const sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN], rateLimit: { limit: 3 } });
    try {
      const clientOf = () =>
        createGitHubClient({
          url: sim.url,
          token: TOKEN,
          logger: createLogger({ write: () => {} }),
          requestIntervalMs: 0,
          retryAfterBaseMs: 1,
          reserve: 0,
        });
      const spender = clientOf();
      for (let i = 0; i < 3; i++) await spender.query(viewer, {});
      // A fresh client does not know the budget is spent: GitHub tells it with RATE_LIMITED.
      const stop = await clientOf()
        .query(viewer, {})
        .catch((e: unknown) => e);
      expect(stop).toBeInstanceOf(BudgetReserveReached);
      expect((stop as BudgetReserveReached).reason).toBe("rate_limit");
      expect(new Date((stop as BudgetReserveReached).resetAt).getTime()).toBeGreaterThan(
        Date.now() + 50 * 60_000,
      );
    } finally {
      await sim.close();
    }
  });
});
