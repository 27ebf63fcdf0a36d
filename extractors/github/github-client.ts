/**
 * The GitHub GraphQL client: the shared HTTP transport (http/transport.ts: timeouts, backoff, retry
 * budgets, the request record, redaction) and pacing (http/pacing.ts), with what is GitHub's own: octokit
 * and its throttling and retry plugins (octokit-attempts.ts), the classification of GitHub's answers
 * (github-errors.ts, github-retry-rules.ts: a secondary-limit message in a 200, RATE_LIMITED while points
 * remain, malformed JSON, partial data), the point budget and its reserve (rate-limit-budget.ts), and the
 * errors it throws. Every request's record goes to `onRequest` (the run's request ledger).
 */
import type { Logger } from "../../core/logger.ts";
import { createPacing } from "../http/pacing.ts";
import { createRedactor } from "../http/redact.ts";
import { attemptsText, type RequestOptions } from "../http/request-attempts.ts";
import type { RequestRecord } from "../http/request-record.ts";
import { normaliseRequestPolicy, type RequestPolicyOptions } from "../http/retry-policy.ts";
import { createTransport, realSleep, realTimeout } from "../http/transport.ts";
import {
  type AttemptClassification,
  BudgetReserveReached,
  classifyGitHubError,
  type FailureKind,
  GitHubPartialDataError,
  GitHubRequestError,
} from "./github-errors.ts";
import { gitHubRules, waitBeforeRetry } from "./github-retry-rules.ts";
import { CONTEXT_KEY, createGraphQLOctokit, type GitHubRequest } from "./octokit-attempts.ts";
import { operationNameOf } from "./queries/operation-name.ts";
import { RateLimitBudget } from "./rate-limit-budget.ts";

export interface GitHubClientOptions extends RequestPolicyOptions {
  /** Full GraphQL endpoint, e.g. https://api.github.com/graphql or https://ghe.example.com/api/graphql. */
  url: string;
  token: string;
  logger: Logger;
  /**
   * Minimum pause between two GraphQL requests. GitHub asks integrations to serialise calls about a second
   * apart; the simulator and tests turn it down.
   */
  requestIntervalMs?: number;
  /** Called once per request, after its last attempt, success or not (the runner writes the ledger). */
  onRequest?: (record: RequestRecord) => void;
  /** Clock (records, reserve and reset arithmetic). */
  now?: () => Date;
  /** How our waits sleep (tests may advance a fake clock instead). The plugins' own waits are real. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * How an attempt's timeout is timed: calls `expire` after `ms` unless the returned function cancels it
   * first (default: a real timer). Tests expire it when the simulator holds the request, not after a guess.
   */
  startTimeout?: (ms: number, expire: () => void) => () => void;
}

/** Copied into the request record (progress and the ledger attribute requests with them). */
export type QueryOptions = RequestOptions;

export interface GitHubClient {
  /** Sends one GraphQL document; resolves with its data or throws a classified GitHubRequestError. */
  query<T>(document: string, variables: Record<string, unknown>, options?: QueryOptions): Promise<T>;
  /** Like `query`, with the request's record (attempts, retries, cost) alongside the data. */
  request<T>(
    document: string,
    variables: Record<string, unknown>,
    options?: QueryOptions,
  ): Promise<{ data: T; record: RequestRecord }>;
  /** The point budget as last seen, or null before the first answer. */
  budget(): ReturnType<RateLimitBudget["snapshot"]>;
}

