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
