/**
 * `npm run setup`: creates (or reuses) the Python environment that runs dbt. Kept apart from the CLI so that
 * it runs before anything else is configured.
 */
import { InputError } from "../core/errors.ts";
import { createLogger } from "../core/logger.ts";
import { PROJECT_ROOT } from "../core/project-root.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";

const root = PROJECT_ROOT;
const logger = createLogger();
const started = Date.now();

try {
  const env = await ensurePythonEnv({ root, logger });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const how = env.reused ? "already up to date" : "created";
  process.stdout.write(`Python environment ${how}: ${env.dbt} (${seconds}s)\n`);
} catch (error) {
  if (error instanceof InputError) {
    process.stderr.write(error.report() + "\n");
    process.exit(error.exitCode);
  }
  process.stderr.write((error instanceof Error ? error.message : String(error)) + "\n");
  process.exit(1);
}
