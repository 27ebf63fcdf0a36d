import { Octokit } from "@octokit/core";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../core/errors.ts";
import { parseDataset } from "../simulator/dataset.ts";
import { FAULT_KINDS, FaultInjector, type FaultKind, parseFaultKinds } from "../simulator/faults.ts";
import { pullRequestNodeId } from "../simulator/node-ids.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";

// biome-ignore lint/suspicious/noExplicitAny: GraphQL JSON from the wire, checked field by field by the tests
type Json = any;

const dataset = parseDataset({
  organizations: [{ login: "acme" }],
  repositories: [{ owner: "acme", name: "api" }],
  pullRequests: [1, 2, 3].map((number) => ({
    repository: "acme/api",
    number,
    title: `Change ${number}`,
    author: { login: "ada", type: "User" },
    headRefName: `ada/change-${number}`,
    createdAt: `2026-06-0${number}T09:00:00Z`,
    updatedAt: `2026-06-0${number}T10:00:00Z`,
    additions: number,
    deletions: 0,
    changedFiles: 1,
  })),
});

const PR_IDS = [1, 2, 3].map((n) => pullRequestNodeId("acme/api", n));

/** Costs 1 point; its answer has a `nodes` list whose items may be lost by a partial answer. */
const NODES_QUERY = `query Prs($ids: [ID!]!) {
  nodes(ids: $ids) { ... on PullRequest { number title } }
  rateLimit { cost remaining }
}`;

interface RawReply {
  status: number;
  headers: Headers;
  text: string;
}

