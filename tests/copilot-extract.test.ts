/**
 * The GitHub Copilot source against the real simulator's REST routes: the lake holds every day GitHub served,
 * each equal to the generator's answer key, whatever faults were injected (every kind at a quarter of the
 * requests) and however often the extraction was SIGKILLed (at the Nth REST request); history outlives
 * GitHub's 28-day window; a quiet night costs one request per organisation and team, whatever the number of
 * repositories; the token is in no written file; bad `github.copilot` settings exit 2 naming file, line and
 * field.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type Config, loadConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { FAULT_KINDS } from "../simulator/faults.ts";
import { copilotDays, copilotPopulation } from "../simulator/generator/copilot-usage.ts";
import type { GeneratedOrg } from "../simulator/ground-truth.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { filesContaining } from "./helpers/lake.ts";
import { yardstick } from "./helpers/yardstick-cli.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN = "ghp_copilotTokenThatMustNeverBeWritten0042";
const DAY_MS = 86_400_000;

/** Every day in the lake, deduplicated (the latest extraction per organisation, team and date). */
async function copilotLake(dataDir: string): Promise<Record<string, unknown>> {
  const dir = join(dataDir, "lake", "raw", "github_copilot", "copilot_metrics");
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".parquet") && !f.startsWith("."));
  } catch {}
  if (files.length === 0) return {};
  const rows = await withDb(":memory:", "read_write", (db) =>
    db.all<{ k: string; payload: string }>(
      `select k, payload::varchar as payload from (
         select organization || '|' || coalesce(team, '-') || '|' || date as k, payload,
                row_number() over (partition by organization, team, date order by _extracted_at desc, _run_id desc) as rank
         from read_parquet(?)
       ) where rank = 1 order by k`,
      [join(dir, "[!.]*.parquet")],
    ),
  );
  return Object.fromEntries(rows.map((r) => [r.k, JSON.parse(r.payload)]));
}

/** What GitHub serves at `now` for the organisation and its teams: the generator's answer key. */
function truthAt(org: GeneratedOrg, owner: string, teams: string[], now: Date): Record<string, unknown> {
  const population = copilotPopulation(org.dataset, org.teams);
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const out: Record<string, unknown> = {};
  for (const team of [null, ...teams])
    for (const d of copilotDays(population, owner, team, day(today - 28 * DAY_MS), day(today - DAY_MS)) ?? [])
      out[`${owner}|${team ?? "-"}|${d.date}`] = d;
  return out;
}

function writeConfig(dir: string, url: string, owner: string, org: GeneratedOrg, copilot: unknown): string {
  const file = join(dir, "yardstick.yaml");
  writeFileSync(
    file,
    stringify({
      dataDir: ".",
      github: { url, tokenEnv: "COPILOT_TEST_TOKEN", orgs: [owner], requestIntervalMs: 0, copilot },
      teams: org.teams,
    }),
  );
  return file;
}

async function extractAt(config: Config, now: Date, runId: string) {
  return runExtractStage({
    config,
    token: TOKEN,
    tokens: { COPILOT_TEST_TOKEN: TOKEN },
    logger: createMemoryLogger(),
    runId,
    now: () => now,
    client: { requestIntervalMs: 0, retryAfterBaseMs: 1, maxRateLimitRetries: 20 },
    tuning: {
      github_copilot: { requestIntervalMs: 0, policy: { retryAfterBaseMs: 1, maxRateLimitRetries: 20 } },
    },
  });
}

