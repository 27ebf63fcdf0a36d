/**
 * yardstick.yaml `duckdb:` (memory limit, threads, spill folder) reaches every DuckDB Yardstick opens: the
 * Node side (metrics, pages; sandboxed opens included) and dbt's, read back from DuckDB itself.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configFromObject, loadConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { cleanLeftovers } from "../jobs/leftovers.ts";
import { runDbt } from "../warehouse/dbt-runner.ts";
import { withDb } from "../warehouse/duckdb.ts";
import {
  DEFAULT_DUCKDB_RESOURCES,
  defaultMemoryLimit,
  duckDbResources,
  removeDeadSpillFolders,
  useDuckDbResources,
} from "../warehouse/duckdb-resources.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";

const ROOT = resolve(import.meta.dirname, "..");
const GiB = 1024 ** 3;
const SETTINGS_SQL = `select current_setting('memory_limit') as memory, current_setting('threads') as threads,
  current_setting('temp_directory') as temp, current_setting('preserve_insertion_order') as ordered`;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ys-duckdb-resources-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => useDuckDbResources(DEFAULT_DUCKDB_RESOURCES));

/** DuckDB prints a limit in binary units with one decimal: 300 MB (10^6 bytes) is 286.1 MiB, 2048 MiB 2.0 GiB. */
function mib(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

function configWith(duckdb: Record<string, unknown>, name: string) {
  const file = join(work, name, "yardstick.yaml");
  mkdirSync(join(work, name), { recursive: true });
  return configFromObject({ dataDir: "./data", github: { repos: ["acme/api"] }, duckdb } as never, file);
}

describe("the default limit", () => {
  it("is 2 GiB on a large machine and half the memory of a small one or of a container", () => {
    expect(defaultMemoryLimit(24 * GiB, undefined)).toBe("2048MiB");
    expect(defaultMemoryLimit(3 * GiB, undefined)).toBe("1536MiB");
    // A cgroup limit (process.constrainedMemory) below the machine's memory wins.
    expect(defaultMemoryLimit(64 * GiB, 1 * GiB)).toBe("512MiB");
    expect(defaultMemoryLimit(64 * GiB, 0)).toBe("2048MiB");
  });

  it("applies when yardstick.yaml says nothing, and DuckDB's own 80% of memory never does", async () => {
    const config = configWith({}, "defaults");
    expect(config.duckdb).toEqual({ memoryLimit: defaultMemoryLimit(), threads: null, tempDirectory: null });
    const [row] = await withDb(":memory:", "read_write", (db) => db.all<{ memory: string }>(SETTINGS_SQL));
    const limitMiB = Number.parseInt(defaultMemoryLimit(), 10);
    expect(row!.memory).toBe(mib(limitMiB * 1024 ** 2));
  });
});

describe("yardstick.yaml duckdb:", () => {
  it("reaches the metric evaluation's sandboxed DuckDB, its spill folder one per process", async () => {
    const config = configWith({ memoryLimit: "300MB", threads: 1, tempDirectory: "./spill" }, "node");
    expect(config.duckdb.tempDirectory).toBe(join(work, "node", "spill"));
    const [row] = await withDb(":memory:", "sandboxed", (db) =>
      db.all<{ memory: string; threads: number; temp: string }>(SETTINGS_SQL),
    );
    expect(row!.memory).toBe(mib(300e6));
    expect(Number(row!.threads)).toBe(1);
    expect(row!.temp).toBe(join(work, "node", "spill", `node-${process.pid}`));
  });

  it("spills a sort larger than the limit to the configured folder and still answers", async () => {
    configWith({ memoryLimit: "64MB", threads: 1, tempDirectory: "./spill" }, "spill");
    const spill = join(work, "spill", "spill", `node-${process.pid}`);
    let used = 0;
    const sum = await withDb(":memory:", "read_write", async (db) => {
      // About 400 MB of sort keys: far past 64 MB, so DuckDB must write to disk to finish.
      await db.run(
        "create table t as select i, md5(i::varchar) || md5((i + 1)::varchar) as s from range(3000000) r(i)",
      );
      await db.run("create table sorted as select * from t order by s");
      used = readdirSync(spill).length;
      const [row] = await db.all<{ n: string }>("select count(*)::varchar as n from sorted");
      return row!.n;
    });
    expect(sum).toBe("3000000");
    expect(used, "DuckDB wrote no spill file").toBeGreaterThan(0);
  });

  it("reaches dbt's DuckDB through profiles.yml, with insertion order not kept", async () => {
    await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
    configWith({ memoryLimit: "300MB", threads: 1, tempDirectory: "./spill" }, "dbt");
    const logger = createMemoryLogger();
    await runDbt(["show", "--inline", SETTINGS_SQL, "--output", "json"], {
      root: ROOT,
      env: {
        YARDSTICK_LAKE: join(work, "dbt", "lake"),
        YARDSTICK_INPUTS: join(work, "dbt", "inputs"),
        YARDSTICK_BUILD_DB: join(work, "dbt", "show.duckdb"),
      },
      logger,
      targetPath: join(work, "dbt", "target"),
      logPath: join(work, "dbt", "logs"),
    });
    const shown = logger.lines.find((l) => l.includes('"show"'));
    expect(shown, logger.lines.join("\n")).toBeDefined();
    const [row] = (JSON.parse(shown!.slice(shown!.indexOf("{"))) as { show: Record<string, unknown>[] }).show;
    expect(row).toEqual({
      memory: mib(300e6),
      threads: 1,
      temp: join(work, "dbt", "spill", `dbt-${process.pid}-show`),
      ordered: false,
    });
  });

  it.each([
    ["memoryLimit: lots", "duckdb.memoryLimit", "must be a size with its unit"],
    ["memoryLimit: 2", "duckdb.memoryLimit", "must be a size with its unit"],
    ["threads: 0", "duckdb.threads", "must be at least 1"],
    ["threads: 1.5", "duckdb.threads", "must be a whole number of threads"],
    ["threads: four", "duckdb.threads", "must be a whole number of threads"],
    ["tempDirectory: ''", "duckdb.tempDirectory", ""],
    ["memory: 2GB", "duckdb", 'unknown key "memory"'],
  ])("refuses %s, naming the field and its line", (entry, field, message) => {
    const file = join(work, `bad-${entry.replace(/\W/g, "")}.yaml`);
    writeFileSync(file, `github:\n  repos: [acme/api]\nduckdb:\n  ${entry}\n`);
    let error: unknown;
    try {
      loadConfig(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const report = (error as InputError).report();
    expect(report).toContain(`${file}:4:`);
    expect(report).toContain(field);
    expect(report).toContain(message);
    // A refused configuration does not change what the process's DuckDB opens use.
    expect(duckDbResources()).toEqual(DEFAULT_DUCKDB_RESOURCES);
  });
});

describe("spill folders of killed processes", () => {
  it("are removed with the other leftovers; a live process's are kept", () => {
    const config = configWith({ tempDirectory: "./spill" }, "leftovers");
    const temp = config.duckdb.tempDirectory!;
    // A pid that no longer runs: a child that has exited and been reaped.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    for (const name of [`node-${dead}`, `dbt-${dead}-build`, `node-${process.pid}`, "someone-elses"])
      mkdirSync(join(temp, name), { recursive: true });
    const { removed } = cleanLeftovers(config.dataDir);
    expect(removed.sort()).toEqual([join(temp, `dbt-${dead}-build`), join(temp, `node-${dead}`)]);
    expect(readdirSync(temp).sort()).toEqual([`node-${process.pid}`, "someone-elses"].sort());
    expect(removeDeadSpillFolders()).toEqual([]);
    expect(existsSync(join(temp, `node-${process.pid}`))).toBe(true);
  });
});
