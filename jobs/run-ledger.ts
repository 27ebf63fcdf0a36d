/**
 * The run ledger: one JSON line per stage of every run (start, end, status, row counts, code version,
 * metrics.yaml hash), appended to `<data>/ledger/runs.ndjson`. Operators read it to see what ran and why it
 * failed; nothing in it is secret (the token never reaches it).
 *
 * Ledger files are capped: past a size they are rotated (`runs.ndjson` → `runs.ndjson.1` → …, the oldest
 * dropped), at the start of a run, under the lock. readLedger reads the rotated files too, oldest first.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";

/**
 * `import`: a `yardstick import` that wrote to the lake (details: kind, system, file name, rows new, changed
 * and already imported); it is the `files` source's reading, for freshness.
 * `start`: what happens before the first stage (inputs checked, the lock taken). The scheduler records it
 * when a tick fails there (a missing token) or is skipped (the previous run still holds the lock).
 */
export type StageName = "start" | "extract" | "build" | "metrics" | "dashboards" | "import";
/**
 * `partial`: the stage did not read everything — it stopped cleanly before the end (the GitHub budget
 * reserve, GitHub not answering) or some requests failed for good — and `details.incomplete` says what is
 * missing; the next run fills the gap.
 * `interrupted`: the process was told to stop (SIGTERM, Ctrl-C) during the stage; nothing was published.
 */
export type StageStatus = "ok" | "partial" | "failed" | "skipped" | "interrupted";

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

/** Every entry, from the rotated files (oldest first) and then the current one. */
export function readLedger(file: string): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (const generation of generations(file).reverse()) {
    let text: string;
    try {
      text = readFileSync(generation, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    for (const line of text.split("\n")) {
      if (line.trim() !== "") entries.push(JSON.parse(line) as LedgerEntry);
    }
  }
  return entries;
}

/** How big a ledger file may grow before it is rotated, and how many rotated files are kept. */
export interface LedgerCap {
  maxBytes: number;
  keep: number;
}

/** runs.ndjson: a nightly run adds about 3 KB, so 1 MiB is most of a year, and five files several years. */
export const RUN_LEDGER_CAP: LedgerCap = { maxBytes: 1024 * 1024, keep: 4 };
/** requests.ndjson: one line per GitHub request; a backfill can add tens of thousands. */
export const REQUEST_LEDGER_CAP: LedgerCap = { maxBytes: 16 * 1024 * 1024, keep: 2 };

/**
 * Rotates `file` when it has grown past `cap.maxBytes`: `file.N` is dropped, `file.(N-1)` becomes `file.N`,
 * …, `file` becomes `file.1`. Call it while holding the run lock; appends that race with it land whole in
 * one file or the other. Returns whether it rotated.
 */
export function rotateLedger(file: string, cap: LedgerCap): boolean {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return false;
  }
  if (size <= cap.maxBytes) return false;
  const files = [file, ...Array.from({ length: cap.keep }, (_, i) => `${file}.${i + 1}`)];
  rmSync(files[files.length - 1]!, { force: true });
  for (let i = files.length - 2; i >= 0; i--) {
    if (existsSync(files[i]!)) renameSync(files[i]!, files[i + 1]!);
  }
  return true;
}

/** The current file and its rotated ones that exist, newest first. */
function generations(file: string): string[] {
  const found = [file];
  for (let i = 1; existsSync(`${file}.${i}`); i++) found.push(`${file}.${i}`);
  return found;
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
