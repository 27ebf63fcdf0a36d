/**
 * The PagerDuty source end to end, against the real stand-in server (simulator/incidents/pagerduty-server.ts)
 * fed by the generator: faults of every kind at 25% of requests and a SIGKILL mid-extraction end in the same
 * deduplicated lake as an undisturbed run; the key is in no written file; a quiet night costs the same with 3
 * services as with 30; the DORA metrics and shipped-with-incident built by real dbt from PagerDuty's
 * incidents equal the generator's truth; bad `pagerduty:` configuration exits 2 naming file, line and field
 * before anything is written.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type Config, configFromObject, loadConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { pagerDutySource } from "../extractors/pagerduty/source.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { evaluateMetrics } from "../metrics/metric-evaluator.ts";
import { loadMetricsFile } from "../metrics/metrics-file.ts";
import { type PagerDutyServer, startPagerDutyServer } from "../simulator/incidents/pagerduty-server.ts";
import { REST_FAULT_KINDS } from "../simulator/incidents/rest-faults.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { yardstick } from "./helpers/cli.ts";
import {
  expectedDora,
  expectedShippedWithIncident,
  withoutGitHubIncidents,
} from "./helpers/incident-sources.ts";
import { dedupedLake, filesContaining } from "./helpers/lake.ts";

const ROOT = resolve(import.meta.dirname, "..");
const METRICS = loadMetricsFile(join(ROOT, "metrics.yaml"));
const TOKEN = "u+PagerDutyKeyNeverWritten42";
const TOKEN_ENV = "PD_TEST_TOKEN";
/** Quick waits and enough retries that 25% faults never exhaust them. */
const TUNING = {
  pagerduty: { retryAfterBaseMs: 1, timeoutMs: 400, maxRetries: 12, maxRateLimitRetries: 12 },
};

// The incidents: enough for several pages of five and for DORA values in every month.
const org = generateOrg({ seed: 23, teams: 3, repositories: 5, pullRequests: 1100, days: 120 });
// GitHub's side of the fault, kill and cost runs: small, so that they read PagerDuty mostly.
const small = generateOrg({ seed: 3, pullRequests: 12, days: 20 });

function pagerDutyConfig(
  dataDir: string,
  githubUrl: string,
  pd: PagerDutyServer,
  services = pd.services,
): Record<string, unknown> {
  const first = pd.services[0]!.repository!;
  return {
    dataDir,
    github: { url: githubUrl, orgs: ["acme"], requestIntervalMs: 0 },
    teams: org.teams,
    pagerduty: {
      url: pd.url,
      tokenEnv: TOKEN_ENV,
      requestIntervalMs: 0,
      pageSize: 5,
      services: services.map((s) => ({ id: s.id, repos: [s.repository ?? first] })),
    },
  };
}

const configOf = (input: Record<string, unknown>, dataDir: string): Config =>
  configFromObject(input as never, join(dataDir, "yardstick.yaml"));

async function extractOnce(config: Config, runId: string, now?: () => Date) {
  return runExtractStage({
    config,
    token: "github-token",
    tokens: { [TOKEN_ENV]: TOKEN },
    logger: createMemoryLogger(),
    runId,
    tuning: TUNING,
    ...(now ? { now } : {}),
  });
}

/**
 * A night within the generated history while an incident is open (the first past 40% of the history open
 * for more than four hours, halfway through it): a first run then sees it open, and the second run, which
 * reads only what changed since, must still learn when it was resolved.
 */
const MIDWAY = (() => {
  const start = Date.parse(org.truth.start);
  const after = start + (Date.parse(org.truth.end) - start) * 0.4;
  const open = org.truth.incidents
    .filter((i) => i.resolvedAt !== null && Date.parse(i.startedAt) > after)
    .filter((i) => Date.parse(i.resolvedAt!) - Date.parse(i.startedAt) > 4 * 3_600_000)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))[0]!;
  const started = Date.parse(open.startedAt);
  return new Date(Math.floor((started + (Date.parse(open.resolvedAt!) - started) / 2) / 1000) * 1000);
})();

const pagerDutyLake = (dataDir: string) => dedupedLake(dataDir, pagerDutySource.lakeStreams);

