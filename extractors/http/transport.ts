/**
 * The HTTP layer every API family shares: one attempt at a time with a timeout and a notice while it hangs,
 * the backoff before a retry (honouring `retry-after`), the retry loop with its budgets, and the record of
 * every request for the ledger — all through one redactor, so no secret reaches a log line, an error or
 * a record. What an answer means is the family's: its `FamilyRules` classify each attempt, give each kind a
 * reaction, a retry class and a wait rule, and read the budget an answer reports. How the bytes travel is
 * the family's too: GitHub's GraphQL goes through octokit (github/octokit-attempts.ts); a REST family
 * passes `fetch` to `attempt`. Pacing (a minimum interval between requests) is in pacing.ts.
 *
 * @example A REST family's request (one attempt per loop; the transport waits and records):
 *   const req = transport.begin("GET /incidents", { stream: "incidents" });
 *   return transport.send(req, () => transport.attempt(req, (signal) => fetchJson(url, signal), (a) => a), ends);
 */
import type { Logger } from "../../core/logger.ts";
import type { Redactor } from "./redact.ts";
import {
  type Attempt,
  type AttemptClassification,
  type AttemptEvidence,
  buildRecord,
  RequestAttempts,
  type RequestOptions,
} from "./request-attempts.ts";
import type { Reaction } from "./request-error.ts";
import type { RateLimitSnapshot, RequestOutcome, RequestRecord } from "./request-record.ts";
import {
  type RequestPolicy,
  type RetryClass,
  retryBudget,
  type WaitRule,
  waitBeforeRetry,
} from "./retry-policy.ts";

/** An answer as the transport sees it, whatever carried it. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | number | undefined>;
  body: unknown;
}

/** What an API family decides about its answers (GitHub's: github/github-retry-rules.ts). */
export interface FamilyRules<K extends string, C extends AttemptClassification<K>> {
  /** Classifies one attempt. Pure: the same evidence always gets the same kind. */
  classify(evidence: AttemptEvidence): C;
  reactionOf(kind: "ok" | K): Reaction;
  /** Which retry budget a kind spends (null: never retried). */
  retryClassOf(kind: "ok" | K): RetryClass | null;
  /** How long to wait after a kind before the next attempt. */
  waitRuleOf(kind: K): WaitRule;
  /** The budget an answer reports, and when it resets (absent: the family has no budget to read). */
  observeBudget?(
    evidence: AttemptEvidence,
    classification: C,
  ): { rateLimit: RateLimitSnapshot | null; resetAt: Date | null };
}

export interface TransportOptions<K extends string, C extends AttemptClassification<K>> {
  /** How the API is called in log lines: "GitHub", "PagerDuty". */
  label: string;
  logger: Logger;
  redactor: Redactor;
  policy: RequestPolicy;
  rules: FamilyRules<K, C>;
  /** Called once per request, after its last attempt, success or not (the runner writes the ledger). */
  onRequest?: (record: RequestRecord<K>) => void;
  now: () => Date;
  /** How waits sleep (tests may advance a fake clock instead). */
  sleep: (ms: number) => Promise<void>;
  /** Calls `expire` after `ms` unless the returned function cancels it first. */
  startTimeout: (ms: number, expire: () => void) => () => void;
}

/** How a request ends, in the family's own terms (its data, its errors); see `Transport.send`. */
export interface RequestEnds<K extends string, C extends AttemptClassification<K>, T> {
  /** The last attempt was ok: finish the record and return the data. */
  ok(req: RequestAttempts<K, C>): T;
  /** Nothing reached the network (a rejected option, a plugin failure): no retry can help. */
  unreached(req: RequestAttempts<K, C>, thrown: unknown): Error;
  /** An answer whose reaction is `tolerated` (data with errors the caller may accept). */
  tolerated(req: RequestAttempts<K, C>, last: Attempt<K, C>): Error;
  /** An answer whose reaction is `fatal`. */
  fatal(req: RequestAttempts<K, C>, last: Attempt<K, C>): Error;
  /** A retriable failure whose retry budget is spent. */
  exhausted(req: RequestAttempts<K, C>, last: Attempt<K, C>): Error;
  /** Before another round: may throw to stop (a budget reset further away than the longest wait). */
  beforeRetry?(req: RequestAttempts<K, C>, last: Attempt<K, C>): void;
}

