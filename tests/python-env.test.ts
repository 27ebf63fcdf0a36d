import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../core/errors.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { ensurePythonEnv, pythonEnvStatus, venvPaths } from "../warehouse/python-env.ts";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const scratch: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};

/** The version requirements.txt pins for a package, read from the file itself. */
function pinned(name: string): string {
  const match = new RegExp(`^${name}==(\\S+)`, "m").exec(
    readFileSync(join(root, "requirements.txt"), "utf8"),
  );
  if (!match?.[1]) throw new Error(`requirements.txt pins no ${name}`);
  return match[1];
}

describe("ensurePythonEnv", () => {
  beforeAll(async () => {
    await ensurePythonEnv({ root, logger: createMemoryLogger() });
  });

  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  it("reuses a matching environment without reinstalling anything", async () => {
    const logger = createMemoryLogger();
    // Nothing written is the evidence, not the time taken: a reinstall rewrites the marker and the venv.
    const touched = () => [venvPaths(root).marker, venvPaths(root).python].map((f) => lstatSync(f).mtimeMs);
    const before = touched();
    const env = await ensurePythonEnv({ root, logger });

    expect(env).toEqual({ python: venvPaths(root).python, dbt: venvPaths(root).dbt, reused: true });
    expect(touched()).toEqual(before);
    expect(logger.lines.some((l) => l.includes("pip"))).toBe(false);
  });

  it("names python3 >= 3.10 when PATH has no Python at all", async () => {
    const emptyBin = tempDir("yardstick-nopython-");
    const attempt = ensurePythonEnv({ root, logger: createMemoryLogger(), env: { PATH: emptyBin } });
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toMatchObject({
      exitCode: 2,
      message: "Yardstick needs python3 >= 3.10 for dbt; found no python3 on PATH",
    });
  });

  it("names the version it found when the only Python is too old", async () => {
    const bin = tempDir("yardstick-oldpython-");
    // A stand-in interpreter answering the version probe as Python 3.8.10 would.
    writeFileSync(join(bin, "python3"), "#!/bin/sh\necho 3.8.10\necho /usr/bin/python3.8\n");
    chmodSync(join(bin, "python3"), 0o755);
    await expect(
      ensurePythonEnv({ root, logger: createMemoryLogger(), env: { PATH: bin } }),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: "Yardstick needs python3 >= 3.10 for dbt; found python3 3.8.10",
    });
  });

  it("does not mark an environment ready when dbt does not run in it", async () => {
    // A root whose requirements install nothing: the venv is created, but `dbt --version` cannot succeed.
    const fakeRoot = tempDir("yardstick-nodbt-");
    writeFileSync(join(fakeRoot, "requirements.txt"), "# nothing pinned\n");
    const logger = createMemoryLogger();
    await expect(ensurePythonEnv({ root: fakeRoot, logger })).rejects.toThrow(/dbt --version/);
    expect(existsSync(venvPaths(fakeRoot).python)).toBe(true);
    expect(existsSync(venvPaths(fakeRoot).marker)).toBe(false);
    expect(logger.lines).toContain(`python env: creating ${venvPaths(fakeRoot).dir}`);
  });
});

describe("pythonEnvStatus", () => {
  it("reports the pinned versions of Python's dbt-core, dbt-duckdb and duckdb", async () => {
    await ensurePythonEnv({ root, logger: createMemoryLogger() });
    const status = await pythonEnvStatus(root);
    expect(status.problems).toEqual([]);
    expect(status.ok).toBe(true);
    expect(status.dbtCore).toBe(pinned("dbt-core"));
    expect(status.dbtDuckdb).toBe(pinned("dbt-duckdb"));
    expect(status.duckdb).toBe(pinned("duckdb"));
    expect(status.python).toMatch(/^3\.(1\d|[2-9]\d)\.\d+$/);
  });

  it("says what is missing, with the command that fixes it, where there is no environment", async () => {
    const bare = tempDir("yardstick-bare-");
    copyFileSync(join(root, "requirements.txt"), join(bare, "requirements.txt"));
    const status = await pythonEnvStatus(bare);
    expect(status.ok).toBe(false);
    expect(status.dbtCore).toBeNull();
    expect(status.problems).toEqual([
      `no Python environment at ${join(bare, ".venv")}: run \`npm run setup\``,
    ]);
  });
});
