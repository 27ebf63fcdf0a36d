/**
 * The `yardstick` command as an operator meets it: a real subprocess, its exit codes, its messages, and
 * the promise that bad input never touches what is already stored.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { withDb } from "../warehouse/duckdb.ts";
import { allFiles } from "./helpers/lake.ts";

const ROOT = resolve(import.meta.dirname, "..");

function yardstick(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "yardstick.js"), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    allFiles(dir).map((f) => [f, createHash("sha256").update(readFileSync(f)).digest("hex")]),
  );
}

describe("the yardstick command", () => {
  let dir: string;
  let config: string;

  beforeAll(async () => {
    // A data folder that already holds a lake batch and a published warehouse.
    dir = mkdtempSync(join(tmpdir(), "ys-cli-"));
    config = join(dir, "yardstick.yaml");
    writeFileSync(
      config,
      "dataDir: ./data\ngithub:\n  url: http://127.0.0.1:9/graphql\n  tokenEnv: CLI_TEST_TOKEN\n  repos: [acme/api]\n",
    );
    const lake = join(dir, "data", "lake", "raw", "github", "pull_requests");
    mkdirSync(lake, { recursive: true });
    mkdirSync(join(dir, "data", "warehouse"), { recursive: true });
    await withDb(join(dir, "data", "warehouse", "warehouse.duckdb"), "read_write", async (db) => {
      await db.run("create table fct_pull_requests as select 'PR_1' as pull_request_id");
      await db.run(
        `copy (select 'PR_1' as pull_request_id) to '${join(lake, "batch-1.parquet")}' (format parquet)`,
      );
    });
  });

  it("teaches with --help and exits 0", () => {
    const { code, stdout } = yardstick(["--help"]);
    expect(code).toBe(0);
    for (const command of ["init", "doctor", "extract", "build", "metrics", "dashboards", "run", "demo"]) {
      expect(stdout).toContain(command);
    }
  });

  it("exits 2 on an unknown command or flag", () => {
    expect(yardstick(["frobnicate"]).code).toBe(2);
    expect(yardstick(["run", "--no-such-flag"]).code).toBe(2);
  });

  it("names a missing configuration file and exits 2", () => {
    const { code, stderr } = yardstick(["run", "--config", join(dir, "missing.yaml")]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${join(dir, "missing.yaml")} does not exist`);
  });

  it("names the file, line and field of an invalid configuration and exits 2", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "github:\n  url: http://127.0.0.1:9/graphql\n  repos: [acme/api]\n  pageSize: 500\n");
    const { code, stderr } = yardstick(["run", "--config", bad]);
    expect(code).toBe(2);
    expect(stderr).toContain(`github.pageSize (${bad}:4:13)`);
  });

  it("names the file, line and field of an invalid metrics.yaml, exits 2 and leaves lake and warehouse untouched", () => {
    const metrics = join(dir, "metrics.yaml");
    writeFileSync(
      metrics,
      readFileSync(join(ROOT, "metrics.yaml"), "utf8").replace("agg: median", "agg: medain"),
    );
    const line =
      readFileSync(metrics, "utf8")
        .split("\n")
        .findIndex((l) => l.includes("agg: medain")) + 1;
    const before = snapshot(join(dir, "data"));
    const { code, stderr } = yardstick(["run", "--config", config, "--metrics", metrics], {
      CLI_TEST_TOKEN: "x",
    });
    expect(code).toBe(2);
    expect(stderr).toContain(`${metrics}:${line}:`);
    expect(stderr).toMatch(/metrics\[\d+\]\.agg/);
    expect(snapshot(join(dir, "data"))).toEqual(before);
  });

  it("names the token variable when it is unset, exits 2 and leaves lake and warehouse untouched", () => {
    const before = snapshot(join(dir, "data"));
    const { code, stderr } = yardstick(["run", "--config", config, "--metrics", join(ROOT, "metrics.yaml")]);
    expect(code).toBe(2);
    expect(stderr).toContain("CLI_TEST_TOKEN is not set");
    expect(snapshot(join(dir, "data"))).toEqual(before);
  });

  it("rejects a malformed --since date naming the flag", () => {
    const { code, stderr } = yardstick(["extract", "--config", config, "--since", "yesterday"], {
      CLI_TEST_TOKEN: "x",
    });
    expect(code).toBe(2);
    expect(stderr).toContain("--since must be a date");
  });

  it("doctor reports both DuckDB versions and whether the token variable is set, never its value", () => {
    const { stdout } = yardstick(["doctor", "--config", config], { CLI_TEST_TOKEN: "super-secret-value" });
    expect(stdout).toMatch(/duckdb \(node\)\s+1\.5\./);
    expect(stdout).toMatch(/duckdb \(python\)\s+1\.5\./);
    expect(stdout).toContain("CLI_TEST_TOKEN is set");
    expect(stdout).not.toContain("super-secret-value");
  });

  it("init writes a configuration once and refuses to overwrite it", () => {
    const target = join(dir, "new.yaml");
    expect(yardstick(["init", "--config", target]).code).toBe(0);
    expect(readFileSync(target, "utf8")).toContain("tokenEnv: GITHUB_TOKEN");
    const again = yardstick(["init", "--config", target]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
  });
});

describe("doctor's DuckDB version check", () => {
  it("accepts the same major.minor and refuses a different one", async () => {
    const { compareDuckdbVersions } = await import("../cli/doctor-command.ts");
    expect(compareDuckdbVersions("1.5.6", "1.5.2").ok).toBe(true);
    expect(compareDuckdbVersions("v1.5.6", "1.5.6").ok).toBe(true);
    const refused = compareDuckdbVersions("1.5.6", "2.0.0");
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain("2.0.0 does not match Node's 1.5.6");
    expect(compareDuckdbVersions("1.5.6", "1.4.4").ok).toBe(false);
  });
});
