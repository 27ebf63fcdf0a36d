/**
 * The run ledger: one JSON line per stage of every run (start, end, status, row counts, code version,
 * metrics.yaml hash), appended to `<data>/ledger/runs.ndjson`. Operators read it to see what ran and why it
 * failed; nothing in it is secret (the token never reaches it).
 */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

export type StageName = "extract" | "build" | "metrics" | "dashboards";
/** `partial`: the stage stopped cleanly before the end (the GitHub budget reserve); the next run resumes. */
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
