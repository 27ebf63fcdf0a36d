/**
 * The GitHub GraphQL client: `@octokit/core` with the throttling and retry plugins, plus what they miss
 * (the ways GitHub's GraphQL API is documented and observed to fail): a secondary-limit message in a 200, RATE_LIMITED while points remain,
 * malformed JSON, partial data, a per-request timeout, a cap on every wait, the budget reserve, and a
 * record of every request for the run ledger.
 *
 * Layers, innermost first:
 * 1. `attemptObserver` (our plugin, closest to the network): per HTTP attempt it waits the backoff our
 *    policy sets (unless the throttling plugin already waited), applies the timeout, classifies the
 *    answer (github-errors.ts) and reads the budget from it.
 * 2. throttling plugin: serialises requests; waits out 403/429 secondary limits and RATE_LIMITED when our
 *    handlers agree (retry budget, cap).
 * 3. retry plugin: decides to retry 5xx, timeouts, resets and "Something went wrong" (its own waits are
 *    set to 0: the backoff is ours, in layer 1, so there is one policy and every wait is logged).
 * 4. `request()` below: reacts to whatever the plugins pass through or give up on, by the same
 *    classification, within one retry budget per request shared with the plugins.
 * The token is handed to octokit and nowhere else; everything we emit passes through the redactor.
 */
import { Octokit } from "@octokit/core";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import type { Logger } from "../../core/logger.ts";
import {
  type AttemptClassification,
  type AttemptEvidence,
  BudgetReserveReached,
  classifyAttempt,
  classifyGitHubError,
  type FailureKind,
  GitHubPartialDataError,
  GitHubRequestError,
  reactionOf,
} from "./github-errors.ts";
import { RateLimitBudget } from "./rate-limit-budget.ts";
import { createRedactor, type Redactor } from "./redact.ts";
import {
  normaliseRequestPolicy,
  primaryWaitWithinCap,
  type RequestPolicyOptions,
  type RetryClass,
  retryBudget,
  retryClassOf,
  waitBeforeRetry,
} from "./request-policy.ts";
import {
  type AttemptRecord,
  operationNameOf,
  type RateLimitSnapshot,
  type RequestOutcome,
  type RequestRecord,
  retriesByKindOf,
} from "./request-record.ts";

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

export interface QueryOptions {
  /** Copied into the request record (progress and the ledger attribute requests with them). */
  stream?: string;
  repository?: string;
  label?: string;
  /** Cancels the request (no retry follows). */
  signal?: AbortSignal;
}

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

/** The key under which a request's context rides in octokit's `request` options, through the plugins. */
const CONTEXT_KEY = "yardstickRequest";

interface Attempt extends AttemptRecord {
  classification: AttemptClassification;
  resetAt: Date | null;
  rateLimit: RateLimitSnapshot | null;
}

/** One logical request: its attempts, across the plugins' retries and ours. */
class RequestContext {
  readonly attempts: Attempt[] = [];
  /** The body of the last attempt (its data, partial or whole). */
  lastBody: unknown;
  /** Set by a throttling handler that agreed to retry: the plugin waits this long itself. */
  pluginWaitMs: number | null = null;
  reserveWaitMs = 0;

  constructor(
    readonly operation: string,
    readonly options: QueryOptions,
    readonly startedAt: Date,
    readonly pageSize: number | undefined,
  ) {}

  last(): Attempt | undefined {
    return this.attempts[this.attempts.length - 1];
  }

  failures(retryClass: RetryClass): number {
    return this.attempts.filter((a) => retryClassOf(a.kind) === retryClass).length;
  }
}

/**
 * What our plugin throws for every failed attempt, in place of octokit's error. The plugins read only
 * these fields: `status` and `message` (throttling: the secondary-limit text; retry: which statuses to
 * retry), `response` (throttling: rate-limit headers and RATE_LIMITED errors) and `request.request`
 * (retry: its retry count). Octokit's own error would carry the request headers (the token, redacted or
 * not) and the options with our retry budget, which the retry plugin then applies to any status, 401
 * included. A failure without an answer (timeout, reset) is a 500 with an empty response, so that the
 * retry plugin retries it and the throttling plugin finds headers to read.
 */
