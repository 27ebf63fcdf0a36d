/**
 * Quiet nights are cheap: `yardstick run` (a real subprocess against the real HTTP simulator) skips dbt when
 * nothing the published warehouse was built from has changed, says so in its log and in the run ledger, keeps
 * the warehouse file as it was and still publishes the pages; a changed team, a changed organisation on
 * GitHub or --force-build build again.
 */

import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { dataPaths } from "../core/config.ts";
import { type LedgerEntry, readLedger } from "../jobs/run-ledger.ts";
import { evolveOrg } from "../simulator/org-evolver.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import {
  computeBuildFingerprint,
  whyRebuild,
  writePublishedFingerprint,
} from "../warehouse/build-fingerprint.ts";
import { buildInputPaths, writeBuildInputs } from "../warehouse/build-inputs.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { yardstick } from "./helpers/yardstick-cli.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN = "ghp_quietNightTokenNeverWrittenAnywhere07";

function yardstickRun(configFile: string, extra: string[] = []) {
  return yardstick(["run", "--config", configFile, "--metrics", join(ROOT, "metrics.yaml"), ...extra], {
    QUIET_TOKEN: TOKEN,
  });
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("a quiet night", () => {
  const org = generateOrg({ seed: 33, pullRequests: 60, days: 30 });
  let sim: Simulator;
  let dataDir: string;
  let configFile: string;
  const teams = structuredClone(org.teams);
  const writeConfig = () =>
    writeFileSync(
      configFile,
      stringify({
        dataDir: ".",
        github: {
          url: sim.url,
          tokenEnv: "QUIET_TOKEN",
          orgs: [org.dataset.repositories[0]!.owner],
          requestIntervalMs: 0,
        },
        teams,
      }),
    );
  const ledgerOf = (stdoutOrStderr: string): LedgerEntry[] => {
    const runId = /run (\S+) done/.exec(stdoutOrStderr)?.[1];
    expect(runId, stdoutOrStderr).toBeDefined();
    return readLedger(dataPaths(dataDir).ledger).filter((e) => e.runId === runId);
  };
  const stages = (entries: LedgerEntry[]) => entries.map((e) => `${e.stage}:${e.status}`);

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN] });
    dataDir = mkdtempSync(join(tmpdir(), "ys-quiet-"));
    configFile = join(dataDir, "yardstick.yaml");
    writeConfig();
    const first = await yardstickRun(configFile);
    expect(first.code, first.stderr).toBe(0);
    expect(stages(ledgerOf(first.stderr))).toEqual(["extract:ok", "build:ok", "metrics:ok", "dashboards:ok"]);
  }, 1_200_000);
  afterAll(async () => {
    await sim.close();
  });

  it("skips dbt, keeps the warehouse file and still publishes the pages when nothing changed", async () => {
    const warehouse = dataPaths(dataDir).warehouse;
    const before = { hash: sha256(warehouse), mtimeMs: statSync(warehouse).mtimeMs };
    const quiet = await yardstickRun(configFile);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toMatch(
      /build: skipped: nothing changed since run \S+ built the published warehouse/,
    );
    expect(quiet.stderr).not.toContain("dbt build into");
    const entries = ledgerOf(quiet.stderr);
    expect(stages(entries)).toEqual(["extract:ok", "build:skipped", "metrics:ok", "dashboards:ok"]);
    expect(entries[0]!.rows?.pull_requests).toBe(0);
    expect(String(entries[1]!.details?.reason)).toMatch(/^nothing changed since run /);
    expect({ hash: sha256(warehouse), mtimeMs: statSync(warehouse).mtimeMs }).toEqual(before);
    // The pages were rendered again from the kept warehouse and published.
    const pages = quiet.stdout.trim().split("\n");
    expect(pages.some((p) => p.endsWith("index.html"))).toBe(true);
    for (const page of pages) expect(existsSync(page), page).toBe(true);
  }, 1_200_000);

  it("builds again when a team changes in yardstick.yaml, and the warehouse shows the change", async () => {
    // One member of the first team moves to the second.
    const authors = new Set(org.dataset.pullRequests.map((pr) => pr.author?.login));
    const moved = teams[0]!.members.find((m) => authors.has(m))!;
    teams[0]!.members = teams[0]!.members.filter((m) => m !== moved);
    teams[1]!.members.push(moved);
    writeConfig();
    const changed = await yardstickRun(configFile);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stderr).toMatch(
      /build: building: changed since the published warehouse: the teams or metrics\.yaml definitions/,
    );
    expect(stages(ledgerOf(changed.stderr))).toEqual([
      "extract:ok",
      "build:ok",
      "metrics:ok",
      "dashboards:ok",
    ]);
    // dim_authors is a table: it shows the move only if dbt ran (a view would read the new inputs anyway).
    const [row] = await withDb(dataPaths(dataDir).warehouse, "read_only", (db) =>
      db.all<{ team: string }>("select team from dim_authors where lower(login) = lower($login)", {
        login: moved,
      }),
    );
    expect(row?.team).toBe(teams[1]!.name);
  }, 1_200_000);

  it("builds again when the organisation moves on GitHub, and skips the night after", async () => {
    // The organisation moves on up to now: updates to existing pull requests come after the last run's cursor.
    const later = evolveOrg(org, { at: new Date(), newPullRequests: 3 });
    sim.setDataset(later.dataset);
    const night = await yardstickRun(configFile);
    expect(night.code, night.stderr).toBe(0);
    expect(night.stderr).toMatch(
      /build: building: changed since the published warehouse: the lake \(\d+ → \d+ batch files; new data in [^)]*github\/pull_requests/,
    );
    const entries = ledgerOf(night.stderr);
    expect(entries[0]!.rows?.pull_requests).toBeGreaterThan(0);
    expect(stages(entries)).toEqual(["extract:ok", "build:ok", "metrics:ok", "dashboards:ok"]);

    const quiet = await yardstickRun(configFile);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(stages(ledgerOf(quiet.stderr))).toEqual([
      "extract:ok",
      "build:skipped",
      "metrics:ok",
      "dashboards:ok",
    ]);
  }, 1_200_000);

  it("builds anyway with --force-build", async () => {
    const warehouse = dataPaths(dataDir).warehouse;
    const before = statSync(warehouse).ino;
    const forced = await yardstickRun(configFile, ["--force-build"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain("build: building: nothing changed, but a build was asked for");
    expect(stages(ledgerOf(forced.stderr))).toEqual([
      "extract:ok",
      "build:ok",
      "metrics:ok",
      "dashboards:ok",
    ]);
    expect(statSync(warehouse).ino).not.toBe(before);
  }, 1_200_000);
});

