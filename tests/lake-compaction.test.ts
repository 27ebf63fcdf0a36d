/**
 * Lake compaction as an operator runs it (`yardstick compact`, a real subprocess) on a lake the real extractor
 * wrote from the simulator over several nights: the stream's rows stay exactly the same (every column,
 * `_extracted_at` and `_run_id` included), the warehouse dbt builds from the compacted lake equals the one it
 * built before, row for row, in every staging view, intermediate model and mart; and a compaction killed at
 * each of its steps leaves a lake that builds the same warehouse and that the next compaction repairs.
 */

import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type Config, dataPaths, loadConfig } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { COMPACTION_CRASH_ENV, type CompactionStep, lakeStreams } from "../extractors/lake-compaction.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import type { GeneratedOrg } from "../simulator/ground-truth.ts";
import { evolveOrg } from "../simulator/org-evolver.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { yardstick } from "./helpers/yardstick-cli.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN = "ghp_compactionTokenNeverWrittenAnywhere11";
const DAY = 86_400_000;

/** JSON of a row with its keys sorted, so that column order does not matter. */
const rowKey = (row: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b))));

/** Every row of every stream as the build reads the lake (dot files skipped, union by name), sorted. */
async function lakeRows(dataDir: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  await withDb(":memory:", "read_write", async (db) => {
    for (const { stream, dir } of lakeStreams(dataPaths(dataDir).lake)) {
      const rows = await db.all<Record<string, unknown>>(
        "select * from read_parquet($glob, union_by_name = true)",
        { glob: join(dir, "[!.]*.parquet") },
      );
      out[stream] = rows.map(rowKey).sort();
    }
  });
  return out;
}

/** Column names and types per stream, as the build sees them. */
async function lakeColumns(dataDir: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  await withDb(":memory:", "read_write", async (db) => {
    for (const { stream, dir } of lakeStreams(dataPaths(dataDir).lake)) {
      const cols = await db.all<{ column_name: string; column_type: string }>(
        "select column_name, column_type from (describe select * from read_parquet($glob, union_by_name = true))",
        { glob: join(dir, "[!.]*.parquet") },
      );
      out[stream] = cols.map((c) => `${c.column_name} ${c.column_type}`).sort();
    }
  });
  return out;
}

const batchCounts = (dataDir: string) =>
  Object.fromEntries(
    lakeStreams(dataPaths(dataDir).lake).map(({ stream, dir }) => [
      stream,
      readdirSync(dir).filter((f) => f.endsWith(".parquet") && !f.startsWith(".")).length,
    ]),
  );

const dotFiles = (dataDir: string) =>
  lakeStreams(dataPaths(dataDir).lake).flatMap(({ dir }) =>
    readdirSync(dir).filter((f) => f.startsWith(".")),
  );

/** Every table and view of the warehouse (staging, intermediate, marts), each as sorted row keys. */
async function warehouseDump(config: Config, runId: string): Promise<Record<string, string[]>> {
  const built = await buildWarehouse({ config, root: ROOT, logger: createMemoryLogger(), runId });
  return withDb(built.warehousePath, "read_only", async (db) => {
    const relations = await db.all<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'main' order by table_name",
    );
    const out: Record<string, string[]> = {};
    for (const { table_name } of relations) {
      const rows = await db.all<Record<string, unknown>>(
        `select * from main."${table_name.replace(/"/g, '""')}"`,
      );
      out[table_name] = rows.map(rowKey).sort();
    }
    return out;
  });
}

