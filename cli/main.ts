/**
 * The `yardstick` command. Thin: parses arguments, loads configuration, calls the stages, and is the one
 * place that turns errors into messages and exit codes (0 ok, 1 the work failed, 2 bad input).
 */
import { copyFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import type { Config, dataPaths } from "../core/config.ts";
import { EXIT, InputError, YardstickError } from "../core/errors.ts";
import { parseIsoDate } from "../core/iso-date.ts";
import { createLogger, type LogFormat, type Logger, logTimestamp } from "../core/logger.ts";
import { PROJECT_ROOT } from "../core/project-root.ts";
import { exitCodeFor, installShutdownHandlers, onShutdown, stoppingSignal } from "../core/shutdown.ts";
import { terminalLines } from "../core/terminal-text.ts";
import { isMonth } from "../dashboards/review/months.ts";
import { createExtractProgress, type ExtractProgress } from "../extractors/progress/extract-progress.ts";
import { formatRunSummary, type RunSummary } from "../extractors/progress/run-summary.ts";
import { type IncompleteRead, incompleteLabel } from "../extractors/stream-context.ts";
import type { runPipeline } from "../jobs/pipeline.ts";
import { importCommand } from "./import-command.ts";
import { metricsCommand } from "./metrics-command.ts";
import { METRICS_OPTION_HELP, metricsPath } from "./metrics-path.ts";
import { statusCommand } from "./status-command.ts";

// Start-up: only commander and small modules are imported above, so `--help` and light commands start fast.
// Each command imports what it needs (DuckDB, dbt, octokit, the site's libraries) in its action, with
// `await import(...)`; tests/startup.test.ts fails when --help or `metrics list` loads a heavy library.
export const ROOT = PROJECT_ROOT;

interface GlobalOptions {
  logFormat: LogFormat;
  verbose?: boolean;
}

interface FileOptions {
  config: string;
  /** Absent unless given: see metricsPath. */
  metrics?: string;
}

/** Where the site, its frozen reviews, the notes and the ledger live for a configuration. */
function siteOptions(cfg: Config, paths: ReturnType<typeof dataPaths>) {
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
  if (metrics) command.option("--metrics <file>", METRICS_OPTION_HELP);
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

const PARTIAL_HELP = `
When a GitHub request still fails after its retries, only what it was reading is left out (one stream of
one repository or scope, e.g. "default_branch of acme/api"); everything else is read, and \`run\` builds and
publishes it. The part left out keeps its cursor, so the next run reads it and fills the gap. Until then
the run ledger marks the extraction "partial" with the parts (details.incomplete), the summary and the
pages say "incomplete: …", and the command exits 1. Stopping at github.reserve or after three failures
in a row (GitHub down) is the same kind of clean, partial stop. A request waiting for an answer longer
than 5 s is said in the log ("waiting for GitHub: …").

Exit codes: 0 everything read (and published), 1 a partial or failed run, 2 bad input or configuration.`;

/** Exit 1 for an extraction that could not read everything: what is missing, and that the next run fills it. */
function incompleteError(items: readonly IncompleteRead[], rest: string): YardstickError {
  const shown = items.slice(0, 5).map(incompleteLabel).join(", ");
  const more = items.length > 5 ? ` and ${items.length - 5} more (see the log)` : "";
  return new YardstickError(
    `extraction incomplete: ${shown}${more} could not be read; ${rest}; the next run fills the gap`,
  );
}

/** A day flag (--since): a day that exists, written YYYY-MM-DD, and not after today (UTC). */
function parseDateFlag(flag: string, value: string | undefined, now = new Date()): Date | undefined {
  if (value === undefined) return undefined;
  const date = parseIsoDate(value);
  if (!date) {
    throw new InputError(`${flag} must be a date written YYYY-MM-DD, a day that exists: got "${value}"`);
  }
  if (date.getTime() > now.getTime()) {
    throw new InputError(
      `${flag} ${value} is in the future (today is ${now.toISOString().slice(0, 10)} UTC): nothing can have changed since then`,
    );
  }
  return date;
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
    .description(
      "check Node, Python, dbt and both DuckDB versions, the data folder, and the token: one request to GitHub (1 point)",
    )
    .action(async (opts: FileOptions) => {
      const { runDoctor } = await import("./doctor-command.ts");
      process.exitCode = await runDoctor({
        root: ROOT,
        configFile: opts.config,
        write: (l) => process.stdout.write(l + "\n"),
      });
    });

  withFiles(program.command("extract"), true)
    .description("read what changed on GitHub since the last run into the lake")
    .option("--since <date>", "backfill: re-read everything updated on or after YYYY-MM-DD (a past day, UTC)")
    .option("--full", "ignore the cursors and re-read everything")
    .addHelpText("after", PARTIAL_HELP)
    .action(async (opts: FileOptions & { since?: string; full?: boolean }) => {
      const { dataPaths, loadConfig } = await import("../core/config.ts");
      const { loadCheckedMetricsFile } = await import("../metrics/metric-sql-check.ts");
      const { runExtractStage } = await import("../jobs/extract-stage.ts");
      const { newRunId } = await import("../jobs/pipeline.ts");
      const { withRunLock } = await import("../jobs/locked-run.ts");
      const { REQUEST_LEDGER_CAP, rotateLedger } = await import("../jobs/run-ledger.ts");
      const cfg = loadConfig(opts.config);
      const since = parseDateFlag("--since", opts.since);
      const metrics = await loadCheckedMetricsFile(metricsPath(opts.metrics, opts.config));
      const { readSourceTokens } = await import("../extractors/sources.ts");
      const tokens = readSourceTokens(cfg);
      const token = tokens[cfg.github.tokenEnv]!;
      await prepareData(cfg);
      const logger = loggerFor(globals());
      const progress = progressFor(globals(), logger);
      const runId = newRunId(new Date());
      try {
        const summary = await withRunLock(cfg.dataDir, `extract ${runId}`, logger, () => {
          rotateLedger(dataPaths(cfg.dataDir).requestLedger, REQUEST_LEDGER_CAP);
          return runExtractStage({
            config: cfg,
            token,
            tokens,
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
            `extraction stopped early: ${summary.stopped.reason}; ${summary.stopped.resetAt ? `run again after ${summary.stopped.resetAt} to resume` : "the next run resumes"}`,
          );
        }
        if (summary.incomplete.length > 0)
          throw incompleteError(summary.incomplete, "the rest is in the lake");
      } finally {
        printLine = writeStderr;
      }
    });

  withFiles(program.command("build"), true)
    .description("build a new warehouse from the lake with dbt; publish it only if every test passes")
    .action(async (opts: FileOptions) => {
      const { loadConfig } = await import("../core/config.ts");
      const { loadCheckedMetricsFile } = await import("../metrics/metric-sql-check.ts");
      const { ensurePythonEnv } = await import("../warehouse/python-env.ts");
      const { buildWarehouse } = await import("../warehouse/build.ts");
      const { newRunId } = await import("../jobs/pipeline.ts");
      const { withRunLock } = await import("../jobs/locked-run.ts");
      const cfg = loadConfig(opts.config);
      // The definitions (AI signals, production pattern, …) classify the whole history at every build.
      const { definitions } = await loadCheckedMetricsFile(metricsPath(opts.metrics, opts.config));
      await prepareData(cfg);
      const logger = loggerFor(globals());
      await ensurePythonEnv({ root: ROOT, logger });
      const runId = newRunId(new Date());
      const result = await withRunLock(cfg.dataDir, `build ${runId}`, logger, () =>
        buildWarehouse({ config: cfg, root: ROOT, logger, runId, definitions }),
      );
      logger.info(`published ${result.warehousePath}`, { rows: result.rows });
    });

  program.addCommand(metricsCommand());
  program.addCommand(statusCommand(() => loggerFor(globals())));
  program.addCommand(importCommand(() => loggerFor(globals())));

  withFiles(program.command("dashboards"), true)
    .description("render the static pages from the warehouse into <dataDir>/site")
    .action(async (opts: FileOptions) => {
      const { dataPaths, loadConfig } = await import("../core/config.ts");
      const { loadCheckedMetricsFile } = await import("../metrics/metric-sql-check.ts");
      const { buildDashboards } = await import("../dashboards/build-dashboards.ts");
      const cfg = loadConfig(opts.config);
      const metrics = await loadCheckedMetricsFile(metricsPath(opts.metrics, opts.config));
      await prepareData(cfg);
      const logger = loggerFor(globals());
      const { withRunLock } = await import("../jobs/locked-run.ts");
      const { pages } = await withRunLock(cfg.dataDir, "dashboards", logger, () =>
        buildDashboards({
          ...siteOptions(cfg, dataPaths(cfg.dataDir)),
          metricsFile: metrics,
          now: new Date(),
          logger,
        }),
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
        const { dataPaths, loadConfig } = await import("../core/config.ts");
        const { loadCheckedMetricsFile } = await import("../metrics/metric-sql-check.ts");
        const { buildDashboards } = await import("../dashboards/build-dashboards.ts");
        const { withRunLock } = await import("../jobs/locked-run.ts");
        const cfg = loadConfig(opts.config);
        const metrics = await loadCheckedMetricsFile(metricsPath(opts.metrics, opts.config));
        await prepareData(cfg);
        const logger = loggerFor(globals());
        const paths = dataPaths(cfg.dataDir);
        if (!existsSync(paths.warehouse))
          throw new InputError(
            `there is no warehouse at ${paths.warehouse} yet: run yardstick run (or extract and build) first`,
          );
        await withRunLock(cfg.dataDir, "review", logger, async () => {
          const built = await buildDashboards({
            ...siteOptions(cfg, paths),
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
    .option("--since <date>", "backfill from YYYY-MM-DD (a past day, UTC)")
    .option("--full", "ignore the cursors and re-read everything")
    .option(
      "--force-build",
      "run dbt even when nothing changed since the published warehouse was built (no new lake data, same teams, definitions, dbt project and code)",
    )
    .addHelpText(
      "after",
      `${PARTIAL_HELP}

A quiet night is cheap: when the extract finds nothing new and neither the teams in yardstick.yaml, the
definitions in metrics.yaml, the dbt models nor Yardstick itself changed, the build is skipped (the log says
"build: skipped" and why, the ledger records the build stage as skipped) and the published warehouse is
kept; the metrics and pages are still evaluated and rendered, because the clock moves (a provisional month
may become final). Any change builds in full, as does --force-build.

One writer at a time: the run holds <dataDir>/yardstick.lock.db (a kernel lock that ends with the process,
however it ends); another run is refused with the holder's pid. What a killed run left is removed first.
Stop it with SIGTERM or Ctrl-C: dbt is cancelled, the stage is recorded as "interrupted" in
<dataDir>/ledger/runs.ndjson, the lock is released, and the exit code is 143 (SIGTERM) or 130 (Ctrl-C).
Start it directly (not through npx or npm run) so that a supervisor's SIGTERM reaches it.
More: docs/running-unattended.md.`,
    )
    .action(async (opts: FileOptions & { since?: string; full?: boolean; forceBuild?: boolean }) => {
      const { loadConfig } = await import("../core/config.ts");
      const { runPipeline } = await import("../jobs/pipeline.ts");
      const { withRunNotifications } = await import("../jobs/notify.ts");
      const cfg = loadConfig(opts.config);
      const since = parseDateFlag("--since", opts.since);
      const metricsFile = metricsPath(opts.metrics, opts.config);
      await prepareData(cfg);
      const logger = loggerFor(globals());
      const progress = progressFor(globals(), logger);
      let result: Awaited<ReturnType<typeof runPipeline>>;
      try {
        result = await withRunNotifications({ config: cfg, logger, origin: "run" }, () =>
          runPipeline({
            config: cfg,
            root: ROOT,
            metricsFile,
            logger,
            since,
            full: opts.full,
            forceBuild: opts.forceBuild,
            progress,
          }),
        );
      } finally {
        printLine = writeStderr;
      }
      reportRun(globals(), logger, result.extract.run);
      logger.info(`run ${result.runId} done`);
      for (const page of result.pages) process.stdout.write(page + "\n");
      if (result.extract.stopped) {
        throw new YardstickError(
          `extraction stopped early (${result.extract.stopped.reason}); the pages show the data so far and say what is missing; the next run resumes${result.extract.stopped.resetAt ? ` after ${result.extract.stopped.resetAt}` : ""}`,
        );
      }
      if (result.extract.incomplete.length > 0)
        throw incompleteError(
          result.extract.incomplete,
          "the warehouse and the pages were built from the rest and say what is missing",
        );
    });

  withFiles(program.command("compact"))
    .description("rewrite each lake stream's small Parquet batches into one file (same rows, faster builds)")
    .option("--stream <name...>", "only these streams (e.g. pull_requests or github/deployments)")
    .addHelpText(
      "after",
      `
Every nightly run adds a few small Parquet files per stream under <dataDir>/lake/raw/<source>/<stream>/, and
the build reads them all. Compaction rewrites a stream's files smaller than 256 MB into one, keeping every
row and column (_extracted_at and _run_id included), so the warehouse comes out the same. It runs under the
run lock, so never during a run. A compaction that is interrupted is finished or undone by the next
\`yardstick compact\` or \`yardstick run\`; until then the build still gives the same warehouse.
\`yardstick run\` compacts on its own a stream that has more than lake.compactAfterFiles files (default 100).

Examples:
  $ yardstick compact
  $ yardstick compact --stream pull_requests pull_request_commits`,
    )
    .action(async (opts: { config: string; stream?: string[] }) => {
      const { loadConfig, dataPaths } = await import("../core/config.ts");
      const { newRunId } = await import("../jobs/pipeline.ts");
      const { withRunLock } = await import("../jobs/locked-run.ts");
      const { compactLake } = await import("../extractors/lake-compaction.ts");
      const cfg = loadConfig(opts.config);
      await prepareData(cfg);
      const logger = loggerFor(globals());
      const paths = dataPaths(cfg.dataDir);
      const runId = newRunId(new Date());
      await withRunLock(cfg.dataDir, `compact ${runId}`, logger, async () => {
        const results = await compactLake({ lakeDir: paths.lake, logger, runId, streams: opts.stream });
        if (results.length === 0) logger.info(`compact: nothing to compact in ${paths.lake}`);
        for (const r of results) {
          process.stdout.write(
            `${r.stream}: ${r.filesBefore} → ${r.filesAfter} files${r.recovered ? ` (${r.recovered} an interrupted compaction)` : ""}\n`,
          );
        }
      });
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
      const { loadConfig } = await import("../core/config.ts");
      const { loadCheckedMetricsFile } = await import("../metrics/metric-sql-check.ts");
      const { startSchedule } = await import("../jobs/schedule.ts");
      const cfg = loadConfig(opts.config);
      const metricsFile = metricsPath(opts.metrics, opts.config);
      await loadCheckedMetricsFile(metricsFile);
      await prepareData(cfg);
      const logger = loggerFor(globals());
      const task = startSchedule({ config: cfg, root: ROOT, metricsFile, logger });
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
    .option("--metrics <file>", "the metric definitions (default: ./metrics.yaml, else Yardstick's own)")
    .option("--seed <n>", "seed of the simulated organisation", "7")
    .option("--data <dir>", "throw-away data folder (recreated on every demo)", "./data/demo")
    .action(async (opts: { seed: string; data: string; metrics?: string }) => {
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new InputError(`--seed must be an integer: got "${opts.seed}"`);
      const { runDemo } = await import("./demo-command.ts");
      const logger = loggerFor(globals());
      const page = await runDemo({
        root: ROOT,
        seed,
        dataDir: resolve(opts.data),
        metricsFile: metricsPath(opts.metrics, undefined, join(ROOT, "metrics.yaml")),
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
  // Messages quote input (names, values, paths): shown with control characters escaped, never acted on.
  if (error instanceof InputError) {
    process.stderr.write(`error: ${terminalLines(error.report())}\n`);
    return EXIT.badInput;
  }
  if (error instanceof YardstickError) {
    process.stderr.write(`error: ${terminalLines(error.message)}\n`);
    return error.exitCode;
  }
  if (isSystemError(error)) {
    // The operating system refused something (a folder that cannot be written, a path through a file):
    // the operator's to fix, so bad input with the system's own words, not a stack trace.
    process.stderr.write(`error: ${terminalLines(error.message)}\n`);
    return EXIT.badInput;
  }
  process.stderr.write(
    `error: ${terminalLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
  );
  return EXIT.failure;
}

/** Refuses a data folder that is a file or cannot be written (exit 2 naming dataDir); loaded when needed. */
async function prepareData(cfg: Config): Promise<void> {
  const { prepareDataDir } = await import("../core/data-dir.ts");
  prepareDataDir(cfg);
}

/** A Node error raised by a system call (fs, net): it has an errno code and names the call. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === "string" &&
    typeof (error as NodeJS.ErrnoException).syscall === "string"
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
