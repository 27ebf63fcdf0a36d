/**
 * Extraction survives every way GitHub fails: with each fault kind injected into a large share of
 * requests, and with the extractor killed (SIGKILL) at random moments and run again, the lake's
 * deduplicated content equals that of an undisturbed run.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type Config, configFromObject } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { extract } from "../extractors/extract.ts";
import { createGitHubClient } from "../extractors/github/github-client.ts";
import { GITHUB_STREAMS } from "../extractors/github/streams/github-streams.ts";
import { FAULT_KINDS } from "../simulator/faults.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { createRng } from "../simulator/prng.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { dedupedLake } from "./helpers/lake.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN = "resilience-token";
const NOW = new Date("2026-11-02T00:00:00Z");

function configFor(sim: Simulator, dataDir: string, org: string): Config {
  return configFromObject(
    { dataDir, github: { url: sim.url, tokenEnv: "RESILIENCE_TOKEN", orgs: [org] } },
    join(dataDir, "yardstick.yaml"),
  );
}

async function extractOnce(sim: Simulator, dataDir: string, org: string) {
  const logger = createMemoryLogger();
  return extract({
    config: configFor(sim, dataDir, org),
    client: createGitHubClient({
      url: sim.url,
      token: TOKEN,
      logger,
      requestIntervalMs: 0,
      retryAfterBaseMs: 1,
      maxRateLimitRetries: 20,
    }),
    logger,
    runId: `run-${Math.random().toString(36).slice(2, 8)}`,
    now: () => NOW,
  });
}

describe("extraction under injected GitHub failures", () => {
  const org = generateOrg({ seed: 31, repositories: 4, pullRequests: 300 });
  const owner = org.dataset.repositories[0]!.owner;
  let sim: Simulator;
  let reference: Record<string, string[]>;

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN], rateLimit: { limit: 1_000_000 } });
    const dir = mkdtempSync(join(tmpdir(), "ys-ref-"));
    await extractOnce(sim, dir, owner);
    reference = await dedupedLake(dir, GITHUB_STREAMS);
    expect(reference.pull_requests).toHaveLength(org.dataset.pullRequests.length);
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each(FAULT_KINDS)(
    "gives the fault-free lake with %s injected into a quarter of requests",
    async (kind) => {
      sim.setFaults({ rate: 0.25, kinds: [kind], seed: 7, timeoutMs: 100 });
      try {
        const dir = mkdtempSync(join(tmpdir(), `ys-fault-${kind}-`));
        await extractOnce(sim, dir, owner);
        expect(await dedupedLake(dir, GITHUB_STREAMS)).toEqual(reference);
        expect(sim.faultStats()[kind] ?? 0).toBeGreaterThan(0);
      } finally {
        sim.setFaults(null);
      }
    },
  );
});

describe("extraction killed at random moments", () => {
  const org = generateOrg({ seed: 41, repositories: 12, pullRequests: 2500 });
  const owner = org.dataset.repositories[0]!.owner;
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN], rateLimit: { limit: 10_000_000 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  function runCli(
    dataDir: string,
    killAfterMs?: number,
    extraArgs: string[] = [],
  ): Promise<{ code: number | null; signal: string | null; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, "bin", "yardstick.js"),
          "extract",
          "--config",
          join(dataDir, "yardstick.yaml"),
          "--metrics",
          join(ROOT, "metrics.yaml"),
          ...extraArgs,
        ],
        {
          env: { PATH: process.env.PATH ?? "", RESILIENCE_TOKEN: TOKEN },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const timer =
        killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      child.on("error", fail);
      child.on("exit", (code, signal) => {
        if (timer) clearTimeout(timer);
        done({ code, signal, stderr });
      });
    });
  }

  it("ends with the same deduplicated lake after five or more kills, and no partial file in sight", async () => {
    const config = (dir: string) =>
      writeFileSync(
        join(dir, "yardstick.yaml"),
        stringify({
          dataDir: ".",
          github: { url: sim.url, tokenEnv: "RESILIENCE_TOKEN", orgs: [owner], requestIntervalMs: 0 },
        }),
      );
    const referenceDir = mkdtempSync(join(tmpdir(), "ys-kill-ref-"));
    config(referenceDir);
    const t0 = Date.now();
    const clean = await runCli(referenceDir);
    expect(clean.code, clean.stderr).toBe(0);
    const fullMs = Date.now() - t0;

    const dir = mkdtempSync(join(tmpdir(), "ys-kill-"));
    config(dir);
    const rng = createRng(2026);
    let kills = 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      // Anywhere from process start-up to most of a full extraction.
      // --full: every attempt redoes the whole extraction, so a kill lands mid-work however much earlier
      // attempts already landed (an incremental attempt would soon have nothing left to interrupt).
      const result = await runCli(dir, Math.round(300 + rng.float() * Math.max(1000, fullMs * 0.8)), [
        "--full",
      ]);
      if (result.signal === "SIGKILL") kills++;
      else expect(result.code, result.stderr).toBe(0);
    }
    expect(kills).toBeGreaterThanOrEqual(5);
    const final = await runCli(dir);
    expect(final.code, final.stderr).toBe(0);

    for (const stream of GITHUB_STREAMS) {
      let files: string[] = [];
      try {
        files = readdirSync(join(dir, "lake", "raw", "github", stream.name));
      } catch {
        files = [];
      }
      expect(files.filter((f) => !f.endsWith(".parquet"))).toEqual([]);
    }
    expect(await dedupedLake(dir, GITHUB_STREAMS)).toEqual(await dedupedLake(referenceDir, GITHUB_STREAMS));
  }, 600_000);
});
