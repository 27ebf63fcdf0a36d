/**
 * Progress of an extraction, as the runner reports it: on a terminal, a live display per stream (redrawn
 * in place, ~10 Hz, cleared at the end); otherwise — or with `--log-format json` — one structured log
 * line per step (a repository of a stream read, a stream finished). Either way `finish()` returns the run
 * summary. The output stream is injected, so tests check both modes.
 *
 * @example
 *   const progress = createExtractProgress({ output: process.stderr, logger, logFormat });
 *   const client = createGitHubClient({ ..., onRequest: (r) => { ledger.append(r); progress.request(r) } });
 *   progress.streamStarted("pull_requests", repos.length);
 *   progress.partitionStarted("pull_requests", "acme/api"); progress.rowsWritten("pull_requests", "acme/api", 25);
 *   progress.partitionFinished("pull_requests", "acme/api");
 *   logger.info(formatRunSummary(progress.finish()));
 */
import type { LogFormat, Logger } from "../../core/logger.ts";
import type { RequestRecord } from "../http/request-record.ts";
import { LiveDisplay, type ProgressOutput } from "./live-display.ts";
import { renderProgressLines } from "./progress-lines.ts";
import { ProgressState } from "./progress-state.ts";
import { type RunSummary, summariseRun } from "./run-summary.ts";

export type { ProgressOutput } from "./live-display.ts";

export interface ExtractProgress {
  readonly mode: "live" | "log";
  /** A stream begins; `repositories` (when known) shows as "done/total". */
  streamStarted(stream: string, repositories?: number): void;
  partitionStarted(stream: string, repository: string): void;
  /** Rows landed (or buffered) for a repository of a stream; call per page or per batch. */
  rowsWritten(stream: string, repository: string, rows: number): void;
  /** A repository of a stream is done (or failed): one step log line in log mode. */
  partitionFinished(stream: string, repository: string, outcome?: "done" | "failed"): void;
  streamFinished(stream: string): void;
  /** Counts one request record; use as (part of) the GitHub client's `onRequest`. */
  request(record: RequestRecord): void;
  /** The run ends early (budget reserve, error): said in the summary. */
  stopped(reason: string, resetAt?: string): void;
  /** Writes a line above the live display without tearing it (plain write in log mode). */
  printAbove(line: string): void;
  /** Clears the live display and returns the run summary; idempotent. */
  finish(): RunSummary;
}

export interface ExtractProgressOptions {
  output: ProgressOutput;
  logger: Logger;
  /** `json` forces step log lines even on a terminal. */
  logFormat?: LogFormat;
  /** Overrides the choice (default: live when `output.isTTY` and the log format is not json). */
  live?: boolean;
  now?: () => number;
  refreshMs?: number;
}

export function createExtractProgress(options: ExtractProgressOptions): ExtractProgress {
  const now = options.now ?? Date.now;
  const live = options.live ?? (options.output.isTTY === true && options.logFormat !== "json");
  const state = new ProgressState(now());
  let summary: RunSummary | null = null;
  const display = live
    ? new LiveDisplay(options.output, (width) => renderProgressLines(state, now(), width), {
        refreshMs: options.refreshMs ?? 100,
        now,
      })
    : null;
  const changed = () => display?.invalidate();
  const { logger } = options;

  return {
    mode: live ? "live" : "log",
    streamStarted(stream, repositories) {
      state.streamStarted(stream, repositories, now());
      if (!display)
        logger.info(`extract: ${stream} started`, {
          step: "stream_started",
          stream,
          ...(repositories !== undefined ? { repositories } : {}),
        });
      changed();
    },
    partitionStarted(stream, repository) {
      state.partitionStarted(stream, repository, now());
      changed();
    },
    rowsWritten(stream, repository, rows) {
      state.rowsWritten(stream, repository, rows);
      changed();
    },
    partitionFinished(stream, repository, outcome = "done") {
      const p = state.partitionFinished(stream, repository, outcome);
      if (!display) {
        const fields = {
          step: "repository_done",
          stream,
          repository,
          outcome,
          rows: p?.rows ?? 0,
          requests: p?.requests ?? 0,
          points: p?.points ?? 0,
          retries: p?.retries ?? 0,
          durationMs: p ? now() - p.startedAt : 0,
        };
        const text = `extract: ${stream} ${repository}: ${fields.rows} row${fields.rows === 1 ? "" : "s"}`;
        if (outcome === "done") logger.info(text, fields);
        else logger.warn(`${text} (failed)`, fields);
      }
      changed();
    },
    streamFinished(stream) {
      const s = state.streamFinished(stream, now());
      if (!display) {
        logger.info(`extract: ${stream} done`, {
          step: "stream_done",
          stream,
          repositories: s.partitionsDone,
          failedRepositories: s.partitionsFailed,
          rows: s.rows,
          requests: s.requests,
          points: s.points,
          retries: s.retries,
          durationMs: s.startedAt !== null ? now() - s.startedAt : 0,
        });
      }
      changed();
    },
    request(record) {
      state.request(record);
      changed();
    },
    stopped(reason, resetAt) {
      state.stopReason = resetAt ? { reason, resetAt } : { reason };
      changed();
    },
    printAbove(line) {
      if (display) display.printAbove(line);
      else options.output.write(`${line}\n`);
    },
    finish() {
      if (!summary) {
        display?.stop();
        summary = summariseRun(state, now());
      }
      return summary;
    },
  };
}
