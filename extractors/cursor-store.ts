/**
 * Cursors: per stream and partition (repository), the watermark the next run starts from. A cursor moves
 * only after the batches it covers are durable in the lake, so a crash means re-reading (at-least-once),
 * never a gap. The file is rewritten atomically on every change.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-fs.ts";

export interface Cursor {
  /** Records updated at or after this instant are read next time. */
  watermark: string;
  /** When this cursor was last moved, and by which run. */
  savedAt: string;
  runId: string;
}

export class CursorStore {
  private readonly file: string;
  private cursors: Record<string, Cursor>;

  constructor(stateDir: string) {
    this.file = join(stateDir, "cursors.json");
    this.cursors = readCursors(this.file);
  }

  static key(source: string, stream: string, partition: string): string {
    return `${source}/${stream}/${partition}`;
  }

  get(key: string): Cursor | undefined {
    return this.cursors[key];
  }

  set(key: string, cursor: Cursor): void {
    this.cursors = { ...this.cursors, [key]: cursor };
    writeFileAtomic(this.file, JSON.stringify(this.cursors, null, 2) + "\n");
  }

  all(): Readonly<Record<string, Cursor>> {
    return this.cursors;
  }
}

function readCursors(file: string): Record<string, Cursor> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  try {
    return JSON.parse(text) as Record<string, Cursor>;
  } catch {
    throw new Error(
      `cursor file ${file} is not valid JSON: delete it to re-read everything (the lake keeps its data)`,
    );
  }
}
