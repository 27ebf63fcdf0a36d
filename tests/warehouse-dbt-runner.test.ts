import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../core/errors.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { DbtError, runDbt } from "../warehouse/dbt-runner.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));

describe("runDbt", () => {
  let work: string;

  beforeAll(async () => {
    await ensurePythonEnv({ root, logger: createMemoryLogger() });
    work = mkdtempSync(join(tmpdir(), "yardstick-dbt-runner-"));
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const paths = () => ({ targetPath: join(work, "target"), logPath: join(work, "logs") });

  it("parses the project with its artifacts and log in the folders it is given", async () => {
    const logger = createMemoryLogger();
    const result = await runDbt(["parse"], {
      root,
      env: {
        YARDSTICK_LAKE: join(work, "lake"),
        YARDSTICK_INPUTS: join(work, "inputs"),
        YARDSTICK_BUILD_DB: join(work, "parse.duckdb"),
      },
      logger,
      ...paths(),
    });
    expect(result.exitCode).toBe(0);
    expect(result.errors).toEqual([]);
    expect(existsSync(join(work, "target", "manifest.json"))).toBe(true);
    expect(existsSync(join(work, "logs", "dbt.log"))).toBe(true);
    expect(existsSync(join(root, "target"))).toBe(false);
    expect(existsSync(join(root, "logs"))).toBe(false);
    expect(logger.lines.some((l) => l.startsWith("dbt: Running with dbt="))).toBe(true);
  });

  it("fails with dbt's own message, not just its exit code", async () => {
    // YARDSTICK_LAKE is left out, so parsing the sources fails.
    const attempt = runDbt(["parse"], {
      root,
      env: { YARDSTICK_INPUTS: join(work, "inputs"), YARDSTICK_BUILD_DB: join(work, "parse.duckdb") },
      logger: createMemoryLogger(),
      ...paths(),
    });
    await expect(attempt).rejects.toBeInstanceOf(DbtError);
    await expect(attempt).rejects.toThrow(/^dbt parse failed \(exit 2\):/);
    await expect(attempt).rejects.toThrow("Env var required but not provided: 'YARDSTICK_LAKE'");
  });

  it("keeps the GitHub token and other secrets out of dbt's environment", async () => {
    // dbt renders env_var() at compile time: what it prints is what its process could read.
    const secrets = {
      GITHUB_TOKEN: "token-in-GITHUB_TOKEN",
      GH_TOKEN: "token-in-GH_TOKEN",
      ACME_YARDSTICK_PAT: "token-in-the-configured-variable",
      AWS_SECRET_ACCESS_KEY: "aws-secret",
    };
    const saved = Object.fromEntries(Object.keys(secrets).map((k) => [k, process.env[k]]));
    Object.assign(process.env, secrets);
    const logger = createMemoryLogger();
    try {
      const names = [...Object.keys(secrets), "YARDSTICK_LAKE", "PATH"];
      const sql = `select ${names.map((n) => `'${n}={{ env_var("${n}", "absent") }}'`).join(", ")}`;
      await runDbt(["compile", "--inline", sql], {
        root,
        env: {
          YARDSTICK_LAKE: join(work, "lake"),
          YARDSTICK_INPUTS: join(work, "inputs"),
          YARDSTICK_BUILD_DB: join(work, "compile.duckdb"),
        },
        withhold: ["ACME_YARDSTICK_PAT"],
        logger,
        ...paths(),
      });
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const compiled = logger.lines.find((l) => l.includes("Compiled inline node"));
    expect(compiled, logger.lines.join("\n")).toBeDefined();
    for (const name of Object.keys(secrets)) expect(compiled).toContain(`${name}=absent`);
    for (const value of Object.values(secrets)) expect(logger.lines.join("\n")).not.toContain(value);
    expect(compiled).toContain(`YARDSTICK_LAKE=${join(work, "lake")}`);
    expect(compiled).not.toContain("PATH=absent");
  });

  it("separates the status word from the node in its progress lines", async () => {
    // A unit test against an empty database: dbt cannot read its inputs' columns, so the node errors.
    const logger = createMemoryLogger();
    const attempt = runDbt(["test", "--select", "test_reverts_are_found_by_reference_commit_and_title"], {
      root,
      env: {
        YARDSTICK_LAKE: join(work, "lake"),
        YARDSTICK_INPUTS: join(work, "inputs"),
        YARDSTICK_BUILD_DB: join(work, "empty.duckdb"),
      },
      logger,
      ...paths(),
    });
    await expect(attempt).rejects.toBeInstanceOf(DbtError);
    const line = logger.lines.find(
      (l) => l.startsWith("error:") && l.includes("test_reverts_are_found_by_reference_commit_and_title"),
    );
    expect(line, logger.lines.join("\n")).toMatch(/^error: 1\/1 ERROR unit test /);
  });

  it("tells the operator to run setup when the Python environment is missing", async () => {
    const bare = mkdtempSync(join(tmpdir(), "yardstick-nodbt-"));
    try {
      const attempt = runDbt(["parse"], { root: bare, env: {}, logger: createMemoryLogger(), ...paths() });
      await expect(attempt).rejects.toBeInstanceOf(InputError);
      await expect(attempt).rejects.toThrow(/dbt is not installed at .*: run `npm run setup`/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