/** One attempt failed: its record is kept; the answer, when one came, is alongside. */
export class AttemptFailed<K extends string, C extends AttemptClassification<K>> extends Error {
  override name = "AttemptFailed";
  constructor(
    readonly attempt: Attempt<K, C>,
    /** What the exchange threw. */
    readonly error: unknown,
    readonly answer?: HttpAnswer,
    /** The caller's signal cancelled it. */
    readonly cancelled = false,
  ) {
    super(attempt.classification.message);
  }
}

export interface Transport<K extends string, C extends AttemptClassification<K>> {
  /** Starts a request: its attempts and record gather here. */
  begin(operation: string, options: RequestOptions, pageSize?: number): RequestAttempts<K, C>;
  /**
   * One HTTP attempt: waits the backoff the previous attempt calls for (unless someone else waits),
   * applies the timeout and the slow notice, classifies the answer and records it. Resolves with what
   * `exchange` resolved; throws AttemptFailed for an exchange that threw (the answer, when it came, read
   * by `answerOfError`). An answer that resolved is recorded however the family classifies it: the retry
   * loop (`send`) reads the record.
   */
  attempt<T>(
    req: RequestAttempts<K, C>,
    exchange: (signal: AbortSignal) => Promise<T>,
    answerOf: (value: T) => HttpAnswer,
    answerOfError?: (error: unknown) => HttpAnswer | undefined,
  ): Promise<T>;
  /**
   * The retry loop: calls `sendOnce` (one attempt, or several when a plugin retries inside it) until the
   * last attempt is ok, or its kind says stop, or its retry budget is spent; `ends` turns each ending into
   * the family's data or error.
   */
  send<T>(
    req: RequestAttempts<K, C>,
    sendOnce: () => Promise<unknown>,
    ends: RequestEnds<K, C, T>,
  ): Promise<T>;
  /** Records the request's end: the redacted record goes to `onRequest` (the ledger) and is returned. */
  finish(
    req: RequestAttempts<K, C>,
    outcome: RequestOutcome,
    failure?: RequestRecord<K>["failure"],
  ): RequestRecord<K>;
  /** Says a wait before a retry in the log (`by`: who waits, e.g. "yardstick", "throttling plugin"). */
  logWait(req: RequestAttempts<K, C>, kind: string, ms: number, by: string): void;
  /** A warning, redacted. */
  warn(message: string, fields: Record<string, unknown>): void;
}

