/**
 * The numbers behind the progress display, the step log lines and the run summary: per stream and per
 * repository being read, rows, requests, points, retries (by kind) and waits. Pure bookkeeping, fed by
 * the runner's calls and the GitHub client's request records; the clock is passed in.
 */
import type { RequestRecord } from "../http/request-record.ts";

export interface Counters {
  rows: number;
  requests: number;
  points: number;
  retries: number;
  retriesByKind: Record<string, number>;
  waits: number;
  waitedMs: number;
}

export interface StreamProgress extends Counters {
  stream: string;
  /** Repositories to read, when the runner said so. */
  partitions: number | null;
  partitionsDone: number;
  partitionsFailed: number;
  /** The repository being read now. */
  current: string | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface PartitionProgress extends Counters {
  stream: string;
  repository: string;
  startedAt: number;
}

/** Requests made outside any stream (listing repositories, say) are counted under this name. */
export const OTHER_REQUESTS = "(other)";

export function emptyCounters(): Counters {
  return { rows: 0, requests: 0, points: 0, retries: 0, retriesByKind: {}, waits: 0, waitedMs: 0 };
}

export class ProgressState {
  private readonly byStream = new Map<string, StreamProgress>();
  private readonly partitions = new Map<string, PartitionProgress>();
  private active: { stream: string; repository: string } | null = null;
  stopReason: { reason: string; resetAt?: string } | null = null;

  constructor(readonly startedAt: number) {}

  stream(name: string): StreamProgress {
    let s = this.byStream.get(name);
    if (!s) {
      s = {
        stream: name,
        ...emptyCounters(),
        partitions: null,
        partitionsDone: 0,
        partitionsFailed: 0,
        current: null,
        startedAt: null,
        finishedAt: null,
      };
      this.byStream.set(name, s);
    }
    return s;
  }

  streamStarted(name: string, partitions: number | undefined, at: number): void {
    const s = this.stream(name);
    s.startedAt ??= at;
    s.finishedAt = null;
    if (partitions !== undefined) s.partitions = partitions;
  }

  partitionStarted(stream: string, repository: string, at: number): void {
    const s = this.stream(stream);
    s.startedAt ??= at;
    s.current = repository;
    this.partitions.set(key(stream, repository), { stream, repository, startedAt: at, ...emptyCounters() });
    this.active = { stream, repository };
  }

  rowsWritten(stream: string, repository: string, rows: number): void {
    this.stream(stream).rows += rows;
    const p = this.partitions.get(key(stream, repository));
    if (p) p.rows += rows;
  }

  /** Ends a partition and returns its own counters (for the step log line). */
  partitionFinished(
    stream: string,
    repository: string,
    outcome: "done" | "failed",
  ): PartitionProgress | null {
    const s = this.stream(stream);
    if (outcome === "done") s.partitionsDone++;
    else s.partitionsFailed++;
    if (s.current === repository) s.current = null;
    const k = key(stream, repository);
    const p = this.partitions.get(k) ?? null;
    this.partitions.delete(k);
    if (this.active?.stream === stream && this.active.repository === repository) this.active = null;
    return p;
  }

  streamFinished(stream: string, at: number): StreamProgress {
    const s = this.stream(stream);
    s.current = null;
    s.finishedAt = at;
    return s;
  }

  /**
   * Counts a request under its own stream tag, else the partition being read, else OTHER_REQUESTS; and
   * under its repository, else the partition of its stream being read (a search scope such as org:acme).
   */
  request(record: RequestRecord): void {
    const stream = record.stream ?? this.active?.stream ?? OTHER_REQUESTS;
    const repository =
      record.repository ?? (this.active?.stream === stream ? this.active.repository : undefined);
    add(this.stream(stream), record);
    const p = repository ? this.partitions.get(key(stream, repository)) : undefined;
    if (p) add(p, record);
  }

  streams(): StreamProgress[] {
    return [...this.byStream.values()];
  }

  totals(): Counters {
    const total = emptyCounters();
    for (const s of this.byStream.values()) {
      total.rows += s.rows;
      total.requests += s.requests;
      total.points += s.points;
      total.retries += s.retries;
      total.waits += s.waits;
      total.waitedMs += s.waitedMs;
      for (const [kind, n] of Object.entries(s.retriesByKind)) {
        total.retriesByKind[kind] = (total.retriesByKind[kind] ?? 0) + n;
      }
    }
    return total;
  }
}

function key(stream: string, repository: string): string {
  return `${stream}\u0000${repository}`;
}

function add(counters: Counters, record: RequestRecord): void {
  counters.requests++;
  counters.points += record.rateLimit?.cost ?? 0;
  counters.retries += record.retries;
  for (const [kind, n] of Object.entries(record.retriesByKind)) {
    counters.retriesByKind[kind] = (counters.retriesByKind[kind] ?? 0) + (n ?? 0);
  }
  const attemptWaits = record.attempts.filter((a) => a.waitedMs > 0);
  const attemptWaitMs = attemptWaits.reduce((sum, a) => sum + a.waitedMs, 0);
  // A wait for the budget reset happens before the first attempt: it is the part not in any attempt.
  const reserveWait = record.waitedMs - attemptWaitMs > 0 ? 1 : 0;
  counters.waits += attemptWaits.length + reserveWait;
  counters.waitedMs += record.waitedMs;
}
