/**
 * The warehouse build at scale: `dbt build` (models and tests) of a simulated organisation's lake, then the
 * same transformation as plain SQL in DuckDB (dbt's compiled models, in dependency order, without dbt and
 * without its tests) to show what dbt itself costs.
 *
 * `npm run bench -- build [pullRequests=100000] [repositories=pullRequests/500] [--extract N] [--days 730] [--dir DIR]
 *   [--memory-limit SIZE] [--threads N] [--skip-plain]`
 *
 * The lake: an organisation of N pull requests (`--extract`, default min(pullRequests, 100000)) is extracted
 * through the real HTTP simulator once and kept under DIR (`--dir`, else $YARDSTICK_BENCH_DIR, else
 * bench/results), then tiled pullRequests/N times (bench/lake-tiling.ts) into distinct organisations of one
 * lake: `npm run bench -- build 1000000 2000` extracts 100,000 pull requests in 200 repositories and builds ten
 * copies. Each tiled mart must be exactly K times the N-pull-request build's (built first, once; its figures are
 * kept beside it); the bench prints both and exits 1 when they disagree.
 *
 * The built warehouse stays at DIR/build-<pullRequests>/warehouse/warehouse.duckdb for other benchmarks
 * (printed as `warehouse`). For 1,000,000 pull requests give Node room: NODE_OPTIONS=--max-old-space-size=8192.
 * A tiled lake is kept (with tiled.json saying what it was tiled from) and reused by the next run.
 *
 * The build runs with yardstick.yaml's defaults for DuckDB (`duckdb:`: memory limit, threads, spill folder)
 * unless --memory-limit or --threads say otherwise; --duckdb-defaults builds as before `duckdb:` existed
 * (DuckDB's own 80% of memory, insertion order kept), to compare. The peak memory is sampled over the whole
 * process tree. --skip-plain leaves out the plain-SQL comparison.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { totalmem } from "node:os";
import { join, resolve } from "node:path";
import { configFromObject, dataPaths } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import type { TeamDefinition } from "../simulator/org-generator.ts";
import { buildPaths, buildWarehouse } from "../warehouse/build.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { duckDbResources } from "../warehouse/duckdb-resources.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { type CachedLake, ensureExtractedLake } from "./bench-lake-cache.ts";
import { MAX_TILES, tileLake, tileTeams } from "./lake-tiling.ts";
import type { Benchmark } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "..");

/**
 * Peak resident memory, sampled, of this process with all its descendants (`tree`) and of the descendants
 * alone (`children`: dbt and its DuckDB, without this Node process and what it holds).
 */
function startMemorySampler(): { stop(): { treeMiB: number; childrenMiB: number } } {
  let peakTreeKb = 0;
  let peakChildrenKb = 0;
  const sample = () => {
    const rss = new Map<number, number>();
    const parent = new Map<number, number>();
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        parent.set(Number(pid), Number(/PPid:\s+(\d+)/.exec(status)?.[1]));
        rss.set(Number(pid), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // the process ended between listing and reading
      }
    }
    const inTree = (pid: number): boolean => {
      for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; hops++) {
        if (p === process.pid) return true;
        p = parent.get(p);
      }
      return false;
    };
    let children = 0;
    for (const [pid, kb] of rss) if (pid !== process.pid && inTree(pid)) children += kb;
    peakChildrenKb = Math.max(peakChildrenKb, children);
    peakTreeKb = Math.max(peakTreeKb, children + (rss.get(process.pid) ?? 0));
  };
  const timer = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { treeMiB: Math.round(peakTreeKb / 1024), childrenMiB: Math.round(peakChildrenKb / 1024) };
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

interface BenchOptions {
  pullRequests: number;
  repositories: number;
  /** Pull requests of the extracted organisation that is tiled. */
  extract: number;
  /** Days of history the extracted organisation covers (two years by default, like the metrics bench). */
  days: number;
  dir: string;
  /** yardstick.yaml `duckdb:` for the build (defaults where absent). */
  duckdb: { memoryLimit?: string; threads?: number };
  /** Build with DuckDB's own defaults (80% of memory, insertion order kept), as before `duckdb:` existed. */
  duckdbDefaults: boolean;
  skipPlain: boolean;
}

