/**
 * Deployments and incidents imported from files, end to end: a seeded generator writes a deploy tool's CSV
 * export and an incident spreadsheet (times in several time zones, titles with commas, quotes, line breaks and
 * formula-like text, incidents naming a repository or only a team, references by deployment id and url), the
 * real `yardstick import` lands them, real dbt builds the warehouse beside a small hand-made GitHub lake, and
 * the DORA metrics of metrics.yaml are compared month by month with the same definitions computed here in plain
 * TypeScript from what the generator made (never from the warehouse). A repository with commit history checks
 * that an imported deployment ships pull requests and that an imported incident marks them shipped with an
 * incident.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataPaths, loadConfig } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { buildDashboards } from "../dashboards/build-dashboards.ts";
import { formatInstant } from "../dashboards/layout.ts";
import { formatCount } from "../dashboards/units.ts";
import { readLedger } from "../jobs/run-ledger.ts";
import { evaluateMetrics, type MetricRow } from "../metrics/metric-evaluator.ts";
import { loadMetricsFile } from "../metrics/metrics-file.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import {
  branchCommitNode,
  commitNode,
  Extraction,
  pullRequestNode,
  repositoryNode,
  sha,
} from "./fixtures/lake-fixture.ts";
import { yardstick } from "./helpers/cli.ts";
import { median } from "./helpers/stats.ts";

const ROOT = resolve(import.meta.dirname, "..");
const METRICS = loadMetricsFile(join(ROOT, "metrics.yaml"));
const HOUR = 3_600_000;
const PRODUCTION = /^(prod|production)([-_ ].*)?$/i;

const TEAMS = [
  { name: "platform", members: ["alice"], repos: ["acme/api", "acme/chain"] },
  { name: "payments", members: ["bob"], repos: ["acme/web", "acme/pay"] },
];
const teamOf = (repository: string) => TEAMS.find((t) => t.repos.includes(repository))?.name ?? "unassigned";

// ---- The generator ---------------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so the files are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface GeneratedDeployment {
  id: string;
  repository: string;
  environment: string;
  commit: string;
  status: "success" | "failure" | "in_progress";
  createdAt: number;
  finishedAt: number | null;
  url: string | null;
}

interface GeneratedIncident {
  id: string;
  title: string;
  repository: string | null;
  team: string | null;
  createdAt: number;
  resolvedAt: number | null;
  /** What the reference column says (a deployment id or url), if anything. */
  reference: string | null;
  severity: string;
}

/** A time as a deploy tool might write it: UTC or a local time with its offset, T or a space. */
function written(at: number, random: () => number): string {
  const offsets = [0, 60, 120, -300, 330, -480];
  const offset = offsets[Math.floor(random() * offsets.length)]!;
  const local = new Date(at + offset * 60_000).toISOString().slice(0, 19);
  const separator = random() < 0.3 ? " " : "T";
  const zone =
    offset === 0
      ? "Z"
      : `${offset < 0 ? "-" : "+"}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0")}:${String(Math.abs(offset) % 60).padStart(2, "0")}`;
  return `${local.replace("T", separator)}${zone}`;
}

const START = Date.UTC(2026, 8, 1); // 1 September 2026
const DAYS = 91; // September, October, November
const RANDOM_REPOS = ["acme/api", "acme/web", "acme/pay"];

