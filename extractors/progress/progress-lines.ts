/**
 * The text of the live progress display: one line per stream (repositories done, the one being read,
 * rows, requests, points, retries, elapsed) and a total line. Pure, so a test can check a frame.
 */
import { terminalText } from "../../core/terminal-text.ts";
import type { ProgressState, StreamProgress } from "./progress-state.ts";
import { formatCount, formatDuration } from "./run-summary.ts";

/** Renders the current frame, each line cut to `width` characters (a wrapped line breaks the redraw). */
export function renderProgressLines(state: ProgressState, now: number, width = 120): string[] {
  const streams = state.streams();
  const nameWidth = Math.max(5, ...streams.map((s) => s.stream.length));
  const lines = streams.map((s) => {
    const repos = s.partitions !== null ? `${s.partitionsDone}/${s.partitions}` : `${s.partitionsDone}`;
    const status = s.finishedAt !== null ? "done" : (s.current ?? (s.startedAt === null ? "waiting" : ""));
    return `${s.stream.padEnd(nameWidth)}  ${repos.padStart(7)}  ${counts(s)}  ${clock(elapsed(s, now))}  ${status}`;
  });
  const totals = state.totals();
  const kinds = Object.entries(totals.retriesByKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  const waits = totals.waits > 0 ? `  waits ${totals.waits} (${formatDuration(totals.waitedMs)})` : "";
  lines.push(
    `${"total".padEnd(nameWidth)}  ${"".padStart(7)}  ${counts(totals)}  ${clock(now - state.startedAt)}${kinds ? `  retries: ${kinds}` : ""}${waits}`,
  );
  // The repository being read is named by GitHub: its control characters are shown, not acted on.
  return lines.map((line) => cut(terminalText(line), width));
}

function counts(c: { rows: number; requests: number; points: number; retries: number }): string {
  return [
    `rows ${formatCount(c.rows).padStart(9)}`,
    `req ${formatCount(c.requests).padStart(6)}`,
    `pts ${formatCount(c.points).padStart(6)}`,
    `retries ${formatCount(c.retries).padStart(4)}`,
  ].join("  ");
}

function elapsed(s: StreamProgress, now: number): number {
  if (s.startedAt === null) return 0;
  return (s.finishedAt ?? now) - s.startedAt;
}

/** 42_000 → "0:42"; 3_723_000 → "1:02:03". */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function cut(line: string, width: number): string {
  const max = Math.max(10, width - 1);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
