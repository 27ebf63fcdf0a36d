/**
 * One extraction in its own process, at a given "now", for tests that SIGKILL it mid-way:
 *   node --import tsx copilot-extract-child.ts <yardstick.yaml> <ISO now> <runId>
 * The token comes from the variable the configuration names, as in `yardstick extract`.
 */
import { loadConfig, readToken } from "../../core/config.ts";
import { createMemoryLogger } from "../../core/logger.ts";
import { readSourceTokens } from "../../extractors/sources.ts";
import { runExtractStage } from "../../jobs/extract-stage.ts";

const [file, nowText, runId] = process.argv.slice(2) as [string, string, string];
const config = loadConfig(file);
const now = new Date(nowText);
const summary = await runExtractStage({
  config,
  token: readToken(config),
  tokens: readSourceTokens(config),
  logger: createMemoryLogger(),
  runId,
  now: () => now,
  client: { requestIntervalMs: 0, retryAfterBaseMs: 1 },
  tuning: { github_copilot: { requestIntervalMs: 0, policy: { retryAfterBaseMs: 1 } } },
});
process.stdout.write(`${JSON.stringify(summary.requestsBySource)}\n`);
