/**
 * Start-up: `npm run bench -- startup [--runs N] [--from-sources] [--root <checkout>]`. Runs
 * `yardstick --help` and `yardstick metrics list` N times each (default 10) as real processes, the way an
 * operator's shell or a scheduler starts them (`node bin/yardstick.js …`, in the checkout's folder), after one
 * unmeasured run of each (which fills the parsed-YAML cache), and reports per command the median and
 * maximum wall time from spawn to exit, CPU time (user + system) and peak RSS. The budget is 300 ms of wall
 * time for both; on a machine busy with other work the wall time grows while the CPU time does not, so both
 * are reported, and the same figures for Node alone (`node -e ""`), the floor of any command.
 *
 * --from-sources measures the slow path (TypeScript compiled at run time by tsx) that a checkout takes when
 * dist/ is missing or older than its sources; --root measures another checkout (e.g. an older commit
 * unpacked with `git archive`, to compare before and after).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Benchmark } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "..");
const BUDGET_MS = 300;
const COMMANDS: readonly (readonly string[])[] = [["--help"], ["metrics", "list"]];

// Loaded into each measured process with --import: at exit it writes what the process itself used (a
// process's own peak RSS and CPU, so no external `time` tool is needed).
const REPORTER = `data:text/javascript,${encodeURIComponent(
  `import { writeFileSync } from "node:fs";
   process.on("exit", () => {
     const u = process.resourceUsage();
     writeFileSync(process.env.YARDSTICK_BENCH_USAGE, JSON.stringify({ maxRssKb: u.maxRSS, cpuUs: u.userCPUTime + u.systemCPUTime }));
   });`,
)}`;

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

/** `args` null: Node alone (`node -e ""`), the floor any command starts from on this machine. */
async function runOnce(root: string, args: readonly string[] | null, env: NodeJS.ProcessEnv, usage: string) {
  const started = performance.now();
  const argv =
    args === null ? ["-e", 'process.stdout.write("node")'] : [join(root, "bin", "yardstick.js"), ...args];
  const child = spawn(process.execPath, ["--import", REPORTER, ...argv], {
    cwd: root,
    env: { ...env, YARDSTICK_BENCH_USAGE: usage },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.on("close", done));
  const wallMs = performance.now() - started;
  const what = args === null ? "node" : `yardstick ${args.join(" ")}`;
  if (code !== 0) throw new Error(`${what} exited ${code}: ${stderr.trim()}`);
  if (stdout.length === 0) throw new Error(`${what} printed nothing`);
  const used = JSON.parse(readFileSync(usage, "utf8")) as { maxRssKb: number; cpuUs: number };
  return { wallMs, cpuMs: used.cpuUs / 1000, rssMb: used.maxRssKb / 1024 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number) => Math.round(n * 10) / 10;

function summary(samples: readonly Sample[]) {
  return {
    wall_ms_median: round(median(samples.map((s) => s.wallMs))),
    wall_ms_max: round(Math.max(...samples.map((s) => s.wallMs))),
    cpu_ms_median: round(median(samples.map((s) => s.cpuMs))),
    peak_rss_mb_median: round(median(samples.map((s) => s.rssMb))),
    peak_rss_mb_max: round(Math.max(...samples.map((s) => s.rssMb))),
  };
}

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const bench: Benchmark = {
  description: "wall time, CPU time and peak RSS of `yardstick --help` and `yardstick metrics list`",
  async run(args) {
    const runs = Number(option(args, "--runs") ?? "10");
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);
    const root = resolve(option(args, "--root") ?? ROOT);
    const fromSources = args.includes("--from-sources");
    const env: NodeJS.ProcessEnv = { ...process.env, YARDSTICK_FROM_SOURCES: fromSources ? "1" : "0" };
    let entry = "sources";
    if (!fromSources) {
      try {
        // Older checkouts have no dist/ (and no scripts/dist-state.js): they always run from their sources.
        const { distState } = (await import(pathToFileURL(join(root, "scripts", "dist-state.js")).href)) as {
          distState(root: string): string;
        };
        const state = distState(root);
        if (state === "current") entry = "dist";
        else process.stderr.write(`dist/ is ${state}: measuring the sources (run \`npm run build\` first)\n`);
      } catch {
        process.stderr.write(`${root} has no compiled build: measuring its sources\n`);
      }
    }
    const dir = mkdtempSync(join(tmpdir(), "ys-bench-startup-"));
    const figures: Record<string, unknown> = { root, entry, runs, budget_ms: BUDGET_MS };
    try {
      let within = true;
      for (const command of COMMANDS) {
        const usage = join(dir, "usage.json");
        await runOnce(root, command, env, usage);
        const samples: Sample[] = [];
        for (let i = 0; i < runs; i++) samples.push(await runOnce(root, command, env, usage));
        const s = summary(samples);
        process.stderr.write(`yardstick ${command.join(" ")}: ${JSON.stringify(s)}\n`);
        figures[command.join(" ").replace(/^--/, "").replace(/ /g, "_")] = s;
        within &&= s.wall_ms_median < BUDGET_MS;
      }
      figures.within_budget = within;
      const alone: Sample[] = [];
      for (let i = 0; i < runs; i++) alone.push(await runOnce(root, null, env, join(dir, "usage.json")));
      figures.node_alone = summary(alone);
      process.stderr.write(`node alone: ${JSON.stringify(figures.node_alone)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};

export default bench;
