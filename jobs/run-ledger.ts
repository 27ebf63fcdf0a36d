/**
 * The run ledger: one JSON line per stage of every run (start, end, status, row counts, code version,
 * metrics.yaml hash), appended to `<data>/ledger/runs.ndjson`. Operators read it to see what ran and why it
 * failed; nothing in it is secret (the token never reaches it).
 */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

export type StageName = "extract" | "build" | "metrics" | "dashboards";
/**
 * `partial`: the stage did not read everything — it stopped cleanly before the end (the GitHub budget
 * reserve, GitHub not answering) or some requests failed for good — and `details.incomplete` says what is
 * missing; the next run fills the gap.
 */
export type StageStatus = "ok" | "partial" | "failed" | "skipped";

export interface LedgerEntry {
  runId: string;
  stage: StageName;
  status: StageStatus;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  codeVersion: string;
  metricsHash: string | null;
  rows?: Record<string, number>;
  details?: Record<string, unknown>;
  error?: string;
}

export function appendLedger(file: string, entry: LedgerEntry): void {
  mkdirSync(dirname(file), { recursive: true });
  // One write of one line in append mode: concurrent readers see whole lines only.
  appendFileSync(file, JSON.stringify(entry) + "\n");
}

export function readLedger(file: string): LedgerEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LedgerEntry);
}

/** What a partial extraction could not read, as its ledger entry lists it in `details.incomplete`. */
export interface IncompleteItem {
  stream: string;
  /** A repository or search scope; absent: the whole rest of the stream. */
  partition?: string;
  reason: string;
}

/** Data the extractions could not read, and no later extraction has read since. */
export interface DataGap extends IncompleteItem {
  /** When the first run that could not read it ended (ISO). */
  since: string;
  /** How many runs could not read it. */
  runs: number;
}

/**
 * The gaps still open after the extractions in the ledger: each part of a stream that a partial extraction
 * could not read, until a later extraction reads that whole stream — a complete one, or a partial one that
 * lists nothing of the stream (nor of the repository list the per-repository streams depend on). The
 * cursors make that sound: a part that was not read kept its cursor, so the next run that reads the stream
 * reads it from there.
 */
export function openGaps(entries: readonly LedgerEntry[]): DataGap[] {
  const gaps = new Map<string, DataGap>();
  for (const entry of entries) {
    if (entry.stage !== "extract" || entry.status === "failed" || entry.status === "skipped") continue;
    if (entry.status === "ok") {
      gaps.clear();
      continue;
    }
    const items = incompleteItemsOf(entry);
    const streams = new Set(items.map((i) => i.stream));
    const reposKnown = !streams.has("repositories");
    for (const [key, gap] of gaps) if (reposKnown && !streams.has(gap.stream)) gaps.delete(key);
    for (const item of items) {
      const key = `${item.stream}\u0000${item.partition ?? ""}`;
      const open = gaps.get(key);
      gaps.set(key, {
        ...item,
        since: open?.since ?? entry.endedAt,
        runs: (open?.runs ?? 0) + 1,
      });
    }
  }
  return [...gaps.values()];
}

/** `details.incomplete` of a partial extraction; an older entry that only says it stopped counts as one gap. */
function incompleteItemsOf(entry: LedgerEntry): IncompleteItem[] {
  const listed = entry.details?.incomplete;
  if (Array.isArray(listed))
    return listed.filter(
      (i): i is IncompleteItem =>
        typeof i === "object" && i !== null && typeof i.stream === "string" && typeof i.reason === "string",
    );
  const stopped = entry.details?.stopped as { reason?: unknown } | undefined;
  return [
    { stream: "extraction", reason: typeof stopped?.reason === "string" ? stopped.reason : "stopped early" },
  ];
}
