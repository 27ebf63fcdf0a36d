/**
 * The run ledger as `yardstick status` and the notifier read it: every ledger file in the ledger folder
 * (`runs.ndjson` and rotated ones such as `runs.ndjson.1`), read tolerantly. Ledgers outlive the code that
 * wrote them, so an unknown stage, status or field passes through as it is, and a malformed line becomes
 * a problem to report, never a crash.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** One ledger line as written, plus where it came from. Known fields are typed when they have the right type. */
export interface LedgerRecord {
  runId: string | null;
  stage: string;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  /** When the line's event happened (its end, else its start), in ms; null when it has no readable time. */
  at: number | null;
  error: string | null;
  details: Record<string, unknown>;
  rows: Record<string, unknown>;
  /** The whole line, unknown fields included. */
  raw: Record<string, unknown>;
  file: string;
  line: number;
}

export interface LedgerProblem {
  file: string;
  line: number;
  message: string;
}

export interface LedgerHistory {
  /** Oldest first: by the time each line records, lines without a time in file order before the rest. */
  records: LedgerRecord[];
  problems: LedgerProblem[];
  files: string[];
}

/**
 * The ledger file and its rotated siblings (`runs.ndjson.1`, `runs.ndjson.2`, … — a higher number is older),
 * oldest first. Compressed files are not read.
 */
export function ledgerFiles(ledgerFile: string): string[] {
  const dir = dirname(ledgerFile);
  const base = basename(ledgerFile);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const generation = (name: string): number | null => {
    if (name === base) return 0;
    const match = name.startsWith(`${base}.`) ? /^\d+$/.exec(name.slice(base.length + 1)) : null;
    return match ? Number(match[0]) : null;
  };
  return names
    .map((name) => ({ name, generation: generation(name) }))
    .filter((f): f is { name: string; generation: number } => f.generation !== null)
    .sort((a, b) => b.generation - a.generation)
    .map((f) => join(dir, f.name));
}

export function readLedgerHistory(ledgerFile: string): LedgerHistory {
  const files = ledgerFiles(ledgerFile);
  const records: LedgerRecord[] = [];
  const problems: LedgerProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      problems.push({ file, line: 0, message: `cannot be read (${(error as NodeJS.ErrnoException).code})` });
      continue;
    }
    text.split("\n").forEach((content, index) => {
      if (content.trim() === "") return;
      const line = index + 1;
      let value: unknown;
      try {
        value = JSON.parse(content);
      } catch {
        problems.push({ file, line, message: "is not valid JSON (a line cut short by a crash?)" });
        return;
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.push({ file, line, message: "is not a JSON object" });
        return;
      }
      const raw = value as Record<string, unknown>;
      if (typeof raw.stage !== "string" || raw.stage === "") {
        problems.push({ file, line, message: "names no stage" });
        return;
      }
      const text = (v: unknown) => (typeof v === "string" ? v : null);
      const object = (v: unknown) =>
        typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
      const startedAt = text(raw.startedAt);
      const endedAt = text(raw.endedAt);
      const at = [endedAt, startedAt, text(raw.ts), text(raw.at)]
        .map((t) => (t === null ? Number.NaN : Date.parse(t)))
        .find((ms) => !Number.isNaN(ms));
      if (at === undefined) problems.push({ file, line, message: "has no readable time" });
      records.push({
        runId: text(raw.runId),
        stage: raw.stage,
        status: text(raw.status) ?? "unknown",
        startedAt,
        endedAt,
        at: at ?? null,
        error: text(raw.error),
        details: object(raw.details),
        rows: object(raw.rows),
        raw,
        file,
        line,
      });
    });
  }
  // A stable sort: lines of equal time keep their file order.
  const order = records.map((r, i) => ({ r, i }));
  order.sort(
    (a, b) => (a.r.at ?? Number.NEGATIVE_INFINITY) - (b.r.at ?? Number.NEGATIVE_INFINITY) || a.i - b.i,
  );
  return { records: order.map((o) => o.r), problems, files };
}
