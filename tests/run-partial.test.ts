/**
 * `yardstick run` with one request that fails for good: the run reads everything else, builds the warehouse,
 * publishes pages that say what is missing, records the extraction as partial and exits 1; the next run
 * without the fault fills the gap, and the warehouse is then what a clean run gives.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { dataPaths } from "../core/config.ts";
import { readLedger } from "../jobs/run-ledger.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { allFiles } from "./helpers/lake.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN = "ghp_runPartialTokenNeverWrittenAnywhere0042";

/** Columns that say when or by which run a row was made, not what it says. */
// When a run read or built something (rpt_link_coverage_by_source.last_read_at is the newest extraction).
const RUN_COLUMNS = new Set([
  "extracted_at",
  "_extracted_at",
  "run_id",
  "_run_id",
  "built_at",
  "last_read_at",
]);

describe("yardstick run when one stream of one repository cannot be read", () => {
  const org = generateOrg({ seed: 23, repositories: 4, pullRequests: 300 });
  const repos = org.dataset.repositories.map((r) => `${r.owner}/${r.name}`).sort();
  const broken = repos[2]!;
  let sim: Simulator;
  let cleanDir: string;
  let dir: string;

  const configure = (dataDir: string) =>
    writeFileSync(
      join(dataDir, "yardstick.yaml"),
      stringify({
        dataDir: ".",
        github: {
          url: sim.url,
          tokenEnv: "PARTIAL_TOKEN",
          orgs: [org.dataset.repositories[0]!.owner],
          discovery: "scan",
          requestIntervalMs: 0,
        },
        teams: org.teams,
      }),
    );

  function runCli(dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, "bin", "yardstick.js"),
          "run",
          "--config",
          join(dataDir, "yardstick.yaml"),
          "--metrics",
          join(ROOT, "metrics.yaml"),
        ],
        { env: { PATH: process.env.PATH ?? "", TZ: "UTC", PARTIAL_TOKEN: TOKEN }, stdio: "pipe" },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c) => {
        stdout += c;
      });
      child.stderr.on("data", (c) => {
        stderr += c;
      });
      child.on("error", fail);
      child.on("exit", (code) => done({ code, stdout, stderr }));
    });
  }

  /** Every mart, row by row, without the columns that only say when or by which run it was built. */
  async function marts(dataDir: string): Promise<Record<string, unknown[]>> {
    return withDb(dataPaths(dataDir).warehouse, "read_only", async (db) => {
      const columns = await db.all<{ table_name: string; column_name: string }>(
        `select table_name, column_name from information_schema.columns
         where table_schema = 'main' and regexp_matches(table_name, '^(fct|dim|rpt)_')
         order by table_name, ordinal_position`,
      );
      const out: Record<string, unknown[]> = {};
      for (const table of [...new Set(columns.map((c) => c.table_name))]) {
        const kept = columns
          .filter((c) => c.table_name === table && !RUN_COLUMNS.has(c.column_name))
          .map((c) => `"${c.column_name}"`);
        out[table] = await db.all(`select ${kept.join(", ")} from "${table}" order by all`);
      }
      return out;
    });
  }

  /** The live pages of the published site (a frozen review keeps the bytes it was frozen with). */
  const livePages = (dataDir: string) =>
    allFiles(dataPaths(dataDir).site)
      .filter((f) => f.endsWith(".html"))
      .filter((f) => !readFileSync(f, "utf8").includes("Final: frozen"));

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN] });
    cleanDir = mkdtempSync(join(tmpdir(), "ys-run-clean-"));
    dir = mkdtempSync(join(tmpdir(), "ys-run-partial-"));
    configure(cleanDir);
    configure(dir);
    const clean = await runCli(cleanDir);
    expect(clean.code, clean.stderr).toBe(0);
  }, 900_000);
  afterAll(async () => {
    await sim.close();
  });

  it("builds and publishes the rest, says what is missing on every live page, and exits 1", async () => {
    // Every page of the broken repository's pull requests fails, whatever the retries.
    sim.setFaults({
      rules: [
        {
          kind: "connection_reset",
          operation: "RepoPullRequests",
          variables: { name: broken.split("/")[1] },
        },
      ],
    });
    let result: Awaited<ReturnType<typeof runCli>>;
    try {
      result = await runCli(dir);
    } finally {
      sim.setFaults(null);
    }
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`extraction incomplete: pull_requests of ${broken} could not be read`);
    expect(result.stderr).toContain(`incomplete: pull_requests of ${broken} could not be read (`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace

    const entries = readLedger(dataPaths(dir).ledger);
    expect(entries.map((e) => `${e.stage}:${e.status}`)).toEqual([
      "extract:partial",
      "build:ok",
      "metrics:ok",
      "dashboards:ok",
    ]);
    expect(entries[0]!.details?.incomplete).toEqual([
      {
        source: "github",
        stream: "pull_requests",
        partition: broken,
        reason: expect.stringMatching(/RepoPullRequests/),
      },
    ]);
    // The source's own outcome, for freshness source by source.
    expect(entries[0]!.details?.sources).toEqual({
      github: { status: "partial", requests: entries[0]!.details?.requests },
    });

    // The other repositories' pull requests, and every other stream, are in the warehouse as a clean run has them.
    const clean = await marts(cleanDir);
    const partial = await marts(dir);
    const prs = (rows: unknown[]) => rows as { repository: string }[];
    expect(prs(partial.fct_pull_requests!).some((r) => r.repository === broken)).toBe(false);
    expect(partial.fct_pull_requests).toEqual(
      prs(clean.fct_pull_requests!).filter((r) => r.repository !== broken),
    );
    // Deployments are all there; only the broken repository's count the pull requests they shipped short.
    expect(partial.fct_deployments!.length).toBe(clean.fct_deployments!.length);
    expect(prs(partial.fct_deployments!).filter((r) => r.repository !== broken)).toEqual(
      prs(clean.fct_deployments!).filter((r) => r.repository !== broken),
    );
    expect(partial.fct_incidents!.length).toBe(clean.fct_incidents!.length);

    const pages = livePages(dir);
    expect(pages.map((p) => relative(dataPaths(dir).site, p))).toEqual(
      expect.arrayContaining(["index.html", "data.html", "overview.html", "definitions.html"]),
    );
    const note = new RegExp(
      `<strong>Incomplete:</strong> pull_requests of ${broken} could not be read on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC; the next run fills the gap\\.`,
    );
    for (const page of pages) expect(readFileSync(page, "utf8"), page).toMatch(note);
    const data = readFileSync(join(dataPaths(dir).site, "data.html"), "utf8");
    expect(data).toContain(`<th scope="row">pull_requests</th><td>${broken}</td>`);
  }, 900_000);

  it("fills the gap on the next run: the warehouse equals a clean run's and the pages no longer say incomplete", async () => {
    const result = await runCli(dir);
    expect(result.code, result.stderr).toBe(0);
    expect(await marts(dir)).toEqual(await marts(cleanDir));
    for (const page of livePages(dir)) expect(readFileSync(page, "utf8"), page).not.toContain("Incomplete:");
    const data = readFileSync(join(dataPaths(dir).site, "data.html"), "utf8");
    expect(data).toContain("None: the latest extraction read everything it set out to read.");
    expect(existsSync(dataPaths(dir).warehouse)).toBe(true);
    expect(readdirSync(dataPaths(dir).site).length).toBeGreaterThan(0);
  }, 900_000);
});
