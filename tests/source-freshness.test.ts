/**
 * Freshness source by source, from the run ledger: each extraction says each source's own outcome, older
 * lines and stages that failed whole count for every source known so far, imports are the files source.
 */
import { describe, expect, it } from "vitest";
import { ledgerSourceOf, sourceFreshness } from "../dashboards/site/source-freshness.ts";
import type { LedgerEntry } from "../jobs/run-ledger.ts";

let n = 0;
function entry(
  stage: LedgerEntry["stage"],
  status: LedgerEntry["status"],
  details?: Record<string, unknown>,
) {
  n++;
  const at = new Date(Date.UTC(2026, 10, n)).toISOString();
  return {
    runId: `r${n}`,
    stage,
    status,
    startedAt: at,
    endedAt: at,
    durationMs: 0,
    codeVersion: "t",
    metricsHash: null,
    ...(details ? { details } : {}),
  } satisfies LedgerEntry;
}

describe("freshness per source", () => {
  it("keeps each source's own last success, last attempt and status", () => {
    const old = entry("extract", "ok"); // written before sources had names: GitHub's
    const both = entry("extract", "partial", {
      sources: { github: { status: "ok", requests: 9 }, pagerduty: { status: "partial", requests: 2 } },
    });
    const imported = entry("import", "ok", { source: "files", kind: "incidents" });
    const failed = entry("extract", "failed"); // failed as a whole: every extraction source tried and failed
    const build = entry("build", "ok");
    const result = sourceFreshness([old, both, imported, failed, build]);
    expect(result).toEqual([
      { source: "github", last_success: both.endedAt, last_attempt: failed.endedAt, last_status: "failed" },
      { source: "files", last_success: imported.endedAt, last_attempt: imported.endedAt, last_status: "ok" },
      { source: "pagerduty", last_success: null, last_attempt: failed.endedAt, last_status: "failed" },
    ]);
  });

  it("lists GitHub, never read, when the ledger is empty", () => {
    expect(sourceFreshness([])).toEqual([
      { source: "github", last_success: null, last_attempt: null, last_status: null },
    ]);
  });

  it("names mart sources as the ledger does", () => {
    expect(["github", "file", "pagerduty", "incident_io"].map(ledgerSourceOf)).toEqual([
      "github",
      "files",
      "pagerduty",
      "incident_io",
    ]);
  });
});
