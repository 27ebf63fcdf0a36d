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
export function simulatedOrgConfig(url: string, org: GeneratedOrg, dataDir: string): Config {
  return configFromObject(
    {
      dataDir,
      github: { url, orgs: [org.dataset.repositories[0]!.owner], requestIntervalMs: 0 },
      teams: org.teams,
    },
    join(dataDir, "yardstick.yaml"),
  );
}

export interface SimulatedWarehouse {
  dataDir: string;
  warehousePath: string;
}

/** Serves `org`, extracts it, builds the warehouse (with `definitions`, else the defaults) and stops serving. */
export async function buildSimulatedWarehouse(
  org: GeneratedOrg,
  options: { name: string; definitions?: Definitions },
): Promise<SimulatedWarehouse> {
  await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
  const sim = await startSimulator({ dataset: org.dataset, rateLimit: { limit: 1_000_000 } });
  try {
    const dataDir = mkdtempSync(join(tmpdir(), `ys-${options.name}-`));
    const config = simulatedOrgConfig(sim.url, org, dataDir);
    await runExtractStage({ config, token: options.name, logger: createMemoryLogger(), runId: options.name });
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
