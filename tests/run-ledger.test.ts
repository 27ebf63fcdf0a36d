/** The run ledger's cap: rotated past a size, the oldest files dropped, everything kept readable in order. */
import { appendFileSync, existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendLedger, type LedgerEntry, readLedger, rotateLedger } from "../jobs/run-ledger.ts";

function entry(runId: string): LedgerEntry {
  return {
    runId,
    stage: "extract",
    status: "ok",
    startedAt: "2026-12-01T02:00:00.000Z",
    endedAt: "2026-12-01T02:01:00.000Z",
    durationMs: 60_000,
    codeVersion: "0.1.0",
    metricsHash: null,
  };
}

describe("the run ledger's cap", () => {
  it("rotates a file past its size, keeps the newest rotated files and reads them back oldest first", () => {
    const file = join(mkdtempSync(join(tmpdir(), "ys-ledger-")), "runs.ndjson");
    const cap = { maxBytes: 1000, keep: 2 };
    const lineBytes = JSON.stringify(entry("night-0-0")).length + 1;
    const perNight = Math.ceil(cap.maxBytes / lineBytes) + 1;
    for (let night = 0; night < 4; night++) {
      // Each run rotates first (under its lock), then appends its lines.
      const rotated = rotateLedger(file, cap);
      expect(rotated).toBe(night > 0);
      for (let i = 0; i < perNight; i++) appendLedger(file, entry(`night-${night}-${i}`));
    }
    expect(rotateLedger(file, cap)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(statSync(`${file}.1`).size).toBe(perNight * lineBytes);
    expect(existsSync(`${file}.3`)).toBe(false);
    const nights = readLedger(file).map((e) => e.runId.split("-").slice(0, 2).join("-"));
    expect([...new Set(nights)]).toEqual(["night-2", "night-3"]);
    expect(nights).toHaveLength(2 * perNight);
  });

  it("leaves a file within its size alone", () => {
    const file = join(mkdtempSync(join(tmpdir(), "ys-ledger-")), "runs.ndjson");
    appendFileSync(file, JSON.stringify(entry("a")) + "\n");
    expect(rotateLedger(file, { maxBytes: 1000, keep: 2 })).toBe(false);
    expect(readLedger(file).map((e) => e.runId)).toEqual(["a"]);
  });
});