describe("yardstick compact", () => {
  const org = generateOrg({ seed: 35, pullRequests: 60, days: 30 });
  let sim: Simulator;
  /** The lake as the nights left it, never compacted: each case starts from a copy. */
  let pristine: string;
  let rowsBefore: Record<string, string[]>;
  let columnsBefore: Record<string, string[]>;
  let warehouseBefore: Record<string, string[]>;

  const newDataDir = (name: string): { dataDir: string; configFile: string } => {
    const dataDir = mkdtempSync(join(tmpdir(), `ys-compact-${name}-`));
    const configFile = join(dataDir, "yardstick.yaml");
    writeFileSync(
      configFile,
      stringify({
        dataDir: ".",
        github: {
          url: sim.url,
          tokenEnv: "COMPACT_TOKEN",
          orgs: [org.dataset.repositories[0]!.owner],
          requestIntervalMs: 0,
        },
        teams: org.teams,
        lake: { compactAfterFiles: 0 },
      }),
    );
    return { dataDir, configFile };
  };
  const copyOfPristine = (name: string) => {
    const target = newDataDir(name);
    cpSync(dataPaths(pristine).lake, dataPaths(target.dataDir).lake, { recursive: true });
    return target;
  };

  beforeAll(async () => {
    await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN] });
    const { dataDir, configFile } = newDataDir("pristine");
    pristine = dataDir;
    const config = loadConfig(configFile);
    const extract = (runId: string, full = false) =>
      runExtractStage({ config, token: TOKEN, logger: createMemoryLogger(), runId, full });
    // Three nights with the organisation moving on between them, then a full re-read: every record lands
    // at least twice, so the dedupe has real work whether or not the files are compacted.
    await extract("night-1");
    let current: GeneratedOrg = org;
    for (const [night, days] of [
      ["night-2", 1],
      ["night-3", 2],
    ] as const) {
      const later = evolveOrg(current, {
        at: new Date(Date.parse(org.truth.end) + days * DAY),
        newPullRequests: 3,
      });
      sim.setDataset(later.dataset);
      current = later;
      await extract(night);
    }
    await extract("night-4-full", true);
    rowsBefore = await lakeRows(pristine);
    columnsBefore = await lakeColumns(pristine);
    warehouseBefore = await warehouseDump(config, "before-compaction");
  }, 1_200_000);
  afterAll(async () => {
    await sim.close();
  });

  it("rewrites each stream into one file with exactly the same rows, and the warehouse comes out the same", async () => {
    const { dataDir, configFile } = copyOfPristine("compact");
    const before = batchCounts(dataDir);
    expect(before["github/pull_requests"]).toBeGreaterThanOrEqual(4);

    const result = await yardstick(["compact", "--config", configFile]);
    expect(result.code, result.stderr).toBe(0);
    const after = batchCounts(dataDir);
    for (const [stream, files] of Object.entries(before)) {
      expect(after[stream], stream).toBe(Math.min(files, 1));
      if (files > 1) expect(result.stdout).toContain(`${stream}: ${files} → 1 files`);
    }
    expect(dotFiles(dataDir)).toEqual([]);
    expect(await lakeColumns(dataDir)).toEqual(columnsBefore);
    expect(await lakeRows(dataDir)).toEqual(rowsBefore);
    const warehouse = await warehouseDump(loadConfig(configFile), "after-compaction");
    expect(Object.keys(warehouse)).toEqual(Object.keys(warehouseBefore));
    expect(Object.keys(warehouse).length).toBeGreaterThan(20);
    for (const [relation, rows] of Object.entries(warehouseBefore))
      expect(warehouse[relation], relation).toEqual(rows);

    // Nothing left to do: a second compaction changes nothing.
    const again = await yardstick(["compact", "--config", configFile]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe("");
    expect(batchCounts(dataDir)).toEqual(after);
  }, 1_200_000);

  it("compacts only the streams named with --stream, and names an unknown one", async () => {
    const { dataDir, configFile } = copyOfPristine("one-stream");
    const before = batchCounts(dataDir);
    const result = await yardstick(["compact", "--config", configFile, "--stream", "pull_requests"]);
    expect(result.code, result.stderr).toBe(0);
    expect(batchCounts(dataDir)).toEqual({ ...before, "github/pull_requests": 1 });
    const unknown = await yardstick(["compact", "--config", configFile, "--stream", "pull_request"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no stream "pull_request" in the lake');
  }, 600_000);

  // Killed after the new file is in place and before the old ones are gone, the lake holds every row twice.
  // The build still gives the same warehouse (staging keeps one row per key, and the copies are identical);
  // the next compaction finishes the job.
  it("leaves a lake that builds the same warehouse when killed between the swap and the removals", async () => {
    const { dataDir, configFile } = copyOfPristine("crash-swapped");
    const killed = await yardstick(["compact", "--config", configFile], {
      [COMPACTION_CRASH_ENV]: "swapped",
    });
    expect(killed.signal).toBe("SIGKILL");
    const halfway = await lakeRows(dataDir);
    const doubled = Object.entries(halfway).filter(
      ([stream, rows]) => rows.length > rowsBefore[stream]!.length,
    );
    expect(doubled.length).toBe(1); // the first stream compacted holds its rows twice
    for (const [stream, rows] of Object.entries(halfway))
      expect([...new Set(rows)], stream).toEqual([...new Set(rowsBefore[stream])]);

    const warehouse = await warehouseDump(loadConfig(configFile), "after-crash");
    for (const [relation, rows] of Object.entries(warehouseBefore))
      expect(warehouse[relation], relation).toEqual(rows);

    const repaired = await yardstick(["compact", "--config", configFile]);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toMatch(/\(finished an interrupted compaction\)/);
    expect(await lakeRows(dataDir)).toEqual(rowsBefore);
    expect(dotFiles(dataDir)).toEqual([]);
  }, 1_200_000);

  it.each<[CompactionStep, string]>([
    ["written", ""],
    ["journalled", "rolled back"],
    ["removing", "finished"],
  ])(
    "keeps every row exactly once after a compaction killed at step %s is repaired",
    async (step, recovered) => {
      const { dataDir, configFile } = copyOfPristine(`crash-${step}`);
      const killed = await yardstick(["compact", "--config", configFile], { [COMPACTION_CRASH_ENV]: step });
      expect(killed.signal).toBe("SIGKILL");
      // Before the swap the build sees the old batches only; after it, no row is missing.
      const halfway = await lakeRows(dataDir);
      for (const [stream, rows] of Object.entries(halfway)) {
        if (step === "removing") expect([...new Set(rows)], stream).toEqual([...new Set(rowsBefore[stream])]);
        else expect(rows, stream).toEqual(rowsBefore[stream]);
      }
      const repaired = await yardstick(["compact", "--config", configFile]);
      expect(repaired.code, repaired.stderr).toBe(0);
      if (recovered) expect(repaired.stdout).toContain(`(${recovered} an interrupted compaction)`);
      else expect(repaired.stdout).not.toContain("interrupted");
      expect(await lakeRows(dataDir)).toEqual(rowsBefore);
      expect(Object.values(batchCounts(dataDir)).every((n) => n <= 1)).toBe(true);
      expect(dotFiles(dataDir)).toEqual([]);
      rmSync(dataDir, { recursive: true, force: true });
    },
    600_000,
  );
});
