/**
 * The extract stage as the CLI and the pipeline run it: each source's client (made by the source from the
 * configuration and the token) with every request going to the request ledger
 * (`<data>/ledger/requests.ndjson`) and to the progress display, the extraction itself, and its summary. The
 * token is handed to the client and nowhere else.
 */
import { type Config, dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { type ExtractSummary, extract } from "../extractors/extract.ts";
import { type GitHubTuning, githubSource } from "../extractors/github/source.ts";
import { requestLedger } from "../extractors/http/request-ledger.ts";
import type { RequestRecord } from "../extractors/http/request-record.ts";
import { createExtractProgress, type ExtractProgress } from "../extractors/progress/extract-progress.ts";
import { configuredSources } from "../extractors/sources.ts";

export interface ExtractStageOptions {
  config: Config;
  /** The GitHub token, read by the caller from the variable `github.tokenEnv` names (core/config.ts readToken). */
  token: string;
  /**
   * Every other configured source's token, `{ variable: value }`, read by the caller before anything was
   * written (extractors/sources.ts readSourceTokens).
   */
  tokens?: Readonly<Record<string, string>>;
  logger: Logger;
  runId: string;
  progress?: ExtractProgress;
  now?: () => Date;
  since?: Date;
  full?: boolean;
  incidentLabels?: readonly string[];
  /** Client tuning (tests and the demo turn the pacing down for the simulator). */
  client?: GitHubTuning;
  /** Other sources' client tuning, by source name (tests and the demo turn their waits down). */
  tuning?: Readonly<Record<string, unknown>>;
}

export async function runExtractStage(options: ExtractStageOptions): Promise<ExtractSummary> {
  const { config, logger, runId } = options;
  // One progress for the client's records and the runner's steps: two would count requests in one and
  // streams in the other (every step line said requests=0).
  const progress =
    options.progress ?? createExtractProgress({ output: { write: () => true }, logger, live: false });
  const ledger = requestLedger(dataPaths(config.dataDir).requestLedger, runId);
  // Every record says its source in the ledger.
  const hooksFor = (source: string) => ({
    logger,
    onRequest: (record: RequestRecord) => {
      ledger({ source, ...record });
      progress.request(record);
    },
  });
  const env = { ...options.tokens, [config.github.tokenEnv]: options.token };
  const client = await githubSource.createClient(config, env, hooksFor(githubSource.name), options.client);
  const clients: Record<string, unknown> = {};
  for (const source of configuredSources(config))
    if (source !== githubSource)
      clients[source.name] = await source.createClient(
        config,
        env,
        hooksFor(source.name),
        options.tuning?.[source.name],
      );
  return extract({
    config,
    client,
    clients,
    logger,
    runId,
    now: options.now,
    since: options.since,
    full: options.full,
    incidentLabels: options.incidentLabels,
    progress,
  });
}