/** Splits https://host/api/graphql into octokit's base URL (https://host/api) and the /graphql route. */
export function baseUrlOf(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  if (!url.pathname.endsWith("/graphql")) {
    throw new Error(`github.url must end in /graphql: got ${url.origin}${url.pathname}`);
  }
  return `${url.origin}${url.pathname.slice(0, -"/graphql".length)}`;
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { logger } = options;
  const policy = normaliseRequestPolicy(options);
  const redactor = createRedactor(options.token);
  const budget = new RateLimitBudget();
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const lastCost = new Map<string, number>();
  const transport = createTransport<FailureKind, AttemptClassification>({
    label: "GitHub",
    logger,
    redactor,
    policy,
    rules: gitHubRules(budget),
    now,
    sleep,
    startTimeout: options.startTimeout ?? realTimeout,
    onRequest: (record) => {
      if (record.rateLimit?.cost != null) lastCost.set(record.operation, record.rateLimit.cost);
      options.onRequest?.(record);
    },
  });
  const octokit = createGraphQLOctokit({
    token: options.token,
    baseUrl: baseUrlOf(options.url),
    logger,
    redactor,
    policy,
    transport,
    pacing: createPacing(options.requestIntervalMs ?? 1000),
  });

  /** Before a request: wait for the reset, or stop, when the points left would fall under the reserve. */
  async function guardReserve(req: GitHubRequest): Promise<void> {
    // The last cost of the same operation predicts this one (a page costs what the previous page did).
    const expectedCost = lastCost.get(req.operation) ?? 1;
    const decision = budget.beforeRequest(policy.reserve, policy.maxWaitMs, now(), expectedCost);
    if (decision.action === "proceed") return;
    if (decision.action === "stop") {
      transport.finish(req, "stopped", "budget_reserve");
      throw new BudgetReserveReached(decision.resetAt, decision.remaining, policy.reserve, "reserve");
    }
    transport.warn(
      `GitHub: ${decision.remaining} points left (reserve ${policy.reserve}); waiting for the reset`,
      {
        kind: "budget_reserve",
        waitSeconds: decision.ms / 1000,
        attempt: 1,
        operation: req.operation,
        resetAt: decision.resetAt,
      },
    );
    req.reserveWaitMs = decision.ms;
    await sleep(decision.ms);
    budget.waitedForReset(decision.resetAt);
  }

  async function request<T>(
    document: string,
    variables: Record<string, unknown>,
    queryOptions: QueryOptions = {},
  ): Promise<{ data: T; record: RequestRecord }> {
    const pageSize = typeof variables.pageSize === "number" ? variables.pageSize : undefined;
    const req = transport.begin(operationNameOf(document), queryOptions, pageSize);
    await guardReserve(req);
    const sendOnce = () =>
      octokit.request("POST /graphql", {
        query: document,
        variables,
        request: {
          retries: Math.max(0, policy.maxRetries - req.failures("transient")),
          [CONTEXT_KEY]: req,
        },
      });
    return transport.send(req, sendOnce, {
      ok: (r) => {
        const record = transport.finish(r, "ok");
        return { data: (r.lastBody as { data: T }).data, record };
      },
      unreached: (r, thrown) => {
        const error = classifyGitHubError(thrown, options.token);
        const record = transport.finish(r, "failed", error.kind);
        return new GitHubRequestError(error.message, error.kind, error.status, null, [], record);
      },
      tolerated: (r, last) => partialError(r, last, transport.finish(r, "partial", last.kind as FailureKind)),
      fatal: (r, last) => failure(r, last, transport.finish(r, "failed", last.kind as FailureKind)),
      exhausted: (r, last) => {
        const kind = last.kind as FailureKind;
        if (kind === "partial_data") return partialError(r, last, transport.finish(r, "partial", kind));
        return failure(r, last, transport.finish(r, "failed", kind));
      },
      beforeRetry: (r, last) => {
        if (last.kind !== "primary_limit") return;
        const wait = waitBeforeRetry(
          policy,
          {
            kind: last.kind,
            retryAfterSeconds: last.classification.retryAfterSeconds,
            resetAt: last.resetAt,
          },
          r.failures("limit") - 1,
          now(),
        );
        if (wait.beyondCap) {
          transport.finish(r, "stopped", "budget_reserve");
          const resetAt = (last.resetAt ?? now()).toISOString();
          throw new BudgetReserveReached(
            resetAt,
            last.rateLimit?.remaining ?? 0,
            policy.reserve,
            "rate_limit",
          );
        }
      },
    });
  }

  type Last = NonNullable<ReturnType<GitHubRequest["last"]>>;

  function failure(req: GitHubRequest, last: Last, record: RequestRecord): GitHubRequestError {
    const c = last.classification;
    const message =
      last.kind === "auth"
        ? "GitHub rejected the token (401 Bad credentials): check the variable named by github.tokenEnv"
        : `${req.operation}: ${c.message}${attemptsText(req)}${c.requestId ? ` (GitHub request ${c.requestId})` : ""}`;
    return new GitHubRequestError(
      redactor.text(message),
      last.kind === "ok" ? "fatal" : last.kind,
      last.status,
      c.requestId,
      redactor.value(c.graphqlErrors),
      record,
    );
  }

  function partialError(req: GitHubRequest, last: Last, record: RequestRecord): GitHubPartialDataError {
    const c = last.classification;
    const data = (req.lastBody as { data?: unknown } | undefined)?.data ?? null;
    return new GitHubPartialDataError(
      redactor.text(
        `${req.operation}: ${c.message}${attemptsText(req)}${c.requestId ? ` (GitHub request ${c.requestId})` : ""}`,
      ),
      last.kind === "not_found" ? "not_found" : "partial_data",
      last.status,
      c.requestId,
      redactor.value(c.graphqlErrors),
      data,
      record,
    );
  }

  return {
    request,
    async query<T>(document: string, variables: Record<string, unknown>, queryOptions?: QueryOptions) {
      return (await request<T>(document, variables, queryOptions)).data;
    },
    budget: () => budget.snapshot(),
  };
}
