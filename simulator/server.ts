/**
 * A local stand-in for GitHub's GraphQL API: a real `node:http` server on loopback that speaks GitHub's
 * schema, errors, point costs and rate-limit headers over a dataset. Tests, the demo and benchmarks point
 * the extractor's `github.url` at it instead of https://api.github.com/graphql.
 *
 * @example
 *   const sim = await startSimulator({ dataset: generateOrg({ seed: 7 }).dataset });
 *   // POST sim.url with `Authorization: bearer <any token>` and {"query": "..."}
 *   await sim.close();
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Dataset } from "./dataset.ts";
import { DatasetIndex } from "./dataset-index.ts";
import {
  emptyFaultStats,
  FaultInjector,
  type FaultKind,
  type FaultPlan,
  type FaultStats,
  rateLimitHeaders,
  serveFault,
} from "./faults.ts";
import { GraphQLEndpoint } from "./graphql-endpoint.ts";
import type { TeamDefinition } from "./ground-truth.ts";
import { RateLimiter, type RateLimitState } from "./rate-limit.ts";
import {
  matchRestRoute,
  REST_COPILOT_OPERATION,
  RestEndpoint,
  type RestRequest,
  send as sendRest,
  serveRestFault,
} from "./rest-endpoint.ts";

export type { FaultKind, FaultPlan, FaultStats } from "./faults.ts";

export interface SimulatorOptions {
  dataset: Dataset;
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Accepted bearer tokens; by default any non-empty token is accepted. */
  tokens?: string[];
  /** Primary rate limit, in points per hour per token (GitHub's default for a PAT: 5,000). */
  rateLimit?: { limit: number };
  /** Clock for rate-limit windows (tests move it to cross a reset). */
  clock?: () => Date;
  /** Login that `viewer` returns. */
  viewerLogin?: string;
  /** Faults to inject from the first request on (see faults.ts); `setFaults` changes them later. */
  faults?: FaultPlan;
  /**
   * The organisation's teams (GeneratedOrg.teams): the REST Copilot metrics route answers for each by its
   * slug, and counts their members among the organisation's people.
   */
  teams?: TeamDefinition[];
}

export interface Simulator {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:PORT/graphql. */
  url: string;
  /** How many requests reached the GraphQL endpoint, rejected ones included. */
  requestCount(): number;
  /** How many requests reached the REST routes (Copilot metrics), rejected ones included. */
  restRequestCount(): number;
  /** How many faults of each kind the REST routes served (also counted in `faultStats`). */
  restFaultStats(): FaultStats;
  /** Like `onRequest`, for the REST routes: `listener` gets `restRequestCount()` as each arrives. */
  onRestRequest(listener: (count: number) => void): () => void;
  /** Serves another dataset from the next request on (incremental-extraction tests). */
  setDataset(dataset: Dataset): void;
  /** Replaces the fault plan (a new script, draws restarted from its seed); null stops injecting. */
  setFaults(plan: FaultPlan | null): void;
  /** How many faults of each kind were injected since the server started. */
  faultStats(): FaultStats;
  /**
   * Calls `listener` with `requestCount()` as each GraphQL request arrives, before it is answered, so that a
   * test can act at the Nth request (kill a client, change the data) rather than after a guessed delay.
   * Returns a function that removes the listener.
   */
  onRequest(listener: (count: number) => void): () => void;
  /**
   * Calls `listener` as each fault is served — for a "timeout", once the request is being held — so that a
   * test can expire a client's timeout at that moment instead of after a guessed delay. Returns a remover.
   */
  onFault(listener: (kind: FaultKind) => void): () => void;
  /**
   * Holds the next request of `operation` (any operation by default) unanswered until `release()`, as a
   * GitHub that takes its time would; `arrived` resolves once it is being held. Then it is answered normally.
   */
  holdNext(operation?: string): HeldRequest;
  close(): Promise<void>;
}

export interface HeldRequest {
  /** Resolves when the request has arrived and is being held. */
  arrived: Promise<void>;
  /** Answers it (now, or as soon as it arrives). */
  release(): void;
}