function generate(seed: number): { deployments: GeneratedDeployment[]; incidents: GeneratedIncident[] } {
  const random = prng(seed);
  const used = new Set<number>();
  /** A time in the window, whole seconds, never used before (so no two finishes tie). */
  const instant = (from = START, span = DAYS * 24 * HOUR) => {
    for (;;) {
      const at = from + Math.floor((random() * span) / 1000) * 1000;
      if (!used.has(at)) {
        used.add(at);
        return at;
      }
    }
  };
  const deployments: GeneratedDeployment[] = [];
  const environments = ["production", "Production", "prod-eu", "staging", "preprod"];
  for (let i = 0; i < 150; i++) {
    const repository = RANDOM_REPOS[i % RANDOM_REPOS.length]!;
    const createdAt = instant();
    const roll = random();
    const status = roll < 0.78 ? "success" : roll < 0.95 ? "failure" : "in_progress";
    deployments.push({
      id: `dep-${1000 + i}`,
      repository,
      environment: environments[Math.floor(random() * environments.length)]!,
      commit: sha(`generated-${i}`),
      status,
      createdAt,
      finishedAt: status === "in_progress" ? null : createdAt + (2 + Math.floor(random() * 40)) * 60_000,
      url: random() < 0.5 ? `https://deploy.example.com/runs/${1000 + i}` : null,
    });
  }
  const incidents: GeneratedIncident[] = [];
  const titles = [
    "Checkout errors",
    'Latency on "search", EU',
    '=HYPERLINK("http://evil.example","click")',
    "+1 page for payments",
    "Two lines:\nfirst, then second",
    "<script>alert(1)</script>",
  ];
  for (let i = 0; i < 70; i++) {
    const createdAt = instant(START + 2 * 24 * HOUR, (DAYS - 3) * 24 * HOUR);
    const repository = RANDOM_REPOS[Math.floor(random() * RANDOM_REPOS.length)]!;
    const byTeam = random() < 0.3;
    let reference: string | null = null;
    const refRoll = random();
    if (refRoll < 0.25) {
      const earlier = deployments.filter((d) => d.finishedAt !== null && d.finishedAt < createdAt);
      const target = earlier[Math.floor(random() * earlier.length)];
      if (target) reference = random() < 0.5 || !target.url ? target.id : target.url;
    }
    incidents.push({
      id: `INC-${500 + i}`,
      title: titles[i % titles.length]!,
      repository: byTeam ? null : repository,
      team: byTeam ? teamOf(repository) : random() < 0.3 ? teamOf(repository) : null,
      createdAt,
      resolvedAt: random() < 0.85 ? createdAt + Math.floor(random() * 48 * 60) * 60_000 + 60_000 : null,
      reference,
      severity: ["SEV1", "SEV2", "SEV3"][Math.floor(random() * 3)]!,
    });
  }
  return { deployments, incidents };
}

/** RFC 4180 field: quoted when it holds a comma, a quote or a line break. */
const csvField = (value: string | null) =>
  value === null ? "" : /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

function deploymentsCsv(deployments: readonly GeneratedDeployment[], random: () => number): string {
  const header = "id,repository,environment,commit_sha,status,created_at,finished_at,url";
  const lines = deployments.map((d) =>
    [
      d.id,
      d.repository,
      d.environment,
      d.commit.toUpperCase(),
      d.status === "success" && random() < 0.2 ? "SUCCESS" : d.status,
      written(d.createdAt, random),
      d.finishedAt === null ? null : written(d.finishedAt, random),
      d.url,
    ]
      .map(csvField)
      .join(","),
  );
  // A spreadsheet's export: byte order mark and CRLF.
  return `\ufeff${[header, ...lines].join("\r\n")}\r\n`;
}

function incidentsCsv(incidents: readonly GeneratedIncident[], random: () => number): string {
  const header = "Title,id,created_at,resolved_at,severity,repository,team,reference";
  const lines = incidents.map((i) =>
    [
      i.title,
      i.id,
      written(i.createdAt, random),
      i.resolvedAt === null ? null : written(i.resolvedAt, random),
      i.severity,
      i.repository,
      i.team,
      i.reference,
    ]
      .map(csvField)
      .join(","),
  );
  return `${[header, ...lines].join("\n")}\n`;
}

// ---- The commit-history repository (hand-made) -------------------------------------------------------------

const CHAIN = "acme/chain";
const at = (day: number, time: string) => `2026-10-${String(day).padStart(2, "0")}T${time}:00Z`;
const c = {
  c0: sha("chain-0"),
  c1: sha("chain-1"),
  c2: sha("chain-2"),
  c3: sha("chain-3"),
  c4: sha("chain-4"),
};
// c0 ← c1 (#1) ← c2 (#2) ← c3 (#3) ← c4 (#4), squash merges; deployed at c2 (chain-a) and at c4 (chain-b).
const CHAIN_DEPLOYMENTS: GeneratedDeployment[] = [
  {
    id: "chain-a",
    repository: CHAIN,
    environment: "production",
    commit: c.c2,
    status: "success",
    createdAt: Date.parse(at(6, "10:00")),
    finishedAt: Date.parse(at(6, "10:10")),
    url: null,
  },
  {
    id: "chain-b",
    repository: CHAIN,
    environment: "production",
    commit: c.c4,
    status: "success",
    createdAt: Date.parse(at(12, "10:00")),
    finishedAt: Date.parse(at(12, "10:20")),
    url: "https://deploy.example.com/chain/b",
  },
];
/** Its id is untrusted text a page must escape. */
const CHAIN_INCIDENT: GeneratedIncident = {
  id: "<b>INC</b>-chain&1",
  title: "Chain broke",
  repository: CHAIN,
  team: null,
  createdAt: Date.parse(at(13, "08:00")),
  resolvedAt: Date.parse(at(13, "09:30")),
  reference: "chain-b",
  severity: "SEV2",
};

