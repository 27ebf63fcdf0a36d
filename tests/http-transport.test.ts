import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../core/logger.ts";
import { createRedactor } from "../extractors/http/redact.ts";
import type { AttemptClassification, AttemptEvidence } from "../extractors/http/request-attempts.ts";
import { RequestError } from "../extractors/http/request-error.ts";
import { requestLedger } from "../extractors/http/request-ledger.ts";
import type { RequestRecord } from "../extractors/http/request-record.ts";
import { normaliseRequestPolicy } from "../extractors/http/retry-policy.ts";
import { createTransport, type FamilyRules, type HttpAnswer } from "../extractors/http/transport.ts";

// A REST family as a later source would define it (PagerDuty's documented answers: 429 with Retry-After,
// 5xx, 401 with an error object), on the shared transport, against a real HTTP server.
const TOKEN = "u+restFamilyTokenThatMustNeverAppear01";

type Kind = "rate_limited" | "server_error" | "network" | "timeout" | "auth" | "malformed_json";

const rules: FamilyRules<Kind, AttemptClassification<Kind>> = {
  classify(evidence: AttemptEvidence): AttemptClassification<Kind> {
    const retryAfter = Number(evidence.headers?.["retry-after"]);
    const base = {
      requestId: (evidence.headers?.["x-request-id"] as string | undefined) ?? null,
      retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : null,
    };
    if (evidence.timedOut) return { ...base, kind: "timeout", message: "no answer in time" };
    if (evidence.status === undefined) return { ...base, kind: "network", message: "unreachable" };
    if (evidence.status === 429) return { ...base, kind: "rate_limited", message: "429 Too Many Requests" };
    if (evidence.status === 401)
      return { ...base, kind: "auth", message: `401: ${JSON.stringify(evidence.body)}` };
    if (evidence.status >= 500) return { ...base, kind: "server_error", message: `${evidence.status}` };
    if (typeof evidence.body !== "object") return { ...base, kind: "malformed_json", message: "not JSON" };
    return { ...base, kind: "ok", message: "ok" };
  },
  reactionOf: (kind) =>
    kind === "ok" ? "ok" : kind === "auth" ? "fatal" : kind === "rate_limited" ? "wait_until" : "retriable",
  retryClassOf: (kind) =>
    kind === "ok" || kind === "auth" ? null : kind === "rate_limited" ? "limit" : "transient",
  waitRuleOf: (kind) => (kind === "rate_limited" ? "retry_after" : "backoff"),
};

/** What the server answers, request by request (then 200). */
let script: { status: number; headers?: Record<string, string>; body?: string }[] = [];
let served = 0;
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    served++;
    const step = script.shift() ?? { status: 200, body: JSON.stringify({ incidents: [{ id: "P1" }] }) };
    res.writeHead(step.status, {
      "content-type": "application/json",
      "x-request-id": `r${served}`,
      ...step.headers,
    });
    res.end(step.body ?? "{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/incidents`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  served = 0;
});

function restClient(options: { maxRetries?: number } = {}) {
  const logger = createMemoryLogger();
  const records: RequestRecord<Kind>[] = [];
  const waits: number[] = [];
  const redactor = createRedactor(TOKEN);
  const transport = createTransport<Kind, AttemptClassification<Kind>>({
    label: "PagerDuty",
    logger,
    redactor,
    policy: normaliseRequestPolicy({ retryAfterBaseMs: 1, maxRetries: options.maxRetries ?? 4 }),
    rules,
    onRequest: (record) => records.push(record),
    now: () => new Date(),
    sleep: async (ms) => {
      waits.push(ms);
    },
    startTimeout: () => () => {},
  });
  const exchange = async (signal: AbortSignal): Promise<HttpAnswer> => {
    const res = await fetch(url, { signal, headers: { authorization: `Token token=${TOKEN}` } });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: Object.fromEntries(res.headers), body };
  };
  const fail = (req: { operation: string }, message: string, kind: string, record: RequestRecord) =>
    new RequestError(redactor.text(`${req.operation}: ${message}`), kind, null, null, record);
  const get = (stream: string) => {
    const req = transport.begin("GET /incidents", { stream });
    return transport.send(req, () => transport.attempt(req, exchange, (answer) => answer), {
      ok: (r) => ({ body: r.lastBody, record: transport.finish(r, "ok") }),
      unreached: (r, thrown) => fail(r, String(thrown), "fatal", transport.finish(r, "failed")),
      tolerated: (r, last) => fail(r, last.classification.message, last.kind, transport.finish(r, "partial")),
      fatal: (r, last) =>
        fail(r, last.classification.message, last.kind, transport.finish(r, "failed", last.kind as Kind)),
      exhausted: (r, last) =>
        fail(r, last.classification.message, last.kind, transport.finish(r, "failed", last.kind as Kind)),
    });
  };
  return { get, records, waits, logger };
}

describe("the shared HTTP transport, serving a REST family", () => {
  it("waits what Retry-After asks after a 429, backs off after a 503, and records every attempt", async () => {
    script = [{ status: 429, headers: { "retry-after": "7" } }, { status: 503 }];
    const client = restClient();
    const { body, record } = await client.get("incidents");
    expect(body).toEqual({ incidents: [{ id: "P1" }] });
    expect(served).toBe(3);
    // Retry-After 7 (one "second" is 1 ms here), then the first backoff step, (0+1)² × 1 ms.
    expect(client.waits).toEqual([7, 1]);
    expect(record.attempts.map((a) => [a.kind, a.status, a.waitedMs])).toEqual([
      ["rate_limited", 429, 0],
      ["server_error", 503, 7],
      ["ok", 200, 1],
    ]);
    expect(record).toMatchObject({
      operation: "GET /incidents",
      stream: "incidents",
      retries: 2,
      retriesByKind: { rate_limited: 1, server_error: 1 },
      outcome: "ok",
      requestId: "r3",
    });
    expect(client.records).toEqual([record]);
    expect(client.logger.lines.join("\n")).toContain(
      "PagerDuty: waiting 7 ms before retrying GET /incidents",
    );
  });

  it("gives up after the retry budget with the record of every attempt", async () => {
    script = [{ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 }];
    const client = restClient({ maxRetries: 2 });
    const error = await client.get("incidents").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).reaction).toBe("fatal");
    expect(served).toBe(3);
    expect(client.records[0]).toMatchObject({ outcome: "failed", failure: "server_error", retries: 2 });
  });

  it("keeps the token out of the error, the record and the ledger when the answer echoes it", async () => {
    script = [{ status: 401, body: JSON.stringify({ error: { message: `bad token ${TOKEN}` } }) }];
    const client = restClient();
    const error = (await client.get("incidents").catch((e: unknown) => e)) as RequestError;
    expect(error.message).toContain("401");
    expect(served).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), "ys-transport-"));
    const ledger = join(dir, "ledger", "requests.ndjson");
    requestLedger(ledger, "run-1")(client.records[0]!);
    const line = JSON.parse(readFileSync(ledger, "utf8"));
    expect(line).toMatchObject({
      runId: "run-1",
      operation: "GET /incidents",
      outcome: "failed",
      failure: "auth",
    });
    for (const text of [error.message, JSON.stringify(client.records), readFileSync(ledger, "utf8")])
      expect(text).not.toContain(TOKEN);
    expect(error.message).toContain("[redacted]");
  });
});
