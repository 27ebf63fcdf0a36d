/**
 * Extraction throughput against the simulator: a first full read of an organisation, then a nightly run
 * with nothing changed. `npm run bench -- extract [pullRequests=5000] [repositories=20]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, configFromObject } from "../core/config.ts";
import { createLogger } from "../core/logger.ts";
import { extract, rowsOf } from "../extractors/extract.ts";
import { createGitHubClient } from "../extractors/github/github-client.ts";
import { githubCopilotSource } from "../extractors/github-copilot/source.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { startSimulator } from "../simulator/server.ts";

import type { Benchmark } from "./run.ts";

const bench: Benchmark = {
  description: "full and unchanged-nightly extraction of a simulated organisation",
  async run(args) {
    const pullRequests = Number(args[0] ?? 5000);
    const repositories = Number(args[1] ?? 20);
    const org = generateOrg({ seed: 5, pullRequests, repositories, teams: 4, days: 365 });
    const sim = await startSimulator({
      dataset: org.dataset,
      rateLimit: { limit: 1_000_000 },
      teams: org.teams,
    });
    const dataDir = mkdtempSync(join(tmpdir(), "ys-bench-extract-"));
    const logger = createLogger({ level: "warn" });
    const config: Config = configFromObject(
      {
        dataDir,
        github: {
          url: sim.url,
          tokenEnv: "T",
          orgs: [org.dataset.repositories[0]!.owner],
          copilot: { teams: true },
        },
        teams: org.teams,
      },
      join(dataDir, "yardstick.yaml"),
    );
    const client = createGitHubClient({ url: sim.url, token: "bench", logger, requestIntervalMs: 0 });
    // Copilot usage (one request per organisation and team): its cost beside GitHub's, per source.
    const clients = {
      github_copilot: await githubCopilotSource.createClient(
        config,
        { T: "bench" },
        { logger, onRequest: () => {} },
        { requestIntervalMs: 0 },
      ),
    };
    try {
      const t0 = performance.now();
      const full = await extract({ config, client, clients, logger, runId: "full" });
      const t1 = performance.now();
      const nightly = await extract({ config, client, clients, logger, runId: "nightly" });
      const t2 = performance.now();
      return {
        pullRequests,
        repositories,
        fullSeconds: Number(((t1 - t0) / 1000).toFixed(2)),
        fullRowsPerSecond: Math.round(rowsOf(full, "pull_requests") / ((t1 - t0) / 1000)),
        fullRequests: full.requests,
        fullRequestsBySource: full.requestsBySource,
        fullPoints: full.points,
        nightlySeconds: Number(((t2 - t1) / 1000).toFixed(2)),
        nightlyRequests: nightly.requests,
        nightlyRequestsBySource: nightly.requestsBySource,
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      };
    } finally {
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
export default bench;
