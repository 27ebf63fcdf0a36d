/**
 * The GitHub GraphQL client: `@octokit/core` with the throttling and retry plugins (they wrap
 * `octokit.request`, which `octokit.graphql` goes through; bare `@octokit/graphql` cannot take them).
 * The token is handed to octokit and nowhere else: it never reaches a log line, an error or a file.
 */
import { Octokit } from "@octokit/core";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import type { Logger } from "../../core/logger.ts";
import { classifyGitHubError } from "./github-errors.ts";

const GitHubOctokit = Octokit.plugin(throttling, retry);

export interface GitHubClientOptions {
  /** Full GraphQL endpoint, e.g. https://api.github.com/graphql or https://ghe.example.com/api/graphql. */
  url: string;
  token: string;
  logger: Logger;
  /**
   * Minimum pause between two GraphQL requests. GitHub asks integrations to serialise calls about a second
   * apart; the simulator and tests turn it down.
   */
  requestIntervalMs?: number;
  /** Base unit for retry waits (octokit multiplies `retry-after` seconds by it). Tests turn it down. */
  retryAfterBaseMs?: number;
  /** How many times to retry after a rate limit before giving up. */
  maxRateLimitRetries?: number;
}

export interface RateLimitInfo {
  cost: number;
  remaining: number;
  resetAt: string;
  limit?: number;
}

export interface GitHubClient {
  /** Sends one GraphQL document; resolves with its data or throws a classified GitHubRequestError. */
  query<T>(document: string, variables: Record<string, unknown>): Promise<T>;
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
  const maxRetries = options.maxRateLimitRetries ?? 3;
  const octokit = new GitHubOctokit({
    auth: options.token,
    baseUrl: baseUrlOf(options.url),
    userAgent: "yardstick",
    log: {
      debug: () => {},
      info: () => {},
      warn: (m: string) => logger.warn(m),
      error: (m: string) => logger.error(m),
    },
    retry: { retryAfterBaseValue: options.retryAfterBaseMs ?? 1000 },
    throttle: {
      id: "yardstick",
      retryAfterBaseValue: options.retryAfterBaseMs ?? 1000,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.requestIntervalMs ?? 1000 }),
      onRateLimit: (retryAfter: number, _opts: unknown, _o: unknown, retryCount: number) => {
        logger.warn("GitHub primary rate limit reached; waiting", {
          retryAfterSeconds: retryAfter,
          retryCount,
        });
        return retryCount < maxRetries;
      },
      onSecondaryRateLimit: (retryAfter: number, _opts: unknown, _o: unknown, retryCount: number) => {
        logger.warn("GitHub secondary rate limit; waiting", { retryAfterSeconds: retryAfter, retryCount });
        return retryCount < maxRetries;
      },
    },
  });
  return {
    async query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
      try {
        return await octokit.graphql<T>(document, variables);
      } catch (error) {
        throw classifyGitHubError(error, options.token);
      }
    },
  };
}
