/**
 * What `yardstick status` reports, as one object: the last run of every stage (from the run ledger), each
 * source's freshness, the published warehouse and site, the next scheduled run, the lock, and warnings.
 * Nothing here writes; a monitor can call it as often as it likes.
 *
 * Freshness: a source is confirmed current as of the start of the last extraction that finished (ledger
 * status `ok`) — a quiet night that finds nothing new still confirms it. A source the cursors have never
 * seen (added to yardstick.yaml since) has no confirmation yet. Per stream, the cursors say when each was
 * last moved: a run stopped at the budget reserve moves some and not others.
 */
import { readFileSync, statSync } from "node:fs";
import { createTask } from "node-cron";
import { type Config, dataPaths } from "../core/config.ts";
import { isProcessAlive } from "../core/process-alive.ts";
import { dataWatermark } from "../metrics/metric-evaluator.ts";
import { type LedgerRecord, readLedgerHistory } from "./ledger-history.ts";

export type WarningKind =
  | "stale"
  | "failed"
  | "partial"
  | "budget"
  | "interrupted"
  | "lock"
  | "ledger"
  | "state";

export interface StatusWarning {
  kind: WarningKind;
  message: string;
}

export interface StageReport {
  stage: string;
  status: string;
  runId: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  error: string | null;
  /** Why an extraction stopped early, when it did (the GitHub budget reserve). */
  stopped: { reason: string; resetAt: string | null } | null;
  rows: Record<string, unknown>;
}

export interface SourceFreshness {
  kind: "org" | "repo";
  name: string;
  /** Start of the last complete extraction that covered it; null when none did. */
  confirmedAt: string | null;
  ageHours: number | null;
  stale: boolean;
  /** Per stream, when its cursor last moved for this source. */
  streams: Record<string, string>;
}

export interface StatusReport {
  at: string;
  config: string;
  dataDir: string;
  staleAfterHours: number;
  /** true when nothing calls for an operator: no stale source and no stage whose last run failed. */
  healthy: boolean;
  lastRun: { runId: string; stages: { stage: string; status: string }[] } | null;
  stages: StageReport[];
  lastCompleteExtraction: string | null;
  sources: SourceFreshness[];
  warehouse: { path: string; publishedAt: string | null; dataWatermark: string | null };
  site: { path: string; publishedAt: string | null };
  schedule: { cron: string; timezone: string; nextRunAt: string | null };
  lock: {
    file: string;
    pid: number | null;
    what: string | null;
    since: string | null;
    alive: boolean | null;
  } | null;
  warnings: StatusWarning[];
}

export interface StatusOptions {
  config: Config;
  now?: Date;
  /** Overrides `status.staleAfterHours`. */
  staleAfterHours?: number;
  /** Open the warehouse to read its data watermark (default true; the notifier skips it). */
  readWarehouse?: boolean;
}

const HOUR_MS = 3_600_000;
const KNOWN_OK = new Set(["ok", "skipped"]);

