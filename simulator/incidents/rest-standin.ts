/**
 * A REST API stand-in on loopback, shared by the PagerDuty and incident.io servers: a real `node:http`
 * server that checks the token header, counts requests, tells a listener as each arrives (tests kill an
 * extractor at its Nth request), injects faults (rest-faults.ts) and answers the routes its API defines.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RestFaultInjector, type RestFaultPlan, type RestFaultStats } from "./rest-faults.ts";

export interface RestAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RestStandInOptions {
  host?: string;
  port?: number;
  faults?: RestFaultPlan;
  /** Whether the request's headers carry an accepted token. */
  authorised(req: IncomingMessage): boolean;
  /** The API's error body for a status and a message. */
  errorBody(status: number, message: string): unknown;
  /** Answers a GET of `path` with its query. */
  route(path: string, query: URLSearchParams): RestAnswer;
}

export interface RestStandIn {
  /** The API's root, e.g. http://127.0.0.1:PORT (routes are appended). */
  url: string;
  /** Requests received so far, faulted and refused ones included. */
  requestCount(): number;
  /** Paths and queries of every request, in order. */
  requests(): string[];
  setFaults(plan: RestFaultPlan | null): void;
  faultStats(): RestFaultStats;
  /** Calls `listener` with `requestCount()` as each request arrives, before it is answered. */
  onRequest(listener: (count: number) => void): () => void;
  close(): Promise<void>;
}

export async function startRestStandIn(options: RestStandInOptions): Promise<RestStandIn> {
  const faults = new RestFaultInjector();
  faults.set(options.faults ?? null);
  let count = 0;
  const seen: string[] = [];
  const listeners = new Set<(count: number) => void>();
  const json = (res: ServerResponse, answer: RestAnswer) => {
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    res.end(JSON.stringify(answer.body));
  };
  const server = createServer((req, res) => {
    count++;
    seen.push(req.url ?? "");
    for (const listener of [...listeners]) listener(count);
    const url = new URL(req.url ?? "/", "http://stand-in");
    if (req.method !== "GET")
      return json(res, { status: 405, body: options.errorBody(405, "Method not allowed") });
    if (!options.authorised(req))
      return json(res, {
        status: 401,
        body: options.errorBody(401, "Authentication failed: check the API key"),
      });
    const fault = faults.next();
    if (fault) return faults.serve(fault, req, res, options.errorBody);
    try {
      json(res, options.route(url.pathname, url.searchParams));
    } catch (error) {
      json(res, {
        status: 400,
        body: options.errorBody(400, error instanceof Error ? error.message : String(error)),
      });
    }
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    requestCount: () => count,
    requests: () => [...seen],
    setFaults: (plan) => faults.set(plan),
    faultStats: () => ({ ...faults.stats }),
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A page of `items` from `offset` (clamped), `limit` long. */
export function pageOf<T>(items: readonly T[], offset: number, limit: number): { page: T[]; more: boolean } {
  const page = items.slice(offset, offset + limit);
  return { page, more: offset + limit < items.length };
}
