/**
 * Extraction against the stand-ins, every source configured: a first full read (the backfill) of a simulated
 * organisation, then a nightly run with nothing changed. GitHub (GraphQL), its Copilot usage (REST, with the
 * organisation's teams), PagerDuty (a service per repository) and incident.io (a mapping per repository)
 * each report their requests. `npm run bench -- extract [pullRequests=5000] [repositories=20]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, configFromObject } from "../core/config.ts";
import { createLogger } from "../core/logger.ts";
import { rowsOf } from "../extractors/extract.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { AFFECTED_SERVICE, startIncidentIoServer } from "../simulator/incidents/incident-io-server.ts";
import { startPagerDutyServer } from "../simulator/incidents/pagerduty-server.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { startSimulator } from "../simulator/server.ts";

import type { Benchmark } from "./run.ts";

const TOKENS = { PAGERDUTY_BENCH: "pd-bench", INCIDENT_IO_BENCH: "io-bench" };

const bench: Benchmark = {
  description: "backfill and unchanged-nightly extraction of a simulated organisation, requests per source",
  async run(args) {
    const pullRequests = Number(args[0] ?? 5000);
    const repositories = Number(args[1] ?? 20);
    const org = generateOrg({ seed: 5, pullRequests, repositories, teams: 4, days: 365 });
    const owner = org.dataset.repositories[0]!.owner;
    const sim = await startSimulator({
      dataset: org.dataset,
      rateLimit: { limit: 1_000_000 },
      teams: org.teams,
    });
    const pagerDuty = await startPagerDutyServer({ org });
    const incidentIo = await startIncidentIoServer({ org });
    const dataDir = mkdtempSync(join(tmpdir(), "ys-bench-extract-"));
    const logger = createLogger({ level: "warn" });
    const repos = org.dataset.repositories.map((r) => ({ name: r.name, fullName: `${r.owner}/${r.name}` }));
    const config: Config = configFromObject(
      {
        dataDir,
        github: { url: sim.url, tokenEnv: "T", orgs: [owner], copilot: { teams: true } },
        teams: org.teams,
        pagerduty: {
          url: pagerDuty.url,
          tokenEnv: "PAGERDUTY_BENCH",
          requestIntervalMs: 0,
          services: pagerDuty.services
            .filter((s) => s.repository !== null)
            .map((s) => ({ id: s.id, repos: [s.repository!] })),
        },
        incidentIo: {
          url: incidentIo.url,
          tokenEnv: "INCIDENT_IO_BENCH",
          requestIntervalMs: 0,
          mappings: repos.map((r) => ({ customField: AFFECTED_SERVICE, value: r.name, repos: [r.fullName] })),
        },
      },
      join(dataDir, "yardstick.yaml"),
    );
    const stage = (runId: string) =>
      runExtractStage({
        config,
        token: "bench",
        tokens: TOKENS,
        logger,
        runId,
        client: { requestIntervalMs: 0 },
        tuning: { github_copilot: { requestIntervalMs: 0 } },
      });
    try {
      const t0 = performance.now();
      const full = await stage("full");
      const t1 = performance.now();
      const nightly = await stage("nightly");
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
      await Promise.all([sim.close(), pagerDuty.close(), incidentIo.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
export default bench;
