/**
 * Extraction survives every way GitHub fails: with each fault kind injected into a large share of
 * requests, and with the extractor killed (SIGKILL) at random requests and run again, the lake's
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
import { GITHUB_LAKE_STREAMS } from "../extractors/github/source.ts";
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
    reference = await dedupedLake(dir, GITHUB_LAKE_STREAMS);
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
        expect(await dedupedLake(dir, GITHUB_LAKE_STREAMS)).toEqual(reference);
        expect(sim.faultStats()[kind] ?? 0).toBeGreaterThan(0);
      } finally {
        sim.setFaults(null);
      }
    },
  );
});

describe("extraction killed at random requests", () => {
  const org = generateOrg({ seed: 41, repositories: 12, pullRequests: 2500 });
  const owner = org.dataset.repositories[0]!.owner;
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN], rateLimit: { limit: 10_000_000 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  /**
   * Runs `yardstick extract` in its own process; with `killAtRequest`, SIGKILLs it the moment its Nth GraphQL
   * request reaches the simulator (before the answer): a moment defined by progress, so a slow machine kills
   * as surely, and at the same point of the work, as a fast one.
   */
  function runCli(
    dataDir: string,
    killAtRequest?: number,
    extraArgs: string[] = [],
  ): Promise<{ code: number | null; signal: string | null; stderr: string; requests: number }> {
    return new Promise((done, fail) => {
      const before = sim.requestCount();
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
      const stopListening =
        killAtRequest === undefined
          ? () => {}
          : sim.onRequest((count) => {
              if (count - before === killAtRequest) child.kill("SIGKILL");
            });
      child.on("error", fail);
      child.on("exit", (code, signal) => {
        stopListening();
        done({ code, signal, stderr, requests: sim.requestCount() - before });
      });
    });
  }

  it("ends with the same deduplicated lake after six kills, and no partial file in sight", async () => {
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
    const clean = await runCli(referenceDir);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.requests).toBeGreaterThan(20);

    const dir = mkdtempSync(join(tmpdir(), "ys-kill-"));
    config(dir);
    const rng = createRng(2026);
    for (let attempt = 0; attempt < 6; attempt++) {
      // Anywhere from the first request to 80% of a whole extraction's. --full: every attempt redoes the
      // whole extraction (at least as many requests as the reference's), so the Nth request always comes
      // however much earlier attempts already landed.
      const result = await runCli(dir, 1 + Math.floor(rng.float() * clean.requests * 0.8), ["--full"]);
      // Killed every time: no attempt can finish before its Nth request, however fast or slow the machine.
      expect(result.signal, result.stderr).toBe("SIGKILL");
    }
    const final = await runCli(dir);
    expect(final.code, final.stderr).toBe(0);

    for (const stream of GITHUB_LAKE_STREAMS) {
      let files: string[] = [];
      try {
        files = readdirSync(join(dir, "lake", "raw", "github", stream.name));
      } catch {
        files = [];
      }
      expect(files.filter((f) => !f.endsWith(".parquet"))).toEqual([]);
    }
    expect(await dedupedLake(dir, GITHUB_LAKE_STREAMS)).toEqual(
      await dedupedLake(referenceDir, GITHUB_LAKE_STREAMS),
    );
  }, 600_000);
});
