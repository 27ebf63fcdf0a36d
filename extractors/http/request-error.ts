/**
 * What every API family's failures have in common, so that the runner treats them alike: each kind of
 * answer has one reaction, and a request that failed for good is a RequestError carrying its kind, its
 * evidence and its request record (never a secret). A family subclasses it (GitHub: GitHubRequestError)
 * with its own kinds and evidence.
 */
import { YardstickError } from "../../core/errors.ts";
import type { RequestRecord } from "./request-record.ts";

/**
 * What to do about an attempt: ok; retriable (back off and try again); wait_until (a rate limit: wait as
 * the API asks); tolerated (data with errors the caller may accept, e.g. NOT_FOUND on one batched node);
 * fatal.
 */
export type Reaction = "ok" | "retriable" | "wait_until" | "tolerated" | "fatal";

/** A request that failed for good, with the evidence (never a token). */
export class RequestError extends YardstickError {
  override name = "RequestError";
  constructor(
    message: string,
    readonly kind: string,
    readonly status: number | null,
    /** The API's own id of the request, to quote when reporting a problem. */
    readonly requestId: string | null,
    /** The request's record (attempts, retries, rate limit), when it reached the network. */
    readonly record?: RequestRecord,
  ) {
    super(message);
  }

  /** What its kind calls for; a family's subclass answers from its own table. */
  get reaction(): Reaction {
    return "fatal";
  }
}

/**
 * Whether a request that failed for good costs only what it was reading — one partition (a repository, a
 * search scope, a service) of one stream — so that the run goes on with the rest and the next run reads it
 * again: a request whose retries ran out (5xx, timeouts, resets, malformed or partial answers, rate
 * limits). An answer that says no — a rejected token or query, NOT_FOUND, forbidden — would say it again
 * next time: it still stops the run, with its message.
 */
export function failsOnlyItsPartition(error: unknown): error is RequestError {
  return error instanceof RequestError && (error.reaction === "retriable" || error.reaction === "wait_until");
}
