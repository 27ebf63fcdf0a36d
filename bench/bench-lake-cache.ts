/**
 * The bench's cached extraction: a simulated organisation extracted once through the real HTTP simulator
 * into `<benchDir>/lake-<pullRequests>x<repositories>-seed<seed>/lake`, with `extracted.json` (the figures of
 * that extraction) written only once the extraction finished, so a rerun reuses the lake and a killed one
 * starts over.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configFromObject, dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { generateOrg, type TeamDefinition } from "../simulator/org-generator.ts";
import { startSimulator } from "../simulator/server.ts";

export interface OrgShape {
  seed: number;
  pullRequests: number;
  repositories: number;
  days: number;
}

export interface CachedLake {
  /** The extraction's data folder; its lake is `<dataDir>/lake`. */
  dataDir: string;
  lake: string;
  shape: OrgShape;
  /** The organisation's teams (kept with the lake, so a rerun need not generate the organisation again). */
  teams: TeamDefinition[];
  /** Generation time of this run (0 when the cached lake was reused). */
  generateSeconds: number;
  extractSeconds: number;
  extractRequests: number;
  lakeRows: Record<string, number>;
  /** Whether this run extracted (false: the cached lake was reused). */
  extracted: boolean;
}

interface ExtractedFile {
  shape: OrgShape;
  teams: TeamDefinition[];
  extractSeconds: number;
  extractRequests: number;
  lakeRows: Record<string, number>;
}

export function cachedLakeDir(benchDir: string, shape: OrgShape): string {
  return join(
    benchDir,
    `lake-${shape.pullRequests}x${shape.repositories}-seed${shape.seed}-days${shape.days}`,
  );
}

/** The organisation's lake, extracted through the simulator unless a finished extraction is cached. */
export async function ensureExtractedLake(
  benchDir: string,
  shape: OrgShape,
  logger: Logger,
): Promise<CachedLake> {
  const dataDir = cachedLakeDir(benchDir, shape);
  const marker = join(dataDir, "extracted.json");
  const lake = dataPaths(dataDir).lake;
  if (existsSync(marker)) {
    const done = JSON.parse(readFileSync(marker, "utf8")) as ExtractedFile;
    if (!Array.isArray(done.teams)) {
      // A marker from before teams were kept: the organisation is the same for the same shape.
      done.teams = generateOrg(shape).teams;
      writeFileSync(marker, `${JSON.stringify(done, null, 2)}\n`);
    }
    process.stderr.write(
      `bench: reusing the extracted lake ${lake} (extracted in ${done.extractSeconds}s)\n`,
    );
    return { dataDir, lake, generateSeconds: 0, ...done, extracted: false };
  }
  rmSync(dataDir, { recursive: true, force: true });
  const t0 = performance.now();
  const org = generateOrg(shape);
  const generateSeconds = (performance.now() - t0) / 1000;
  const sim = await startSimulator({ dataset: org.dataset, rateLimit: { limit: 1_000_000_000 } });
  try {
    const config = configFromObject(
      {
        dataDir,
        github: { url: sim.url, orgs: [org.dataset.repositories[0]!.owner], requestIntervalMs: 0 },
        teams: org.teams,
      },
      join(dataDir, "yardstick.yaml"),
    );
    process.stderr.write(
      `bench: extracting ${shape.pullRequests} pull requests in ${shape.repositories} repositories into ${lake}\n`,
    );
    const t1 = performance.now();
    const extracted = await runExtractStage({ config, token: "bench", logger, runId: "bench" });
    const done: ExtractedFile = {
      shape,
      teams: org.teams,
      extractSeconds: Number(((performance.now() - t1) / 1000).toFixed(1)),
      extractRequests: extracted.requests,
      lakeRows: Object.fromEntries(extracted.streams.map((s) => [s.stream, s.rows])),
    };
    writeFileSync(marker, `${JSON.stringify(done, null, 2)}\n`);
    return { dataDir, lake, generateSeconds, ...done, extracted: true };
  } finally {
    await sim.close();
  }
}