/** Before any deployment could have finished: linked to nothing. */
const EARLY_INCIDENT: GeneratedIncident = {
  id: "INC-early",
  title: "Before everything",
  repository: "acme/web",
  team: null,
  createdAt: START + 60_000,
  resolvedAt: START + 2 * HOUR,
  reference: null,
  severity: "SEV3",
};
const HAND_INCIDENTS = [CHAIN_INCIDENT, EARLY_INCIDENT];

function chainLake(): Extraction {
  const night = new Extraction("github-1", new Date(at(20, "02:00")));
  night.repository(repositoryNode(CHAIN, { headOid: c.c4 }));
  for (const repository of RANDOM_REPOS) night.repository(repositoryNode(repository));
  const parents: [string, string | null, number][] = [
    [c.c0, null, 0],
    [c.c1, c.c0, 1],
    [c.c2, c.c1, 2],
    [c.c3, c.c2, 3],
    [c.c4, c.c3, 4],
  ];
  night.branchCommits(
    CHAIN,
    "main",
    ...parents.map(([oid, parent, n]) =>
      branchCommitNode({
        oid,
        parents: parent ? [parent] : [],
        committedDate: at(1 + 2 * n, "09:00"),
        associatedPullRequest: n > 0 ? { id: `PR_${CHAIN}#${n}`, number: n } : null,
      }),
    ),
  );
  for (let n = 1; n <= 4; n++) {
    const merge = [c.c1, c.c2, c.c3, c.c4][n - 1]!;
    night.pullRequest(
      pullRequestNode({
        repository: CHAIN,
        number: n,
        createdAt: at(2 * n - 1, "08:00"),
        mergedAt: at(1 + 2 * n, "09:00"),
        mergeCommitOid: merge,
        // #3 is AI-assisted, so the monthly review lists it among the AI work shipped with an incident.
        commits: [
          commitNode({
            oid: sha(`chain-head-${n}`),
            authoredDate: at(2 * n - 1, "07:00"),
            message: n === 3 ? "Change\n\nCo-authored-by: Claude <noreply@anthropic.com>" : "Change",
          }),
        ],
      }),
    );
  }
  return night;
}

// ---- The expected values, from the generator -------------------------------------------------------------

const month = (t: number) => `${new Date(t).toISOString().slice(0, 7)}-01`;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

interface Expected {
  /** metric → period → value (null: insufficient data) */
  values: Map<string, Map<string, number | null>>;
  links: Map<string, { deployment: string | null; method: string | null }>;
}

