/**
 * Octokit, wired to the shared transport: `@octokit/core` with the throttling and retry plugins, and our own
 * plugin closest to the network, through which every HTTP attempt passes the transport (its wait, timeout,
 * slow notice, classification and record).
 *
 * Layers, innermost first:
 * 1. `attemptObserver` (our plugin): per HTTP attempt, `transport.attempt` waits the backoff our policy
 *    sets (unless the throttling plugin already waited), applies the timeout, classifies the answer
 *    (github-errors.ts) and reads the budget from it.
 * 2. throttling plugin: serialises requests (the shared pacing); waits out 403/429 secondary limits and
 *    RATE_LIMITED when our handlers agree (retry budget, cap).
 * 3. retry plugin: decides to retry 5xx, timeouts, resets and "Something went wrong" (its own waits are
 *    set to 0: the backoff is ours, in layer 1, so there is one policy and every wait is logged).
 * 4. `transport.send` (github-client.ts): reacts to whatever the plugins pass through or give up on, by the
 *    same classification, within one retry budget per request shared with the plugins.
 * The token is handed to octokit and nowhere else; everything we emit passes through the redactor.
 */
import { Octokit } from "@octokit/core";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import type Bottleneck from "bottleneck";
import type { Logger } from "../../core/logger.ts";
import type { Redactor } from "../http/redact.ts";
import type { RequestAttempts } from "../http/request-attempts.ts";
import { type RequestPolicy, resetWaitWithinCap } from "../http/retry-policy.ts";
import { AttemptFailed, type Transport } from "../http/transport.ts";
import type { AttemptClassification, FailureKind } from "./github-errors.ts";

export type GitHubRequest = RequestAttempts<FailureKind, AttemptClassification>;
type GitHubTransport = Transport<FailureKind, AttemptClassification>;

/** The key under which a request's attempts ride in octokit's `request` options, through the plugins. */
export const CONTEXT_KEY = "yardstickRequest";

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

interface OctokitErrorShape {
  message?: string;
  response?: { status: number; url?: string; headers: Record<string, unknown>; data: unknown };
}

/** Our plugin: every HTTP attempt of a request we started goes through `transport.attempt`. */
function attemptObserver(transport: GitHubTransport, redactor: Redactor) {
  return (octokit: Octokit) => {
    octokit.hook.wrap("request", async (request, hookOptions) => {
      const req = (hookOptions.request as Record<string, unknown> | undefined)?.[CONTEXT_KEY] as
        | GitHubRequest
        | undefined;
      if (!req) return request(hookOptions);
      const url = String(hookOptions.url);
      try {
        return await transport.attempt(
          req,
          async (signal) => {
            // Hooks share one options object (before-after-hook binds it to every layer), so the signal is
            // set on it, fresh for each attempt, rather than on a copy the layers below would never see.
            (hookOptions.request as Record<string, unknown>).signal = signal;
            return request(hookOptions);
          },
          (response) => ({ status: response.status, headers: response.headers, body: response.data }),
          (error) => {
            const e = error as OctokitErrorShape;
            if (!e.response || typeof e.response.status !== "number") return undefined;
            const { status, headers, data } = e.response;
            return { status, headers: headers as Record<string, string>, body: data };
          },
        );
      } catch (error) {
        if (!(error instanceof AttemptFailed)) throw error;
        if (error.cancelled) {
          // Status 0: neither plugin retries it.
          throw new AttemptFailure(
            "the request was cancelled",
            0,
            { status: 0, url, headers: {}, data: undefined },
            url,
          );
        }
        if (error.answer) {
          const e = error.error as OctokitErrorShape;
          const { status, headers, body } = error.answer;
          const response = { status, url: e.response?.url ?? url, headers, data: redactor.value(body) };
          throw new AttemptFailure(redactor.text(String(e.message ?? status)), status, response, url);
        }
        const message = redactor.text(error.attempt.classification.message);
        throw new AttemptFailure(message, 500, { status: 500, url, headers: {}, data: undefined }, url);
      }
    });
    return {};
  };
}

/** The throttling plugin asks whether to retry a limit; it then waits `retryAfter` × base itself. */
function limitHandler(transport: GitHubTransport, policy: RequestPolicy, which: "primary" | "secondary") {
  return (retryAfter: number, requestOptions: { request?: Record<string, unknown> }): boolean => {
    const req = requestOptions.request?.[CONTEXT_KEY] as GitHubRequest | undefined;
    const last = req?.last();
    if (!req || !last) return false;
    // RATE_LIMITED with points left is not the primary limit: the plugin would wait for the hourly
    // reset; our policy backs off like a secondary limit instead.
    if (last.kind === "rate_limited") return false;
    if (req.failures("limit") > policy.maxRateLimitRetries) return false;
    if (which === "primary" && !resetWaitWithinCap(policy, retryAfter)) return false;
    const ms = retryAfter * policy.retryAfterBaseMs;
    if (ms > policy.maxWaitMs) return false;
    req.presetWaitMs = ms;
    transport.logWait(req, last.kind, ms, "throttling plugin");
    return true;
  };
}

export interface GraphQLOctokitOptions {
  token: string;
  /** e.g. https://api.github.com (the route is /graphql). */
  baseUrl: string;
  logger: Logger;
  redactor: Redactor;
  policy: RequestPolicy;
  transport: GitHubTransport;
  /** The shared pacing (http/pacing.ts): one request at a time, a minimum interval apart. */
  pacing: Bottleneck.Group;
}

/** An octokit whose every attempt goes through `transport`, paced, with the plugins' waits set to ours. */
export function createGraphQLOctokit(options: GraphQLOctokitOptions): Octokit {
  const { logger, redactor, policy, transport } = options;
  const GitHubOctokit = Octokit.plugin(attemptObserver(transport, redactor), throttling, retry);
  return new GitHubOctokit({
    auth: options.token,
    baseUrl: options.baseUrl,
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
      write: options.pacing,
      onRateLimit: limitHandler(transport, policy, "primary"),
      onSecondaryRateLimit: limitHandler(transport, policy, "secondary"),
    },
  });
}
