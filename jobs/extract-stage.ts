/**
 * The extract stage as the CLI and the pipeline run it: a GitHub client whose every request goes to the
 * request ledger (`<data>/ledger/requests.ndjson`) and to the progress display, the extraction itself, and
 * its summary. The token is handed to the client and nowhere else.
 */
import { type Config, dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { type ExtractSummary, extract } from "../extractors/extract.ts";
import { createGitHubClient, type GitHubClientOptions } from "../extractors/github/github-client.ts";
import { requestLedger } from "../extractors/http/request-ledger.ts";
import { createExtractProgress, type ExtractProgress } from "../extractors/progress/extract-progress.ts";

export interface ExtractStageOptions {
  config: Config;
  token: string;
  logger: Logger;
  runId: string;
  progress?: ExtractProgress;
  now?: () => Date;
  since?: Date;
  full?: boolean;
  incidentLabels?: readonly string[];
  /** Client tuning (tests and the demo turn the pacing down for the simulator). */
  client?: Partial<Omit<GitHubClientOptions, "url" | "token" | "logger" | "onRequest">>;
}

export async function runExtractStage(options: ExtractStageOptions): Promise<ExtractSummary> {
  const { config, logger, runId } = options;
  // One progress for the client's records and the runner's steps: two would count requests in one and
  // streams in the other (every step line said requests=0).
  const progress =
    options.progress ?? createExtractProgress({ output: { write: () => true }, logger, live: false });
  const ledger = requestLedger(dataPaths(config.dataDir).requestLedger, runId);
  const client = createGitHubClient({
    requestIntervalMs: config.github.requestIntervalMs,
    reserve: config.github.reserve,
    ...options.client,
    url: config.github.url,
    token: options.token,
    logger,
    onRequest: (record) => {
      ledger(record);
      progress.request(record);
    },
  });
  return extract({
    config,
    client,
    logger,
    runId,
    now: options.now,
    since: options.since,
    full: options.full,
    incidentLabels: options.incidentLabels,
    progress,
  });
}