function parseArgs(args: string[]): BenchOptions {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  let skipPlain = false;
  let duckdbDefaults = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const flag = /^--(extract|dir|days|memory-limit|threads)(?:=(.*))?$/.exec(arg);
    if (flag) {
      const value = flag[2] ?? args[++i];
      if (value === undefined) throw new InputError(`--${flag[1]} needs a value`);
      flags[flag[1]!] = value;
    } else if (arg === "--skip-plain") skipPlain = true;
    else if (arg === "--duckdb-defaults") duckdbDefaults = true;
    else if (arg.startsWith("--")) {
      throw new InputError(
        `unknown option ${arg}: the build bench takes --extract N, --days N, --dir DIR, --memory-limit SIZE, --threads N, --duckdb-defaults and --skip-plain`,
      );
    } else positional.push(arg);
  }
  const count = (value: string | undefined, what: string, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InputError(`${what} must be a positive whole number: got "${value}"`);
    return n;
  };
  const pullRequests = count(positional[0], "pullRequests", 100_000);
  const repositories = count(positional[1], "repositories", Math.max(3, Math.round(pullRequests / 500)));
  const extract = count(flags.extract, "--extract", Math.min(pullRequests, 100_000));
  const tiles = pullRequests / extract;
  if (!Number.isInteger(tiles) || tiles > MAX_TILES) {
    throw new InputError(
      `--extract ${extract} must divide pullRequests ${pullRequests} into at most ${MAX_TILES} copies`,
    );
  }
  if (repositories % tiles !== 0) {
    throw new InputError(
      `repositories ${repositories} must divide into ${tiles} copies of the extracted organisation`,
    );
  }
  const dir = resolve(flags.dir ?? process.env.YARDSTICK_BENCH_DIR ?? join(ROOT, "bench", "results"));
  const days = count(flags.days, "--days", 730);
  const duckdb = {
    ...(flags["memory-limit"] !== undefined && { memoryLimit: flags["memory-limit"] }),
    ...(flags.threads !== undefined && { threads: count(flags.threads, "--threads", 1) }),
  };
  if (duckdbDefaults && Object.keys(duckdb).length > 0)
    throw new InputError("--duckdb-defaults goes without --memory-limit and --threads");
  return { pullRequests, repositories, extract, days, dir, duckdb, duckdbDefaults, skipPlain };
}

interface BuildFigures {
  pullRequests: number;
  tiles: number;
  tileSeconds: number;
  tiledLakeRows: Record<string, number>;
  buildSeconds: number;
  /** dbt and its DuckDB (the bench's own Node process excluded). */
  buildPeakMiB: number;
  /** The same with the bench's Node process. */
  buildPeakTreeMiB: number;
  buildTestsPassed: number;
  buildTestsFailed: number;
  marts: Record<string, number>;
  warehouse: string;
}

/** Tiles the extracted lake into `<dir>/build-<pullRequests>/lake`, builds it, and publishes the warehouse. */
async function tileAndBuild(
  options: BenchOptions,
  base: CachedLake,
  pullRequests: number,
  logger: Logger,
): Promise<BuildFigures> {
  const tiles = pullRequests / base.shape.pullRequests;
  const dataDir = join(options.dir, `build-${pullRequests}`);
  const lake = dataPaths(dataDir).lake;
  const tiled = await tiledLake(base.lake, lake, tiles);
  const config = configFromObject(
    {
      dataDir,
      github: { url: "http://127.0.0.1:9/graphql", orgs: tiled.owners },
      teams: tileTeams(base.teams as TeamDefinition[], tiles),
      duckdb: options.duckdb,
    },
    join(dataDir, "yardstick.yaml"),
  );
  process.stderr.write(
    `bench: DuckDB ${JSON.stringify(options.duckdbDefaults ? DUCKDB_OWN_DEFAULTS : config.duckdb)}\n`,
  );
  process.stderr.write(`bench: dbt build of ${pullRequests} pull requests\n`);
  const memory = startMemorySampler();
  const t0 = performance.now();
  const built = await buildWarehouse({
    config,
    root: ROOT,
    logger,
    runId: "bench",
    ...(options.duckdbDefaults && { dbtSettings: DUCKDB_OWN_DEFAULTS }),
  });
  const buildSeconds = (performance.now() - t0) / 1000;
  const peak = memory.stop();
  process.stderr.write(
    `bench: built in ${buildSeconds.toFixed(1)}s, ${built.tests.passed} tests passed, peak ${peak.childrenMiB} MiB: ${built.warehousePath}\n`,
  );
  return {
    pullRequests,
    tiles,
    tileSeconds: Number(tiled.seconds.toFixed(1)),
    tiledLakeRows: tiled.rows,
    buildSeconds: Number(buildSeconds.toFixed(1)),
    buildPeakMiB: peak.childrenMiB,
    buildPeakTreeMiB: peak.treeMiB,
    buildTestsPassed: built.tests.passed,
    buildTestsFailed: built.tests.failed,
    marts: built.rows,
    warehouse: built.warehousePath,
  };
}