describe("the PagerDuty source against its stand-in", () => {
  let github: Simulator;
  let pd: PagerDutyServer;
  let reference: Record<string, string[]>;
  const dataDirs: string[] = [];
  const newDataDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `ys-pd-${name}-`));
    dataDirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    github = await startSimulator({ dataset: small.dataset, rateLimit: { limit: 1_000_000 } });
    pd = await startPagerDutyServer({ org, tokens: [TOKEN] });
    const dir = newDataDir("reference");
    const summary = await extractOnce(configOf(pagerDutyConfig(dir, github.url, pd), dir), "reference");
    expect(summary.incomplete).toEqual([]);
    reference = await pagerDutyLake(dir);
  });

  afterAll(async () => {
    await github?.close();
    await pd?.close();
  });

  it("lands every incident the stand-in serves, over several pages, and no log entry on a first run", () => {
    const served = pd.incidents;
    expect(reference.pagerduty_incidents).toHaveLength(served.length);
    // A first run's incidents carry their state: resolutions are read from this run on.
    expect(reference.pagerduty_resolutions).toEqual([]);
    expect(served.length).toBeGreaterThan(15);
  });

  it("ends with the fault-free lake when 25% of requests fail, every kind of fault among them", async () => {
    const dir = newDataDir("faults");
    // Every kind once first (so that each is seen whatever the draws), then a quarter of requests at random.
    pd.setFaults({ script: [...REST_FAULT_KINDS], rate: 0.25, seed: 11, timeoutMs: 5_000 });
    const before = pd.faultStats();
    try {
      const summary = await extractOnce(configOf(pagerDutyConfig(dir, github.url, pd), dir), "faults");
      expect(summary.incomplete).toEqual([]);
    } finally {
      pd.setFaults(null);
    }
    const after = pd.faultStats();
    for (const kind of REST_FAULT_KINDS) expect(after[kind] - before[kind], kind).toBeGreaterThan(0);
    expect(await pagerDutyLake(dir)).toEqual(reference);
  });

  /** `yardstick extract` in its own process, SIGKILLed as the stand-in receives its Nth request. */
  function runCli(dir: string, killAt?: number): Promise<{ code: number | null; signal: string | null }> {
    writeFileSync(join(dir, "yardstick.yaml"), stringify(pagerDutyConfig(".", github.url, pd)));
    return new Promise((done, fail) => {
      const before = pd.requestCount();
      const child = spawn(
        process.execPath,
        [join(ROOT, "bin", "yardstick.js"), "extract", "--config", join(dir, "yardstick.yaml")],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "",
            GITHUB_TOKEN: "x",
            [TOKEN_ENV]: TOKEN,
          },
          stdio: ["ignore", "ignore", "ignore"],
        },
      );
      const stop =
        killAt === undefined
          ? () => {}
          : pd.onRequest((count) => {
              if (count - before === killAt) child.kill("SIGKILL");
            });
      child.on("error", fail);
      child.on("exit", (code, signal) => {
        stop();
        done({ code, signal });
      });
    });
  }

  it("gives the same deduplicated lake after a SIGKILL mid-extraction and a rerun, with no partial file", async () => {
    // Pages of five: incidents take several requests, then the log entries one.
    const pages = Math.ceil(pd.incidents.length / 5);
    for (const killAt of [Math.max(2, Math.floor(pages / 2)), pages + 1]) {
      const dir = newDataDir(`kill-${killAt}`);
      const killed = await runCli(dir, killAt);
      expect(killed.signal).toBe("SIGKILL");
      const rerun = await runCli(dir);
      expect(rerun.code).toBe(0);
      expect(await pagerDutyLake(dir)).toEqual(reference);
      const lake = join(dir, "lake", "raw", "pagerduty");
      for (const stream of readdirSync(lake))
        expect(readdirSync(join(lake, stream)).filter((f) => f.startsWith("."))).toEqual([]);
    }
  });

  it("writes the key into no file of the data folder", () => {
    expect(dataDirs.length).toBeGreaterThan(2);
    for (const dir of dataDirs) expect(filesContaining(dir, TOKEN)).toEqual([]);
  });

  it("costs the same on a quiet night with 3 services as with 30", async () => {
    const costs: number[] = [];
    const wide = await startPagerDutyServer({ org, tokens: [TOKEN], extraServices: 25 });
    try {
      for (const [server, services] of [
        [pd, pd.services.slice(0, 3)],
        [wide, wide.services],
      ] as const) {
        const dir = newDataDir(`quiet-${services.length}`);
        const config = configOf(pagerDutyConfig(dir, github.url, server, services), dir);
        await extractOnce(config, "backfill");
        const quiet = await extractOnce(config, "quiet");
        costs.push(quiet.requestsBySource.pagerduty ?? -1);
      }
    } finally {
      await wide.close();
    }
    expect(wide.services).toHaveLength(30);
    // One request for new incidents, one for resolutions.
    expect(costs).toEqual([2, 2]);
  });
});