class AttemptFailure extends Error {
  override name = "HttpError";
  readonly request: { method: string; url: string; headers: Record<string, string>; request: object };
  constructor(
    message: string,
    readonly status: number,
    readonly response: { status: number; url: string; headers: Record<string, unknown>; data: unknown },
    url: string,
  ) {
    super(message);
    this.request = { method: "POST", url, headers: {}, request: {} };
  }
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { logger } = options;
  const policy = normaliseRequestPolicy(options);
  const redactor = createRedactor(options.token);
  const budget = new RateLimitBudget();
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const startTimeout =
    options.startTimeout ??
    ((ms: number, expire: () => void) => {
      const timer = setTimeout(expire, ms);
      return () => clearTimeout(timer);
    });
  const warn = (message: string, fields: Record<string, unknown>) =>
    logger.warn(redactor.text(message), redactor.value(fields));

  const logWait = (ctx: RequestContext, kind: string, ms: number, by: string) =>
    warn(`GitHub: waiting ${formatSeconds(ms)} before retrying ${ctx.operation} (${kind})`, {
      kind,
      waitSeconds: ms / 1000,
      attempt: ctx.attempts.length + 1,
      operation: ctx.operation,
      ...(ctx.options.stream ? { stream: ctx.options.stream } : {}),
      ...(ctx.options.repository ? { repository: ctx.options.repository } : {}),
      by,
    });

  const attemptObserver = (octokit: Octokit) => {
    octokit.hook.wrap("request", async (request, hookOptions) => {
      const ctx = (hookOptions.request as Record<string, unknown> | undefined)?.[CONTEXT_KEY] as
        | RequestContext
        | undefined;
      if (!ctx) return request(hookOptions);
      const waitedMs = await waitBeforeAttempt(ctx);
      const started = now();
      const controller = new AbortController();
      const cancelTimeout = startTimeout(policy.timeoutMs, () => controller.abort());
      const slow = setInterval(() => noticeSlow(ctx, started), policy.slowNoticeMs);
      const signal = ctx.options.signal
        ? AbortSignal.any([ctx.options.signal, controller.signal])
        : controller.signal;
      const record = (evidence: AttemptEvidence) => recordAttempt(ctx, evidence, started, waitedMs);
      try {
        // Hooks share one options object (before-after-hook binds it to every layer), so the signal is
        // set on it, fresh for each attempt, rather than on a copy the layers below would never see.
        (hookOptions.request as Record<string, unknown>).signal = signal;
        const response = await request(hookOptions);
        record({ status: response.status, headers: response.headers, body: response.data });
        return response;
      } catch (error) {
        const url = String(hookOptions.url);
        if (ctx.options.signal?.aborted) {
          record({ cancelled: true });
          // Status 0: neither plugin retries it.
          throw new AttemptFailure(
            "the request was cancelled",
            0,
            { status: 0, url, headers: {}, data: undefined },
            url,
          );
        }
        const e = error as {
          message?: string;
          response?: { status: number; url?: string; headers: Record<string, unknown>; data: unknown };
        };
        if (e.response && typeof e.response.status === "number") {
          const { status, headers, data } = e.response;
          record({ status, headers: headers as Record<string, string>, body: data });
          const response = { status, url: e.response.url ?? url, headers, data: redactor.value(data) };
          throw new AttemptFailure(redactor.text(String(e.message ?? status)), status, response, url);
        }
        const attempt = record({ error, timedOut: controller.signal.aborted });
        const message = redactor.text(attempt.classification.message);
        throw new AttemptFailure(message, 500, { status: 500, url, headers: {}, data: undefined }, url);
      } finally {
        cancelTimeout();
        clearInterval(slow);
      }
    });
    return {};
  };

