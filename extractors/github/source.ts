/**
 * The GitHub source: GitHub's GraphQL API (github.com or GitHub Enterprise Server), read with a token from
 * the variable `github.tokenEnv` names. Its streams run in this order because each hands the next what it
 * found: the repositories, then what changed in them.
 */
import { readToken } from "../../core/config.ts";
import { lakeStreamsOf, type Source } from "../source.ts";
import type { GitHubClient, GitHubClientOptions } from "./github-client.ts";
import { type GitHubContext, openGitHubContext } from "./github-context.ts";
import { DEFAULT_BRANCH } from "./streams/default-branch.stream.ts";
import { DEPLOYMENTS } from "./streams/deployments.stream.ts";
import { INCIDENTS } from "./streams/incidents.stream.ts";
import { PULL_REQUESTS } from "./streams/pull-requests.stream.ts";
import { REPOSITORIES } from "./streams/repositories.stream.ts";

/** Client settings tests and the demo change (the pacing, the policy's waits), over yardstick.yaml's. */
export type GitHubTuning = Partial<Omit<GitHubClientOptions, "url" | "token" | "logger" | "onRequest">>;

const STREAMS = [REPOSITORIES, PULL_REQUESTS, DEFAULT_BRANCH, DEPLOYMENTS, INCIDENTS];

export const githubSource: Source<GitHubContext, GitHubClient, GitHubTuning> = {
  name: "github",
  label: "GitHub",
  // Every configuration reads GitHub: its organisations or repositories are required.
  configured: () => true,
  token: (config) => ({ variable: config.github.tokenEnv, field: "github.tokenEnv", what: "a GitHub token" }),
  async createClient(config, env, hooks, tuning) {
    const token = readToken(config, env);
    // Loaded here, not at the top: reading the lake streams' declarations needs no octokit.
    const { createGitHubClient } = await import("./github-client.ts");
    return createGitHubClient({
      requestIntervalMs: config.github.requestIntervalMs,
      reserve: config.github.reserve,
      ...tuning,
      url: config.github.url,
      token,
      logger: hooks.logger,
      onRequest: hooks.onRequest,
    });
  },
  open: (base, client, options) => openGitHubContext(base, client, options.incidentLabels ?? ["incident"]),
  streams: STREAMS,
  lakeStreams: lakeStreamsOf(STREAMS),
  repositories: (ctx) => ctx.repositories.map((r) => r.fullName),
};

/** Every lake stream the GitHub source writes, in the order a reader of the lake meets them. */
export const GITHUB_LAKE_STREAMS = githubSource.lakeStreams;
