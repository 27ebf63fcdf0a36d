/**
 * Frozen reviews on disk: `<dataDir>/reviews/YYYY-MM.json`, written once, atomically, when a month becomes
 * final, and never rewritten by a later run. `review --refreeze` is the one way to replace a frozen review:
 * the old file moves to `reviews/history/` and the new one records when, why and what it replaced.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../core/atomic-fs.ts";
import { YardstickError } from "../../core/errors.ts";
import { isMonth } from "./months.ts";
import { type ReviewSnapshot, snapshotJson } from "./review-snapshot.ts";

export class ReviewStore {
  constructor(readonly dir: string) {}

  file(month: string): string {
    return join(this.dir, `${month}.json`);
  }

  /** The frozen review of a month, or null when it has none yet. */
  read(month: string): ReviewSnapshot | null {
    const file = this.file(month);
    if (!existsSync(file)) return null;
    try {
      return JSON.parse(readFileSync(file, "utf8")) as ReviewSnapshot;
    } catch (error) {
      throw new YardstickError(`the frozen review ${file} cannot be read: ${(error as Error).message}`);
    }
  }

  /** Months with a frozen review, oldest first. */
  months(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(".json") && isMonth(f.slice(0, -5)))
      .map((f) => f.slice(0, -5))
      .sort();
  }

  /** Freezes a final review; a month already frozen is left exactly as it is (returns false). */
  freeze(snapshot: ReviewSnapshot): boolean {
    if (snapshot.status !== "final") throw new Error(`review ${snapshot.month} is not final`);
    if (existsSync(this.file(snapshot.month))) return false;
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(this.file(snapshot.month), snapshotJson(snapshot));
    return true;
  }

  /**
   * Replaces a frozen review, keeping the old one under history/ and the reason in the new one's audit trail.
   * Returns the path the old review was kept at (null when there was none).
   */
  refreeze(snapshot: ReviewSnapshot, reason: string, at: Date): string | null {
    if (snapshot.status !== "final") throw new Error(`review ${snapshot.month} is not final`);
    const old = this.read(snapshot.month);
    let kept: string | null = null;
    if (old) {
      const history = join(this.dir, "history");
      mkdirSync(history, { recursive: true });
      kept = join(history, `${snapshot.month}.${at.toISOString().replace(/[:.]/g, "-")}.json`);
      // A copy first, then the new file renamed over the old: a kill at any moment leaves a frozen review.
      copyFileSync(this.file(snapshot.month), kept);
    }
    const trail = [
      ...(old?.refrozen ?? []),
      {
        at: at.toISOString(),
        reason,
        replaced: kept ? join("history", kept.split(/[\\/]/).pop()!) : "(none)",
      },
    ];
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(this.file(snapshot.month), snapshotJson({ ...snapshot, refrozen: trail }));
    return kept;
  }
}
