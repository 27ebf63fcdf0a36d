/**
 * The Python side of Yardstick: a virtual environment at `<root>/.venv` holding exactly the pinned, hashed
 * packages of requirements.txt (dbt-core, dbt-duckdb, duckdb). dbt runs from it as a CLI subprocess.
 *
 * The environment is reused while its marker (requirements.txt's hash and the interpreter's version) matches;
 * anything else (a missing, half-made or stale environment) is rebuilt from scratch, because pip cannot
 * reliably downgrade or remove packages in place.
 */

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-fs.ts";
import { InputError, YardstickError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { isProcessAlive } from "../core/process-alive.ts";

/** The oldest Python that dbt-core 1.12 supports. */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** Interpreter names tried in order; the first one at MIN_PYTHON or newer wins. */
export const PYTHON_CANDIDATES = [
  "python3",
  "python3.13",
  "python3.12",
  "python3.11",
  "python3.10",
  "python",
];

export interface PythonEnv {
  /** The environment's interpreter, `<root>/.venv/bin/python`. */
  python: string;
  /** The environment's dbt executable, `<root>/.venv/bin/dbt`. */
  dbt: string;
  /** True when an existing, matching environment was used as it was. */
  reused: boolean;
}

export interface EnsurePythonEnvOptions {
  root: string;
  logger: Logger;
  /** Environment for finding Python (its PATH) and for pip; defaults to the process environment. */
  env?: NodeJS.ProcessEnv;
}

/** Paths of the environment under a repository root. */
export function venvPaths(root: string) {
  const dir = join(root, ".venv");
  return {
    dir,
    python: join(dir, "bin", "python"),
    dbt: join(dir, "bin", "dbt"),
    marker: join(dir, ".yardstick-env"),
    requirements: join(root, "requirements.txt"),
  };
}

interface Marker {
  requirements: string;
  python: string;
}

/**
 * Makes `<root>/.venv` match requirements.txt, creating it when missing or stale.
 * Example: `const { dbt } = await ensurePythonEnv({ root, logger })`.
 */
export async function ensurePythonEnv(options: EnsurePythonEnvOptions): Promise<PythonEnv> {
  const { root, logger } = options;
  const env = options.env ?? process.env;
  const paths = venvPaths(root);

  logger.info("python env: looking for python3 >= 3.10");
  const base = await findPython(env);
  logger.info(`python env: using ${base.name} ${base.version} (${base.executable})`);

  const wanted: Marker = { requirements: requirementsHash(paths.requirements), python: base.version };
  if (markerMatches(paths, wanted)) {
    logger.info(`python env: reusing ${paths.dir} (requirements ${wanted.requirements.slice(0, 19)}…)`);
    return { python: paths.python, dbt: paths.dbt, reused: true };
  }

  // Several processes (parallel test files, a build beside a setup) may get here at once; only one builds.
  return await withSetupLock(root, logger, async () => {
    if (markerMatches(paths, wanted)) {
      logger.info(`python env: ${paths.dir} was set up meanwhile; reusing it`);
      return { python: paths.python, dbt: paths.dbt, reused: true };
    }
    if (existsSync(paths.dir)) {
      logger.info(`python env: ${paths.dir} is missing its marker or out of date; recreating it`);
      rmSync(paths.dir, { recursive: true, force: true });
    }
    const pipEnv = { ...env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };

    logger.info(`python env: creating ${paths.dir}`);
    await runChecked(
      base.executable,
      ["-m", "venv", paths.dir],
      { env: pipEnv },
      "creating the virtual environment",
    );

    const count = countRequirements(paths.requirements);
    logger.info(`python env: installing ${count} pinned, hashed packages from requirements.txt (pip)`);
    // --no-deps is deliberate: see requirements.in (dbt-core declares an sdist that downloads at build time).
    await runChecked(
      paths.python,
      ["-m", "pip", "install", "--require-hashes", "--no-deps", "--no-input", "-r", paths.requirements],
      { env: pipEnv, onLine: (line) => logger.debug(line) },
      "installing requirements.txt with pip",
    );

    logger.info("python env: checking `dbt --version`");
    const version = await runChecked(
      paths.dbt,
      ["--version"],
      { env: dbtOfflineEnv(env) },
      "running `dbt --version`",
    );
    const core = /installed:\s*(\S+)/.exec(version.stdout)?.[1] ?? "unknown";
    logger.info(`python env: dbt-core ${core} ready`);

    writeFileAtomic(paths.marker, JSON.stringify(wanted, null, 2) + "\n");
    return { python: paths.python, dbt: paths.dbt, reused: false };
  });
}

/** Environment variables that keep dbt from calling home; dbt-runner adds them to every dbt subprocess. */
export function dbtOfflineEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
    DO_NOT_TRACK: "1",
  };
}

export interface PythonEnvStatus {
  /** True when the environment exists, matches requirements.txt, and has every package. */
  ok: boolean;
  venv: string;
  python: string | null;
  dbtCore: string | null;
  dbtDuckdb: string | null;
  duckdb: string | null;
  /** Human sentences naming each thing that is missing or stale, with the fix. */
  problems: string[];
}

