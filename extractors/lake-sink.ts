/**
 * Buffers records per stream and writes them to the lake in batches of a few thousand rows: fewer, larger
 * Parquet files, and bounded memory on a huge backfill. A stream calls `flush()` before it moves a cursor,
 * so a cursor never runs ahead of what is durable.
 */
import type { LakeStream, RowValue } from "./lake-stream.ts";
import { writeLakeBatch } from "./lake-writer.ts";

/** Rows per Parquet batch. */
export const LAKE_BATCH_ROWS = 2000;

interface Pending {
  // biome-ignore lint/suspicious/noExplicitAny: the sink holds streams of every record type.
  stream: LakeStream<any>;
  rows: { values: Record<string, RowValue>; payload: unknown }[];
}

export class LakeSink {
  private readonly pending = new Map<string, Pending>();
  private readonly counts = new Map<string, { rows: number; files: number }>();

  constructor(
    private readonly options: {
      lakeDir: string;
      runId: string;
      now: () => Date;
      batchRows?: number;
      /** Called for every record accepted (progress display). */
      onRow?: (stream: string) => void;
    },
  ) {}

  /** Queues one record; writes the stream's batch when it is full. */
  async add<R>(stream: LakeStream<R>, record: R): Promise<void> {
    let entry = this.pending.get(stream.name);
    if (!entry) {
      entry = { stream, rows: [] };
      this.pending.set(stream.name, entry);
    }
    entry.rows.push({
      values: stream.toRow(record),
      payload: stream.toPayload ? stream.toPayload(record) : record,
    });
    this.count(stream.name).rows++;
    this.options.onRow?.(stream.name);
    if (entry.rows.length >= (this.options.batchRows ?? LAKE_BATCH_ROWS)) await this.write(entry);
  }

  async addAll<R>(stream: LakeStream<R>, records: Iterable<R>): Promise<void> {
    for (const record of records) await this.add(stream, record);
  }

  /** Writes everything queued, so that a cursor may move. */
  async flush(): Promise<void> {
    for (const entry of this.pending.values()) await this.write(entry);
  }

  /** Rows accepted and files written, per stream. */
  summary(): Record<string, { rows: number; files: number }> {
    return Object.fromEntries([...this.counts.entries()].map(([k, v]) => [k, { ...v }]));
  }

  private async write(entry: Pending): Promise<void> {
    if (entry.rows.length === 0) return;
    const rows = entry.rows;
    entry.rows = [];
    const file = await writeLakeBatch({
      lakeDir: this.options.lakeDir,
      source: entry.stream.source,
      stream: entry.stream.name,
      runId: this.options.runId,
      extractedAt: this.options.now(),
      columns: entry.stream.columns,
      rows,
    });
    if (file) this.count(entry.stream.name).files++;
  }

  private count(stream: string): { rows: number; files: number } {
    let c = this.counts.get(stream);
    if (!c) {
      c = { rows: 0, files: 0 };
      this.counts.set(stream, c);
    }
    return c;
  }
}
