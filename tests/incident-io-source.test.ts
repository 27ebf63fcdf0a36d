/**
 * The incident.io source end to end, against the real stand-in server
 * (simulator/incidents/incident-io-server.ts) fed by the generator: faults of every kind at 25% of requests
 * and a SIGKILL mid-extraction end in the same deduplicated lake as an undisturbed run; the key is in no
 * written file; a quiet night costs the same with 3 mappings as with 30; the DORA metrics and
 * shipped-with-incident built by real dbt from incident.io's incidents (mapped by their "Affected service",
 * linked by their "Root cause" field or the summary's `root cause:`) equal the generator's truth; bad
 * `incidentIo:` configuration exits 2 naming file, line and field before anything is written.
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
import { incidentIoSource } from "../extractors/incident-io/source.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { evaluateMetrics } from "../metrics/metric-evaluator.ts";
import { loadMetricsFile } from "../metrics/metrics-file.ts";
import {
  AFFECTED_SERVICE,
  type IncidentIoServer,
  startIncidentIoServer,
} from "../simulator/incidents/incident-io-server.ts";
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
const TOKEN = "inc_live_IncidentIoKeyNeverWritten0042";
const TOKEN_ENV = "IO_TEST_TOKEN";
/** Quick waits and enough retries that 25% faults never exhaust them. */
const TUNING = {
  incident_io: { retryAfterBaseMs: 1, timeoutMs: 400, maxRetries: 12, maxRateLimitRetries: 12 },
};

// The incidents: enough for several pages of five and for DORA values in every month.
const org = generateOrg({ seed: 23, teams: 3, repositories: 5, pullRequests: 1100, days: 120 });
// GitHub's side of the fault, kill and cost runs: small, so that they read incident.io mostly.
const small = generateOrg({ seed: 3, pullRequests: 12, days: 20 });

/** One mapping per repository ("Affected service" = its name), then `extra` that match no incident. */
function mappingsOf(extra = 0) {
  const mappings = org.dataset.repositories.map((r) => ({
    customField: AFFECTED_SERVICE,
    value: r.name,
    repos: [`${r.owner}/${r.name}`],
  }));
  for (let i = 0; i < extra; i++)
    mappings.push({ customField: AFFECTED_SERVICE, value: `idle-${i}`, repos: [mappings[0]!.repos[0]!] });
  return mappings;
}