/** DuckDB's defaults, as every build ran before yardstick.yaml had `duckdb:` (its memory_limit: 80% of RAM). */
const DUCKDB_OWN_DEFAULTS = {
  YARDSTICK_DUCKDB_MEMORY_LIMIT: `${Math.floor((totalmem() * 0.8) / 1024 ** 2)}MiB`,
  YARDSTICK_DUCKDB_PRESERVE_INSERTION_ORDER: "true",
};

/** The build's models as plain SQL in DuckDB, in dependency order, without dbt and its tests. */
async function plainSql(dataDir: string): Promise<{ seconds: number; peakMiB: number; models: number }> {
  const statements = compiledModels(buildPaths(dataDir, "bench").target);
  // Same file name as dbt's, because the compiled SQL names its catalog after the file.
  const plainDir = join(dataDir, "plain");
  rmSync(plainDir, { recursive: true, force: true });
  mkdirSync(plainDir);
  const plainDb = join(plainDir, "warehouse.duckdb");
  process.env.YARDSTICK_LAKE = dataPaths(dataDir).lake;
  process.stderr.write(`bench: ${statements.length} compiled models as plain SQL into ${plainDb}\n`);
  const memory = startMemorySampler();
  const t3 = performance.now();
  await withDb(plainDb, "read_write", async (db) => {
    for (const s of statements) await db.run(s.sql);
  });
  const plainSeconds = (performance.now() - t3) / 1000;
  const plainPeak = memory.stop();
  rmSync(plainDir, { recursive: true, force: true });
  return { seconds: plainSeconds, peakMiB: plainPeak.treeMiB, models: statements.length };
}

/** Tiles `sourceLake` into `targetLake`, or reuses the tiling an earlier run left there (tiled.json). */
async function tiledLake(
  sourceLake: string,
  targetLake: string,
  tiles: number,
): Promise<{ owners: string[]; rows: Record<string, number>; seconds: number }> {
  const marker = join(targetLake, "tiled.json");
  if (existsSync(marker)) {
    const kept = JSON.parse(readFileSync(marker, "utf8")) as {
      sourceLake: string;
      tiles: number;
      owners: string[];
      rows: Record<string, number>;
      seconds: number;
    };
    if (kept.sourceLake === sourceLake && kept.tiles === tiles) {
      process.stderr.write(`bench: reusing the lake tiled ${tiles} time(s) at ${targetLake}\n`);
      return kept;
    }
  }
  rmSync(marker, { force: true });
  process.stderr.write(`bench: tiling ${sourceLake} ${tiles} time(s) into ${targetLake}\n`);
  const tiled = await tileLake({ sourceLake, targetLake, tiles });
  process.stderr.write(`bench: tiled in ${tiled.seconds.toFixed(1)}s: ${JSON.stringify(tiled.rows)}\n`);
  writeFileSync(marker, `${JSON.stringify({ sourceLake, tiles, ...tiled }, null, 2)}\n`);
  return tiled;
}

/**
 * The extracted organisation's own build (one copy), kept as `figures.json` beside its warehouse so that a
 * rerun at scale compares with it without building it again.
 */
async function baseBuild(options: BenchOptions, base: CachedLake, logger: Logger): Promise<BuildFigures> {
  const file = join(options.dir, `build-${base.shape.pullRequests}`, "figures.json");
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, "utf8")) as BuildFigures & { lake: string; project: string };
    if (kept.lake === base.lake && kept.project === projectHash() && existsSync(kept.warehouse)) {
      process.stderr.write(
        `bench: reusing the ${base.shape.pullRequests}-pull-request build's figures ${file}\n`,
      );
      return kept;
    }
  }
  const figures = await tileAndBuild(options, base, base.shape.pullRequests, logger);
  writeFileSync(
    file,
    `${JSON.stringify({ ...figures, lake: base.lake, project: projectHash() }, null, 2)}\n`,
  );
  return figures;
}

