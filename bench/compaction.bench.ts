/**
 * Lake compaction: a lake of N nightly increments (default 365, a year of nights), built before and after
 * `compactLake`, with the build time and the number of lake files of each.
 *
 * `npm run bench -- compaction [pullRequests=5000] [--nights 365] [--dir DIR]`
 *
 * Extracting 365 times over an evolving organisation would take hours, so the lake is made the way the
 * nights would have left it: a simulated organisation is extracted once through the real HTTP simulator
 * (cached under DIR like the build bench's), then every stream's rows are dealt into N batches per stream,
 * named as the lake writer names them (`<extracted-at stamp>-<run id>-<seq>.parquet`, one run id per night),
 * each row unchanged (`_extracted_at`, `_run_id` and payload included). Both builds must give the same marts
 * (row counts and a checksum of every mart), else the bench exits 1.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { configFromObject, dataPaths } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { createLogger } from "../core/logger.ts";
import { compactLake, isLakeBatch, lakeStreams } from "../extractors/lake-compaction.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { sqlLiteral, withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { ensureExtractedLake } from "./bench-lake-cache.ts";
import type { Benchmark } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "..");
const DAY = 86_400_000;

function parseArgs(args: string[]) {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const flag = /^--(nights|dir)(?:=(.*))?$/.exec(arg);
    if (flag) {
      const value = flag[2] ?? args[++i];
      if (value === undefined) throw new InputError(`--${flag[1]} needs a value`);
      flags[flag[1]!] = value;
    } else if (arg.startsWith("--")) {
      throw new InputError(`unknown option ${arg}: the compaction bench takes --nights N and --dir DIR`);
    } else positional.push(arg);
  }
  const count = (value: string | undefined, what: string, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InputError(`${what} must be a positive whole number: got "${value}"`);
    return n;
  };
  const pullRequests = count(positional[0], "pullRequests", 5000);
  return {
    pullRequests,
    repositories: Math.max(3, Math.round(pullRequests / 500)),
    nights: count(flags.nights, "--nights", 365),
    dir: resolve(flags.dir ?? process.env.YARDSTICK_BENCH_DIR ?? join(ROOT, "bench", "results")),
  };
}

/** Deals every stream's rows of `source` into `nights` batches per stream under `target`, named per night. */
async function splitIntoNights(source: string, target: string, nights: number): Promise<number> {
  rmSync(target, { recursive: true, force: true });
  let files = 0;
  const start = Date.UTC(2026, 0, 1, 2);
  await withDb(":memory:", "read_write", async (db) => {
    for (const { stream, dir } of lakeStreams(source)) {
      const out = join(target, "raw", stream);
      mkdirSync(out, { recursive: true });
      const glob = sqlLiteral(join(dir, "[!.]*.parquet"));
      await db.run(
        `create or replace table stream_rows as
         select *, (row_number() over () - 1) % ${nights} as night
         from read_parquet(${glob}, union_by_name = true)`,
      );
      const [{ n } = { n: 0 }] = await db.all<{ n: number }>(
        "select count(*)::integer as n from stream_rows",
      );
      for (let night = 0; night < Math.min(nights, n); night++) {
        const stamp = new Date(start + night * DAY).toISOString().replace(/[-:.]/g, "");
        const name = `${stamp}-night${String(night + 1).padStart(3, "0")}-000000.parquet`;
        await db.run(
          `copy (select * exclude (night) from stream_rows where night = ${night}) to ${sqlLiteral(join(out, name))} (format parquet, compression zstd)`,
        );
        files++;
      }
    }
  });
  return files;
}

const lakeFiles = (lake: string) =>
  lakeStreams(lake).reduce((sum, { dir }) => sum + readdirSync(dir).filter(isLakeBatch).length, 0);

/** Rows and a checksum of every mart, to show both builds agree. */
async function martChecksums(warehouse: string): Promise<Record<string, string>> {
  return withDb(warehouse, "read_only", async (db) => {
    const tables = await db.all<{ table_name: string }>(
      `select table_name from information_schema.tables
       where table_schema = 'main' and table_type = 'BASE TABLE' order by table_name`,
    );
    const out: Record<string, string> = {};
    for (const { table_name } of tables) {
      const rows = await db.all<Record<string, unknown>>(`select * from main."${table_name}" order by all`);
      const hash = createHash("sha256");
      for (const row of rows) hash.update(JSON.stringify(row));
      out[table_name] = `${rows.length}:${hash.digest("hex").slice(0, 16)}`;
    }
    return out;
  });
}

const bench: Benchmark = {
  description: "dbt build time and lake files over a year of nightly increments, before and after compaction",
  async run(args) {
    const options = parseArgs(args);
    const logger = createLogger({ write: (line) => process.stderr.write(`${line}\n`) });
    await ensurePythonEnv({ root: ROOT, logger });
    const base = await ensureExtractedLake(
      options.dir,
      { seed: 11, pullRequests: options.pullRequests, repositories: options.repositories, days: 365 },
      logger,
    );
    const dataDir = join(options.dir, `compaction-${options.pullRequests}x${options.nights}`);
    const lake = dataPaths(dataDir).lake;
    process.stderr.write(`bench: dealing ${base.lake} into ${options.nights} nights at ${lake}\n`);
    const written = await splitIntoNights(base.lake, lake, options.nights);
    const config = configFromObject(
      {
        dataDir,
        github: { url: "http://127.0.0.1:9/graphql", orgs: ["acme"] },
        teams: base.teams,
        lake: { compactAfterFiles: 0 },
      },
      join(dataDir, "yardstick.yaml"),
    );
    const build = async (runId: string) => {
      const started = performance.now();
      const result = await buildWarehouse({ config, root: ROOT, logger, runId });
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      return { seconds, marts: await martChecksums(result.warehousePath) };
    };

    const filesBefore = lakeFiles(lake);
    process.stderr.write(`bench: dbt build over ${filesBefore} lake files\n`);
    const before = await build("bench-before");

    const compactStarted = performance.now();
    await compactLake({ lakeDir: lake, logger, runId: "bench-compact" });
    const compactSeconds = Math.round((performance.now() - compactStarted) / 100) / 10;
    const filesAfter = lakeFiles(lake);
    process.stderr.write(`bench: dbt build over ${filesAfter} lake files\n`);
    const after = await build("bench-after");

    const same = JSON.stringify(before.marts) === JSON.stringify(after.marts);
    if (!same) {
      process.stderr.write(
        `bench: the marts differ after compaction:\n${JSON.stringify(before.marts)}\n${JSON.stringify(after.marts)}\n`,
      );
      process.exitCode = 1;
    }
    return {
      pullRequests: options.pullRequests,
      nights: options.nights,
      filesWritten: written,
      filesBefore,
      buildSecondsBefore: before.seconds,
      compactSeconds,
      filesAfter,
      buildSecondsAfter: after.seconds,
      martsEqual: same,
      marts: after.marts,
    };
  },
};

export default bench;
