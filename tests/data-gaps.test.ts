/**
 * Which gaps of partial extractions are still open, from the run ledger alone, and how the pages say so.
 */
import { describe, expect, it } from "vitest";
import { gapWhen, incompleteNoteHtml } from "../dashboards/site/incomplete-note.ts";
import { type LedgerEntry, openGaps } from "../jobs/run-ledger.ts";

let serial = 0;
function extract(status: LedgerEntry["status"], incomplete?: object[], extra: object = {}): LedgerEntry {
  serial++;
  const at = `2026-12-${String(serial).padStart(2, "0")}T02:00:00.000Z`;
  return {
    runId: `run-${serial}`,
    stage: "extract",
    status,
    startedAt: at,
    endedAt: at,
    durationMs: 1,
    codeVersion: "test",
    metricsHash: null,
    ...(incomplete || Object.keys(extra).length > 0
      ? { details: { ...extra, ...(incomplete ? { incomplete } : {}) } }
      : {}),
  };
}

const missed = (stream: string, partition?: string) => ({
  stream,
  ...(partition ? { partition } : {}),
  reason: "RepoPullRequests: the connection was reset after 5 attempts",
});

describe("open gaps in the run ledger", () => {
  it("keeps a gap open, counting the runs, until a run reads its stream again", () => {
    const first = extract("partial", [missed("pull_requests", "acme/api")]);
    const again = extract("partial", [
      missed("pull_requests", "acme/api"),
      missed("deployments", "acme/web"),
    ]);
    expect(openGaps([first, again])).toEqual([
      { ...missed("pull_requests", "acme/api"), since: first.endedAt, runs: 2 },
      { ...missed("deployments", "acme/web"), since: again.endedAt, runs: 1 },
    ]);
    // A partial run that lists nothing of pull_requests read all of it: that gap is filled, the other stays.
    const third = extract("partial", [missed("deployments", "acme/web")]);
    expect(openGaps([first, again, third]).map((g) => `${g.stream} ${g.runs}`)).toEqual(["deployments 2"]);
    expect(openGaps([first, again, third, extract("ok")])).toEqual([]);
  });

  it("closes nothing on a failed run, nor while the repository list itself was incomplete", () => {
    const first = extract("partial", [missed("default_branch", "acme/api")]);
    expect(openGaps([first, extract("failed")])).toHaveLength(1);
    const listing = extract("partial", [missed("repositories", "org:acme")]);
    expect(openGaps([first, listing]).map((g) => g.stream)).toEqual(["default_branch", "repositories"]);
  });

  it("counts an older partial entry that only says it stopped as one gap", () => {
    const stopped = extract("partial", undefined, { stopped: { reason: "GitHub budget: 150 points left" } });
    expect(openGaps([stopped])).toEqual([
      { stream: "extraction", reason: "GitHub budget: 150 points left", since: stopped.endedAt, runs: 1 },
    ]);
  });

  it("ignores the other stages", () => {
    const build = { ...extract("partial", [missed("incidents")]), stage: "build" as const };
    expect(openGaps([build])).toEqual([]);
  });
});

describe("the incomplete note on the pages", () => {
  const gap = { ...missed("pull_requests", "acme/api"), since: "2026-12-01T02:00:00.000Z", runs: 1 };

  it("says what could not be read, when, and that the next run fills the gap", () => {
    expect(incompleteNoteHtml([gap])).toBe(
      '<p class="incomplete" role="status"><strong>Incomplete:</strong> pull_requests of acme/api could not be read on 2026-12-01 02:00 UTC; the next run fills the gap.</p>',
    );
    expect(incompleteNoteHtml([])).toBe("");
    expect(gapWhen({ since: gap.since, runs: 3 })).toBe("since 2026-12-01 02:00 UTC (3 runs)");
  });

  it("names the first three and counts the rest", () => {
    const gaps = ["a", "b", "c", "d", "e"].map((r) => ({ ...gap, partition: `acme/${r}` }));
    const note = incompleteNoteHtml(gaps);
    expect(note).toContain("acme/c could not be read");
    expect(note).not.toContain("acme/d");
    expect(note).toContain("and 2 more (see Data trust)");
  });

  it("escapes what came from GitHub or the configuration", () => {
    const note = incompleteNoteHtml([{ ...gap, partition: 'acme/<img src=x onerror="alert(1)">' }]);
    expect(note).not.toContain("<img");
    expect(note).toContain("acme/&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});
