/**
 * What a killed or stopped run leaves behind, with real processes: `yardstick run` and `build` as an
 * operator's supervisor meets them (SIGTERM, SIGINT, SIGKILL), real dbt, the simulator behind a proxy that
 * can hold a request. Every kill is triggered by progress (a line the command printed, the Nth request
 * held), never by time.
 */
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statfsSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { dataPaths, loadConfig } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { type LedgerEntry, readLedger } from "../jobs/run-ledger.ts";
import { acquireRunLock } from "../jobs/run-lock.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { type Child, eventually, processesMentioning, startNode } from "./helpers/child-process.ts";
import { startStallingProxy } from "./helpers/stalling-proxy.ts";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "yardstick.js");
const METRICS = join(ROOT, "metrics.yaml");
const TOKEN = "interruptions-test-token";
const TOKEN_ENV = "INTERRUPTIONS_TOKEN";
/** A text log line: an ISO instant to the second, then the message. */
const STAMPED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z /;
/** One of dbt's per-node lines (shown with -v). */
const NODE_LINE = /\d+\/\d+ (OK|PASS)\s/;
const MiB = 1024 * 1024;

const org = generateOrg({ seed: 23, repositories: 3, pullRequests: 150 });
let sim: Simulator;
/** A data folder holding a lake extracted from the simulator, copied for each test. */
let base: string;
const dirs: string[] = [];

function writeConfig(dir: string, url: string): void {
  writeFileSync(
    join(dir, "yardstick.yaml"),
    stringify({
      dataDir: ".",
      github: {
        url,
        tokenEnv: TOKEN_ENV,
        orgs: [org.dataset.repositories[0]!.owner],
        requestIntervalMs: 0,
      },
      teams: org.teams,
    }),
  );
}

function newDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ys-${name}-`));
  dirs.push(dir);
  return dir;
}

function copyOfBase(name: string): string {
  const dir = newDir(name);
  cpSync(base, dir, { recursive: true });
  return dir;
}

function yardstick(dir: string, args: string[]): Child {
  return startNode([BIN, ...args, "--config", join(dir, "yardstick.yaml"), "--metrics", METRICS], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", [TOKEN_ENV]: TOKEN },
  });
}

/** dbt processes building into `dir` (their command line names its target folder). */
function dbtOf(dir: string): number[] {
  return processesMentioning(join(dir, "build", "target"));
}

function buildFolders(dir: string): string[] {
  const build = join(dir, "build");
  return existsSync(build) ? readdirSync(build).filter((n) => n.startsWith("warehouse-")) : [];
}

const stages = (entries: LedgerEntry[]) => entries.map((e) => `${e.stage}:${e.status}`);

async function lockIsFree(dir: string): Promise<void> {
  const lock = await acquireRunLock(dataPaths(dir).lock, "test");
  lock.release();
}

beforeAll(async () => {
  await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
  sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN], rateLimit: { limit: 1_000_000 } });
  base = newDir("interruptions-base");
  writeConfig(base, sim.url);
  await runExtractStage({
    config: loadConfig(join(base, "yardstick.yaml")),
    token: TOKEN,
    logger: createMemoryLogger(),
    runId: "base",
  });
});

afterAll(async () => {
  // On code that orphans dbt, do not leave it running for minutes after the suite.
  for (const dir of dirs) for (const pid of dbtOf(dir)) process.kill(pid, "SIGKILL");
  await sim?.close();
});

describe("a run told to stop", () => {
  it("on SIGTERM during the build cancels dbt, records the build as interrupted, releases the lock and leaves no build folder", async () => {
    const dir = copyOfBase("sigterm");
    const run = yardstick(dir, ["-v", "run"]);
    await run.waitFor(NODE_LINE);
    run.process.kill("SIGTERM");
    const exit = await run.exited;
    const orphans = dbtOf(dir);
    expect(exit, run.lines.slice(-20).join("\n")).toEqual({ code: 143, signal: null });
    expect(orphans).toEqual([]);
    const ledger = readLedger(dataPaths(dir).ledger);
    expect(stages(ledger)).toEqual(["extract:ok", "build:interrupted"]);
    expect(ledger[1]!.error).toBe("interrupted by SIGTERM");
    expect(buildFolders(dir)).toEqual([]);
    expect(run.lines.join("\n")).not.toMatch(/Traceback|\n\s+at /);
    await lockIsFree(dir);
  }, 600_000);

  it("on SIGINT while a GitHub request hangs records the extract as interrupted and exits 130", async () => {
    const proxy = await startStallingProxy(sim.url, 3);
    try {
      const dir = newDir("sigint");
      writeConfig(dir, proxy.url);
      const run = yardstick(dir, ["run"]);
      await proxy.stalled;
      run.process.kill("SIGINT");
      const exit = await run.exited;
      expect(exit, run.lines.slice(-20).join("\n")).toEqual({ code: 130, signal: null });
      const ledger = readLedger(dataPaths(dir).ledger);
      expect(stages(ledger)).toEqual(["extract:interrupted"]);
      expect(ledger[0]!.error).toBe("interrupted by SIGINT");
      await lockIsFree(dir);
    } finally {
      await proxy.close();
    }
  }, 600_000);
});

describe("a build killed with SIGKILL, and the run after it", () => {
  let dir: string;

  it("takes dbt down with the killed yardstick build", async () => {
    dir = copyOfBase("sigkill");
    const build = yardstick(dir, ["-v", "build"]);
    await build.waitFor(NODE_LINE);
    expect(dbtOf(dir).length).toBeGreaterThan(0);
    build.process.kill("SIGKILL");
    expect((await build.exited).signal).toBe("SIGKILL");
    await eventually(() => dbtOf(dir).length === 0);
    expect(
      existsSync(join(dir, "build", "target", "run_results.json")),
      "dbt ran to its end after yardstick was killed",
    ).toBe(false);
    expect(buildFolders(dir)).toHaveLength(1);
  }, 600_000);

  it("cleans what the killed run left, publishes the site in one step, caps dbt's logs and the ledger, and logs a summary", async () => {
    // What killed runs leave: the build folder above, a half-written site and an unpublished site version;
    // dbt logs of a disk-full night; a ledger of years of runs.
    mkdirSync(join(dir, ".site.tmp-4242-0a0b0c0d"));
    writeFileSync(join(dir, ".site.tmp-4242-0a0b0c0d", "index.html"), "half a page");
    mkdirSync(join(dir, "site-20200101T000000Z-000000"));
    const logs = join(dir, "build", "logs");
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, "dbt.log"), "a line of an old dbt log\n".repeat((20 * MiB) / 25));
    for (const n of [1, 2, 3]) writeFileSync(join(logs, `dbt.log.${n}`), "old\n".repeat((10 * MiB) / 4));
    const ledgerFile = dataPaths(dir).ledger;
    mkdirSync(join(dir, "ledger"), { recursive: true });
    const old = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({
        runId: `old-${i}`,
        stage: "metrics",
        status: "ok",
        startedAt: "2020-01-01T00:00:00.000Z",
        endedAt: "2020-01-01T00:00:01.000Z",
        durationMs: 1000,
        codeVersion: "old",
        metricsHash: null,
        details: { note: "x".repeat(300) },
      }),
    );
    writeFileSync(ledgerFile, old.join("\n") + "\n");

    const run = yardstick(dir, ["run"]);
    const exit = await run.exited;
    expect(exit.code, run.lines.slice(-30).join("\n")).toBe(0);

    expect(buildFolders(dir)).toEqual([]);
    const names = readdirSync(dir);
    expect(names.filter((n) => n.startsWith(".site"))).toEqual([]);
    expect(names).not.toContain("site-20200101T000000Z-000000");
    expect(lstatSync(join(dir, "site")).isSymbolicLink()).toBe(true);
    const published = readlinkSync(join(dir, "site"));
    expect(published).toMatch(/^site-[^/]+$/);
    expect(readFileSync(join(dir, published, "index.html"), "utf8")).toMatch(/^<!doctype html>/);

    const logBytes = readdirSync(logs).reduce((sum, f) => sum + statSync(join(logs, f)).size, 0);
    expect(logBytes).toBeLessThanOrEqual(24 * MiB);

    expect(statSync(ledgerFile).size).toBeLessThan(MiB);
    const entries = readLedger(ledgerFile);
    expect(entries.filter((e) => e.runId.startsWith("old-"))).toHaveLength(3000);
    const runId = entries.at(-1)!.runId;
    expect(stages(entries.filter((e) => e.runId === runId))).toEqual([
      "extract:ok",
      "build:ok",
      "metrics:ok",
      "dashboards:ok",
    ]);

    // The operator's log: dbt summarised (progress and failures, not a line per node), lines stamped,
    // the run's start line naming the run.
    expect(run.lines.filter((l) => NODE_LINE.test(l))).toEqual([]);
    expect(run.lines.some((l) => /dbt: \d+\/\d+ nodes done/.test(l))).toBe(true);
    expect(run.lines.find((l) => l.includes("── build"))).toMatch(STAMPED);
    expect(run.lines.some((l) => STAMPED.test(l) && l.includes(`run ${runId} started`))).toBe(true);
    expect(run.lines.length).toBeLessThan(120);

    const overview = readFileSync(join(dir, "site", "overview.html"), "utf8");
    expect(overview).toMatch(/last confirmed current <strong>\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/strong>/);
  }, 900_000);
});

describe("free disk space", () => {
  it("is checked before a build: exit 2 naming the data folder, the space needed and the space free", async () => {
    const dir = copyOfBase("disk");
    // A published warehouse that claims 8 TiB (a sparse file): a new one needs at least as much room.
    const warehouse = dataPaths(dir).warehouse;
    mkdirSync(join(dir, "warehouse"), { recursive: true });
    writeFileSync(warehouse, "");
    truncateSync(warehouse, 8 * 1024 * MiB * 1024);
    const fs = statfsSync(dir);
    expect(fs.bavail * fs.bsize, "this test needs a disk with less than 8 TiB free").toBeLessThan(
      8 * 1024 * 1024 * MiB,
    );
    const build = yardstick(dir, ["build"]);
    const exit = await build.exited;
    const text = build.lines.join("\n");
    expect(exit.code, text).toBe(2);
    expect(text).toContain(`not enough free disk space in the data folder ${dir}`);
    expect(text).toMatch(/needs about \d+(\.\d)? TiB, \d+(\.\d)? [KMGT]?i?B free/);
    expect(buildFolders(dir)).toEqual([]);
  }, 600_000);
});