describe("DORA from PagerDuty's incidents", () => {
  let warehouse: string;

  beforeAll(async () => {
    await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
    const github = await startSimulator({
      dataset: withoutGitHubIncidents(org.dataset),
      rateLimit: { limit: 1_000_000 },
    });
    // The tool as it was on a night within the history, then as it is now.
    let toolNow: Date | null = MIDWAY;
    const pd = await startPagerDutyServer({ org, tokens: [TOKEN], now: () => toolNow ?? new Date() });
    try {
      const dir = mkdtempSync(join(tmpdir(), "ys-pd-dora-"));
      const input = pagerDutyConfig(dir, github.url, pd);
      (input.pagerduty as { pageSize: number }).pageSize = 100;
      const config = configOf(input, dir);
      await extractOnce(config, "dora-midway", () => MIDWAY);
      toolNow = null;
      await extractOnce(config, "dora");
      warehouse = (await buildWarehouse({ config, root: ROOT, logger: createMemoryLogger(), runId: "dora" }))
        .warehousePath;
    } finally {
      await github.close();
      await pd.close();
    }
  });

  it("takes the resolution of incidents resolved after the night they were read from the log entries", async () => {
    const cutoff = MIDWAY.getTime() - 3_600_000;
    const later = org.truth.incidents.filter(
      (i) =>
        Date.parse(i.startedAt) < cutoff &&
        i.resolvedAt !== null &&
        Date.parse(i.resolvedAt) > MIDWAY.getTime(),
    );
    expect(later.length).toBeGreaterThan(0);
    const rows = await withDb(warehouse, "read_only", (db) =>
      db.all<{ status: string; resolved_at: string | null; started_at: string }>(
        `select s.status, strftime(f.resolved_at, '%Y-%m-%dT%H:%M:%SZ') as resolved_at,
                strftime(f.started_at, '%Y-%m-%dT%H:%M:%SZ') as started_at
           from fct_incidents f join stg_pagerduty__incidents s using (incident_id)`,
      ),
    );
    for (const incident of later) {
      const row = rows.find((r) => r.started_at === incident.startedAt);
      // Read while open (the incident as landed still says so), resolved by its log entry.
      expect(row?.status, incident.startedAt).not.toBe("resolved");
      expect(row?.resolved_at, incident.startedAt).toBe(incident.resolvedAt);
    }
  });

  it("has every incident from PagerDuty, none from GitHub, linked as the generator's rule says", async () => {
    const rows = await withDb(warehouse, "read_only", (db) =>
      db.all<{ source: string; n: number; linked: number }>(
        "select source, count(*)::integer as n, count(deployment_id)::integer as linked from fct_incidents group by source",
      ),
    );
    expect(rows).toEqual([
      {
        source: "pagerduty",
        n: org.truth.incidents.length,
        linked: org.truth.incidents.filter((i) => i.deploymentNumber !== null).length,
      },
    ]);
    const methods = await withDb(warehouse, "read_only", (db) =>
      db.all<{ link_method: string | null; n: number }>(
        "select link_method, count(*)::integer as n from fct_incidents group by link_method order by link_method",
      ),
    );
    const truth = new Map<string | null, number>();
    for (const i of org.truth.incidents) truth.set(i.linkedBy, (truth.get(i.linkedBy) ?? 0) + 1);
    expect(new Map(methods.map((m) => [m.link_method, m.n]))).toEqual(truth);
  });

  it("computes change failure rate and time to restore as the generator's truth says, month by month", async () => {
    const want = expectedDora(org);
    const rows = await evaluateMetrics({
      warehousePath: warehouse,
      metrics: METRICS,
      names: ["change_failure_rate", "time_to_restore_p50"],
      by: [],
      grain: "month",
    });
    for (const [metric, periods] of want) {
      const got = new Map(
        rows
          .filter((r) => r.metric === metric)
          .map((r) => [r.period, r.insufficient ? null : r.value] as const),
      );
      expect([...got.keys()].sort(), metric).toEqual([...periods.keys()].sort());
      for (const [period, value] of periods) {
        if (value === null) expect(got.get(period), `${metric} ${period}`).toBeNull();
        else expect(got.get(period), `${metric} ${period}`).toBeCloseTo(value, 9);
      }
      expect(
        [...periods.values()].some((v) => v !== null && v > 0),
        metric,
      ).toBe(true);
    }
  });

  it("marks the pull requests shipped with an incident as the generator's truth says", async () => {
    const rows = await withDb(warehouse, "read_only", (db) =>
      db.all<{ key: string; shipped: boolean | null }>(
        `select repository || '#' || number as key,
                case when production_deployed_at is null then null else shipped_with_incident end as shipped
           from fct_pull_requests`,
      ),
    );
    const want = expectedShippedWithIncident(org);
    expect(new Map(rows.map((r) => [r.key, r.shipped]))).toEqual(want);
    expect([...want.values()].filter((v) => v === true).length).toBeGreaterThan(0);
  });
});

