/**
 * One place that decides what a failed GitHub request means. The error keeps the evidence (HTTP status,
 * GitHub's request id, GraphQL errors) but never the token: octokit puts the request headers, with the
 * Authorization header, on its errors, so we copy out only what we need.
 */
import { YardstickError } from "../../core/errors.ts";

export type GitHubErrorKind = "auth" | "not_found" | "rate_limited" | "transient" | "query" | "fatal";

export class GitHubRequestError extends YardstickError {
  override name = "GitHubRequestError";
  constructor(
    message: string,
    readonly kind: GitHubErrorKind,
    readonly status: number | undefined,
    readonly requestId: string | undefined,
    readonly graphqlErrors: { type?: string; message: string }[] = [],
  ) {
    super(message);
  }
}

interface OctokitLikeError {
  name?: string;
  message?: string;
  status?: number;
  errors?: { type?: string; message: string }[];
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
  headers?: Record<string, string | undefined>;
}

/** Turns whatever octokit threw into a GitHubRequestError with a message fit for a log. */
export function classifyGitHubError(error: unknown, token?: string): GitHubRequestError {
  if (error instanceof GitHubRequestError) return error;
  const e = (error ?? {}) as OctokitLikeError;
  const headers = e.response?.headers ?? e.headers ?? {};
  const requestId = headers["x-github-request-id"];
  const status = e.status;
  const graphqlErrors = (e.errors ?? []).map((x) => ({
    type: x.type,
    message: redact(String(x.message), token),
  }));
  const text = redact(e.message ?? String(error), token);
  const suffix = requestId ? ` (GitHub request ${requestId})` : "";
  let kind: GitHubErrorKind = "fatal";
  let message = text;
  if (status === 401) {
    kind = "auth";
    message = "GitHub rejected the token (401 Bad credentials): check the variable named by github.tokenEnv";
  } else if (graphqlErrors.some((x) => x.type === "RATE_LIMITED") || /rate limit/i.test(text))
    kind = "rate_limited";
  else if (graphqlErrors.some((x) => x.type === "NOT_FOUND")) kind = "not_found";
  else if (status !== undefined && status >= 500) kind = "transient";
  else if (e.name === "GraphqlResponseError") kind = "query";
  else if (status === undefined && /ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket|fetch failed/i.test(text))
    kind = "transient";
  return new GitHubRequestError(`${message}${suffix}`, kind, status, requestId, graphqlErrors);
}

function redact(text: string, token: string | undefined): string {
  return token ? text.split(token).join("[redacted]") : text;
}
