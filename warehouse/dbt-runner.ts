/**
 * Runs the dbt CLI from the project's Python environment as a subprocess, turning its JSON log into readable
 * progress lines and, on failure, into an error that carries dbt's own words (the failing node and message).
 *
 * dbt is run offline: no anonymous usage statistics, no version check, project and profile from the
 * repository, and every file it writes (target/, logs/) in the folders the caller names, its log capped. It
 * gets only the environment it needs (an allow-list, see dbtEnvironment): never the GitHub token, nor any
 * other secret of the process that starts it, which dbt, its adapters or a model's Jinja could read with
 * env_var().
 *
 * dbt ends with Yardstick: it runs in a process group of its own under a small watchdog
 * (dbt-watchdog.py) that kills the group when the pipe from this process closes, which the kernel does
 * however this process ends, `kill -9` included. When Yardstick is told to stop (SIGTERM, Ctrl-C), it ends
 * the group itself and reports the run as interrupted, not as a dbt failure. The operator's log gets dbt's
 * progress and failures; the line per node is a debug line, and the whole story is in dbt.log.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { InputError, YardstickError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { PROJECT_ROOT } from "../core/project-root.ts";
import { InterruptedError, onShutdown, stoppingSignal } from "../core/shutdown.ts";
import { capDbtLogs, DBT_LOG_FILE_BYTES } from "./dbt-logs.ts";
import { dbtResourceEnv, duckDbResources } from "./duckdb-resources.ts";
import { dbtOfflineEnv, venvPaths } from "./python-env.ts";

/** Runs dbt's CLI in-process and kills its process group when the pipe on fd 3 closes. */
// From the project folder, not from this file: the compiled code in dist/ has no copy of the script.
const WATCHDOG = join(PROJECT_ROOT, "warehouse", "dbt-watchdog.py");
/** After SIGTERM, how long dbt has to end before its group is killed outright. */
const TERMINATE_GRACE_MS = 5_000;

export interface DbtRunOptions {
  /** Repository root: holds dbt_project.yml, profiles.yml and `.venv`. */
  root: string;
  /** Variables dbt gets besides the allow-listed ones (e.g. YARDSTICK_BUILD_DB). */
  env: Record<string, string>;
  /** Variables dbt must not get even if allow-listed: the configured token variable (github.tokenEnv). */
  withhold?: readonly string[];
  logger: Logger;
  /** dbt's target folder (manifest, run results, compiled SQL). */
  targetPath: string;
  /** dbt's log folder (dbt.log). */
  logPath: string;
}

/** One node (model, test, unit test, seed, …) as dbt reported it when it finished. */
export interface DbtNodeResult {
  uniqueId: string;
  name: string;
  resourceType: string;
  /** dbt's status: success, pass, fail, warn, error, skipped, … */
  status: string;
  executionTimeS: number;
  /** Failing rows of a test; 0 for other nodes. */
  failures: number;
}

export interface DbtResult {
  exitCode: number;
  durationMs: number;
  nodes: DbtNodeResult[];
  /** dbt's final counts (`Done. PASS=… ERROR=…`), when it got that far. */
  stats: { pass: number; warn: number; error: number; skip: number; total: number } | null;
  /** dbt's own error messages, in the order it printed them. */
  errors: string[];
  warnings: string[];
}

/** A dbt run that failed; the message holds dbt's error text and `result` everything collected. */
export class DbtError extends YardstickError {
  override name = "DbtError";
  constructor(
    message: string,
    readonly result: DbtResult,
  ) {
    super(message);
  }
}

/** The events that end a node, and the word shown for each status. */
const FINISH_EVENTS = new Set([
  "LogModelResult",
  "LogTestResult",
  "LogSeedResult",
  "LogSnapshotResult",
  "LogNodeResult",
  "LogFreshnessResult",
  "SkippingDetails",
]);

const STATUS_WORD: Record<string, string> = {
  success: "OK",
  pass: "PASS",
  fail: "FAIL",
  warn: "WARN",
  error: "ERROR",
  skipped: "SKIP",
  "no-op": "NO-OP",
  reused: "REUSED",
};

/**
 * Runs `dbt <args>` and resolves with what dbt reported; rejects with a DbtError carrying dbt's message when
 * dbt exits non-zero. Example: `await runDbt(["build"], { root, env, logger, targetPath, logPath })`.
 */
