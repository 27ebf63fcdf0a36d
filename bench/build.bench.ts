/**
 * The warehouse build at scale: a simulated organisation is extracted into a lake, then `dbt build` (models
 * and tests) builds the warehouse; the same transformation is then run as plain SQL in DuckDB (dbt's
 * compiled models, in dependency order, without dbt and without its tests) to show what dbt itself costs.
 *
 * `npm run bench -- build [pullRequests=100000] [repositories=pullRequests/500]`
 * For 1,000,000 pull requests give Node room: NODE_OPTIONS=--max-old-space-size=8192.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { configFromObject, dataPaths } from "../core/config.ts";
import { createLogger } from "../core/logger.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { startSimulator } from "../simulator/server.ts";
import { buildPaths, buildWarehouse } from "../warehouse/build.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import type { Benchmark } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "..");

/** Peak resident memory of this process and all its descendants (dbt runs as a child), sampled. */
function startMemorySampler(): { stop(): number } {
  let peakKb = 0;
  const sample = () => {
    const tree = new Set([process.pid]);
    let total = 0;
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
        if (tree.has(ppid) || Number(pid) === process.pid) {
          tree.add(Number(pid));
          total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        }
      } catch {
        // the process ended between listing and reading
      }
    }
    peakKb = Math.max(peakKb, total);
  };
  const timer = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return Math.round(peakKb / 1024);
    },
  };
}

interface ManifestNode {
  unique_id: string;
  resource_type: string;
  name: string;
  compiled_code?: string;
  config: { materialized?: string };
  depends_on: { nodes: string[] };
}

/** dbt's compiled models, in dependency order, as plain `create table|view … as` statements. */
function compiledModels(targetPath: string): { name: string; sql: string }[] {
  const manifest = JSON.parse(readFileSync(join(targetPath, "manifest.json"), "utf8")) as {
    nodes: Record<string, ManifestNode>;
  };
  const models = Object.values(manifest.nodes).filter((n) => n.resource_type === "model");
  const byId = new Map(models.map((m) => [m.unique_id, m]));
  const done = new Set<string>();
  const ordered: ManifestNode[] = [];
  const visit = (m: ManifestNode) => {
    if (done.has(m.unique_id)) return;
    done.add(m.unique_id);
    for (const dep of m.depends_on.nodes) {
      const parent = byId.get(dep);
      if (parent) visit(parent);
    }
    ordered.push(m);
  };
  models.forEach(visit);
  return ordered.map((m) => {
    const kind = m.config.materialized === "view" ? "view" : "table";
    if (!m.compiled_code) throw new Error(`${m.name} has no compiled SQL in the manifest`);
    return { name: m.name, sql: `create or replace ${kind} main.${m.name} as ${m.compiled_code}` };
  });
}

const bench: Benchmark = {
  description: "dbt build of a simulated organisation's lake, and the same models as plain DuckDB SQL",
  async run(args) {
    const pullRequests = Number(args[0] ?? 100_000);
    const repositories = Number(args[1] ?? Math.max(3, Math.round(pullRequests / 500)));
    const logger = createLogger({ level: "warn" });
    await ensurePythonEnv({ root: ROOT, logger });
    const t0 = performance.now();
    const org = generateOrg({ seed: 3, pullRequests, repositories, days: 365 });
    const generateSeconds = (performance.now() - t0) / 1000;
    const sim = await startSimulator({ dataset: org.dataset, rateLimit: { limit: 1_000_000_000 } });
    const dataDir = mkdtempSync(join(tmpdir(), "ys-bench-build-"));
    try {
      const config = configFromObject(
        {
          dataDir,
          github: { url: sim.url, orgs: [org.dataset.repositories[0]!.owner], requestIntervalMs: 0 },
          teams: org.teams,
        },
        join(dataDir, "yardstick.yaml"),
      );
      const t1 = performance.now();
      const extracted = await runExtractStage({ config, token: "bench", logger, runId: "bench" });
      const extractSeconds = (performance.now() - t1) / 1000;
      await sim.close();

      const memory = startMemorySampler();
      const t2 = performance.now();
      const built = await buildWarehouse({ config, root: ROOT, logger, runId: "bench" });
      const buildSeconds = (performance.now() - t2) / 1000;
      const buildPeakMiB = memory.stop();

      // The same models as plain SQL: dbt compiled them into the manifest of the build's target folder.
      const statements = compiledModels(buildPaths(dataDir, "bench").target);
      // Same file name as dbt's, because the compiled SQL names its catalog after the file.
      const plainDir = join(dataDir, "plain");
      mkdirSync(plainDir);
      const plainDb = join(plainDir, "warehouse.duckdb");
      process.env.YARDSTICK_LAKE = dataPaths(dataDir).lake;
      const t3 = performance.now();
      await withDb(plainDb, "read_write", async (db) => {
        for (const s of statements) await db.run(s.sql);
      });
      const plainSeconds = (performance.now() - t3) / 1000;

      return {
        pullRequests,
        repositories,
        generateSeconds: Number(generateSeconds.toFixed(1)),
        extractSeconds: Number(extractSeconds.toFixed(1)),
        extractRequests: extracted.requests,
        lakeRows: Object.fromEntries(extracted.streams.map((s) => [s.stream, s.rows])),
        buildSeconds: Number(buildSeconds.toFixed(1)),
        buildPeakMiB,
        buildTestsPassed: built.tests.passed,
        plainSqlSeconds: Number(plainSeconds.toFixed(1)),
        plainSqlModels: statements.length,
        dbtToPlainRatio: Number((buildSeconds / plainSeconds).toFixed(2)),
        marts: built.rows,
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
export default bench;