async function postRaw(url: string, token = "t0k3n", query = NODES_QUERY): Promise<RawReply> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `bearer ${token}` },
    body: JSON.stringify({ query, variables: { ids: PR_IDS } }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The outcome of a request as a short label: the status, or the network error code. */
async function outcome(url: string): Promise<string> {
  try {
    const reply = await postRaw(url);
    return String(reply.status);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? "network-error";
  }
}

function fastOctokit(url: string, calls: { rate: number[]; secondary: number[] }) {
  const GH = Octokit.plugin(throttling, retry);
  return new GH({
    auth: "octokit-token",
    baseUrl: url.replace(/\/graphql$/, ""),
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    // Waits are (retry count + 1)² × 5 ms and retry-after × 5 ms instead of seconds.
    retry: { retryAfterBaseValue: 5 },
    throttle: {
      id: `faults-${Math.random()}`,
      retryAfterBaseValue: 5,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      onRateLimit: (retryAfter: number, _o: unknown, _k: unknown, retryCount: number) => {
        calls.rate.push(retryAfter);
        // A client policy: retry a short wait, give up rather than wait for a reset an hour away.
        return retryCount < 2 && retryAfter < 60;
      },
      onSecondaryRateLimit: (retryAfter: number, _o: unknown, _k: unknown, retryCount: number) => {
        calls.secondary.push(retryAfter);
        return retryCount < 2;
      },
    },
  });
}

describe("fault plans", () => {
  it("injects close to the asked share of faults, every kind about equally, the same way for the same seed", () => {
    const draws = (seed: number) => {
      const injector = new FaultInjector({ rate: 0.2, seed });
      return Array.from({ length: 20_000 }, () => injector.next());
    };
    const a = draws(42);
    const faults = a.filter((k): k is FaultKind => k !== null);
    expect(faults.length / a.length).toBeGreaterThan(0.19);
    expect(faults.length / a.length).toBeLessThan(0.21);
    for (const kind of FAULT_KINDS) {
      const share = faults.filter((k) => k === kind).length / faults.length;
      expect(share).toBeGreaterThan(0.08);
      expect(share).toBeLessThan(0.12);
    }
    expect(draws(42)).toEqual(a);
    expect(draws(43)).not.toEqual(a);
  });

  it("draws only the kinds it is given, and nothing at rate 0", () => {
    const only = new FaultInjector({ rate: 1, kinds: ["timeout", "partial_data"], seed: 3 });
    const kinds = new Set(Array.from({ length: 200 }, () => only.next()));
    expect([...kinds].sort()).toEqual(["partial_data", "timeout"]);
    const none = new FaultInjector({ rate: 0 });
    expect(Array.from({ length: 100 }, () => none.next()).every((k) => k === null)).toBe(true);
  });

  it("plays the script in order before drawing by rate", () => {
    const injector = new FaultInjector({
      script: ["primary_limit", "ok", "timeout"],
      rate: 1,
      kinds: ["malformed_json"],
    });
    expect(Array.from({ length: 5 }, () => injector.next())).toEqual([
      "primary_limit",
      null,
      "timeout",
      "malformed_json",
      "malformed_json",
    ]);
  });

  it("fails every request that matches a rule, from its Nth on, before playing the script", () => {
    const injector = new FaultInjector({
      rules: [
        { kind: "bad_gateway_502", operation: "RepoPullRequests", variables: { name: "api" }, from: 2 },
      ],
      script: ["timeout"],
    });
    const page = (name: string) => ({
      query: "query RepoPullRequests($owner: String!, $name: String!) { viewer { login } }",
      variables: { owner: "acme", name },
    });
    const other = { query: "query Viewer { viewer { login } }", variables: {} };
    expect(
      [page("api"), page("web"), other, page("api"), page("api"), other].map((r) => injector.next(r)),
    ).toEqual(["timeout", null, null, "bad_gateway_502", "bad_gateway_502", null]);
  });

  it("rejects an invalid plan naming every problem", () => {
    let error: unknown;
    try {
      new FaultInjector({ rate: 1.5, kinds: ["teapot" as FaultKind], script: ["ok", "nope" as FaultKind] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => p.field)).toEqual(["rate", "kinds[0]", "script[1]"]);
    expect(parseFaultKinds("timeout, connection_reset")).toEqual(["timeout", "connection_reset"]);
    expect(() => parseFaultKinds("502")).toThrow(InputError);
  });
});

describe("faults served over HTTP", () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ dataset });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("answers a 502 with GitHub's JSON error naming the request id, then with the gateway's HTML page", async () => {
    sim.setFaults({ script: ["bad_gateway_502", "bad_gateway_502"] });
    const json = await postRaw(sim.url);
    expect(json.status).toBe(502);
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(json.headers.get("x-ratelimit-remaining")).toBeNull();
    const requestId = json.headers.get("x-github-request-id");
    expect(requestId).toMatch(/^[0-9A-F]{4}:[0-9A-F]{6}$/);
    expect(JSON.parse(json.text)).toEqual({
      data: null,
      errors: [
        {
          message: `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${requestId}\` when reporting this issue.`,
        },
      ],
    });
    const html = await postRaw(sim.url);
    expect(html.status).toBe(502);
    expect(html.headers.get("content-type")).toBe("text/html");
    expect(html.text).toContain("<title>502 Bad Gateway</title>");
  });

  it("answers a 504 with GitHub's 'couldn't respond in time' message", async () => {
    sim.setFaults({ script: ["gateway_timeout_504"] });
    const reply = await postRaw(sim.url);
    expect(reply.status).toBe(504);
    expect(JSON.parse(reply.text)).toEqual({
      message:
        "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.",
    });
  });

  it("holds a timed-out request for timeoutMs, then drops the connection without an answer", async () => {
    sim.setFaults({ script: ["timeout"], timeoutMs: 300 });
    const started = performance.now();
    const result = await outcome(sim.url);
    const elapsed = performance.now() - started;
    expect(result).not.toMatch(/^\d+$/); // no HTTP status at all
    // Never before timeoutMs; that it ends at all (the fetch has no timeout of its own) shows the drop.
    expect(elapsed).toBeGreaterThanOrEqual(280);
  });

  it("resets the connection at once for connection_reset", async () => {
    // A plan whose timeout fault would hold for a minute: a reset that waited for anything would not end.
    sim.setFaults({ script: ["connection_reset"], timeoutMs: 60_000 });
    expect(await outcome(sim.url)).toBe("ECONNRESET");
  });

  it("answers a secondary limit with 403, retry-after and GitHub's message", async () => {
    sim.setFaults({ script: ["secondary_limit_403"] });
    const reply = await postRaw(sim.url, "secondary-403");
    expect(reply.status).toBe(403);
    expect(reply.headers.get("retry-after")).toBe("1");
    expect(Number(reply.headers.get("x-ratelimit-remaining"))).toBeGreaterThan(0);
    const body = JSON.parse(reply.text);
    expect(body.message).toMatch(/^You have exceeded a secondary rate limit\. Please wait a few minutes/);
    expect(body.message).toContain(reply.headers.get("x-github-request-id"));
    expect(body.documentation_url).toMatch(/^https:\/\/docs\.github\.com\/graphql\//);
  });

  it("can also signal the secondary limit in a 200 body's errors", async () => {
    sim.setFaults({ script: ["secondary_limit_200"] });
    const reply = await postRaw(sim.url);
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.text);
    expect(body).not.toHaveProperty("data");
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toMatch(/secondary rate limit/);
  });

  it("answers a primary limit with RATE_LIMITED, remaining 0 and a reset one to two seconds ahead", async () => {
    sim.setFaults({ script: ["primary_limit"] });
    const before = Date.now();
    const reply = await postRaw(sim.url, "primary");
    const after = Date.now();
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text).errors).toEqual([
      {
        type: "RATE_LIMITED",
        code: "graphql_rate_limit",
        message: expect.stringMatching(/^API rate limit exceeded for user ID \d+\.$/),
      },
    ]);
    expect(reply.headers.get("x-ratelimit-remaining")).toBe("0");
    const reset = Number(reply.headers.get("x-ratelimit-reset")) * 1000;
    // One to two seconds after the moment the answer was made, which lies between before and after.
    expect(reset).toBeGreaterThan(before + 1000);
    expect(reset).toBeLessThanOrEqual(after + 2000);
  });

  it("can answer RATE_LIMITED while the budget still shows points remaining", async () => {
    sim.setFaults({ script: ["rate_limited_200"] });
    const reply = await postRaw(sim.url, "rate-limited-200");
    expect(JSON.parse(reply.text).errors[0]).toMatchObject({ type: "RATE_LIMITED" });
    expect(reply.headers.get("x-ratelimit-remaining")).toBe("5000");
  });

  it("loses one item of a nodes list in a partial answer, with an error at its path", async () => {
    sim.setFaults(null);
    const full = JSON.parse((await postRaw(sim.url, "partial")).text);
    sim.setFaults({ script: ["partial_data"] });
    const reply = await postRaw(sim.url, "partial");
    const requestId = reply.headers.get("x-github-request-id");
    const body = JSON.parse(reply.text);
    expect(body.data.nodes).toEqual([null, full.data.nodes[1], full.data.nodes[2]]);
    expect(full.data.nodes[0]).toEqual({ number: 1, title: "Change 1" });
    expect(body.errors).toEqual([
      {
        type: "SOMETHING_WENT_WRONG",
        path: ["nodes", 0],
        locations: [],
        message: expect.stringContaining(`Please include \`${requestId}\``),
      },
    ]);
    expect(body.errors[0].message).toMatch(/^Something went wrong while executing your query/);
  });

  it("nulls a nullable top-level field in a partial answer, and all data for a non-null one", async () => {
    sim.setFaults({ script: ["partial_data", "partial_data"] });
    const repo = JSON.parse(
      (
        await postRaw(
          sim.url,
          "partial-top",
          `{ repository(owner: "acme", name: "api") { name } rateLimit { cost } }`,
        )
      ).text,
    );
    expect(repo.data).toEqual({ repository: null, rateLimit: { cost: 1 } });
    expect(repo.errors[0]).toMatchObject({ type: "SOMETHING_WENT_WRONG", path: ["repository"] });
    const viewer = JSON.parse((await postRaw(sim.url, "partial-top", "{ viewer { login } }")).text);
    expect(viewer.data).toBeNull();
    expect(viewer.errors[0]).toMatchObject({ type: "SOMETHING_WENT_WRONG", path: ["viewer"] });
  });

  it("sends a truncated JSON body for malformed_json", async () => {
    sim.setFaults(null);
    const full = await postRaw(sim.url, "malformed");
    sim.setFaults({ script: ["malformed_json"] });
    const reply = await postRaw(sim.url, "malformed");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(() => JSON.parse(reply.text)).toThrow(SyntaxError);
    expect(reply.text.length).toBeGreaterThan(0);
    expect(reply.text.length).toBeLessThan(full.text.length);
    // The same answer, cut: rateLimit.remaining is the only part that differs between the two.
    expect(full.text.startsWith(reply.text.slice(0, 20))).toBe(true);
  });

  it("charges no points for faulted requests, and counts each kind it injected", async () => {
    const server = await startSimulator({ dataset });
    try {
      const token = "ledger";
      const remaining = async () =>
        JSON.parse((await postRaw(server.url, token)).text).data.rateLimit.remaining;
      const start = await remaining();
      const script: FaultKind[] = [
        "bad_gateway_502",
        "gateway_timeout_504",
        "secondary_limit_403",
        "secondary_limit_200",
        "primary_limit",
        "rate_limited_200",
        "partial_data",
        "malformed_json",
        "connection_reset",
        "timeout",
      ];
      server.setFaults({ script, timeoutMs: 10 });
      for (let i = 0; i < script.length; i++) await outcome(server.url);
      expect(await remaining()).toBe(start - 1);
      expect(server.faultStats()).toEqual(Object.fromEntries(FAULT_KINDS.map((k) => [k, 1])));
    } finally {
      await server.close();
    }
  });

  it("serves the asked share of faults over HTTP with a seeded rate, reproducibly", async () => {
    const run = async () => {
      const server = await startSimulator({
        dataset,
        faults: {
          rate: 0.25,
          seed: 9,
          kinds: ["bad_gateway_502", "secondary_limit_403", "gateway_timeout_504"],
        },
      });
      try {
        const statuses: string[] = [];
        for (let i = 0; i < 400; i++) statuses.push(await outcome(server.url));
        return { statuses, stats: server.faultStats() };
      } finally {
        await server.close();
      }
    };
    const first = await run();
    const failed = first.statuses.filter((s) => s !== "200").length;
    expect(failed / 400).toBeGreaterThan(0.19);
    expect(failed / 400).toBeLessThan(0.31);
    expect(
      first.stats.bad_gateway_502 + first.stats.secondary_limit_403 + first.stats.gateway_timeout_504,
    ).toBe(failed);
    expect(first.statuses.filter((s) => s === "403").length).toBe(first.stats.secondary_limit_403);
    const second = await run();
    expect(second.statuses).toEqual(first.statuses);
  });

  it("plays a script in exact order over HTTP, then serves normally", async () => {
    sim.setFaults({
      script: [
        "gateway_timeout_504",
        "ok",
        "secondary_limit_403",
        "bad_gateway_502",
        "ok",
        "connection_reset",
      ],
    });
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) seen.push(await outcome(sim.url));
    expect(seen).toEqual(["504", "200", "403", "502", "200", "ECONNRESET", "200", "200"]);
  });
});

