/**
 * Clean stops: what a source throws between requests (never mid-write) when reading on would be wrong — its
 * budget is under the reserve, or it stopped answering. The runner stops that source there: what landed is
 * durable, the cursors say how far, the streams not reached are listed as incomplete, and the next run
 * resumes.
 */
import { YardstickError } from "../core/errors.ts";

export class RunStop extends YardstickError {
  override name = "RunStop";
  /** When the source may be read again (a budget's reset), when known. */
  declare readonly resetAt?: string;
}

/**
 * Several requests in a row failed for good, each after its retries: the source looks down (or
 * unreachable) for this run, so the runner stops it cleanly rather than spend every retry on every
 * partition that is left.
 */
export class SourceUnavailable extends RunStop {
  override name = "SourceUnavailable";
  constructor(
    /** How the source is called: "GitHub". */
    readonly source: string,
    readonly failures: number,
    readonly last: string,
  ) {
    super(`${source} did not answer ${failures} requests in a row (the last: ${last}); stopping cleanly`);
  }
}
