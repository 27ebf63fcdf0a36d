/**
 * The end-of-run summary of an extraction: rows per stream, requests, points, retries by kind, waits and
 * time — as an object (for `--format json`, the ledger) and as a short text table for people.
 */
import type { ProgressState } from "./progress-state.ts";

export interface StreamSummaryRow {
  stream: string;
  repositories: number;
  failedRepositories: number;
  rows: number;
  requests: number;
  points: number;
  retries: number;
}

export interface RunSummary {
  /** ISO-8601 UTC. */
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  streams: StreamSummaryRow[];
  rows: number;
  requests: number;
  points: number;
  retries: number;
  /** Retries by the kind of failure that caused them (bad_gateway, timeout, secondary_limit…). */
  retriesByKind: Record<string, number>;
  waits: { count: number; totalMs: number };
  /** Why the run ended early, if it did (e.g. the budget reserve, with the reset time). */
  stopped: { reason: string; resetAt?: string } | null;
  /**
   * What the run could not read, when it is known (the extractor adds it): a stream of a repository or scope,
   * or without a partition the rest of a stream. The next run fills the gap.
   */
  incomplete?: { stream: string; partition?: string; reason: string }[];
}

export function summariseRun(state: ProgressState, finishedAt: number): RunSummary {
  const totals = state.totals();
  return {
    startedAt: new Date(state.startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: finishedAt - state.startedAt,
    streams: state.streams().map((s) => ({
      stream: s.stream,
      repositories: s.partitionsDone,
      failedRepositories: s.partitionsFailed,
      rows: s.rows,
      requests: s.requests,
      points: s.points,
      retries: s.retries,
    })),
    rows: totals.rows,
    requests: totals.requests,
    points: totals.points,
    retries: totals.retries,
    retriesByKind: sortedByCount(totals.retriesByKind),
    waits: { count: totals.waits, totalMs: totals.waitedMs },
    stopped: state.stopReason,
  };
}

/** A few aligned lines for a terminal or a text log. */
export function formatRunSummary(summary: RunSummary): string {
  const header = ["stream", "repos", "rows", "requests", "points", "retries"];
  const body = summary.streams.map((s) => [
    s.stream,
    s.failedRepositories > 0 ? `${s.repositories} (+${s.failedRepositories} failed)` : String(s.repositories),
    formatCount(s.rows),
    formatCount(s.requests),
    formatCount(s.points),
    formatCount(s.retries),
  ]);
  const total = [
    "total",
    "",
    formatCount(summary.rows),
    formatCount(summary.requests),
    formatCount(summary.points),
    formatCount(summary.retries),
  ];
  const table = [header, ...body, total];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  const lines = [`extract finished in ${formatDuration(summary.durationMs)}`, ...table.map(line)];
  const kinds = Object.entries(summary.retriesByKind);
  if (kinds.length > 0) lines.push(`retries: ${kinds.map(([k, n]) => `${k} ${n}`).join(", ")}`);
  if (summary.waits.count > 0) {
    lines.push(`waits: ${summary.waits.count}, ${formatDuration(summary.waits.totalMs)} in all`);
  }
  if (summary.stopped) {
    const resume = summary.stopped.resetAt ? ` (resume after ${summary.stopped.resetAt})` : "";
    lines.push(`stopped early: ${summary.stopped.reason}${resume}`);
  }
  for (const item of summary.incomplete ?? []) {
    const what = item.partition ? `${item.stream} of ${item.partition}` : item.stream;
    // The reason quotes GitHub's answer: no control character of it reaches the terminal.
    const reason = item.reason.replace(/\p{Cc}/gu, " ");
    lines.push(`incomplete: ${what} could not be read (${reason}); the next run fills the gap`);
  }
  return lines.join("\n");
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** 4_321 ms → "4.3 s"; 125_000 ms → "2m05s"; 3_725_000 → "1h02m05s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}h${mm}m${ss}s` : `${m}m${ss}s`;
}

function sortedByCount(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}