export async function runDbt(args: string[], options: DbtRunOptions): Promise<DbtResult> {
  const { root, logger } = options;
  const { dbt, python } = venvPaths(root);
  if (!existsSync(dbt)) {
    throw new InputError(
      `dbt is not installed at ${dbt}: run \`npm run setup\` to create the Python environment`,
    );
  }
  mkdirSync(options.targetPath, { recursive: true });
  mkdirSync(options.logPath, { recursive: true });
  capDbtLogs(options.logPath);
  // Since dbt 1.5 these are accepted after the subcommand, which keeps `args[0]` the command.
  const fullArgs = [
    ...args,
    "--project-dir",
    root,
    "--profiles-dir",
    root,
    "--target-path",
    options.targetPath,
    "--log-path",
    options.logPath,
    "--log-file-max-bytes",
    String(DBT_LOG_FILE_BYTES),
    "--log-format",
    "json",
    "--no-use-colors",
  ];
  const env = {
    ...dbtOfflineEnv(dbtEnvironment(process.env, options.withhold)),
    // DuckDB's memory limit, threads and spill folder (profiles.yml); a build passes its own spill folder.
    ...dbtResourceEnv(duckDbResources(), join(options.targetPath, "duckdb-tmp"), args[0] ?? "dbt"),
    ...options.env,
    PYTHONUNBUFFERED: "1",
    NO_COLOR: "1",
  };
  const command = args[0] ?? "dbt";
  const started = Date.now();
  const result: DbtResult = { exitCode: 0, durationMs: 0, nodes: [], stats: null, errors: [], warnings: [] };
  const plainOutput: string[] = [];
  const progress = { decile: 0 };

  const onLine = (line: string) => {
    if (!line.trim()) return;
    const event = parseEvent(line);
    if (!event) {
      // Python tracebacks and anything printed outside dbt's logger: kept in case they explain a failure.
      plainOutput.push(line);
      if (plainOutput.length > 200) plainOutput.shift();
      logger.debug(`dbt: ${line}`);
      return;
    }
    handleEvent(event, result, logger, progress);
  };

  let stopDbt: (() => void) | undefined;
  const exitCode = await new Promise<number>((resolvePromise, reject) => {
    // stdio[3]: the watchdog's pipe. Only this process holds its other end; it is never written to.
    const child = spawn(python, [WATCHDOG, ...fullArgs], {
      cwd: root,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const group = trackGroup(child);
    let closed: () => void = () => {};
    const whenClosed = new Promise<void>((r) => {
      closed = r;
    });
    stopDbt = onShutdown("cancel dbt", async () => {
      group.terminate();
      await whenClosed;
    });
    let open = 2;
    let code: number | null = null;
    const done = () => {
      if (open === 0 && code !== null) resolvePromise(code);
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on("line", onLine);
      lines.on("close", () => {
        open -= 1;
        done();
      });
    }
    child.on("error", (error: NodeJS.ErrnoException) => {
      group.forget();
      closed();
      if (error.code === "ENOENT") {
        reject(
          new InputError(
            `dbt's Python is not installed at ${python}: run \`npm run setup\` to create the Python environment`,
          ),
        );
      } else reject(error);
    });
    child.on("close", (c, signal) => {
      group.forget();
      closed();
      code = c ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1);
      done();
    });
  }).finally(() => stopDbt?.());

  result.exitCode = exitCode;
  result.durationMs = Date.now() - started;
  const stopping = stoppingSignal();
  if (stopping && exitCode !== 0) throw new InterruptedError(stopping);
  if (exitCode !== 0) {
    const details =
      result.errors.length > 0
        ? result.errors.join("\n")
        : plainOutput.slice(-20).join("\n") ||
          "(dbt printed no error message; see dbt.log in " + options.logPath + ")";
    throw new DbtError(`dbt ${command} failed (exit ${exitCode}):\n${details}`, result);
  }
  return result;
}

/**
 * Variables dbt may inherit: what a process needs to run on this machine (paths, locale, time zone, temp
 * folders, certificates) and dbt's and DuckDB's own settings. Anything else — GITHUB_TOKEN, GH_TOKEN, the
 * configured token variable, cloud credentials — stays out; so do names that say they hold a secret
 * even when they match (a DBT_…_TOKEN), and the `withhold` names.
 */
export function dbtEnvironment(
  env: NodeJS.ProcessEnv,
  withhold: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || withhold.includes(name)) continue;
    if (!DBT_ENV_ALLOWED.test(name) || SECRET_NAME.test(name)) continue;
    out[name] = value;
  }
  return out;
}

const DBT_ENV_ALLOWED =
  /^(?:PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_[A-Z_]+|TZ|TMPDIR|TMP|TEMP|TERM|SYSTEMROOT|WINDIR|COMSPEC|PATHEXT|APPDATA|LOCALAPPDATA|USERPROFILE|LD_LIBRARY_PATH|DYLD_LIBRARY_PATH|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|PYTHONIOENCODING|PYTHONUTF8|DBT_[A-Z0-9_]+|DUCKDB_[A-Z0-9_]+|DO_NOT_TRACK)$/;
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|API_KEY|AUTH/i;

interface DbtEvent {
  info: { name?: string; level?: string; msg?: string };
  data: Record<string, unknown>;
}

function parseEvent(line: string): DbtEvent | null {
  if (!line.startsWith("{")) return null;
  try {
    const parsed = JSON.parse(line) as Partial<DbtEvent>;
    if (!parsed || typeof parsed.info !== "object" || parsed.info === null) return null;
    return { info: parsed.info, data: (parsed.data as Record<string, unknown>) ?? {} };
  } catch {
    return null;
  }
}

interface NodeInfo {
  unique_id?: string;
  node_name?: string;
  resource_type?: string;
  materialized?: string;
  node_status?: string;
}