describe("octokit against injected faults", () => {
  let sim: Simulator;
  const expected = [1, 2, 3].map((n) => ({ number: n, title: `Change ${n}` }));

  beforeAll(async () => {
    sim = await startSimulator({ dataset });
  });
  afterAll(async () => {
    await sim?.close();
  });

  async function run(script: FaultKind[], timeoutMs = 50) {
    sim.setFaults({ script, timeoutMs });
    const calls = { rate: [] as number[], secondary: [] as number[] };
    const before = sim.requestCount();
    let data: Json;
    let error: Json;
    try {
      data = await fastOctokit(sim.url, calls).graphql(NODES_QUERY, { ids: PR_IDS });
    } catch (e) {
      error = e;
    }
    return { data, error, calls, requests: sim.requestCount() - before };
  }

  it("retries a 502 and a 504 (retry plugin) and gets the data", async () => {
    const result = await run(["bad_gateway_502", "gateway_timeout_504", "bad_gateway_502"]);
    expect(result.error).toBeUndefined();
    expect(result.data.nodes).toEqual(expected);
    expect(result.requests).toBe(4);
  });

  it("retries a 200 'Something went wrong' partial answer (retry plugin)", async () => {
    const result = await run(["partial_data"]);
    expect(result.data.nodes).toEqual(expected);
    expect(result.requests).toBe(2);
  });

  it("retries after a timeout and a connection reset", async () => {
    const result = await run(["timeout", "connection_reset"]);
    expect(result.error).toBeUndefined();
    expect(result.data.nodes).toEqual(expected);
    expect(result.requests).toBe(3);
  });

  it("hands a 403 secondary limit to onSecondaryRateLimit with retry-after 1, then retries", async () => {
    const result = await run(["secondary_limit_403"]);
    expect(result.calls.secondary).toEqual([1]);
    expect(result.data.nodes).toEqual(expected);
    expect(result.requests).toBe(2);
  });

  it("hands a primary limit to onRateLimit with a wait of a few seconds, then retries", async () => {
    const result = await run(["primary_limit"]);
    expect(result.calls.rate).toHaveLength(1);
    expect(result.calls.rate[0]).toBeGreaterThanOrEqual(2);
    expect(result.calls.rate[0]).toBeLessThanOrEqual(3);
    expect(result.data.nodes).toEqual(expected);
  });

  it("hands RATE_LIMITED with points remaining to onRateLimit with the wait until the real reset", async () => {
    const result = await run(["rate_limited_200"]);
    expect(result.calls.rate).toHaveLength(1);
    expect(result.calls.rate[0]).toBeGreaterThan(3000); // the hour's window, in seconds
    expect(result.error?.message).toBe("GraphQL Rate Limit Exceeded");
    expect(result.requests).toBe(1);
  });

  it("does not handle a secondary limit reported in a 200 body: the client must", async () => {
    const result = await run(["secondary_limit_200"]);
    expect(result.calls.secondary).toEqual([]);
    expect(result.requests).toBe(1);
    expect(result.error?.name).toBe("GraphqlResponseError");
    expect(result.error?.errors[0].message).toMatch(/secondary rate limit/);
  });

  it("does not notice a truncated body: octokit.graphql resolves without data, so the client must check", async () => {
    const result = await run(["malformed_json"]);
    expect(result.error).toBeUndefined();
    expect(result.data).toBeUndefined();
    expect(result.requests).toBe(1);
  });
});