export async function runStatus(options: StatusOptions): Promise<StatusReport> {
  const { config } = options;
  const now = options.now ?? new Date();
  const staleAfterHours = options.staleAfterHours ?? config.status.staleAfterHours;
  const paths = dataPaths(config.dataDir);
  const warnings: StatusWarning[] = [];

  const history = readLedgerHistory(paths.ledger);
  for (const p of history.problems)
    warnings.push({ kind: "ledger", message: `${p.file}${p.line ? `:${p.line}` : ""} ${p.message}` });
  const records = history.records;

  const latestByStage = new Map<string, LedgerRecord>();
  for (const r of records) latestByStage.set(r.stage, r);
  const stages = [...latestByStage.values()]
    .sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage))
    .map(stageReport);

  const last = records.findLast((r) => r.runId !== null);
  const lastRun = last
    ? {
        runId: last.runId!,
        stages: records
          .filter((r) => r.runId === last.runId)
          .map((r) => ({ stage: r.stage, status: r.status })),
      }
    : null;

  for (const s of stages) {
    const run = s.runId ? ` (run ${s.runId}, ${s.endedAt ?? s.startedAt ?? "no time"})` : "";
    if (s.status === "failed") {
      warnings.push({
        kind: "failed",
        message: `the last ${s.stage} failed${run}: ${s.error ?? "no error recorded"}`,
      });
    } else if (s.stopped) {
      warnings.push({
        kind: "budget",
        message: `the last ${s.stage} stopped early for GitHub's budget${run}: ${s.stopped.reason}; the next run resumes${s.stopped.resetAt ? ` after ${s.stopped.resetAt}` : ""}`,
      });
    } else if (s.status === "partial") {
      warnings.push({
        kind: "partial",
        message: `the last ${s.stage} is partial${run}${s.error ? `: ${s.error}` : ""}`,
      });
    } else if (s.status === "interrupted") {
      warnings.push({ kind: "interrupted", message: `the last ${s.stage} was interrupted${run}` });
    } else if (!KNOWN_OK.has(s.status)) {
      warnings.push({ kind: "partial", message: `the last ${s.stage} ended "${s.status}"${run}` });
    }
  }

  // Freshness: the last extraction that finished, and which sources the cursors know.
  const complete = records.findLast((r) => r.stage === "extract" && r.status === "ok");
  const completeAt = complete ? (complete.startedAt ?? complete.endedAt) : null;
  const cursors = readCursors(paths.state, warnings);
  const sources: SourceFreshness[] = [
    ...config.github.orgs.map((name) => ({ kind: "org" as const, name })),
    ...config.github.repos.map((name) => ({ kind: "repo" as const, name })),
  ].map(({ kind, name }) => {
    const streams: Record<string, string> = {};
    for (const [key, cursor] of Object.entries(cursors)) {
      const [, stream, ...rest] = key.split("/");
      if (!stream || !covers(kind, name, rest.join("/"))) continue;
      if (!streams[stream] || Date.parse(cursor.savedAt) > Date.parse(streams[stream]))
        streams[stream] = cursor.savedAt;
    }
    // No cursors at all (a state folder deleted to re-read everything): the ledger alone speaks for the data.
    const seen = Object.keys(streams).length > 0 || Object.keys(cursors).length === 0;
    const confirmedAt = seen ? completeAt : null;
    const ageHours = confirmedAt === null ? null : (now.getTime() - Date.parse(confirmedAt)) / HOUR_MS;
    const stale = ageHours === null || Number.isNaN(ageHours) || ageHours > staleAfterHours;
    return { kind, name, confirmedAt, ageHours, stale, streams };
  });
  for (const s of sources.filter((s) => s.stale)) {
    warnings.push({
      kind: "stale",
      message:
        s.confirmedAt === null
          ? `${s.kind} ${s.name}: no complete extraction yet (run yardstick run)`
          : `${s.kind} ${s.name}: last complete extraction ${s.confirmedAt}, ${s.ageHours!.toFixed(1)} h ago (stale after ${staleAfterHours} h)`,
    });
  }

  const warehouse = {
    path: paths.warehouse,
    publishedAt: mtimeOf(paths.warehouse),
    dataWatermark: null as string | null,
  };
  if (warehouse.publishedAt && options.readWarehouse !== false) {
    try {
      warehouse.dataWatermark = await dataWatermark(paths.warehouse);
    } catch (error) {
      warnings.push({
        kind: "state",
        message: `the warehouse ${paths.warehouse} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  return {
    at: now.toISOString(),
    config: config.file,
    dataDir: config.dataDir,
    staleAfterHours,
    healthy: !warnings.some((w) => w.kind === "stale" || w.kind === "failed"),
    lastRun,
    stages,
    lastCompleteExtraction: completeAt,
    sources,
    warehouse,
    site: { path: paths.site, publishedAt: mtimeOf(paths.site) },
    schedule: { ...config.schedule, nextRunAt: nextRun(config.schedule.cron, config.schedule.timezone, now) },
    lock: readLock(paths.lock, warnings),
    warnings,
  };
}

/** The pipeline's stages first, in their order; any other stage (from a newer or older ledger) after them. */
function stageOrder(stage: string): number {
  const i = ["extract", "build", "metrics", "dashboards"].indexOf(stage);
  return i === -1 ? 100 : i;
}

function stageReport(r: LedgerRecord): StageReport {
  const stopped = r.details.stopped;
  const duration = r.raw.durationMs;
  return {
    stage: r.stage,
    status: r.status,
    runId: r.runId,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: typeof duration === "number" ? duration : null,
    error: r.error,
    stopped:
      typeof stopped === "object" && stopped !== null
        ? {
            reason: String((stopped as Record<string, unknown>).reason ?? "stopped early"),
            resetAt:
              typeof (stopped as Record<string, unknown>).resetAt === "string"
                ? ((stopped as Record<string, unknown>).resetAt as string)
                : null,
          }
        : null,
    rows: r.rows,
  };
}

/**
 * Whether a cursor partition belongs to a configured source. Partitions are a repository (`owner/name`)
 * or a search scope (`org:owner`, or `repo:owner/name` qualifiers joined by spaces). Logins compare
 * without case, as GitHub does.
 */
function covers(kind: "org" | "repo", name: string, partition: string): boolean {
  const want = name.toLowerCase();
  const tokens = partition.toLowerCase().split(" ");
  return tokens.some((t) => {
    const repo = t.startsWith("repo:") ? t.slice(5) : t;
    if (kind === "repo") return repo === want;
    return t === `org:${want}` || repo.startsWith(`${want}/`);
  });
}

function readCursors(stateDir: string, warnings: StatusWarning[]): Record<string, { savedAt: string }> {
  const file = `${stateDir}/cursors.json`;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      warnings.push({
        kind: "state",
        message: `${file} cannot be read (${(error as NodeJS.ErrnoException).code})`,
      });
    return {};
  }
  try {
    const parsed = JSON.parse(text) as Record<string, { savedAt?: unknown }>;
    return Object.fromEntries(
      Object.entries(parsed)
        .filter(([, c]) => typeof c?.savedAt === "string" && !Number.isNaN(Date.parse(c.savedAt)))
        .map(([k, c]) => [k, { savedAt: c.savedAt as string }]),
    );
  } catch {
    warnings.push({ kind: "state", message: `${file} is not valid JSON: the next run re-reads everything` });
    return {};
  }
}

function mtimeOf(path: string): string | null {
  try {
    // statSync follows a symbolic link: a site published by flipping a link reports its current target.
    return statSync(path).mtime.toISOString();
  } catch {
    return null;
  }
}

/** The next time the cron expression fires after `now`, in its time zone. */
function nextRun(cron: string, timezone: string, now: Date): string | null {
  const task = createTask(cron, () => {}, { timezone });
  try {
    const next = task.getNextRuns(50).find((d) => d.getTime() > now.getTime());
    return next ? next.toISOString() : null;
  } finally {
    void task.destroy();
  }
}

function readLock(file: string, warnings: StatusWarning[]): StatusReport["lock"] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  let holder: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) holder = parsed;
  } catch {
    // A lock file in a format this version does not know: report that it is there.
  }
  const pid =
    typeof holder.pid === "number" && Number.isInteger(holder.pid) && holder.pid > 0 ? holder.pid : null;
  const lock = {
    file,
    pid,
    what: typeof holder.what === "string" ? holder.what : null,
    since: typeof holder.since === "string" ? holder.since : null,
    alive: pid === null ? null : isProcessAlive(pid),
  };
  const facts = [pid ? `pid ${pid}` : null, lock.since ? `since ${lock.since}` : null].filter(Boolean);
  const who = `${lock.what ?? "a run"}${facts.length ? ` (${facts.join(", ")})` : ""}`;
  warnings.push({
    kind: "lock",
    message:
      lock.alive === false
        ? `a lock left by ${who} that is no longer running: the next run takes it over`
        : `the lock is held by ${who}: a run is in progress, or was killed and left its lock`,
  });
  return lock;
}