describe("Copilot metrics from the simulator", () => {
  const org = generateOrg({ seed: 12, repositories: 3, pullRequests: 80, days: 60 });
  const owner = org.dataset.repositories[0]!.owner;
  const teamSlugs = org.teams.map((t) => t.name);
  let simNow = new Date("2026-10-25T05:00:00Z");
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({
      dataset: org.dataset,
      teams: org.teams,
      tokens: [TOKEN],
      rateLimit: { limit: 1_000_000 },
      clock: () => simNow,
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  const newDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `ys-copilot-${name}-`));
    return loadConfig(writeConfig(dir, sim.url, owner, org, { teams: true }));
  };

  it("lands every day GitHub serves, each equal to the generator's, and writes the token nowhere", async () => {
    simNow = new Date("2026-10-25T05:00:00Z");
    const config = newDir("plain");
    const summary = await extractAt(config, simNow, "plain");
    const truth = truthAt(org, owner, teamSlugs, simNow);
    expect(Object.keys(truth).length).toBeGreaterThan(28);
    expect(await copilotLake(config.dataDir)).toEqual(truth);
    expect(summary.incomplete).toEqual([]);
    // One request per organisation and per team: the window fits one page.
    expect(summary.requestsBySource.github_copilot).toBe(1 + teamSlugs.length);
    expect(summary.requestsByPhase.copilot_metrics).toBe(1 + teamSlugs.length);
    expect(filesContaining(config.dataDir, TOKEN)).toEqual([]);
  }, 300_000);

  it.each(FAULT_KINDS)(
    "gives the fault-free lake with %s injected into a quarter of requests",
    async (kind) => {
      simNow = new Date("2026-10-25T05:00:00Z");
      const before = sim.restFaultStats()[kind];
      // GitHub's GraphQL requests draw from the same plan: both sources meet the faults.
      sim.setFaults({ rate: 0.25, kinds: [kind], seed: 3, timeoutMs: 50 });
      try {
        const config = newDir(`fault-${kind}`);
        // Several nights in a row: enough REST requests for a quarter of them to fail.
        const lakes: Record<string, unknown>[] = [];
        for (let night = 0; night < 4; night++) {
          const summary = await extractAt(config, simNow, `${kind}-${night}`);
          expect(summary.incomplete).toEqual([]);
          lakes.push(await copilotLake(config.dataDir));
        }
        expect(lakes.at(-1)).toEqual(truthAt(org, owner, teamSlugs, simNow));
        expect(sim.restFaultStats()[kind] - before).toBeGreaterThan(0);
        expect(filesContaining(config.dataDir, TOKEN)).toEqual([]);
      } finally {
        sim.setFaults(null);
      }
    },
    300_000,
  );

  it("keeps history past GitHub's 28 days: a run 40 days later adds its window to the first one's", async () => {
    simNow = new Date("2026-10-25T05:00:00Z");
    const config = newDir("history");
    await extractAt(config, simNow, "day-d");
    const first = truthAt(org, owner, teamSlugs, simNow);
    simNow = new Date(simNow.getTime() + 40 * DAY_MS);
    const summary = await extractAt(config, simNow, "day-d-plus-40");
    expect(summary.incomplete).toEqual([]);
    const second = truthAt(org, owner, teamSlugs, simNow);
    const lake = await copilotLake(config.dataDir);
    // The windows do not overlap: the first one's days are only in the lake now.
    expect(Object.keys(first).some((k) => k in second)).toBe(false);
    expect(lake).toEqual({ ...first, ...second });
    simNow = new Date("2026-10-25T05:00:00Z");
  }, 300_000);

  it("lists a team GitHub does not know as incomplete, with what to check, and reads the rest", async () => {
    simNow = new Date("2026-10-25T05:00:00Z");
    const dir = mkdtempSync(join(tmpdir(), "ys-copilot-unknown-team-"));
    const config = loadConfig(writeConfig(dir, sim.url, owner, org, { teams: ["no-such-team"] }));
    const summary = await extractAt(config, simNow, "unknown-team");
    expect(summary.incomplete).toHaveLength(1);
    expect(summary.incomplete[0]).toMatchObject({
      stream: "copilot_metrics",
      partition: `${owner}/no-such-team`,
    });
    expect(summary.incomplete[0]!.reason).toMatch(/404 Not Found .*team slug in github\.copilot\.teams/);
    const orgOnly = Object.fromEntries(
      Object.entries(truthAt(org, owner, [], simNow)).filter(([k]) => k.includes("|-|")),
    );
    expect(await copilotLake(config.dataDir)).toEqual(orgOnly);
  }, 300_000);

  it("costs one request per organisation and team on a quiet night, and re-reads only the overlap", async () => {
    simNow = new Date("2026-10-25T05:00:00Z");
    const config = newDir("quiet");
    await extractAt(config, simNow, "backfill");
    const before = sim.restRequestCount();
    const quiet = await extractAt(config, simNow, "quiet");
    expect(sim.restRequestCount() - before).toBe(1 + teamSlugs.length);
    expect(quiet.requestsBySource.github_copilot).toBe(1 + teamSlugs.length);
    // The overlap: the last day read and the one before it land again (org and team days GitHub serves).
    const rows = quiet.streams.find((s) => s.stream === "copilot_metrics")?.rows ?? 0;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThanOrEqual(3 * (1 + teamSlugs.length));
  }, 300_000);
});

