/**
 * A warehouse built the real way from a simulated organisation: the simulator serves it over HTTP, the
 * extractor reads it into a lake, dbt builds the marts. For suites that compare the warehouse (or what is
 * computed from it) with the generator's ground truth.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Config, configFromObject } from "../../core/config.ts";
import { createMemoryLogger } from "../../core/logger.ts";
import { runExtractStage } from "../../jobs/extract-stage.ts";
import type { Definitions } from "../../metrics/metric-schema.ts";
import type { GeneratedOrg } from "../../simulator/ground-truth.ts";
import { startSimulator } from "../../simulator/server.ts";
import { buildWarehouse } from "../../warehouse/build.ts";
import { ensurePythonEnv } from "../../warehouse/python-env.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");

/** The configuration that reads a simulated organisation served at `url` into `dataDir`. */
export function simulatedOrgConfig(
  url: string,
  org: GeneratedOrg,
  dataDir: string,
  options: { copilot?: boolean } = {},
): Config {
  return configFromObject(
    {
      dataDir,
      github: {
        url,
        orgs: [org.dataset.repositories[0]!.owner],
        requestIntervalMs: 0,
        ...(options.copilot ? { copilot: { teams: true } } : {}),
      },
      teams: org.teams,
    },
    join(dataDir, "yardstick.yaml"),
  );
}

export interface SimulatedWarehouse {
  dataDir: string;
  warehousePath: string;
}

/**
 * Serves `org`, extracts it, builds the warehouse (with `definitions`, else the defaults) and stops serving.
 * `copilot`: also its Copilot usage (organisation and teams): extracted at the organisation's last moment,
 * so that the 28 days GitHub serves end with its data.
 */
export async function buildSimulatedWarehouse(
  org: GeneratedOrg,
  options: { name: string; definitions?: Definitions; copilot?: boolean },
): Promise<SimulatedWarehouse> {
  await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
  // The organisation's last moment: every pull request is read whole by a run then.
  const last = new Date(
    Math.max(
      ...org.dataset.pullRequests.flatMap((pr) =>
        [pr.createdAt, pr.updatedAt, pr.mergedAt, pr.closedAt]
          .filter((t): t is string => typeof t === "string")
          .map((t) => Date.parse(t)),
      ),
    ) + 3_600_000,
  );
  const sim = await startSimulator({
    dataset: org.dataset,
    rateLimit: { limit: 1_000_000 },
    ...(options.copilot ? { teams: org.teams, clock: () => last } : {}),
  });
  try {
    const dataDir = mkdtempSync(join(tmpdir(), `ys-${options.name}-`));
    const config = simulatedOrgConfig(sim.url, org, dataDir, { copilot: options.copilot });
    await runExtractStage({
      config,
      token: options.name,
      logger: createMemoryLogger(),
      runId: options.name,
      ...(options.copilot ? { now: () => last, tuning: { github_copilot: { requestIntervalMs: 0 } } } : {}),
    });
    const built = await buildWarehouse({
      config,
      root: ROOT,
      logger: createMemoryLogger(),
      runId: options.name,
      ...(options.definitions ? { definitions: options.definitions } : {}),
    });
    return { dataDir, warehousePath: built.warehousePath };
  } finally {
    await sim.close();
  }
}
