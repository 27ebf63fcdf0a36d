/**
 * Every source Yardstick reads, in the order a run reads them, and every lake stream they write. A new
 * source is a folder beside github/ exporting its `Source` (source.ts), listed here; the runner (extract.ts)
 * opens every configured one with the client jobs/extract-stage.ts makes for it. See docs/extractors.md.
 */
import type { Config } from "../core/config.ts";
import { githubSource } from "./github/source.ts";
import { githubCopilotSource } from "./github-copilot/source.ts";
import { incidentIoSource } from "./incident-io/source.ts";
import type { LakeStream } from "./lake-stream.ts";
import { pagerDutySource } from "./pagerduty/source.ts";
import { requireToken, type Source } from "./source.ts";

// biome-ignore lint/suspicious/noExplicitAny: every source has its own context, client and tuning.
export type AnySource = Source<any, any, any>;

export const SOURCES: readonly AnySource[] = [
  githubSource,
  githubCopilotSource,
  pagerDutySource,
  incidentIoSource,
];

/** Every lake stream of every source (the build's fingerprint keys them, the runner sweeps them). */
// biome-ignore lint/suspicious/noExplicitAny: lake streams of every record type.
export const LAKE_STREAMS: readonly LakeStream<any>[] = SOURCES.flatMap((source) => source.lakeStreams);

/** The sources yardstick.yaml asks for, in the order a run reads them. */
export function configuredSources(config: Config): AnySource[] {
  return SOURCES.filter((source) => source.configured(config));
}

/**
 * Every configured source's token, read before anything is written: `{ variable: value }`. A variable that
 * is not set is bad input naming it and the field that names it (the value is never shown).
 */
export function readSourceTokens(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const source of configuredSources(config)) {
    const token = source.token(config);
    tokens[token.variable] = requireToken(config, env, token);
  }
  return tokens;
}
