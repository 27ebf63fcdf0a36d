/**
 * The GitHub Copilot source: GitHub's REST Copilot metrics of the organisations (and teams) that
 * `github.copilot` in yardstick.yaml asks for, read with the GitHub token (`github.tokenEnv`). Not
 * configured, it sends nothing and writes nothing.
 */
import { readToken } from "../../core/config.ts";
import type { RequestPolicyOptions } from "../http/retry-policy.ts";
import { lakeStreamsOf, type Source } from "../source.ts";
import { COPILOT_METRICS, type CopilotContext } from "./copilot-metrics.stream.ts";
import { createGitHubRestClient, type GitHubRestClient, restBaseOf } from "./rest-client.ts";

/** What tests and the demo change: the pacing and the retry policy's waits. */
export interface GitHubCopilotTuning {
  requestIntervalMs?: number;
  policy?: RequestPolicyOptions;
}

const STREAMS = [COPILOT_METRICS];

export const githubCopilotSource: Source<CopilotContext, GitHubRestClient, GitHubCopilotTuning> = {
  name: "github_copilot",
  label: "GitHub Copilot metrics",
  configured: (config) => config.github.copilot !== null,
  token: (config) => ({ variable: config.github.tokenEnv, field: "github.tokenEnv", what: "a GitHub token" }),
  async createClient(config, env, hooks, tuning) {
    return createGitHubRestClient({
      baseUrl: restBaseOf(config.github.url),
      token: readToken(config, env),
      logger: hooks.logger,
      onRequest: hooks.onRequest,
      requestIntervalMs: tuning?.requestIntervalMs ?? config.github.requestIntervalMs,
      reserve: config.github.reserve,
      ...(tuning?.policy ? { policy: tuning.policy } : {}),
    });
  },
  open: (base, client) => ({ ...base, client }),
  streams: STREAMS,
  lakeStreams: lakeStreamsOf(STREAMS),
};