function expected(
  deployments: readonly GeneratedDeployment[],
  incidents: readonly GeneratedIncident[],
): Expected {
  const fullId = (d: GeneratedDeployment) => `file:${d.id}`;
  const successfulProduction = deployments.filter(
    (d) => d.status === "success" && PRODUCTION.test(d.environment) && d.finishedAt !== null,
  );
  const links = new Map<string, { deployment: string | null; method: string | null }>();
  for (const i of incidents) {
    const named = i.reference
      ? deployments.find((d) => d.id === i.reference || d.url === i.reference)
      : undefined;
    if (named) {
      links.set(i.id, { deployment: fullId(named), method: "root_cause_deployment" });
      continue;
    }
    const repositories = i.repository ? [i.repository] : TEAMS.find((t) => t.name === i.team)!.repos;
    const before = successfulProduction
      .filter((d) => repositories.includes(d.repository) && d.finishedAt! < i.createdAt)
      .sort((a, b) => b.finishedAt! - a.finishedAt!)[0];
    links.set(
      i.id,
      before ? { deployment: fullId(before), method: "latest_before" } : { deployment: null, method: null },
    );
  }
  const linkedCount = new Map<string, number>();
  for (const link of links.values())
    if (link.deployment) linkedCount.set(link.deployment, (linkedCount.get(link.deployment) ?? 0) + 1);

  const values = new Map<string, Map<string, number | null>>();
  const put = (metric: string, period: string, value: number | null) => {
    if (!values.has(metric)) values.set(metric, new Map());
    values.get(metric)!.set(period, value);
  };
  const byMonth = <T>(items: readonly T[], time: (item: T) => number) => {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const key = month(time(item));
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    return groups;
  };
  for (const [period, group] of byMonth(successfulProduction, (d) => d.finishedAt!)) {
    put("deployments", period, group.length);
    const days = new Set(group.map((d) => day(d.finishedAt!))).size;
    put("deployment_days", period, days);
    const [y, m] = period.split("-").map(Number) as [number, number];
    put("deployment_days_per_week", period, (days / new Date(Date.UTC(y, m, 0)).getUTCDate()) * 7);
    const failures = group.filter((d) => (linkedCount.get(fullId(d)) ?? 0) > 0).length;
    put("change_failure_rate", period, group.length >= 5 ? failures / group.length : null);
  }
  const resolved = incidents.filter((i) => i.resolvedAt !== null);
  const isChangeFailure = (i: GeneratedIncident) => {
    const target = links.get(i.id)?.deployment;
    return successfulProduction.some((d) => fullId(d) === target);
  };
  for (const [period, group] of byMonth(resolved, (i) => i.resolvedAt!)) {
    const hours = group.map((i) => (i.resolvedAt! - i.createdAt) / HOUR);
    put("time_to_restore_p50", period, hours.length >= 5 ? median(hours) : null);
    const failed = group.filter(isChangeFailure).map((i) => (i.resolvedAt! - i.createdAt) / HOUR);
    if (failed.length > 0)
      put("failed_deployment_recovery_time_p50", period, failed.length >= 5 ? median(failed) : null);
  }
  return { values, links };
}

// ---- The suite -----------------------------------------------------------------------------------------------

const DORA = [
  "deployments",
  "deployment_days",
  "deployment_days_per_week",
  "change_failure_rate",
  "failed_deployment_recovery_time_p50",
  "time_to_restore_p50",
];