function incidentIoConfig(
  dataDir: string,
  githubUrl: string,
  io: IncidentIoServer,
  mappings = mappingsOf(),
): Record<string, unknown> {
  return {
    dataDir,
    github: { url: githubUrl, orgs: ["acme"], requestIntervalMs: 0 },
    teams: org.teams,
    incidentIo: { url: io.url, tokenEnv: TOKEN_ENV, requestIntervalMs: 0, pageSize: 5, mappings },
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

const incidentIoLake = (dataDir: string) => dedupedLake(dataDir, incidentIoSource.lakeStreams);

describe("the incident.io source against its stand-in", () => {
  let github: Simulator;
  let io: IncidentIoServer;
  let reference: Record<string, string[]>;
  const dataDirs: string[] = [];
  const newDataDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `ys-io-${name}-`));
    dataDirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    github = await startSimulator({ dataset: small.dataset, rateLimit: { limit: 1_000_000 } });
    io = await startIncidentIoServer({ org, tokens: [TOKEN] });
    const dir = newDataDir("reference");
    const summary = await extractOnce(configOf(incidentIoConfig(dir, github.url, io), dir), "reference");
    expect(summary.incomplete).toEqual([]);
    reference = await incidentIoLake(dir);
  });

  afterAll(async () => {
    await github?.close();
    await io?.close();
  });

  it("lands every incident the stand-in serves, over several pages", () => {
    const served = io.incidents;
    expect(reference.incident_io_incidents).toHaveLength(served.length);
    expect(served.length).toBeGreaterThan(15);
  });

  it("ends with the fault-free lake when 25% of requests fail, every kind of fault among them", async () => {
    const dir = newDataDir("faults");
    // Every kind once first (so that each is seen whatever the draws), then a quarter of requests at random.
    io.setFaults({ script: [...REST_FAULT_KINDS], rate: 0.25, seed: 11, timeoutMs: 5_000 });
    const before = io.faultStats();
    try {
      const summary = await extractOnce(configOf(incidentIoConfig(dir, github.url, io), dir), "faults");
      expect(summary.incomplete).toEqual([]);
    } finally {
      io.setFaults(null);
    }
    const after = io.faultStats();
    for (const kind of REST_FAULT_KINDS) expect(after[kind] - before[kind], kind).toBeGreaterThan(0);
    expect(await incidentIoLake(dir)).toEqual(reference);
  });

  /** `yardstick extract` in its own process, SIGKILLed as the stand-in receives its Nth request. */
  function runCli(dir: string, killAt?: number): Promise<{ code: number | null; signal: string | null }> {
    writeFileSync(join(dir, "yardstick.yaml"), stringify(incidentIoConfig(".", github.url, io)));
    return new Promise((done, fail) => {
      const before = io.requestCount();
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
          : io.onRequest((count) => {
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
    // Pages of five: the incidents take several requests.
    const pages = Math.ceil(io.incidents.length / 5);
    for (const killAt of [2, pages - 1]) {
      const dir = newDataDir(`kill-${killAt}`);
      const killed = await runCli(dir, killAt);
      expect(killed.signal).toBe("SIGKILL");
      const rerun = await runCli(dir);
      expect(rerun.code).toBe(0);
      expect(await incidentIoLake(dir)).toEqual(reference);
      const lake = join(dir, "lake", "raw", "incident_io");
      for (const stream of readdirSync(lake))
        expect(readdirSync(join(lake, stream)).filter((f) => f.startsWith("."))).toEqual([]);
    }
  });

  it("writes the key into no file of the data folder", () => {
    expect(dataDirs.length).toBeGreaterThan(2);
    for (const dir of dataDirs) expect(filesContaining(dir, TOKEN)).toEqual([]);
  });

  it("costs the same on a quiet night with 3 mappings as with 30", async () => {
    const costs: number[] = [];
    for (const mappings of [mappingsOf().slice(0, 3), mappingsOf(25)]) {
      const dir = newDataDir(`quiet-${mappings.length}`);
      const config = configOf(incidentIoConfig(dir, github.url, io, mappings), dir);
      await extractOnce(config, "backfill");
      const quiet = await extractOnce(config, "quiet");
      costs.push(quiet.requestsBySource.incident_io ?? -1);
    }
    expect(mappingsOf(25)).toHaveLength(30);
    // One request for what changed since the last night.
    expect(costs).toEqual([1, 1]);
  });
});

describe("DORA from incident.io's incidents", () => {
  let warehouse: string;

  beforeAll(async () => {
    await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
    const github = await startSimulator({
      dataset: withoutGitHubIncidents(org.dataset),
      rateLimit: { limit: 1_000_000 },
    });
    // The tool as it was on a night within the history, then as it is now.
    let toolNow: Date | null = MIDWAY;
    const io = await startIncidentIoServer({ org, tokens: [TOKEN], now: () => toolNow ?? new Date() });
    try {
      const dir = mkdtempSync(join(tmpdir(), "ys-io-dora-"));
      const input = incidentIoConfig(dir, github.url, io);
      (input.incidentIo as { pageSize: number }).pageSize = 250;
      const config = configOf(input, dir);
      await extractOnce(config, "dora-midway", () => MIDWAY);
      toolNow = null;
      await extractOnce(config, "dora");
      warehouse = (await buildWarehouse({ config, root: ROOT, logger: createMemoryLogger(), runId: "dora" }))
        .warehousePath;
    } finally {
      await github.close();
      await io.close();
    }
  });

  it("reads an incident again once it changes: those open on the first night end resolved", async () => {
    const later = org.truth.incidents.filter(
      (i) =>
        Date.parse(i.startedAt) < MIDWAY.getTime() &&
        i.resolvedAt !== null &&
        Date.parse(i.resolvedAt) > MIDWAY.getTime(),
    );
    expect(later.length).toBeGreaterThan(0);
    const rows = await withDb(warehouse, "read_only", (db) =>
      db.all<{ resolved_at: string | null; started_at: string }>(
        `select strftime(resolved_at, '%Y-%m-%dT%H:%M:%SZ') as resolved_at,
                strftime(started_at, '%Y-%m-%dT%H:%M:%SZ') as started_at
           from fct_incidents`,
      ),
    );
    for (const incident of later)
      expect(rows.find((r) => r.started_at === incident.startedAt)?.resolved_at, incident.startedAt).toBe(
        incident.resolvedAt,
      );
  });

  it("has every incident from incident.io, none from GitHub, linked as the generator's rule says", async () => {
    const rows = await withDb(warehouse, "read_only", (db) =>
      db.all<{ source: string; n: number; linked: number }>(
        "select source, count(*)::integer as n, count(deployment_id)::integer as linked from fct_incidents group by source",
      ),
    );
    expect(rows).toEqual([
      {
        source: "incident_io",
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

describe("bad incident.io configuration", () => {
  const base = {
    dataDir: "./data",
    github: { orgs: ["acme"], repos: ["other/tool"] },
    teams: [{ name: "payments", members: ["ann"], repos: ["acme/pay"] }],
  };
  const api = { customField: "Affected service", value: "api", repos: ["acme/api"] };
  const cases: { name: string; incidentIo: unknown; field: string; says: string }[] = [
    {
      name: "a mapping to a repository that is not read",
      incidentIo: { mappings: [{ ...api, repos: ["elsewhere/api"] }] },
      field: "incidentIo.mappings[0].repos[0]",
      says: 'repository "elsewhere/api" is not read',
    },
    {
      name: "a mapping to a team that is not defined",
      incidentIo: { mappings: [{ incidentType: "Platform", teams: ["ghosts"] }] },
      field: "incidentIo.mappings[0].teams[0]",
      says: 'team "ghosts" is not defined',
    },
    {
      name: "a mapping to nothing",
      incidentIo: { mappings: [{ incidentType: "Platform" }] },
      field: "incidentIo.mappings[0]",
      says: "maps to no repository",
    },
    {
      name: "a mapping naming both a custom field and an incident type",
      incidentIo: { mappings: [{ ...api, incidentType: "Platform" }] },
      field: "incidentIo.mappings[0]",
      says: "either customField (with value) or incidentType",
    },
    {
      name: "a custom field without its value",
      incidentIo: { mappings: [{ customField: "Affected service", repos: ["acme/api"] }] },
      field: "incidentIo.mappings[0].value",
      says: "is required with customField",
    },
    {
      name: "the same value mapped twice",
      incidentIo: { mappings: [api, { ...api, repos: [], teams: ["payments"] }] },
      field: "incidentIo.mappings[1]",
      says: "maps the same field value or incident type twice",
    },
    {
      name: "no mapping",
      incidentIo: { mappings: [] },
      field: "incidentIo.mappings",
      says: "must map at least one",
    },
    {
      name: "a url that is not http(s)",
      incidentIo: { url: "api.incident.io", mappings: [api] },
      field: "incidentIo.url",
      says: "must be an http(s) URL",
    },
    {
      name: "a key pasted into tokenEnv",
      incidentIo: { tokenEnv: "inc_live_9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c", mappings: [api] },
      field: "incidentIo.tokenEnv",
      says: "not the name of an environment variable",
    },
    {
      name: "a page larger than incident.io serves",
      incidentIo: { pageSize: 500, mappings: [api] },
      field: "incidentIo.pageSize",
      says: "250",
    },
  ];

  it.each(cases)("refuses $name, naming the file, line and field", ({ incidentIo, field, says }) => {
    const dir = mkdtempSync(join(tmpdir(), "ys-io-bad-"));
    const file = join(dir, "yardstick.yaml");
    writeFileSync(file, stringify({ ...base, incidentIo }));
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
    expect(report).not.toContain("9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c");
  });

  it("stops before writing anything when the key's variable is not set, naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "ys-io-nokey-"));
    const file = join(dir, "yardstick.yaml");
    writeFileSync(file, stringify({ ...base, incidentIo: { tokenEnv: "MY_IO_KEY", mappings: [api] } }));
    const result = yardstick(["extract", "--config", file], { env: { GITHUB_TOKEN: "x" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("MY_IO_KEY is not set");
    expect(result.stderr).toContain("incidentIo.tokenEnv");
    expect(existsSync(join(dir, "data"))).toBe(false);
  });
});
