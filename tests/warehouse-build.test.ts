import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { type Config, configFromObject, dataPaths } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { buildPaths, buildWarehouse } from "../warehouse/build.ts";
import { sqlLiteral, withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** A pull request as the test writes it into the lake, plus the team the test expects it to count for. */
interface FixturePr {
  id: string;
  repository: string;
  number: number;
  title: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  createdAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  author: { __typename: string; login: string } | null;
  additions: number;
  deletions: number;
  commits: number;
  reviews: number;
}

function payload(pr: FixturePr): Record<string, unknown> {
  return {
    id: pr.id,
    fullDatabaseId: String(pr.number * 1000),
    number: pr.number,
    url: `https://github.com/${pr.repository}/pull/${pr.number}`,
    title: pr.title,
    body: "",
    state: pr.state,
    isDraft: pr.isDraft,
    createdAt: pr.createdAt,
    updatedAt: pr.closedAt ?? pr.createdAt,
    closedAt: pr.closedAt,
    mergedAt: pr.mergedAt,
    additions: pr.additions,
    deletions: pr.deletions,
    changedFiles: 1,
    baseRefName: "main",
    headRefName: `feature-${pr.number}`,
    author: pr.author,
    mergeCommit: pr.mergedAt ? { oid: "a".repeat(40) } : null,
    commits: { totalCount: pr.commits, nodes: [] },
    reviews: { totalCount: pr.reviews, nodes: [] },
  };
}

interface LakeRow {
  pr: FixturePr;
  extractedAt: string;
  runId: string;
  /** Replaces the payload (to break it on purpose). */
  rawPayload?: Record<string, unknown>;
}

/** Writes one lake batch the way the extractor does: Parquet through an in-memory DuckDB. */
async function writeLakeBatch(lakeDir: string, file: string, rows: LakeRow[]): Promise<void> {
  const dir = join(lakeDir, "raw", "github", "pull_requests");
  mkdirSync(dir, { recursive: true });
  await withDb(":memory:", "read_write", async (db) => {
    await db.run(
      "create table batch (pull_request_id varchar, repository varchar, updated_at timestamp, _extracted_at timestamp, _run_id varchar, payload json)",
    );
    for (const row of rows) {
      const body = row.rawPayload ?? payload(row.pr);
      await db.run(
        "insert into batch values ($id, $repo, $updated::timestamp, $extracted::timestamp, $run, $payload::json)",
        {
          id: row.pr.id,
          repo: row.pr.repository,
          updated: (row.pr.closedAt ?? row.pr.createdAt).replace("Z", ""),
          extracted: row.extractedAt.replace("Z", ""),
          run: row.runId,
          payload: JSON.stringify(body),
        },
      );
    }
    await db.run(`copy batch to ${sqlLiteral(join(dir, file))} (format parquet)`);
  });
}

const hours = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;

// Teams: alice is in platform, bob in web; acme/api belongs to platform, acme/web to web.
const alicePrOld: FixturePr = {
  id: "PR_alice",
  repository: "acme/web",
  number: 11,
  title: "first title (superseded)",
  state: "OPEN",
  isDraft: true,
  createdAt: "2024-03-01T09:15:00Z",
  closedAt: null,
  mergedAt: null,
  author: { __typename: "User", login: "alice" },
  additions: 10,
  deletions: 1,
  commits: 1,
  reviews: 0,
};
const alicePrNew: FixturePr = {
  ...alicePrOld,
  title: "second title (latest extraction)",
  state: "MERGED",
  isDraft: false,
  closedAt: "2024-03-03T17:45:30Z",
  mergedAt: "2024-03-03T17:45:30Z",
  additions: 12,
  commits: 3,
  reviews: 2,
};
const carolPr: FixturePr = {
  id: "PR_carol",
  repository: "acme/web",
  number: 12,
  title: "carol is in no team",
  state: "MERGED",
  isDraft: false,
  createdAt: "2024-03-02T23:00:00Z",
  closedAt: "2024-03-03T00:20:00Z",
  mergedAt: "2024-03-03T00:20:00Z",
  author: { __typename: "User", login: "carol" },
  additions: 3,
  deletions: 3,
  commits: 1,
  reviews: 1,
};
const botPr: FixturePr = {
  id: "PR_bot",
  repository: "acme/tools",
  number: 5,
  title: "Bump lodash",
  state: "CLOSED",
  isDraft: false,
  createdAt: "2024-02-28T06:00:00Z",
  closedAt: "2024-02-29T06:00:00Z",
  mergedAt: null,
  author: { __typename: "Bot", login: "dependabot" },
  additions: 1,
  deletions: 1,
  commits: 1,
  reviews: 0,
};
const bobPr: FixturePr = {
  id: "PR_bob",
  repository: "acme/api",
  number: 40,
  title: "Bob's change, login written in another case",
  state: "OPEN",
  isDraft: false,
  createdAt: "2024-03-04T12:00:00Z",
  closedAt: null,
  mergedAt: null,
  author: { __typename: "User", login: "Bob" },
  additions: 100,
  deletions: 50,
  commits: 7,
  reviews: 0,
};

/** The latest extraction of each pull request and the team worked out by hand from the rules. */
const expected: { pr: FixturePr; team: string; extractedAt: string }[] = [
  { pr: alicePrNew, team: "platform", extractedAt: "2024-03-05T02:00:00Z" }, // author's team beats acme/web's
  { pr: carolPr, team: "web", extractedAt: "2024-03-04T02:00:00Z" }, // no team of her own: the repository's
  { pr: botPr, team: "unassigned", extractedAt: "2024-03-04T02:00:00Z" }, // neither
  { pr: bobPr, team: "web", extractedAt: "2024-03-05T02:00:00Z" }, // Bob matches bob
];

/** The fct_pull_requests contract, column by column, as its .yml declares it (DuckDB's names for the types). */
const contract: [string, string][] = (
  parseYaml(readFileSync(join(root, "models", "marts", "fct_pull_requests.yml"), "utf8")) as {
    models: { columns: { name: string; data_type: string }[] }[];
  }
).models[0]!.columns.map((c) => [c.name, c.data_type.toUpperCase()]);

function makeConfig(dataDir: string): Config {
  return configFromObject(
    {
      dataDir,
      github: { url: "http://127.0.0.1:1/graphql", repos: ["acme/web"] },
      teams: [
        { name: "platform", members: ["alice"], repos: ["acme/api"] },
        { name: "web", members: ["bob"], repos: ["acme/web"] },
      ],
    },
    join(dataDir, "yardstick.yaml"),
  );
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("buildWarehouse", () => {
  let dataDir: string;
  let config: Config;

  beforeAll(async () => {
    await ensurePythonEnv({ root, logger: createMemoryLogger() });
    dataDir = mkdtempSync(join(tmpdir(), "yardstick-build-"));
    config = makeConfig(dataDir);
    const lake = dataPaths(dataDir).lake;
    await writeLakeBatch(lake, "batch-1.parquet", [
      { pr: alicePrOld, extractedAt: "2024-03-04T02:00:00Z", runId: "run-1" },
      { pr: carolPr, extractedAt: "2024-03-04T02:00:00Z", runId: "run-1" },
      { pr: botPr, extractedAt: "2024-03-04T02:00:00Z", runId: "run-1" },
    ]);
    await writeLakeBatch(lake, "batch-2.parquet", [
      { pr: alicePrNew, extractedAt: "2024-03-05T02:00:00Z", runId: "run-2" },
      { pr: bobPr, extractedAt: "2024-03-05T02:00:00Z", runId: "run-2" },
    ]);
    // A batch still being written carries a dot name; reading it would fail the build.
    writeFileSync(join(lake, "raw", "github", "pull_requests", ".batch-3.parquet"), "half a file");
  });

  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses to build from a lake without pull requests, naming the extract command", async () => {
    const empty = mkdtempSync(join(tmpdir(), "yardstick-empty-"));
    try {
      await expect(
        buildWarehouse({ config: makeConfig(empty), root, logger: createMemoryLogger(), runId: "empty" }),
      ).rejects.toThrow(/has no pull requests yet: run `yardstick extract` first/);
      expect(existsSync(dataPaths(empty).warehouse)).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("publishes one row per pull request: latest extraction, team attribution and merge time", async () => {
    const logger = createMemoryLogger();
    const result = await buildWarehouse({ config, root, logger, runId: "build-1" });

    expect(result.warehousePath).toBe(dataPaths(dataDir).warehouse);
    // The other marts are built too: empty delivery marts (this lake has pull requests only), and one
    // repository row for each of acme/web, acme/tools and acme/api.
    expect(result.rows).toMatchObject({
      fct_pull_requests: expected.length,
      dim_repos: 3,
      fct_deployments: 0,
      fct_incidents: 0,
      fct_ci_runs: 0,
    });
    expect(result.tests.failed).toBe(0);
    expect(result.tests.passed).toBeGreaterThan(10);
    expect(existsSync(buildPaths(dataDir, "build-1").runDir)).toBe(false);
    expect(
      logger.lines.some((l) => /\d+\/\d+ OK\s+model fct_pull_requests \(table\) \d+\.\d\ds/.test(l)),
    ).toBe(true);

    const { columns, rows, viaView } = await withDb(result.warehousePath, "read_only", async (db) => ({
      columns: await db.all<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns
         where table_schema = 'main' and table_name = 'fct_pull_requests' order by ordinal_position`,
      ),
      rows: await db.all<Record<string, unknown>>(
        `select pull_request_id, repository, number, title, url, author_login, author_type, team, state, is_draft,
                strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') as created_at,
                strftime(closed_at, '%Y-%m-%dT%H:%M:%SZ') as closed_at,
                strftime(merged_at, '%Y-%m-%dT%H:%M:%SZ') as merged_at,
                is_merged, time_to_merge_hours, additions, deletions, commit_count, review_count,
                strftime(extracted_at, '%Y-%m-%dT%H:%M:%SZ') as extracted_at
         from fct_pull_requests order by pull_request_id`,
      ),
      // Views (one row per pull request here) must still resolve after the file was renamed into place.
      viaView: await db.all<{ n: number }>("select count(*)::integer as n from int_pull_requests_delivery"),
    }));

    expect(columns.map((c) => [c.column_name, c.data_type])).toEqual(contract);
    expect(viaView).toEqual([{ n: expected.length }]);

    const want = expected
      .map(({ pr, team, extractedAt }) => ({
        pull_request_id: pr.id,
        repository: pr.repository,
        number: pr.number,
        title: pr.title,
        url: `https://github.com/${pr.repository}/pull/${pr.number}`,
        author_login: pr.author?.login ?? null,
        author_type: pr.author?.__typename ?? null,
        team,
        state: pr.state,
        is_draft: pr.isDraft,
        created_at: pr.createdAt,
        closed_at: pr.closedAt,
        merged_at: pr.mergedAt,
        is_merged: pr.mergedAt !== null,
        time_to_merge_hours: pr.mergedAt ? hours(pr.createdAt, pr.mergedAt) : null,
        additions: pr.additions,
        deletions: pr.deletions,
        commit_count: pr.commits,
        review_count: pr.reviews,
        extracted_at: extractedAt,
      }))
      .sort((a, b) => a.pull_request_id.localeCompare(b.pull_request_id));
    expect(rows).toEqual(
      want.map((w) => ({
        ...w,
        time_to_merge_hours: w.time_to_merge_hours === null ? null : expect.closeTo(w.time_to_merge_hours, 9),
      })),
    );
    // alice's pull request: 2 days 8h30m30s from open to merge.
    expect(hours(alicePrNew.createdAt, alicePrNew.mergedAt!)).toBeCloseTo(56.508333, 5);
  });

  it("fails a build that a test catches with dbt's own message, leaving the published warehouse byte-identical", async () => {
    const published = dataPaths(dataDir).warehouse;
    expect(existsSync(published)).toBe(true);
    const before = sha256(published);
    const lakeDir = join(dataPaths(dataDir).lake, "raw", "github", "pull_requests");
    // GitHub knows three states; a fourth is a data error that accepted_values must catch.
    const backwards = {
      ...carolPr,
      id: "PR_backwards",
      number: 13,
      state: "SUPERSEDED",
    } as unknown as FixturePr;
    await writeLakeBatch(dataPaths(dataDir).lake, "batch-broken.parquet", [
      { pr: backwards, extractedAt: "2024-03-07T02:00:00Z", runId: "run-3" },
    ]);
    try {
      const failure = buildWarehouse({ config, root, logger: createMemoryLogger(), runId: "build-2" });
      await expect(failure).rejects.toThrow(/accepted_values_stg_github__pull_requests_state/);
      await expect(failure).rejects.toThrow(/Got 1 result, configured to fail if != 0/);
      await expect(failure).rejects.toThrow(/the published warehouse at .* is unchanged/);
    } finally {
      rmSync(join(lakeDir, "batch-broken.parquet"));
    }
    expect(sha256(published)).toBe(before);
    expect(existsSync(buildPaths(dataDir, "build-2").runDir)).toBe(false);
    expect(readdirSync(dataPaths(dataDir).build).filter((f) => f.startsWith("warehouse-"))).toEqual([]);
  });

  it("fails a build whose payload lacks a required field, naming the failing test", async () => {
    const published = dataPaths(dataDir).warehouse;
    const before = sha256(published);
    const lakeDir = join(dataPaths(dataDir).lake, "raw", "github", "pull_requests");
    const broken = { ...payload({ ...botPr, id: "PR_nocreated", number: 6 }) };
    delete broken.createdAt;
    await writeLakeBatch(dataPaths(dataDir).lake, "batch-missing.parquet", [
      {
        pr: { ...botPr, id: "PR_nocreated", number: 6 },
        extractedAt: "2024-03-07T02:00:00Z",
        runId: "run-4",
        rawPayload: broken,
      },
    ]);
    try {
      await expect(
        buildWarehouse({ config, root, logger: createMemoryLogger(), runId: "build-3" }),
      ).rejects.toThrow(/not_null_stg_github__pull_requests_created_at/);
    } finally {
      rmSync(join(lakeDir, "batch-missing.parquet"));
    }
    expect(sha256(published)).toBe(before);
    expect(existsSync(buildPaths(dataDir, "build-3").runDir)).toBe(false);
  });
});