describe("deployments and incidents imported from files", () => {
  const generated = generate(12);
  const deployments = [...generated.deployments, ...CHAIN_DEPLOYMENTS];
  const incidents = [...generated.incidents, ...HAND_INCIDENTS];
  let work: string;
  let configFile: string;
  let warehouse: string;
  const imports: { code: number | null; stdout: string; stderr: string }[] = [];

  beforeAll(async () => {
    await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
    work = mkdtempSync(join(tmpdir(), "ys-import-dora-"));
    configFile = join(work, "yardstick.yaml");
    writeFileSync(
      configFile,
      `dataDir: ./data\ngithub:\n  orgs: [acme]\nteams:\n${TEAMS.map((t) => `  - name: ${t.name}\n    members: [${t.members.join(", ")}]\n    repos: [${t.repos.join(", ")}]`).join("\n")}\n`,
    );
    const config = loadConfig(configFile);
    await chainLake().land(join(config.dataDir, "lake"));
    const random = prng(99);
    writeFileSync(join(work, "argocd.csv"), deploymentsCsv(generated.deployments, random));
    writeFileSync(
      join(work, "chain.ndjson"),
      CHAIN_DEPLOYMENTS.map((d) =>
        JSON.stringify({
          id: d.id,
          repository: d.repository,
          environment: d.environment,
          commit_sha: d.commit,
          status: d.status,
          created_at: new Date(d.createdAt).toISOString(),
          finished_at: new Date(d.finishedAt!).toISOString(),
          url: d.url,
        }),
      ).join("\n"),
    );
    writeFileSync(join(work, "incidents.csv"), incidentsCsv(incidents, random));
    imports.push(
      yardstick(["import", "deployments", join(work, "argocd.csv"), "--config", configFile]),
      yardstick(["import", "deployments", join(work, "chain.ndjson"), "--config", configFile]),
      yardstick(["import", "incidents", join(work, "incidents.csv"), "--config", configFile]),
    );
    if (imports.some((r) => r.code !== 0)) return;
    const built = await buildWarehouse({
      config,
      root: ROOT,
      logger: createMemoryLogger(),
      runId: "import-dora",
    });
    warehouse = built.warehousePath;
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("imports every row of the three files", () => {
    expect(imports.map((r) => r.stderr)).toEqual(["", "", ""]);
    expect(imports.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(imports[0]!.stdout).toContain(
      `${generated.deployments.length} rows: ${generated.deployments.length} new`,
    );
    expect(imports[2]!.stdout).toContain(`${incidents.length} rows: ${incidents.length} new`);
  });

  it("computes the DORA metrics of metrics.yaml from the imported rows as the generator's truth says", async () => {
    const truth = expected(deployments, incidents);
    const rows = await evaluateMetrics({
      warehousePath: warehouse,
      metrics: METRICS,
      names: DORA,
      by: [],
      grain: "month",
    });
    const actual = (metric: string) =>
      new Map(
        rows
          .filter((r: MetricRow) => r.metric === metric)
          .map((r) => [r.period, r.insufficient ? null : r.value] as const),
      );
    for (const metric of DORA) {
      const want = truth.values.get(metric) ?? new Map();
      const got = actual(metric);
      expect([...got.keys()].sort(), metric).toEqual([...want.keys()].sort());
      for (const [period, value] of want) {
        if (value === null) expect(got.get(period), `${metric} ${period}`).toBeNull();
        else expect(got.get(period), `${metric} ${period}`).toBeCloseTo(value, 9);
      }
    }
    // The generator's data reaches every month with enough rows for a value, not only "insufficient data".
    expect(truth.values.get("change_failure_rate")!.size).toBe(3);
    expect([...truth.values.get("time_to_restore_p50")!.values()].every((v) => v !== null)).toBe(true);
  });

  it("links every imported incident as the generator's rule says, with the method recorded", async () => {
    const truth = expected(deployments, incidents);
    const rows = await withDb(warehouse, "read_only", (db) =>
      db.all<{
        external_id: string;
        deployment_id: string | null;
        link_method: string | null;
        source: string;
      }>("select external_id, deployment_id, link_method, source from fct_incidents"),
    );
    expect(rows.every((r) => r.source === "file")).toBe(true);
    const got = Object.fromEntries(
      rows.map((r) => [r.external_id, { deployment: r.deployment_id, method: r.link_method }]),
    );
    expect(got).toEqual(Object.fromEntries(truth.links));
    // Each way of linking is exercised.
    const methods = new Set([...truth.links.values()].map((l) => l.method));
    expect(methods).toEqual(new Set(["root_cause_deployment", "latest_before", null]));
  });

  it("keeps every imported text as written, formula-like text included, and times in UTC", async () => {
    const rows = await withDb(warehouse, "read_only", (db) =>
      db.all<{
        external_id: string;
        title: string;
        team: string;
        started_at: string;
        repository: string | null;
      }>(
        `select external_id, title, team, strftime(started_at, '%Y-%m-%dT%H:%M:%S') as started_at, repository
         from fct_incidents order by external_id`,
      ),
    );
    const want = incidents
      .map((i) => ({
        external_id: i.id,
        title: i.title,
        team: i.team ?? teamOf(i.repository!),
        started_at: new Date(i.createdAt).toISOString().slice(0, 19),
        repository: i.repository,
      }))
      .sort((a, b) => (a.external_id < b.external_id ? -1 : 1));
    expect(rows).toEqual(want);
  });

  it("records the source of every deployment: 'file' with the tool's id", async () => {
    const rows = await withDb(warehouse, "read_only", (db) =>
      db.all<{ source: string; n: number; with_id: number }>(
        "select source, count(*)::integer as n, count(external_id)::integer as with_id from fct_deployments group by source",
      ),
    );
    expect(rows).toEqual([{ source: "file", n: deployments.length, with_id: deployments.length }]);
  });

  it("ships pull requests with an imported deployment and marks them shipped with the imported incident", async () => {
    const rows = await withDb(warehouse, "read_only", (db) =>
      db.all<{ number: number; production_deployment_id: string | null; shipped_with_incident: boolean }>(
        `select number, production_deployment_id, shipped_with_incident
         from fct_pull_requests where repository = ? order by number`,
        [CHAIN],
      ),
    );
    expect(rows).toEqual([
      { number: 1, production_deployment_id: "file:chain-a", shipped_with_incident: false },
      { number: 2, production_deployment_id: "file:chain-a", shipped_with_incident: false },
      { number: 3, production_deployment_id: "file:chain-b", shipped_with_incident: true },
      { number: 4, production_deployment_id: "file:chain-b", shipped_with_incident: true },
    ]);
  });

  it("names an imported incident by its id, HTML-escaped, among the AI work shipped with an incident", async () => {
    const paths = dataPaths(join(work, "data"));
    const site = await buildDashboards({
      warehousePath: warehouse,
      metricsFile: METRICS,
      siteDir: paths.site,
      reviewsDir: paths.reviews,
      ledgerFile: paths.ledger,
      now: new Date("2026-12-02T00:00:00Z"),
      logger: createMemoryLogger(),
    });
    const page = readFileSync(site.reviewPages.get("2026-10")!, "utf8");
    expect(page).toContain(`${CHAIN}#3`);
    expect(page).toContain("incident &lt;b&gt;INC&lt;/b&gt;-chain&amp;1");
    expect(page).not.toContain("<b>INC</b>");

    // Each import is the files source's reading in the run ledger; data.html shows its freshness beside GitHub's.
    const imported = readLedger(paths.ledger).filter((e) => e.stage === "import");
    expect(imported.map((e) => [e.status, e.details?.kind, e.details?.file, e.details?.added])).toEqual([
      ["ok", "deployments", "argocd.csv", generated.deployments.length],
      ["ok", "deployments", "chain.ndjson", CHAIN_DEPLOYMENTS.length],
      ["ok", "incidents", "incidents.csv", incidents.length],
    ]);
    const data = readFileSync(join(paths.site, "data.html"), "utf8");
    const row = /<tr data-source="files">(.*?)<\/tr>/.exec(data)?.[1] ?? "";
    expect(row).toContain("Imported files");
    expect(row).toContain(`ok, ${formatInstant(imported[2]!.endedAt)}`);
    expect(row).not.toContain("no data");
    expect(data).toContain('<tr data-source="github">');
    // Incident links per source: every imported incident, linked as the generator's rule says.
    const truth = expected(deployments, incidents);
    const linked = [...truth.links.values()].filter((l) => l.method !== null).length;
    const links = /<tr data-incident-source="file">(.*?)<\/tr>/.exec(data)?.[1] ?? "";
    const cells = [...links.matchAll(/<td class="num">([^<]*)/g)].map((m) => m[1]!.trim());
    expect(cells[0]).toBe(formatCount(incidents.length));
    expect(links).toContain(`${formatCount(linked)} of ${formatCount(incidents.length)}`);
    // The review's data-trust section says the same, source by source.
    const trust = /<section[^>]*id="data-trust"[\s\S]*?<\/section>/.exec(page)?.[0] ?? "";
    const bySource = /Incidents linked to a deployment, by source[\s\S]*?<\/table>/.exec(trust)?.[0] ?? "";
    expect(bySource).toContain("Imported files");
    expect(bySource).toContain(`${formatCount(linked)} of ${formatCount(incidents.length)}`);
  });

  it("changes nothing in the lake when the same files are imported again", () => {
    const lake = join(work, "data", "lake");
    const before = snapshot(lake);
    const again = [
      yardstick(["import", "deployments", join(work, "argocd.csv"), "--config", configFile]),
      yardstick(["import", "incidents", join(work, "incidents.csv"), "--config", configFile]),
    ];
    expect(again.map((r) => r.code)).toEqual([0, 0]);
    expect(again[0]!.stdout).toContain(
      `0 new, 0 changed, ${generated.deployments.length} already imported; nothing new to write`,
    );
    expect(snapshot(lake)).toEqual(before);
  });

  it("lands only the changed row when an export is imported again with one incident resolved", () => {
    const open = generated.incidents.find((i) => i.resolvedAt === null)!;
    const later = generated.incidents.map((i) =>
      i === open ? { ...i, resolvedAt: i.createdAt + 3 * HOUR } : i,
    );
    const file = join(work, "incidents-later.csv");
    writeFileSync(file, incidentsCsv([...later, ...HAND_INCIDENTS], prng(5)));
    const result = yardstick(["import", "incidents", file, "--config", configFile]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(
      `${incidents.length} rows: 0 new, 1 changed, ${incidents.length - 1} already imported`,
    );
  });
});

/** Every file under a folder with its bytes, by relative path. */
function snapshot(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, snapshot(path, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(path).toString("base64");
  }
  return out;
}