export function createTransport<K extends string, C extends AttemptClassification<K>>(
  options: TransportOptions<K, C>,
): Transport<K, C> {
  const { label, logger, redactor, policy, rules, now, sleep, startTimeout } = options;

  const warn = (message: string, fields: Record<string, unknown>) =>
    logger.warn(redactor.text(message), redactor.value(fields));

  const logWait = (req: RequestAttempts<K, C>, kind: string, ms: number, by: string) =>
    warn(`${label}: waiting ${formatSeconds(ms)} before retrying ${req.operation} (${kind})`, {
      kind,
      waitSeconds: ms / 1000,
      attempt: req.attempts.length + 1,
      operation: req.operation,
      ...(req.options.stream ? { stream: req.options.stream } : {}),
      ...(req.options.repository ? { repository: req.options.repository } : {}),
      by,
    });

  /** A request still without an answer: said in the log, so that a hang is never silent. */
  function noticeSlow(req: RequestAttempts<K, C>, started: Date): void {
    const ms = now().getTime() - started.getTime();
    const about = [req.options.stream, req.options.repository].filter(Boolean).join(" ");
    logger.info(
      redactor.text(
        `waiting for ${label}: ${req.operation}${about ? ` (${about})` : ""}, ${formatSeconds(ms)} so far`,
      ),
      redactor.value({
        step: "request_waiting",
        operation: req.operation,
        ...(req.options.stream ? { stream: req.options.stream } : {}),
        ...(req.options.repository ? { repository: req.options.repository } : {}),
        attempt: req.attempts.length + 1,
        waitingMs: ms,
        timeoutMs: policy.timeoutMs,
      }),
    );
  }

  async function waitBeforeAttempt(req: RequestAttempts<K, C>): Promise<number> {
    const previous = req.last();
    if (!previous || previous.kind === "ok") return 0;
    if (req.presetWaitMs !== null) {
      const ms = req.presetWaitMs;
      req.presetWaitMs = null;
      return ms;
    }
    const kind = previous.kind as K;
    const retryClass = rules.retryClassOf(kind);
    const earlier = retryClass ? req.failures(retryClass) - 1 : 0;
    const wait = waitBeforeRetry(
      policy,
      {
        rule: rules.waitRuleOf(kind),
        retryAfterSeconds: previous.classification.retryAfterSeconds,
        resetAt: previous.resetAt,
      },
      earlier,
      now(),
    );
    logWait(req, kind, wait.ms, "yardstick");
    if (wait.ms > 0) await sleep(wait.ms);
    return wait.ms;
  }

  function recordAttempt(
    req: RequestAttempts<K, C>,
    evidence: AttemptEvidence,
    started: Date,
    waitedMs: number,
  ): Attempt<K, C> {
    const classification = rules.classify(evidence);
    const budget = rules.observeBudget?.(evidence, classification) ?? { rateLimit: null, resetAt: null };
    const attempt: Attempt<K, C> = {
      kind: classification.kind,
      status: evidence.status ?? null,
      durationMs: now().getTime() - started.getTime(),
      waitedMs,
      requestId: classification.requestId,
      classification,
      resetAt: budget.resetAt,
      rateLimit: budget.rateLimit,
    };
    req.attempts.push(attempt);
    req.lastBody = evidence.body;
    return attempt;
  }

  async function attempt<T>(
    req: RequestAttempts<K, C>,
    exchange: (signal: AbortSignal) => Promise<T>,
    answerOf: (value: T) => HttpAnswer,
    answerOfError?: (error: unknown) => HttpAnswer | undefined,
  ): Promise<T> {
    const waitedMs = await waitBeforeAttempt(req);
    const started = now();
    const controller = new AbortController();
    const cancelTimeout = startTimeout(policy.timeoutMs, () => controller.abort());
    const slow = setInterval(() => noticeSlow(req, started), policy.slowNoticeMs);
    const signal = req.options.signal
      ? AbortSignal.any([req.options.signal, controller.signal])
      : controller.signal;
    const record = (evidence: AttemptEvidence) => recordAttempt(req, evidence, started, waitedMs);
    try {
      const value = await exchange(signal);
      const answer = answerOf(value);
      record({ status: answer.status, headers: answer.headers, body: answer.body });
      return value;
    } catch (error) {
      if (req.options.signal?.aborted)
        throw new AttemptFailed(record({ cancelled: true }), error, undefined, true);
      const answer = answerOfError?.(error);
      if (answer) {
        const evidence = { status: answer.status, headers: answer.headers, body: answer.body };
        throw new AttemptFailed(record(evidence), error, answer);
      }
      throw new AttemptFailed(record({ error, timedOut: controller.signal.aborted }), error);
    } finally {
      cancelTimeout();
      clearInterval(slow);
    }
  }

  function finish(
    req: RequestAttempts<K, C>,
    outcome: RequestOutcome,
    failure?: RequestRecord<K>["failure"],
  ): RequestRecord<K> {
    const record = buildRecord(req, outcome, failure, now(), redactor);
    options.onRequest?.(record);
    return record;
  }

  async function send<T>(
    req: RequestAttempts<K, C>,
    sendOnce: () => Promise<unknown>,
    ends: RequestEnds<K, C, T>,
  ): Promise<T> {
    for (;;) {
      const before = req.attempts.length;
      req.presetWaitMs = null;
      let thrown: unknown;
      try {
        await sendOnce();
      } catch (error) {
        thrown = error;
      }
      const last = req.last();
      if (!last || req.attempts.length === before) throw ends.unreached(req, thrown);
      if (last.kind === "ok") return ends.ok(req);
      const kind = last.kind as K;
      const reaction = rules.reactionOf(kind);
      if (reaction === "tolerated") throw ends.tolerated(req, last);
      if (reaction === "fatal") throw ends.fatal(req, last);
      const retryClass = rules.retryClassOf(kind)!;
      if (req.failures(retryClass) > retryBudget(policy, retryClass)) throw ends.exhausted(req, last);
      ends.beforeRetry?.(req, last);
      // Loop: `attempt` waits before the next attempt.
    }
  }

  return {
    begin: (operation, requestOptions, pageSize) =>
      new RequestAttempts<K, C>(operation, requestOptions, now(), pageSize, rules.retryClassOf),
    attempt,
    send,
    finish,
    logWait,
    warn,
  };
}

/** Real timers: the defaults of `sleep` and `startTimeout`. */
export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const realTimeout = (ms: number, expire: () => void) => {
  const timer = setTimeout(expire, ms);
  return () => clearTimeout(timer);
};

export function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}