const GRAPHQL_DOCS = "https://docs.github.com/graphql";
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Starts the simulator; resolves once it is listening. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const accepted = options.tokens ? new Set(options.tokens) : undefined;
  const limiter = new RateLimiter(options.rateLimit?.limit, options.clock);
  const endpoint = new GraphQLEndpoint(
    new DatasetIndex(options.dataset),
    limiter,
    options.viewerLogin ?? "yardstick-simulator",
  );
  let requests = 0;
  let restRequests = 0;
  const restListeners = new Set<(count: number) => void>();
  const restStats = emptyFaultStats();
  const clockOf = options.clock ?? (() => new Date());
  const rest = new RestEndpoint(options.dataset, options.teams ?? [], clockOf, options.rateLimit?.limit);
  let requestSerial = 0;
  const requestPrefix = randomBytes(2).toString("hex").toUpperCase();
  let faults = options.faults ? new FaultInjector(options.faults) : null;
  const stats = emptyFaultStats();
  const held = new Set<NodeJS.Timeout>();
  const clock = options.clock ?? (() => new Date());
  const listeners = new Set<(count: number) => void>();
  const faultListeners = new Set<(kind: FaultKind) => void>();
  const holds: { operation: string | undefined; arrive: () => void; released: Promise<void> }[] = [];
  const releases = new Set<() => void>();

  const server = createServer((req, res) => {
    requestSerial += 1;
    const requestId = `${requestPrefix}:${requestSerial.toString(16).toUpperCase().padStart(6, "0")}`;
    res.setHeader("x-github-request-id", requestId);
    const path = (req.url ?? "/").split("?")[0];
    const restRoute = matchRestRoute(req.url ?? "/");
    if (restRoute) {
      restRequests += 1;
      for (const listener of restListeners) listener(restRequests);
      return serveRest(req, res, restRoute, requestId);
    }
    if (path !== "/graphql" && path !== "/api/graphql") {
      return sendJson(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    }
    requests += 1;
    for (const listener of listeners) listener(requests);
    if (req.method !== "POST") {
      return sendJson(res, 404, { message: "Not Found", documentation_url: GRAPHQL_DOCS });
    }
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      return sendJson(res, 401, {
        message: "This endpoint requires you to be authenticated.",
        documentation_url:
          "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
      });
    }
    if (accepted && !accepted.has(token)) {
      return sendJson(res, 401, { message: "Bad credentials", documentation_url: GRAPHQL_DOCS });
    }
    readBody(req)
      .then(async (text) => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        if (!body || typeof body !== "object" || Array.isArray(body)) {
          return sendJson(res, 400, { message: "Problems parsing JSON", documentation_url: GRAPHQL_DOCS });
        }
        const request = body as Record<string, unknown>;
        const hold = holds.findIndex(
          (h) => h.operation === undefined || h.operation === operationOf(request),
        );
        if (hold >= 0) {
          const [{ arrive, released }] = holds.splice(hold, 1) as [(typeof holds)[number]];
          arrive();
          await released;
        }
        const fault = faults?.next(request) ?? null;
        if (fault && faults) {
          stats[fault] += 1;
          const served = serveFault(fault, {
            req,
            res,
            requestId,
            token,
            rateLimit: limiter.peek(token),
            execute: async () => (await endpoint.handle(token, request, { charge: false })).body,
            now: clock,
            timeoutMs: faults.timeoutMs,
            hold: (timer) => held.add(timer),
            release: (timer) => held.delete(timer),
            occurrence: stats[fault],
          });
          for (const listener of faultListeners) listener(fault);
          return served;
        }
        const result = await endpoint.handle(token, request);
        setRateLimitHeaders(res, result.rateLimit);
        sendJson(res, 200, result.body);
      })
      .catch((error: unknown) => {
        if (error instanceof BodyTooLarge) {
          return sendJson(res, 413, { message: "Request body too large", documentation_url: GRAPHQL_DOCS });
        }
        sendJson(res, 500, {
          errors: [{ message: `Simulator failure: ${(error as Error).message ?? String(error)}` }],
        });
      });
  });

  function serveRest(req: IncomingMessage, res: ServerResponse, route: RestRequest, requestId: string) {
    const docs = "https://docs.github.com/rest";
    if (req.method !== "GET")
      return sendRest(res, 404, { message: "Not Found", documentation_url: docs, status: "404" });
    const token = bearerToken(req.headers.authorization);
    if (!token)
      return sendRest(res, 401, {
        message: "Requires authentication",
        documentation_url: docs,
        status: "401",
      });
    if (accepted && !accepted.has(token))
      return sendRest(res, 401, { message: "Bad credentials", documentation_url: docs, status: "401" });
    const host = req.headers.host ?? "127.0.0.1";
    const base = `http://${host}${(req.url ?? "/").split("?")[0]}`;
    const fault = faults?.next({
      query: `query ${REST_COPILOT_OPERATION}`,
      variables: { org: route.organization, team_slug: route.team },
    });
    if (fault && faults) {
      stats[fault] += 1;
      restStats[fault] += 1;
      void serveRestFault(fault, {
        req,
        res,
        requestId,
        token,
        rateLimit: rest.limiter.peek(token),
        execute: () => rest.handle(token, route, base, false),
        now: clock,
        timeoutMs: faults.timeoutMs,
        hold: (timer) => held.add(timer),
        release: (timer) => held.delete(timer),
        occurrence: stats[fault],
      });
      for (const listener of faultListeners) listener(fault);
      return;
    }
    const answer = rest.handle(token, route, base);
    sendRest(res, answer.status, answer.body, answer.headers);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/graphql`,
    requestCount: () => requests,
    restRequestCount: () => restRequests,
    restFaultStats: () => ({ ...restStats }),
    onRestRequest: (listener) => {
      restListeners.add(listener);
      return () => restListeners.delete(listener);
    },
    setDataset: (dataset) => {
      endpoint.setIndex(new DatasetIndex(dataset));
      rest.setDataset(dataset);
    },
    setFaults: (plan) => {
      faults = plan ? new FaultInjector(plan) : null;
    },
    faultStats: () => ({ ...stats }),
    onRequest: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onFault: (listener) => {
      faultListeners.add(listener);
      return () => faultListeners.delete(listener);
    },
    holdNext: (operation) => {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((r) => {
        arrive = r;
      });
      const released = new Promise<void>((r) => {
        release = r;
      });
      releases.add(release);
      holds.push({ operation, arrive, released });
      return {
        arrived,
        release: () => {
          releases.delete(release);
          release();
        },
      };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of held) clearTimeout(timer);
        held.clear();
        for (const release of releases) release();
        releases.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

/** The operation's name in a request's document (`query Name(...)`), if it has one. */
function operationOf(request: Record<string, unknown>): string | undefined {
  const query = typeof request.query === "string" ? request.query : "";
  return /\b(?:query|mutation|subscription)\s+([A-Za-z_]\w*)/.exec(query)?.[1];
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function setRateLimitHeaders(res: ServerResponse, state: RateLimitState): void {
  for (const [name, value] of Object.entries(rateLimitHeaders(state))) res.setHeader(name, value);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-github-media-type": "github.v4; format=json",
  });
  res.end(text);
}