  /** A request still without an answer: said in the log, so that a hang is never silent. */
  function noticeSlow(ctx: RequestContext, started: Date): void {
    const ms = now().getTime() - started.getTime();
    const about = [ctx.options.stream, ctx.options.repository].filter(Boolean).join(" ");
    logger.info(
      redactor.text(
        `waiting for GitHub: ${ctx.operation}${about ? ` (${about})` : ""}, ${formatSeconds(ms)} so far`,
      ),
      redactor.value({
        step: "request_waiting",
        operation: ctx.operation,
        ...(ctx.options.stream ? { stream: ctx.options.stream } : {}),
        ...(ctx.options.repository ? { repository: ctx.options.repository } : {}),
        attempt: ctx.attempts.length + 1,
        waitingMs: ms,
        timeoutMs: policy.timeoutMs,
      }),
    );
  }

  async function waitBeforeAttempt(ctx: RequestContext): Promise<number> {
    const previous = ctx.last();
    if (!previous || previous.kind === "ok") return 0;
    if (ctx.pluginWaitMs !== null) {
      const ms = ctx.pluginWaitMs;
      ctx.pluginWaitMs = null;
      return ms;
    }
    const retryClass = retryClassOf(previous.kind);
    const earlier = retryClass ? ctx.failures(retryClass) - 1 : 0;
    const wait = waitBeforeRetry(
      policy,
      {
        kind: previous.kind,
        retryAfterSeconds: previous.classification.retryAfterSeconds,
        resetAt: previous.resetAt,
      },
      earlier,
      now(),
    );
    logWait(ctx, previous.kind, wait.ms, "yardstick");
    if (wait.ms > 0) await sleep(wait.ms);
    return wait.ms;
  }

  function recordAttempt(
    ctx: RequestContext,
    evidence: AttemptEvidence,
    started: Date,
    waitedMs: number,
  ): Attempt {
    const classification = classifyAttempt(evidence);
    const kind = classification.kind;
    const headers = (evidence.headers ?? {}) as Record<string, string | undefined>;
    const served = kind === "ok" || kind === "partial_data" || kind === "not_found";
    const rateLimit = evidence.status !== undefined ? budget.observe(headers, evidence.body, served) : null;
    const reset = Number(headers["x-ratelimit-reset"]);
    const attempt: Attempt = {
      kind,
      status: evidence.status ?? null,
      durationMs: now().getTime() - started.getTime(),
      waitedMs,
      requestId: classification.requestId,
      classification,
      resetAt:
        Number.isFinite(reset) && headers["x-ratelimit-reset"] !== undefined ? new Date(reset * 1000) : null,
      rateLimit,
    };
    ctx.attempts.push(attempt);
    ctx.lastBody = evidence.body;
    return attempt;
  }

  /** The throttling plugin asks whether to retry a limit; it then waits `retryAfter` × base itself. */
  const limitHandler =
    (which: "primary" | "secondary") =>
    (retryAfter: number, requestOptions: { request?: Record<string, unknown> }): boolean => {
      const ctx = requestOptions.request?.[CONTEXT_KEY] as RequestContext | undefined;
      const last = ctx?.last();
      if (!ctx || !last) return false;
      // RATE_LIMITED with points left is not the primary limit: the plugin would wait for the hourly
      // reset; our policy backs off like a secondary limit instead.
      if (last.kind === "rate_limited") return false;
      if (ctx.failures("limit") > policy.maxRateLimitRetries) return false;
      if (which === "primary" && !primaryWaitWithinCap(policy, retryAfter)) return false;
      const ms = retryAfter * policy.retryAfterBaseMs;
      if (ms > policy.maxWaitMs) return false;
      ctx.pluginWaitMs = ms;
      logWait(ctx, last.kind, ms, "throttling plugin");
      return true;
    };

