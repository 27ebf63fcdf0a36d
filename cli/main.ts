/**
 * The `yardstick` command. Thin: parses arguments, loads configuration, calls the stages, and is the one
 * place that turns errors into messages and exit codes (0 ok, 1 the work failed, 2 bad input).
 */
import { copyFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { type Config, dataPaths, loadConfig, readToken } from "../core/config.ts";
import { EXIT, InputError, YardstickError } from "../core/errors.ts";
import { createLogger, type LogFormat, type Logger, logTimestamp } from "../core/logger.ts";
import { exitCodeFor, installShutdownHandlers, onShutdown, stoppingSignal } from "../core/shutdown.ts";
import { buildDashboards } from "../dashboards/build-dashboards.ts";
import { isMonth } from "../dashboards/review/months.ts";
import { createExtractProgress, type ExtractProgress } from "../extractors/progress/extract-progress.ts";
import { formatRunSummary, type RunSummary } from "../extractors/progress/run-summary.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { withRunLock } from "../jobs/locked-run.ts";
import { newRunId, runPipeline } from "../jobs/pipeline.ts";
import { REQUEST_LEDGER_CAP, rotateLedger } from "../jobs/run-ledger.ts";
import { startSchedule } from "../jobs/schedule.ts";
import { loadCheckedMetricsFile } from "../metrics/metric-sql-check.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { runDemo } from "./demo-command.ts";
import { runDoctor } from "./doctor-command.ts";
import { metricsCommand } from "./metrics-command.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface GlobalOptions {
  logFormat: LogFormat;
  verbose?: boolean;
}

interface FileOptions {
  config: string;
  metrics: string;
}

/** Where the site, its frozen reviews, the notes and the ledger live for a configuration. */
function siteOptions(cfg: Config) {
  const paths = dataPaths(cfg.dataDir);
  return {
    warehousePath: paths.warehouse,
    siteDir: paths.site,
    reviewsDir: paths.reviews,
    notesDir: cfg.reviews.notesDir,
    ledgerFile: paths.ledger,
  };
}

/** Adds --config (and --metrics where definitions are read) to a command. */
function withFiles(command: Command, metrics = false): Command {
  command.option("--config <file>", "the configuration file", "./yardstick.yaml");
  if (metrics) command.option("--metrics <file>", "the metric definitions", "./metrics.yaml");
  return command;
}

const writeStderr = (line: string) => {
  process.stderr.write(line + "\n");
};
/** Where log lines go: stderr, or above the live progress display while one is shown. */
let printLine = writeStderr;

function loggerFor(opts: GlobalOptions): Logger {
  return createLogger({
    format: opts.logFormat,
    level: opts.verbose ? "debug" : "info",
    write: (l) => printLine(l),
    timestamps: true,
  });
}

/** A live display on a terminal, one log line per step otherwise (or with --log-format json). */
function progressFor(opts: GlobalOptions, logger: Logger): ExtractProgress {
  const progress = createExtractProgress({ output: process.stderr, logger, logFormat: opts.logFormat });
  if (progress.mode === "live") printLine = (line) => progress.printAbove(line);
  return progress;
}

function reportRun(opts: GlobalOptions, logger: Logger, run: RunSummary): void {
  if (opts.logFormat === "json") logger.info("extract summary", { summary: run });
  else printLine(formatRunSummary(run));
}

function parseDateFlag(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InputError(`${flag} must be a date written YYYY-MM-DD: got "${value}"`);
  }
  return new Date(`${value}T00:00:00Z`);
}

