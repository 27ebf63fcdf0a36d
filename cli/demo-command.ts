/**
 * `yardstick demo`: the whole pipeline against a simulated GitHub organisation on a free loopback port,
 * with a throw-away configuration and data folder. Ends with the path of the page.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadConfig } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { runPipeline } from "../jobs/pipeline.ts";
import { demoOrgOptions } from "../simulator/demo-org.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { startSimulator } from "../simulator/server.ts";

export const DEMO_TOKEN_ENV = "YARDSTICK_DEMO_TOKEN";

export interface DemoOptions {
  root: string;
  seed: number;
  dataDir: string;
  metricsFile: string;
  logger: Logger;
  /** The simulated organisation ends here (default: the start of today, UTC, so the pages look current). */
  end?: Date;
}

export async function runDemo(options: DemoOptions): Promise<string> {
  const { logger } = options;
  const end = options.end ?? startOfTodayUtc();
  const org = generateOrg(demoOrgOptions({ seed: options.seed, end }));
  const token = randomBytes(16).toString("hex");
  const simulator = await startSimulator({ dataset: org.dataset, tokens: [token] });
  logger.info(
    `demo: simulated GitHub at ${simulator.url} (seed ${options.seed}, ${org.teams.length} teams, ` +
      `${org.dataset.repositories.length} repositories, ${org.dataset.pullRequests.length} pull requests ` +
      `since ${org.truth.start.slice(0, 10)})`,
  );
  try {
    // Throw-away: the demo folder is rebuilt every time, so nothing from an earlier demo leaks in.
    rmSync(options.dataDir, { recursive: true, force: true });
    mkdirSync(options.dataDir, { recursive: true });
    const configFile = join(options.dataDir, "yardstick.yaml");
    writeFileSync(
      configFile,
      "# Written by `yardstick demo` for a simulated organisation; safe to delete.\n" +
        stringify({
          dataDir: ".",
          github: {
            url: simulator.url,
            tokenEnv: DEMO_TOKEN_ENV,
            requestIntervalMs: 0,
            // Twice the default: each page lands in the lake as its own batch, and over loopback that costs
            // more than the request, so half as many pages read the demo's year of pull requests a third
            // faster for the same points (100 costs more points and is no faster). It still halves after a
            // timeout, as on GitHub.
            pageSize: 50,
            orgs: [...new Set(org.dataset.repositories.map((r) => r.owner))],
          },
          teams: org.teams,
        }),
    );
    const config = loadConfig(configFile);
    const result = await runPipeline({
      config,
      root: options.root,
      metricsFile: options.metricsFile,
      logger,
      env: { ...process.env, [DEMO_TOKEN_ENV]: token },
      client: { requestIntervalMs: 0, retryAfterBaseMs: 10 },
    });
    // The latest complete month's review: what the demo is for. Without one, the home page.
    const page = result.latestReview ?? result.pages.find((p) => p.endsWith("index.html")) ?? result.pages[0];
    if (!page) throw new Error("the demo published no page");
    return page;
  } finally {
    await simulator.close();
  }
}

function startOfTodayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
