/**
 * What the site says while the data has gaps (a partial extraction, until a later run fills them): one
 * sentence per gap, e.g. "pull_requests of acme/api could not be read on 2026-12-01 02:00 UTC; the next run
 * fills the gap." Every page's footer carries the first few; the data trust page lists them all.
 */
import { escapeHtml } from "../../core/html.ts";
import type { DataGap } from "../../jobs/run-ledger.ts";
import { formatInstant } from "../layout.ts";

/** How many gaps a footer names before it counts the rest. */
const IN_FOOTER = 3;

export function gapLabel(gap: Pick<DataGap, "stream" | "partition">): string {
  return gap.partition ? `${gap.stream} of ${gap.partition}` : gap.stream;
}

/** When it could not be read: "on <instant>", or "since <instant> (N runs)" when several runs missed it. */
export function gapWhen(gap: Pick<DataGap, "since" | "runs">): string {
  return gap.runs > 1
    ? `since ${formatInstant(gap.since)} (${gap.runs} runs)`
    : `on ${formatInstant(gap.since)}`;
}

/** The footer's note, already-escaped HTML; empty when the data has no gap. */
export function incompleteNoteHtml(gaps: readonly DataGap[]): string {
  if (gaps.length === 0) return "";
  const named = gaps
    .slice(0, IN_FOOTER)
    .map((g) => `${gapLabel(g)} could not be read ${gapWhen(g)}`)
    .join("; ");
  const more = gaps.length > IN_FOOTER ? `; and ${gaps.length - IN_FOOTER} more (see Data trust)` : "";
  return `<p class="incomplete" role="status"><strong>Incomplete:</strong> ${escapeHtml(named + more)}; the next run fills the gap.</p>`;
}
