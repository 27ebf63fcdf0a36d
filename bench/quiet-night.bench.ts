/**
 * A quiet night: `yardstick run` on the demo's organisation, then again with nothing new on GitHub, nothing
 * changed in yardstick.yaml or metrics.yaml and the same code. The second run should cost little more than
 * its GitHub requests and the pages.
 *
 * `npm run bench -- quiet-night [--seed 7] [--dir DIR]`
 *
 * Each run is the real command in its own process (`bin/yardstick.js run`), timed by the wall clock and by
 * the CPU time it and its children (dbt) used. Prints the first run, the quiet run and a quiet run with
 * `--force-build` (what every quiet night cost before the build learned to skip).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { InputError } from "../core/errors.ts";
import { demoOrgOptions } from "../simulator/demo-org.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { startSimulator } from "../simulator/server.ts";
import type { Benchmark } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN_ENV = "YARDSTICK_BENCH_TOKEN";
const TOKEN = "bench-quiet-night-token";

/** CPU seconds (user + system) of the children this process has waited for, from /proc. */
function childrenCpuSeconds(): number {
  // Fields after the command name: cutime and cstime are the 14th and 15th (1-based after "(comm)").
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[13]) + Number(fields[14]);
  return ticks / 100; // USER_HZ is 100 on Linux
}

interface RunFigures {
  seconds: number;
  cpuSeconds: number;
  exitCode: number;
  buildSkipped: boolean;
}

async function timedRun(configFile: string, extra: string[]): Promise<RunFigures> {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, "bin", "yardstick.js"),
      "run",
      "--config",
      configFile,
      "--metrics",
      join(ROOT, "metrics.yaml"),
      ...extra,
    ],
    { cwd: ROOT, env: { ...process.env, [TOKEN_ENV]: TOKEN }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exitCode = await new Promise<number>((done) => child.on("close", (code) => done(code ?? 1)));
  const seconds = (performance.now() - started) / 1000;
  if (exitCode !== 0) process.stderr.write(stderr);
  return {
    seconds: Math.round(seconds * 10) / 10,
    cpuSeconds: Math.round((childrenCpuSeconds() - cpuBefore) * 10) / 10,
    exitCode,
    buildSkipped: /build: skipped/.test(stderr),
  };
}

function parseArgs(args: string[]): { seed: number; dir: string | undefined } {
  let seed = 7;
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const flag = /^--(seed|dir)(?:=(.*))?$/.exec(args[i]!);
    if (!flag)
      throw new InputError(`unknown option ${args[i]}: the quiet-night bench takes --seed N and --dir DIR`);
    const value = flag[2] ?? args[++i];
    if (value === undefined) throw new InputError(`--${flag[1]} needs a value`);
    if (flag[1] === "seed") {
      seed = Number(value);
      if (!Number.isInteger(seed)) throw new InputError(`--seed must be an integer: got "${value}"`);
    } else dir = resolve(value);
  }
  return { seed, dir };
}

const bench: Benchmark = {
  description: "yardstick run twice on the demo organisation with nothing new in between",
  async run(args) {
    const { seed, dir } = parseArgs(args);
    const now = new Date();
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const org = generateOrg(demoOrgOptions({ seed, end }));
    const sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN] });
    const dataDir = dir ?? mkdtempSync(join(tmpdir(), "ys-quiet-night-"));
    try {
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
      const configFile = join(dataDir, "yardstick.yaml");
      writeFileSync(
        configFile,
        stringify({
          dataDir: ".",
          github: {
            url: sim.url,
            tokenEnv: TOKEN_ENV,
            requestIntervalMs: 0,
            pageSize: 50,
            orgs: [...new Set(org.dataset.repositories.map((r) => r.owner))],
          },
          teams: org.teams,
        }),
      );
      process.stderr.write(
        `bench: first run of ${org.dataset.pullRequests.length} pull requests in ${dataDir}\n`,
      );
      const first = await timedRun(configFile, []);
      process.stderr.write(`bench: first run ${JSON.stringify(first)}\n`);
      const quiet = await timedRun(configFile, []);
      process.stderr.write(`bench: quiet run ${JSON.stringify(quiet)}\n`);
      const forced = await timedRun(configFile, ["--force-build"]);
      process.stderr.write(`bench: quiet run with --force-build ${JSON.stringify(forced)}\n`);
      return { pullRequests: org.dataset.pullRequests.length, first, quiet, forced };
    } finally {
      await sim.close();
      if (!dir) rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