export function buildProgram(): Command {
  const program = new Command("yardstick")
    .description(
      "Engineering metrics you can trust: pull requests, CI, deployments and incidents from GitHub, one\n" +
        "metrics.yaml for every team, and static dashboards that compare AI-authored and unmarked work.\n\n" +
        "Operators: `yardstick init`, edit yardstick.yaml, `yardstick doctor`, then `yardstick run` nightly.\n" +
        "Analysts: `yardstick metrics check|list|query|diff` against the warehouse.\n" +
        "Try it: `yardstick demo` runs the whole pipeline against a simulated GitHub organisation.",
    )
    .addOption(
      new Option("--log-format <format>", "text for people, json for log collectors")
        .choices(["text", "json"])
        .default("text"),
    )
    .option("-v, --verbose", "show debug lines")
    .showHelpAfterError()
    .exitOverride();

  const globals = () => program.opts<GlobalOptions>();

  withFiles(program.command("init"))
    .description("write a commented yardstick.yaml to start from (never overwrites one)")
    .action((opts: FileOptions) => {
      const target = resolve(opts.config);
      if (existsSync(target))
        throw new InputError(`${target} already exists: edit it, or pass --config <new file>`);
      copyFileSync(join(ROOT, "yardstick.example.yaml"), target);
      process.stdout.write(
        `wrote ${target}: set github.orgs or github.repos and your teams, then run \`yardstick doctor\`\n`,
      );
    });

  withFiles(program.command("doctor"))
    .description("check Node, Python, dbt and both DuckDB versions, the data folder and the token variable")
    .action(async (opts: FileOptions) => {
      process.exitCode = await runDoctor({
        root: ROOT,
        configFile: opts.config,
        write: (l) => process.stdout.write(l + "\n"),
      });
    });

  withFiles(program.command("extract"), true)
    .description("read what changed on GitHub since the last run into the lake")
    .option("--since <date>", "backfill: re-read everything updated on or after YYYY-MM-DD")
    .option("--full", "ignore the cursors and re-read everything")
    .action(async (opts: FileOptions & { since?: string; full?: boolean }) => {
      const cfg = loadConfig(opts.config);
      const metrics = await loadCheckedMetricsFile(opts.metrics);
      const since = parseDateFlag("--since", opts.since);
      const token = readToken(cfg);
      const logger = loggerFor(globals());
      const progress = progressFor(globals(), logger);
      const runId = newRunId(new Date());
      try {
        const summary = await withRunLock(cfg.dataDir, `extract ${runId}`, logger, () => {
          rotateLedger(dataPaths(cfg.dataDir).requestLedger, REQUEST_LEDGER_CAP);
          return runExtractStage({
            config: cfg,
            token,
            logger,
            runId,
            since,
            full: opts.full,
            incidentLabels: metrics.definitions.incident_labels,
            progress,
          });
        });
        printLine = writeStderr;
        reportRun(globals(), logger, summary.run);
        if (summary.stopped) {
          throw new YardstickError(
            `extraction stopped early: ${summary.stopped.reason}; run again after ${summary.stopped.resetAt} to resume`,
          );
        }
      } finally {
        printLine = writeStderr;
      }
    });

  withFiles(program.command("build"), true)
    .description("build a new warehouse from the lake with dbt; publish it only if every test passes")
    .action(async (opts: FileOptions) => {
      const cfg = loadConfig(opts.config);
      // The definitions (AI signals, production pattern, …) classify the whole history at every build.
      const { definitions } = await loadCheckedMetricsFile(opts.metrics);
      const logger = loggerFor(globals());
      await ensurePythonEnv({ root: ROOT, logger });
      const runId = newRunId(new Date());
      const result = await withRunLock(cfg.dataDir, `build ${runId}`, logger, () =>
        buildWarehouse({ config: cfg, root: ROOT, logger, runId, definitions }),
      );
      logger.info(`published ${result.warehousePath}`, { rows: result.rows });
    });

  program.addCommand(metricsCommand());

  withFiles(program.command("dashboards"), true)
    .description("render the static pages from the warehouse into <dataDir>/site")
    .action(async (opts: FileOptions) => {
      const cfg = loadConfig(opts.config);
      const metrics = await loadCheckedMetricsFile(opts.metrics);
      const logger = loggerFor(globals());
      const { pages } = await withRunLock(cfg.dataDir, "dashboards", logger, () =>
        buildDashboards({ ...siteOptions(cfg), metricsFile: metrics, now: new Date(), logger }),
      );
      for (const page of pages) process.stdout.write(page + "\n");
    });

  withFiles(program.command("review"), true)
    .description("render the monthly AI performance review of a month (and the whole site); print its page")
    .argument("[month]", "YYYY-MM (default: the last complete month of the data)")
    .option("--refreeze", "replace the month's frozen review with a fresh evaluation (keeps the old one)")
    .option("--reason <text>", "why it is refrozen (required with --refreeze; kept in the audit trail)")
    .addHelpText(
      "after",
      `
A month's review is provisional until its outcome windows have closed (metrics.yaml revert_window_days and
incident_lookahead_days after the month's end, in the data). Then it is frozen: its numbers, n, intervals
and definition hashes are written once to <dataDir>/reviews/YYYY-MM.json and its page never changes again;
where today's definitions or data differ, the site lists restatements. --refreeze replaces a frozen review
on purpose: the old one moves to <dataDir>/reviews/history/ and the reason goes into the new one.
Meeting notes: reviews/notes/YYYY-MM.md beside yardstick.yaml (reviews.notesDir).

Examples:
  $ yardstick review
  $ yardstick review 2026-10
  $ yardstick review 2026-09 --refreeze --reason "incident links fixed in the data"`,
    )
    .action(
      async (month: string | undefined, opts: FileOptions & { refreeze?: boolean; reason?: string }) => {
        if (month !== undefined && !isMonth(month))
          throw new InputError("invalid review month", [
            { field: "<month>", message: `must be a month written YYYY-MM, e.g. 2026-03: got "${month}"` },
          ]);
        if (opts.refreeze && (month === undefined || !opts.reason?.trim()))
          throw new InputError("invalid option", [
            {
              field: "--refreeze",
              message: 'needs the month and a --reason: yardstick review 2026-09 --refreeze --reason "why"',
            },
          ]);
        if (opts.reason !== undefined && !opts.refreeze)
          throw new InputError("invalid option", [{ field: "--reason", message: "goes with --refreeze" }]);
        const cfg = loadConfig(opts.config);
        const metrics = await loadCheckedMetricsFile(opts.metrics);
        const logger = loggerFor(globals());
        const paths = dataPaths(cfg.dataDir);
        if (!existsSync(paths.warehouse))
          throw new InputError(
            `there is no warehouse at ${paths.warehouse} yet: run yardstick run (or extract and build) first`,
          );
        await withRunLock(cfg.dataDir, "review", logger, async () => {
          const built = await buildDashboards({
            ...siteOptions(cfg),
            metricsFile: metrics,
            now: new Date(),
            logger,
            ...(opts.refreeze && month ? { refreeze: { month, reason: opts.reason!.trim() } } : {}),
          });
          const wanted = month ?? built.latest;
          const page = wanted ? built.reviewPages.get(wanted) : undefined;
          if (!page)
            throw new InputError("invalid review month", [
              {
                field: "<month>",
                message: `${wanted ?? "(none)"} has no data in the warehouse (months: ${[...built.reviewPages.keys()][0] ?? "none"} to ${[...built.reviewPages.keys()].at(-1) ?? "none"})`,
              },
            ]);
          process.stdout.write(`${page}\n`);
        });
      },
    );

  withFiles(program.command("run"), true)
    .description("the nightly job: extract → build → metrics → dashboards, with a ledger entry per stage")
    .option("--since <date>", "backfill from YYYY-MM-DD")
    .option("--full", "ignore the cursors and re-read everything")
    .addHelpText(
      "after",
      `
One writer at a time: the run holds <dataDir>/yardstick.lock.db (a kernel lock that ends with the process,
however it ends); another run is refused with the holder's pid. What a killed run left is removed first.
Stop it with SIGTERM or Ctrl-C: dbt is cancelled, the stage is recorded as "interrupted" in
<dataDir>/ledger/runs.ndjson, the lock is released, and the exit code is 143 (SIGTERM) or 130 (Ctrl-C).
Start it directly (not through npx or npm run) so that a supervisor's SIGTERM reaches it.
More: docs/running-unattended.md.`,
    )
    .action(async (opts: FileOptions & { since?: string; full?: boolean }) => {
      const cfg = loadConfig(opts.config);
      const since = parseDateFlag("--since", opts.since);
      const logger = loggerFor(globals());
      const progress = progressFor(globals(), logger);
      let result: Awaited<ReturnType<typeof runPipeline>>;
      try {
        result = await runPipeline({
          config: cfg,
          root: ROOT,
          metricsFile: opts.metrics,
          logger,
          since,
          full: opts.full,
          progress,
        });
      } finally {
        printLine = writeStderr;
      }
      reportRun(globals(), logger, result.extract.run);
      logger.info(`run ${result.runId} done`);
      for (const page of result.pages) process.stdout.write(page + "\n");
      if (result.extract.stopped) {
        throw new YardstickError(
          `extraction stopped early (${result.extract.stopped.reason}); the pages show the data so far; the next run resumes after ${result.extract.stopped.resetAt}`,
        );
      }
    });

  withFiles(program.command("schedule"), true)
    .description(
      "run the nightly job at schedule.cron in schedule.timezone until stopped (one run at a time)",
    )
    .addHelpText(
      "after",
      `
Every tick leaves a line in <dataDir>/ledger/runs.ndjson, also one that fails before it starts (stage
"start", status "failed": a token variable that is not set) or is skipped because a run is still going
(status "skipped"). Stop it with SIGTERM or Ctrl-C: between runs it exits 0; during a run it stops the run
as \`yardstick run\` does (stage "interrupted", exit 143 or 130). More: docs/running-unattended.md.`,
    )
    .action(async (opts: FileOptions) => {
      const cfg = loadConfig(opts.config);
      await loadCheckedMetricsFile(opts.metrics);
      const logger = loggerFor(globals());
      const task = startSchedule({ config: cfg, root: ROOT, metricsFile: opts.metrics, logger });
      // Runs until told to stop: a run in progress is then cancelled and recorded as interrupted first.
      await new Promise<void>((stopped) => {
        onShutdown(
          "stop the schedule",
          async () => {
            await task.stop();
            stopped();
          },
          { idle: true },
        );
      });
    });

  program
    .command("demo")
    .description("run the whole pipeline against a simulated GitHub organisation and print the page's path")
    .option("--metrics <file>", "the metric definitions", "./metrics.yaml")
    .option("--seed <n>", "seed of the simulated organisation", "7")
    .option("--data <dir>", "throw-away data folder (recreated on every demo)", "./data/demo")
    .action(async (opts: { seed: string; data: string; metrics: string }) => {
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new InputError(`--seed must be an integer: got "${opts.seed}"`);
      const logger = loggerFor(globals());
      const page = await runDemo({
        root: ROOT,
        seed,
        dataDir: resolve(opts.data),
        metricsFile: opts.metrics,
        logger,
      });
      process.stdout.write(`\nThe latest monthly review: ${page}\n`);
    });

  return program;
}

/** Runs the CLI and returns the exit code (tests call this; `main` exits with it). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    // Told to stop: the work unwound because of it; the shutdown says so, not as the work's error.
    const signal = stoppingSignal();
    if (signal) return exitCodeFor(signal);
    return reportError(error);
  }
}

/**
 * The `yardstick` program: the CLI with SIGTERM and SIGINT handled (cancel dbt, record the stage as
 * interrupted, release the lock, exit 128 + the signal's number).
 */
export async function main(argv: string[]): Promise<void> {
  installShutdownHandlers({ write: (line) => printLine(`${logTimestamp(new Date())} ${line}`) });
  const code = await runCli(argv);
  // When stopping, the shutdown handler exits (with its code) once its last step has run.
  if (!stoppingSignal()) process.exitCode = code;
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (and the help for a bad flag); help and version are not errors.
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.exitCode === 0
    )
      return EXIT.ok;
    return EXIT.badInput;
  }
  if (error instanceof InputError) {
    process.stderr.write(`error: ${error.report()}\n`);
    return EXIT.badInput;
  }
  if (error instanceof YardstickError) {
    process.stderr.write(`error: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