/** A hash of the dbt project (models, macros, dbt_project.yml): kept figures count only for the same project. */
function projectHash(): string {
  const hash = createHash("sha256");
  const add = (path: string) => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path).sort()) add(join(path, name));
    else hash.update(path).update(readFileSync(path));
  };
  for (const part of ["dbt_project.yml", "models", "macros"]) add(join(ROOT, part));
  return hash.digest("hex");
}

/** Marts K times the base build's: repository-grained ones scale, people and teams are shared by the copies. */
export function expectedMarts(base: Record<string, number>, tiles: number): Record<string, number> {
  const shared = new Set(["dim_authors", "dim_teams"]);
  return Object.fromEntries(Object.entries(base).map(([t, n]) => [t, shared.has(t) ? n : n * tiles]));
}

const bench: Benchmark = {
  description: "dbt build of a simulated organisation's lake, and the same models as plain DuckDB SQL",
  async run(args) {
    let options: BenchOptions;
    try {
      options = parseArgs(args);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      process.stderr.write(`bench build: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    const tiles = options.pullRequests / options.extract;
    const logger = createLogger({ level: "warn" });
    await ensurePythonEnv({ root: ROOT, logger });
    mkdirSync(options.dir, { recursive: true });
    const base = await ensureExtractedLake(
      options.dir,
      {
        seed: 3,
        pullRequests: options.extract,
        repositories: options.repositories / tiles,
        days: options.days,
      },
      logger,
    );
    const baseFigures = tiles > 1 ? await baseBuild(options, base, logger) : undefined;
    const figures = await tileAndBuild(options, base, options.pullRequests, logger);
    if (tiles === 1) {
      const dataDir = join(options.dir, `build-${options.pullRequests}`);
      writeFileSync(
        join(dataDir, "figures.json"),
        `${JSON.stringify({ ...figures, lake: base.lake, project: projectHash() }, null, 2)}\n`,
      );
    }

    const expected = baseFigures ? expectedMarts(baseFigures.marts, tiles) : figures.marts;
    const mismatches = Object.keys({ ...expected, ...figures.marts })
      .filter((t) => expected[t] !== figures.marts[t])
      .map((t) => `${t}: ${figures.marts[t]} built, ${expected[t]} expected`);
    if (mismatches.length > 0) {
      process.stderr.write(
        `bench: the tiled marts are not ${tiles}x the base build's:\n  ${mismatches.join("\n  ")}\n`,
      );
      process.exitCode = 1;
    }

    // The same models as plain SQL: dbt compiled them into the manifest of the build's target folder.
    const dataDir = join(options.dir, `build-${options.pullRequests}`);
    const plain = options.skipPlain ? undefined : await plainSql(dataDir);
    const resources = duckDbResources();

    return {
      pullRequests: options.pullRequests,
      repositories: options.repositories,
      extractedPullRequests: base.shape.pullRequests,
      extractedRepositories: base.shape.repositories,
      tiles,
      extractCached: !base.extracted,
      generateSeconds: Number(base.generateSeconds.toFixed(1)),
      extractSeconds: base.extractSeconds,
      extractRequests: base.extractRequests,
      extractedLakeRows: base.lakeRows,
      tileSeconds: figures.tileSeconds,
      lakeRows: figures.tiledLakeRows,
      buildSeconds: figures.buildSeconds,
      buildPeakMiB: figures.buildPeakMiB,
      buildPeakTreeMiB: figures.buildPeakTreeMiB,
      buildTestsPassed: figures.buildTestsPassed,
      buildTestsFailed: figures.buildTestsFailed,
      duckdb: options.duckdbDefaults ? DUCKDB_OWN_DEFAULTS : resources,
      ...(plain && {
        plainSqlSeconds: Number(plain.seconds.toFixed(1)),
        plainSqlPeakMiB: plain.peakMiB,
        plainSqlModels: plain.models,
        dbtToPlainRatio: Number((figures.buildSeconds / plain.seconds).toFixed(2)),
      }),
      marts: figures.marts,
      ...(baseFigures && {
        baseBuildSeconds: baseFigures.buildSeconds,
        baseBuildPeakMiB: baseFigures.buildPeakMiB,
        baseMarts: baseFigures.marts,
        martsScaleChecked: mismatches.length === 0 ? "ok" : mismatches,
      }),
      warehouse: figures.warehouse,
    };
  },
};
export default bench;