describe("a quiet night's Copilot cost does not grow with the repositories", () => {
  it("is one request per organisation and team for 2 and for 12 repositories", async () => {
    const costs: number[] = [];
    const now = new Date("2026-10-25T05:00:00Z");
    for (const repositories of [2, 12]) {
      const org = generateOrg({ seed: 8, repositories, pullRequests: 60, days: 40, teams: 2 });
      const owner = org.dataset.repositories[0]!.owner;
      const sim = await startSimulator({ dataset: org.dataset, teams: org.teams, clock: () => now });
      try {
        const dir = mkdtempSync(join(tmpdir(), "ys-copilot-repos-"));
        const config = loadConfig(writeConfig(dir, sim.url, owner, org, { teams: true }));
        await extractAt(config, now, "first");
        const before = sim.restRequestCount();
        await extractAt(config, now, "quiet");
        costs.push(sim.restRequestCount() - before);
      } finally {
        await sim.close();
      }
    }
    expect(costs).toEqual([3, 3]);
  }, 300_000);
});

describe("Copilot extraction killed with SIGKILL", () => {
  const org = generateOrg({ seed: 21, repositories: 2, pullRequests: 40, days: 40, teams: 3 });
  const owner = org.dataset.repositories[0]!.owner;
  const now = new Date("2026-10-25T05:00:00Z");
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, teams: org.teams, clock: () => now });
  });
  afterAll(async () => {
    await sim.close();
  });

  /** The extraction in a child process; SIGKILLed as its Nth REST request reaches the simulator. */
  function child(file: string, runId: string, killAt?: number) {
    return new Promise<{ code: number | null; signal: string | null; stderr: string }>((done, fail) => {
      const before = sim.restRequestCount();
      const proc = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          join(ROOT, "tests", "helpers", "copilot-extract-child.ts"),
          file,
          now.toISOString(),
          runId,
        ],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? "", COPILOT_TEST_TOKEN: TOKEN },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let stderr = "";
      proc.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const stop =
        killAt === undefined
          ? () => {}
          : sim.onRestRequest((count) => {
              if (count - before === killAt) proc.kill("SIGKILL");
            });
      proc.on("error", fail);
      proc.on("exit", (code, signal) => {
        stop();
        done({ code, signal, stderr });
      });
    });
  }

  it("ends, after kills at its 2nd, 3rd and 4th Copilot request and a rerun, with the undisturbed lake", async () => {
    const reference = mkdtempSync(join(tmpdir(), "ys-copilot-kill-ref-"));
    const clean = await child(writeConfig(reference, sim.url, owner, org, { teams: true }), "ref");
    expect(clean.code, clean.stderr).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "ys-copilot-kill-"));
    const file = writeConfig(dir, sim.url, owner, org, { teams: true });
    for (const [i, killAt] of [2, 3, 4].entries()) {
      const killed = await child(file, `killed-${i}`, killAt);
      expect(killed.signal, killed.stderr).toBe("SIGKILL");
    }
    const rerun = await child(file, "rerun");
    expect(rerun.code, rerun.stderr).toBe(0);
    for (const name of readdirSync(join(dir, "lake", "raw", "github_copilot", "copilot_metrics")))
      expect(name.endsWith(".parquet") && !name.startsWith(".")).toBe(true);
    const lake = await copilotLake(dir);
    expect(lake).toEqual(await copilotLake(reference));
    expect(lake).toEqual(
      truthAt(
        org,
        owner,
        org.teams.map((t) => t.name),
        now,
      ),
    );
    expect(filesContaining(dir, TOKEN)).toEqual([]);
  }, 300_000);
});

