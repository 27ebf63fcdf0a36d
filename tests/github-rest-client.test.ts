/**
 * GitHub's REST API as a family on the shared transport, against a real HTTP server answering as GitHub's
 * REST API documents: Retry-After on 429 and on a 403 secondary limit, a spent x-ratelimit budget, the reserve,
 * 5xx and malformed bodies retried, answers that say no not retried, Link paging, the token kept out of
 * every message.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../core/logger.ts";
import {
  createGitHubRestClient,
  GitHubRestError,
  nextLink,
  RestBudgetStop,
  restBaseOf,
} from "../extractors/github-copilot/rest-client.ts";
import type { RequestRecord } from "../extractors/http/request-record.ts";

const TOKEN = "ghp_restClientTokenThatMustNeverAppear99";
let script: { status: number; headers?: Record<string, string>; body?: string }[] = [];
let served = 0;
let seenAuth: (string | undefined)[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    served++;
    seenAuth.push(req.headers.authorization);
    const step = script.shift() ?? { status: 200, body: "[]" };
    res.writeHead(step.status, {
      "content-type": "application/json",
      "x-github-request-id": `R${served}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4000",
      "x-ratelimit-used": "1000",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 600),
      ...step.headers,
    });
    res.end(step.body ?? "{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  served = 0;
  seenAuth = [];
});

function client(reserve = 100) {
  const records: RequestRecord[] = [];
  const logger = createMemoryLogger();
  const rest = createGitHubRestClient({
    baseUrl: base,
    token: TOKEN,
    logger,
    onRequest: (r) => records.push(r),
    requestIntervalMs: 0,
    reserve,
    policy: { retryAfterBaseMs: 1 },
  });
  const get = (path = "/orgs/acme/copilot/metrics") =>
    rest.get(path, { operation: "GET /orgs/{org}/copilot/metrics", stream: "copilot_metrics" });
  return { get, records, logger };
}

describe("the GitHub REST client", () => {
  it("waits what Retry-After asks after a 429 and a 403 secondary limit, retries a 502 and a cut body", async () => {
    script = [
      { status: 429, headers: { "retry-after": "7" }, body: '{"message":"Too Many Requests"}' },
      {
        status: 403,
        headers: { "retry-after": "3" },
        body: '{"message":"You have exceeded a secondary rate limit."}',
      },
      { status: 502, body: "<html>502</html>" },
      { status: 200, body: '[{"date":"2026-10-0' },
      { status: 200, body: '[{"date":"2026-10-01"}]' },
    ];
    const c = client();
    const page = await c.get();
    expect(page.body).toEqual([{ date: "2026-10-01" }]);
    expect(served).toBe(5);
    expect(page.record.attempts.map((a) => [a.kind, a.status, a.waitedMs])).toEqual([
      ["secondary_limit", 429, 0],
      // Retry-After 7 (one "second" is 1 ms here), doubling for the second limit of the request: 3 × 2.
      ["secondary_limit", 403, 7],
      ["server_error", 502, 6],
      ["malformed_json", 200, 1],
      ["ok", 200, 4],
    ]);
    expect(page.record.rateLimit).toMatchObject({
      remaining: 4000,
      limit: 5000,
      used: 1000,
      source: "headers",
    });
    expect(seenAuth.every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("does not retry an answer that says no, and keeps the echoed token out of the error and the record", async () => {
    script = [{ status: 401, body: JSON.stringify({ message: `Bad credentials for ${TOKEN}` }) }];
    const c = client();
    const error = (await c.get().catch((e: unknown) => e)) as GitHubRestError;
    expect(error).toBeInstanceOf(GitHubRestError);
    expect(error.kind).toBe("auth");
    expect(error.reaction).toBe("fatal");
    expect(served).toBe(1);
    for (const text of [error.message, JSON.stringify(c.records), c.logger.lines.join("\n")])
      expect(text).not.toContain(TOKEN);

    script = [
      {
        status: 422,
        body: '{"message":"Copilot Usage Metrics API setting is disabled at the organization or enterprise level."}',
      },
    ];
    const disabled = (await c.get().catch((e: unknown) => e)) as GitHubRestError;
    expect([disabled.kind, disabled.reaction, disabled.status]).toEqual(["unprocessable", "fatal", 422]);
    expect(disabled.message).toContain("Copilot Usage Metrics API setting is disabled");
    expect(served).toBe(2);
  });

  it("stops cleanly when the budget is spent until a reset too far to wait for, and under the reserve", async () => {
    script = [
      {
        status: 403,
        headers: {
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
        },
        body: '{"message":"API rate limit exceeded for user ID 1."}',
      },
    ];
    const c = client();
    const stop = await c.get().catch((e: unknown) => e);
    expect(stop).toBeInstanceOf(RestBudgetStop);
    expect(served).toBe(1);

    const low = client(200);
    script = [{ status: 200, headers: { "x-ratelimit-remaining": "150" }, body: "[]" }];
    await low.get();
    const underReserve = await low.get().catch((e: unknown) => e);
    expect(underReserve).toBeInstanceOf(RestBudgetStop);
    expect((underReserve as RestBudgetStop).message).toContain("down to 150 requests (reserve 200)");
    expect(served).toBe(2);
  });

  it("follows Link rel=next on its own host only", async () => {
    script = [
      {
        status: 200,
        headers: { link: `<${base}/orgs/acme/copilot/metrics?page=2>; rel="next"` },
        body: "[]",
      },
    ];
    const c = client();
    const first = await c.get();
    expect(first.next).toBe(`${base}/orgs/acme/copilot/metrics?page=2`);
    await c.get(first.next!);
    const elsewhere = await c
      .get("https://attacker.example/orgs/acme/copilot/metrics?page=3")
      .catch((e) => e);
    expect(elsewhere).toBeInstanceOf(GitHubRestError);
    expect(served).toBe(2);
    expect(nextLink('<https://x/a?page=2>; rel="next", <https://x/a?page=5>; rel="last"')).toBe(
      "https://x/a?page=2",
    );
  });

  it("finds the REST base of a GraphQL endpoint", () => {
    expect(restBaseOf("https://api.github.com/graphql")).toBe("https://api.github.com");
    expect(restBaseOf("https://ghe.example.com/api/graphql")).toBe("https://ghe.example.com/api/v3");
    expect(restBaseOf("http://127.0.0.1:8787/graphql")).toBe("http://127.0.0.1:8787");
  });
});