describe("the build fingerprint", () => {
  it("changes in exactly the part that changed: a lake batch, a team, a dbt model, the Python environment", async () => {
    // A root of its own holding a copy of the dbt project, so that a model can be edited.
    const root = mkdtempSync(join(tmpdir(), "ys-fingerprint-root-"));
    cpSync(join(ROOT, "package.json"), join(root, "package.json"));
    cpSync(join(ROOT, "dbt_project.yml"), join(root, "dbt_project.yml"));
    cpSync(join(ROOT, "models"), join(root, "models"), { recursive: true });
    cpSync(join(ROOT, "requirements.txt"), join(root, "requirements.txt"));
    const lake = join(root, "data", "lake");
    const stream = join(lake, "raw", "github", "pull_requests");
    mkdirSync(stream, { recursive: true });
    await withDb(":memory:", "read_write", (db) =>
      db.run(`copy (select 'PR_1' as pull_request_id) to '${join(stream, "b-1.parquet")}' (format parquet)`),
    );
    const inputsDir = join(root, "data", "build", "inputs");
    const team = { name: "core", members: ["ada"], repos: [] as string[] };
    const fingerprint = async () => {
      await writeBuildInputs({ teams: [team] }, inputsDir);
      return computeBuildFingerprint({ root, lake, inputsDir, inputs: buildInputPaths(inputsDir) }).parts;
    };
    const base = await fingerprint();
    expect(await fingerprint()).toEqual(base);

    const differs = (a: typeof base, b: typeof base) =>
      (Object.keys(a) as (keyof typeof base)[]).filter((k) => a[k] !== b[k]);

    // A temporary a writer is still filling (a dot name) is not part of the lake.
    writeFileSync(join(stream, ".b-2.parquet.tmp"), "half");
    expect(differs(base, await fingerprint())).toEqual([]);
    cpSync(join(stream, "b-1.parquet"), join(stream, "b-2.parquet"));
    const withBatch = await fingerprint();
    expect(differs(base, withBatch)).toEqual(["lake"]);
    // A batch rewritten in place (same name and size) still counts as a change.
    utimesSync(join(stream, "b-2.parquet"), new Date(), new Date(Date.now() + 5_000));
    const touched = await fingerprint();
    expect(differs(withBatch, touched)).toEqual(["lake"]);

    team.members.push("grace");
    const withMember = await fingerprint();
    expect(differs(touched, withMember)).toEqual(["inputs"]);

    writeFileSync(
      join(root, "models", "staging", "github", "stg_github__pull_requests.sql"),
      `${readFileSync(join(root, "models", "staging", "github", "stg_github__pull_requests.sql"), "utf8")}\n-- edited\n`,
    );
    const withModel = await fingerprint();
    expect(differs(withMember, withModel)).toEqual(["dbt"]);

    writeFileSync(join(root, "requirements.txt"), "dbt-core==0.0.0\n");
    expect(differs(withModel, await fingerprint())).toEqual(["python"]);
  });

  it("keeps the warehouse for batches that restate the latest extraction, not for new or reverted content", async () => {
    const root = mkdtempSync(join(tmpdir(), "ys-fingerprint-restate-"));
    cpSync(join(ROOT, "package.json"), join(root, "package.json"));
    const lake = join(root, "lake");
    const stream = join(lake, "raw", "github", "repositories");
    mkdirSync(stream, { recursive: true });
    const batch = (name: string, at: string, pushedAt: string) =>
      withDb(":memory:", "read_write", (db) =>
        db.run(
          `copy (select 'R_1' as repository_id, 'acme/api' as repository, timestamp '${pushedAt}' as pushed_at,
                        '${name}' as _run_id, timestamp '${at}' as _extracted_at,
                        '{"pushedAt":"${pushedAt}"}'::json as payload)
           to '${join(stream, `${name}.parquet`)}' (format parquet)`,
        ),
      );
    await batch("n1", "2026-11-01 02:00:00", "2026-10-30 10:00:00");
    const inputsDir = join(root, "inputs");
    await writeBuildInputs({ teams: [] }, inputsDir);
    const fingerprint = () =>
      computeBuildFingerprint({ root, lake, inputsDir, inputs: buildInputPaths(inputsDir) });
    // A stand-in for the published warehouse: the fingerprint only looks at the file's identity.
    const warehouse = join(root, "warehouse.duckdb");
    writeFileSync(warehouse, "warehouse");
    writePublishedFingerprint(warehouse, fingerprint(), {
      runId: "n1",
      builtAt: new Date(),
      rows: {},
      tests: { passed: 0, failed: 0 },
    });
    expect(await whyRebuild(warehouse, lake, fingerprint())).toEqual({ reason: null, restating: 0 });

    // The next night reads the same repository again: the same content, a later extraction.
    await batch("n2", "2026-11-02 02:00:00", "2026-10-30 10:00:00");
    expect(await whyRebuild(warehouse, lake, fingerprint())).toEqual({ reason: null, restating: 1 });

    // Then it was pushed to: new content.
    await batch("n3", "2026-11-03 02:00:00", "2026-11-02 18:00:00");
    const pushed = await whyRebuild(warehouse, lake, fingerprint());
    expect(pushed.reason).toContain("the lake (1 → 3 batch files; new data in github/repositories)");

    // Content that matches an OLDER extraction but not the latest is new too (staging would pick it).
    writePublishedFingerprint(warehouse, fingerprint(), {
      runId: "n3",
      builtAt: new Date(),
      rows: {},
      tests: { passed: 0, failed: 0 },
    });
    await batch("n4", "2026-11-04 02:00:00", "2026-10-30 10:00:00");
    expect((await whyRebuild(warehouse, lake, fingerprint())).reason).toContain(
      "new data in github/repositories",
    );

    // A batch rewritten or removed (a compaction) always rebuilds.
    rmSync(join(stream, "n4.parquet"));
    rmSync(join(stream, "n1.parquet"));
    expect((await whyRebuild(warehouse, lake, fingerprint())).reason).toContain("rewritten or removed");
  });
});