describe("bad github.copilot settings", () => {
  const bad: [string, string, RegExp][] = [
    [
      "a string",
      "  copilot: yes please",
      /github\.copilot \(.*yardstick\.yaml:5:\d+\): must be true, false or \{ teams/,
    ],
    [
      "an unknown key",
      "  copilot:\n    team: [platform]",
      /github\.copilot\.team \(.*yardstick\.yaml:6:\d+\): unknown key "team"/,
    ],
    [
      "teams not a list",
      "  copilot:\n    teams: platform",
      /github\.copilot\.teams \(.*yardstick\.yaml:6:\d+\): must be true, false or a list/,
    ],
    [
      "a team that is no slug",
      "  copilot:\n    teams: [Platform Team]",
      /github\.copilot\.teams\[0\] \(.*yardstick\.yaml:6:\d+\): must be a GitHub team slug/,
    ],
    [
      "a team listed twice",
      "  copilot:\n    teams: [web, web]",
      /github\.copilot\.teams\[1\] \(.*yardstick\.yaml:6:\d+\): team "web" is listed twice/,
    ],
  ];
  const file = (copilot: string, extra = "") => {
    const dir = mkdtempSync(join(tmpdir(), "ys-copilot-config-"));
    const path = join(dir, "yardstick.yaml");
    writeFileSync(
      path,
      `dataDir: .\ngithub:\n  orgs: [acme]\n  tokenEnv: COPILOT_TEST_TOKEN\n${copilot}\n${extra}`,
    );
    return path;
  };
  const reportOf = (path: string) => {
    try {
      loadConfig(path);
    } catch (error) {
      if (error instanceof InputError) return error.report();
      throw error;
    }
    throw new Error("the configuration was accepted");
  };

  it.each(bad)("refuses %s, naming file, line and field", (_what, text, expected) => {
    expect(reportOf(file(text))).toMatch(expected);
  });

  it("refuses copilot without organisations, and teams: true without teams", () => {
    const noOrgs = mkdtempSync(join(tmpdir(), "ys-copilot-config-"));
    writeFileSync(join(noOrgs, "yardstick.yaml"), "github:\n  repos: [acme/api]\n  copilot: true\n");
    expect(reportOf(join(noOrgs, "yardstick.yaml"))).toMatch(
      /github\.copilot \(.*yardstick\.yaml:3:\d+\): Copilot metrics are read per organisation/,
    );
    expect(reportOf(file("  copilot:\n    teams: true"))).toMatch(
      /github\.copilot\.teams \(.*yardstick\.yaml:6:\d+\): is true, .* but teams: names none/,
    );
  });

  it("exits 2 from `yardstick extract` naming the field, with nothing written", async () => {
    const path = file("  copilot:\n    teams: [Not A Slug]");
    const result = await yardstick(["extract", "--config", path, "--metrics", join(ROOT, "metrics.yaml")], {
      COPILOT_TEST_TOKEN: TOKEN,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/github\.copilot\.teams\[0\] \(.*yardstick\.yaml:6:\d+\)/);
    expect(readdirSync(join(path, ".."))).toEqual(["yardstick.yaml"]);
  });

  it("accepts true, false, and teams as true or slugs", () => {
    expect(loadConfig(file("  copilot: false")).github.copilot).toBeNull();
    expect(loadConfig(file("")).github.copilot).toBeNull();
    expect(loadConfig(file("  copilot: true")).github.copilot).toEqual({ teams: [] });
    expect(loadConfig(file("  copilot:\n    teams: [web, platform-2]")).github.copilot).toEqual({
      teams: ["web", "platform-2"],
    });
    const withTeams = file(
      "  copilot:\n    teams: true",
      "teams:\n  - name: Web Front End\n    members: [ada]\n",
    );
    expect(loadConfig(withTeams).github.copilot).toEqual({ teams: ["web-front-end"] });
  });
});