function handleEvent(event: DbtEvent, result: DbtResult, logger: Logger, progress: { decile: number }): void {
  const name = event.info.name ?? "";
  const level = event.info.level ?? "info";
  const msg = event.info.msg ?? "";

  if (FINISH_EVENTS.has(name)) {
    const node = (event.data.node_info ?? {}) as NodeInfo;
    const status = String(
      event.data.status ?? node.node_status ?? (name === "SkippingDetails" ? "skipped" : ""),
    );
    const failures = Number(event.data.num_failures ?? 0) || 0;
    const time = Number(event.data.execution_time ?? 0) || 0;
    const resourceType = node.resource_type ?? String(event.data.resource_type ?? "node");
    const nodeName = node.node_name ?? String(event.data.node_name ?? event.data.name ?? "");
    result.nodes.push({
      uniqueId: node.unique_id ?? nodeName,
      name: nodeName,
      resourceType,
      status,
      executionTimeS: time,
      failures,
    });
    const index = event.data.index ?? "?";
    const total = event.data.total ?? event.data.num_models ?? "?";
    // Padded to line the columns up, and always followed by a space (below): ERROR and REUSED fill the padding.
    const word = (STATUS_WORD[status] ?? status.toUpperCase()).padEnd(5);
    const kind = resourceType.replace("_", " ");
    const materialized = resourceType === "model" && node.materialized ? ` (${node.materialized})` : "";
    const failing = failures > 0 ? ` (${failures} failing row${failures === 1 ? "" : "s"})` : "";
    const seconds = status === "skipped" ? "" : ` ${time.toFixed(2)}s`;
    const line = `${index}/${total} ${word} ${kind} ${nodeName}${materialized}${seconds}${failing}`;
    // Failures and warnings in full; every other node only in the debug log (and in dbt.log).
    if (status === "fail" || status === "error") logger.error(line);
    else if (status === "warn") logger.warn(line);
    else logger.debug(`  ${line}`);
    logProgress(result, Number(total), logger, progress);
    return;
  }

  if (name === "StatsLine") {
    const stats = event.data.stats as Record<string, number> | undefined;
    if (stats) {
      result.stats = {
        pass: stats.pass ?? 0,
        warn: stats.warn ?? 0,
        error: stats.error ?? 0,
        skip: stats.skip ?? 0,
        total: stats.total ?? 0,
      };
    }
    logger.info(`dbt: ${msg}`);
    return;
  }

  if (level === "error") {
    if (msg.trim()) result.errors.push(msg.replace(/^\s+/, ""));
    logger.debug(`dbt: ${msg}`);
    return;
  }
  if (level === "warn") {
    if (msg.trim()) {
      result.warnings.push(msg.trim());
      logger.warn(`dbt: ${msg.trim()}`);
    }
    return;
  }
  if (name === "LogStartLine" || name === "Formatting" || !msg.trim()) {
    if (msg.trim()) logger.debug(`dbt: ${msg.trim()}`);
    return;
  }
  if (name === "FoundStats" || name === "MainReportVersion" || name === "FinishedRunningStats") {
    logger.info(`dbt: ${msg.trim()}`);
    return;
  }
  logger.debug(`dbt: ${msg.trim()}`);
}

/** One info line each time another tenth of the nodes has finished: progress, and failures so far. */
function logProgress(result: DbtResult, total: number, logger: Logger, progress: { decile: number }): void {
  if (!Number.isFinite(total) || total <= 0) return;
  const done = result.nodes.length;
  const decile = Math.min(10, Math.floor((done * 10) / total));
  if (decile <= progress.decile) return;
  progress.decile = decile;
  const failed = result.nodes.filter((n) => n.status === "fail" || n.status === "error").length;
  const warned = result.nodes.filter((n) => n.status === "warn").length;
  const skipped = result.nodes.filter((n) => n.status === "skipped").length;
  const notes = [
    failed > 0 ? `${failed} failed` : "",
    warned > 0 ? `${warned} warned` : "",
    skipped > 0 ? `${skipped} skipped` : "",
  ].filter(Boolean);
  logger.info(`dbt: ${done}/${total} nodes done${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`);
}

/** dbt process groups still running: killed outright if this process exits without waiting for them. */
const liveGroups = new Set<number>();
let exitHook = false;

/** Keeps track of a detached dbt's process group, and ends it with this process. */
function trackGroup(child: ChildProcess) {
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);
  if (!exitHook) {
    exitHook = true;
    process.on("exit", () => {
      for (const group of liveGroups) killGroup(group, "SIGKILL");
    });
  }
  return {
    terminate() {
      if (pid === undefined || !liveGroups.has(pid)) return;
      killGroup(pid, "SIGTERM");
      setTimeout(() => {
        if (liveGroups.has(pid)) killGroup(pid, "SIGKILL");
      }, TERMINATE_GRACE_MS).unref();
    },
    forget() {
      if (pid !== undefined) liveGroups.delete(pid);
      const pipe = child.stdio[3];
      if (pipe && "destroy" in pipe) pipe.destroy();
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has ended already.
  }
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return osConstants.signals[signal];
}