  const GitHubOctokit = Octokit.plugin(attemptObserver, throttling, retry);
  const octokit = new GitHubOctokit({
    auth: options.token,
    baseUrl: baseUrlOf(options.url),
    userAgent: "yardstick",
    log: {
      debug: () => {},
      info: () => {},
      warn: (m: unknown) => logger.warn(redactor.text(String(m))),
      error: (m: unknown) => logger.error(redactor.text(String(m))),
    },
    // The retry plugin decides *whether* to retry; the waits are ours (attemptObserver). Limits (429
    // included) belong to the throttling plugin and our policy, not to a blind retry.
    retry: {
      retryAfterBaseValue: 0,
      retries: policy.maxRetries,
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      id: "yardstick",
      retryAfterBaseValue: policy.retryAfterBaseMs,
      fallbackSecondaryRateRetryAfter: policy.secondaryFallbackSeconds,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.requestIntervalMs ?? 1000 }),
      onRateLimit: limitHandler("primary"),
      onSecondaryRateLimit: limitHandler("secondary"),
    },
  });

  const lastCost = new Map<string, number>();
  const finish = (ctx: RequestContext, outcome: RequestOutcome, failure?: RequestRecord["failure"]) => {
    const record = buildRecord(ctx, outcome, failure, now(), redactor);
    if (record.rateLimit?.cost != null) lastCost.set(ctx.operation, record.rateLimit.cost);
    options.onRequest?.(record);
    return record;
  };

  async function guardReserve(ctx: RequestContext): Promise<void> {
    // The last cost of the same operation predicts this one (a page costs what the previous page did).
    const expectedCost = lastCost.get(ctx.operation) ?? 1;
    const decision = budget.beforeRequest(policy.reserve, policy.maxWaitMs, now(), expectedCost);
    if (decision.action === "proceed") return;
    if (decision.action === "stop") {
      finish(ctx, "stopped", "budget_reserve");
      throw new BudgetReserveReached(decision.resetAt, decision.remaining, policy.reserve, "reserve");
    }
    warn(`GitHub: ${decision.remaining} points left (reserve ${policy.reserve}); waiting for the reset`, {
      kind: "budget_reserve",
      waitSeconds: decision.ms / 1000,
      attempt: 1,
      operation: ctx.operation,
      resetAt: decision.resetAt,
    });
    ctx.reserveWaitMs = decision.ms;
    await sleep(decision.ms);
    budget.waitedForReset(decision.resetAt);
  }

  async function request<T>(
    document: string,
    variables: Record<string, unknown>,
    queryOptions: QueryOptions = {},
  ): Promise<{ data: T; record: RequestRecord }> {
    const pageSize = typeof variables.pageSize === "number" ? variables.pageSize : undefined;
    const ctx = new RequestContext(operationNameOf(document), queryOptions, now(), pageSize);
    await guardReserve(ctx);
    for (;;) {
      const before = ctx.attempts.length;
      ctx.pluginWaitMs = null;
      let thrown: unknown;
      try {
        await octokit.request("POST /graphql", {
          query: document,
          variables,
          request: {
            retries: Math.max(0, policy.maxRetries - ctx.failures("transient")),
            [CONTEXT_KEY]: ctx,
          },
        });
      } catch (error) {
        thrown = error;
      }
      const last = ctx.last();
      if (!last || ctx.attempts.length === before) {
        // Nothing reached the network (a rejected option, a plugin failure): no retry can help.
        const error = classifyGitHubError(thrown, options.token);
        const record = finish(ctx, "failed", error.kind);
        throw new GitHubRequestError(error.message, error.kind, error.status, null, [], record);
      }
      if (last.kind === "ok") {
        const record = finish(ctx, "ok");
        return { data: (ctx.lastBody as { data: T }).data, record };
      }
      const kind: FailureKind = last.kind;
      const reaction = reactionOf(kind);
      if (reaction === "tolerated") throw partialError(ctx, last, finish(ctx, "partial", kind));
      if (reaction === "fatal") throw failure(ctx, last, finish(ctx, "failed", kind));
      const retryClass = retryClassOf(kind)!;
      if (ctx.failures(retryClass) > retryBudget(policy, retryClass)) {
        if (kind === "partial_data") throw partialError(ctx, last, finish(ctx, "partial", kind));
        throw failure(ctx, last, finish(ctx, "failed", kind));
      }
      if (last.kind === "primary_limit") {
        const wait = waitBeforeRetry(
          policy,
          {
            kind: last.kind,
            retryAfterSeconds: last.classification.retryAfterSeconds,
            resetAt: last.resetAt,
          },
          ctx.failures("limit") - 1,
          now(),
        );
        if (wait.beyondCap) {
          finish(ctx, "stopped", "budget_reserve");
          const resetAt = (last.resetAt ?? now()).toISOString();
          throw new BudgetReserveReached(
            resetAt,
            last.rateLimit?.remaining ?? 0,
            policy.reserve,
            "rate_limit",
          );
        }
      }
      // Loop: attemptObserver waits before the next attempt.
    }
  }

  function failure(ctx: RequestContext, last: Attempt, record: RequestRecord): GitHubRequestError {
    const c = last.classification;
    const message =
      last.kind === "auth"
        ? "GitHub rejected the token (401 Bad credentials): check the variable named by github.tokenEnv"
        : `${ctx.operation}: ${c.message}${attemptsText(ctx)}${c.requestId ? ` (GitHub request ${c.requestId})` : ""}`;
    return new GitHubRequestError(
      redactor.text(message),
      last.kind === "ok" ? "fatal" : last.kind,
      last.status,
      c.requestId,
      redactor.value(c.graphqlErrors),
      record,
    );
  }

  function partialError(ctx: RequestContext, last: Attempt, record: RequestRecord): GitHubPartialDataError {
    const c = last.classification;
    const data = (ctx.lastBody as { data?: unknown } | undefined)?.data ?? null;
    return new GitHubPartialDataError(
      redactor.text(
        `${ctx.operation}: ${c.message}${attemptsText(ctx)}${c.requestId ? ` (GitHub request ${c.requestId})` : ""}`,
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

function attemptsText(ctx: RequestContext): string {
  return ctx.attempts.length > 1 ? ` after ${ctx.attempts.length} attempts` : "";
}

function buildRecord(
  ctx: RequestContext,
  outcome: RequestOutcome,
  failure: RequestRecord["failure"] | undefined,
  end: Date,
  redactor: Redactor,
): RequestRecord {
  const attempts: AttemptRecord[] = ctx.attempts.map((a) => ({
    kind: a.kind,
    status: a.status,
    durationMs: a.durationMs,
    waitedMs: a.waitedMs,
    requestId: a.requestId,
  }));
  const last = ctx.last();
  const rateLimit = [...ctx.attempts].reverse().find((a) => a.rateLimit)?.rateLimit ?? null;
  const record: RequestRecord = {
    operation: ctx.operation,
    ...(ctx.options.stream !== undefined ? { stream: ctx.options.stream } : {}),
    ...(ctx.options.repository !== undefined ? { repository: ctx.options.repository } : {}),
    ...(ctx.options.label !== undefined ? { label: ctx.options.label } : {}),
    ...(ctx.pageSize !== undefined ? { pageSize: ctx.pageSize } : {}),
    startedAt: ctx.startedAt.toISOString(),
    durationMs: end.getTime() - ctx.startedAt.getTime(),
    attempts,
    retries: Math.max(0, attempts.length - 1),
    retriesByKind: retriesByKindOf(attempts),
    waitedMs: ctx.reserveWaitMs + attempts.reduce((sum, a) => sum + a.waitedMs, 0),
    outcome,
    ...(failure !== undefined ? { failure } : {}),
    status: last?.status ?? null,
    requestId: last?.requestId ?? null,
    rateLimit,
  };
  return redactor.value(record);
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}