describe("bad PagerDuty configuration", () => {
  const base = {
    dataDir: "./data",
    github: { orgs: ["acme"], repos: ["other/tool"] },
    teams: [{ name: "payments", members: ["ann"], repos: ["acme/pay"] }],
  };
  const cases: { name: string; pagerduty: unknown; field: string; says: string }[] = [
    {
      name: "a service mapped to a repository that is not read",
      pagerduty: { services: [{ id: "PAPI123", repos: ["elsewhere/api"] }] },
      field: "pagerduty.services[0].repos[0]",
      says: 'repository "elsewhere/api" is not read',
    },
    {
      name: "a service mapped to a team that is not defined",
      pagerduty: { services: [{ id: "PAPI123", teams: ["ghosts"] }] },
      field: "pagerduty.services[0].teams[0]",
      says: 'team "ghosts" is not defined',
    },
    {
      name: "a service mapped to nothing",
      pagerduty: { services: [{ id: "PAPI123" }] },
      field: "pagerduty.services[0]",
      says: "maps to no repository",
    },
    {
      name: "a service listed twice",
      pagerduty: {
        services: [
          { id: "PAPI123", repos: ["acme/api"] },
          { id: "PAPI123", teams: ["payments"] },
        ],
      },
      field: "pagerduty.services[1].id",
      says: "listed twice",
    },
    {
      name: "a service id that is not PagerDuty's",
      pagerduty: { services: [{ id: "api service", repos: ["acme/api"] }] },
      field: "pagerduty.services[0].id",
      says: "must be a PagerDuty service id",
    },
    {
      name: "no service",
      pagerduty: { services: [] },
      field: "pagerduty.services",
      says: "at least one service",
    },
    {
      name: "a url that is not http(s)",
      pagerduty: { url: "ftp://api.pagerduty.com", services: [{ id: "PAPI123", repos: ["acme/api"] }] },
      field: "pagerduty.url",
      says: "must be an http(s) URL",
    },
    {
      name: "a url carrying a password",
      pagerduty: {
        url: "https://me:secret@api.pagerduty.com",
        services: [{ id: "PAPI123", repos: ["acme/api"] }],
      },
      field: "pagerduty.url",
      says: "must not carry a user name or password",
    },
    {
      name: "a key pasted into tokenEnv",
      pagerduty: { tokenEnv: "y_NbAkKc66ryYTWUXYEu", services: [{ id: "PAPI123", repos: ["acme/api"] }] },
      field: "pagerduty.tokenEnv",
      says: "looks like an API key",
    },
    {
      name: "an unknown key",
      pagerduty: { services: [{ id: "PAPI123", repos: ["acme/api"] }], serviceIds: ["PAPI123"] },
      field: "pagerduty.serviceIds",
      says: 'unknown key "serviceIds"',
    },
  ];

  it.each(cases)("refuses $name, naming the file, line and field", ({ pagerduty, field, says }) => {
    const dir = mkdtempSync(join(tmpdir(), "ys-pd-bad-"));
    const file = join(dir, "yardstick.yaml");
    writeFileSync(file, stringify({ ...base, pagerduty }));
    let error: unknown;
    try {
      loadConfig(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const report = (error as InputError).report();
    expect((error as InputError).exitCode).toBe(2);
    expect(report).toContain(`${field} (${file}:`);
    expect(report).toContain(says);
    expect(report).not.toContain("y_NbAkKc66ryYTWUXYEu");
    expect(report).not.toContain("secret@");
  });

  it("exits 2 from the command line with nothing written, for a mapping to a repository that is not read", () => {
    const dir = mkdtempSync(join(tmpdir(), "ys-pd-bad-cli-"));
    const file = join(dir, "yardstick.yaml");
    writeFileSync(file, stringify({ ...base, pagerduty: cases[0]!.pagerduty }));
    const result = yardstick(["extract", "--config", file], {
      env: { GITHUB_TOKEN: "x", PAGERDUTY_TOKEN: "y" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /pagerduty\.services\[0\]\.repos\[0\] \(.*yardstick\.yaml:\d+:\d+\): repository "elsewhere\/api" is not read/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "data"))).toBe(false);
  });

  it("stops before writing anything when the key's variable is not set, naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "ys-pd-nokey-"));
    const file = join(dir, "yardstick.yaml");
    writeFileSync(
      file,
      stringify({
        ...base,
        pagerduty: { tokenEnv: "MY_PD_KEY", services: [{ id: "PAPI123", repos: ["acme/api"] }] },
      }),
    );
    const result = yardstick(["extract", "--config", file], { env: { GITHUB_TOKEN: "x" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("MY_PD_KEY is not set");
    expect(result.stderr).toContain("pagerduty.tokenEnv");
    expect(existsSync(join(dir, "data"))).toBe(false);
  });
});