/** What `yardstick doctor` shows about the Python side, without changing anything. */
export async function pythonEnvStatus(root: string): Promise<PythonEnvStatus> {
  const paths = venvPaths(root);
  const status: PythonEnvStatus = {
    ok: false,
    venv: paths.dir,
    python: null,
    dbtCore: null,
    dbtDuckdb: null,
    duckdb: null,
    problems: [],
  };
  if (!existsSync(paths.python)) {
    status.problems.push(`no Python environment at ${paths.dir}: run \`npm run setup\``);
    return status;
  }
  const script = [
    "import json, sys, importlib.metadata as m",
    "def v(name):",
    "    try: return m.version(name)",
    "    except m.PackageNotFoundError: return None",
    'print(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "dbt-core": v("dbt-core"),' +
      ' "dbt-duckdb": v("dbt-duckdb"), "duckdb": v("duckdb")}))',
  ].join("\n");
  const result = await runProcess(paths.python, ["-c", script], { env: process.env });
  if (result.code !== 0) {
    status.problems.push(
      `${paths.python} does not run (${lastLines(result.stderr, 3)}): run \`npm run setup\``,
    );
    return status;
  }
  const versions = JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as Record<
    string,
    string | null
  >;
  status.python = versions.python ?? null;
  status.dbtCore = versions["dbt-core"] ?? null;
  status.dbtDuckdb = versions["dbt-duckdb"] ?? null;
  status.duckdb = versions.duckdb ?? null;
  for (const [name, version] of Object.entries(versions)) {
    if (version === null)
      status.problems.push(`${name} is not installed in ${paths.dir}: run \`npm run setup\``);
  }
  const marker = readMarker(paths.marker);
  if (!marker) {
    status.problems.push(`${paths.dir} was not completed by setup (no marker): run \`npm run setup\``);
  } else if (existsSync(paths.requirements) && marker.requirements !== requirementsHash(paths.requirements)) {
    status.problems.push(`requirements.txt changed since ${paths.dir} was set up: run \`npm run setup\``);
  }
  status.ok = status.problems.length === 0;
  return status;
}

interface FoundPython {
  name: string;
  version: string;
  executable: string;
}

/** Tries each candidate on PATH; throws an InputError saying what was found when none is new enough. */
export async function findPython(env: NodeJS.ProcessEnv = process.env): Promise<FoundPython> {
  const tooOld: string[] = [];
  const probe = 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)';
  for (const name of PYTHON_CANDIDATES) {
    const result = await runProcess(name, ["-c", probe], { env });
    if (result.code !== 0) continue;
    const [version = "", executable = ""] = result.stdout.trim().split("\n");
    const [major = 0, minor = 0] = version.split(".").map(Number);
    if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])) {
      return { name, version, executable: executable || name };
    }
    const seen = `${name} ${version}`;
    if (!tooOld.includes(seen)) tooOld.push(seen);
  }
  const need = `python3 >= ${MIN_PYTHON.join(".")}`;
  const found = tooOld.length > 0 ? `found ${tooOld.join(", ")}` : "found no python3 on PATH";
  throw new InputError(`Yardstick needs ${need} for dbt; ${found}`, [
    { field: "", message: `install ${need} (or put it on PATH), then run \`npm run setup\`` },
  ]);
}

function requirementsHash(file: string): string {
  if (!existsSync(file))
    throw new YardstickError(`${file} is missing: it pins the Python side (dbt) of Yardstick`);
  return "sha256:" + createHash("sha256").update(readFileSync(file)).digest("hex");
}

function countRequirements(file: string): number {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => /^[A-Za-z0-9]/.test(line)).length;
}

function readMarker(file: string): Marker | null {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<Marker>;
    return typeof parsed.requirements === "string" && typeof parsed.python === "string"
      ? { requirements: parsed.requirements, python: parsed.python }
      : null;
  } catch {
    return null;
  }
}

function markerMatches(paths: ReturnType<typeof venvPaths>, wanted: Marker): boolean {
  const marker = readMarker(paths.marker);
  return (
    marker !== null &&
    marker.requirements === wanted.requirements &&
    marker.python === wanted.python &&
    existsSync(paths.python) &&
    existsSync(paths.dbt)
  );
}

/**
 * An exclusive lock (O_EXCL file holding the owner's pid) around setting up the environment. The lock file
 * lives outside the repository; a lock whose owner has died is taken over.
 */
async function withSetupLock<T>(root: string, logger: Logger, work: () => Promise<T>): Promise<T> {
  const dir = join(tmpdir(), "yardstick-locks");
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, `venv-${createHash("sha256").update(root).digest("hex").slice(0, 16)}.lock`);
  let waitedMs = 0;
  for (;;) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSafe(lock));
      if (!Number.isInteger(owner) || owner <= 0 || !isProcessAlive(owner)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (waitedMs === 0) logger.info(`python env: waiting for process ${owner}, which is setting up .venv`);
      await new Promise((r) => setTimeout(r, 500));
      waitedMs += 500;
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion. A program that cannot be started gives code 127, as a shell would. */
export function runProcess(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; onLine?: (line: string) => void },
): Promise<ProcessResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (!options.onLine) return;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) options.onLine(line);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      resolvePromise({ code: 127, stdout, stderr: stderr + error.message });
    });
    child.on("close", (code) => {
      if (options.onLine && pending.trim()) options.onLine(pending);
      resolvePromise({ code: code ?? 1, stdout, stderr });
    });
  });
}

async function runChecked(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; onLine?: (line: string) => void },
  what: string,
): Promise<ProcessResult> {
  const result = await runProcess(command, args, options);
  if (result.code !== 0) {
    const output = lastLines(result.stderr || result.stdout, 15);
    throw new YardstickError(`python env: ${what} failed (exit ${result.code}):\n${output}`);
  }
  return result;
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}
