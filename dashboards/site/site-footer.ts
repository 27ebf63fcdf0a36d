/**
 * The footer of the site's live pages: what is incomplete (while a partial extraction's gaps are open), how
 * fresh the data is (the newest event it holds, and when it was last confirmed current by a successful
 * extraction), when the page was made, and the privacy rule.
 */
import { escapeHtml } from "../../core/html.ts";
import { formatInstant } from "../layout.ts";
import { incompleteNoteHtml } from "./incomplete-note.ts";
import type { SiteData } from "./site-data.ts";

export function siteFooter(site: SiteData): string {
  const newest = site.watermark ? formatInstant(site.watermark) : "no data yet";
  const confirmed = site.lastExtraction ? formatInstant(site.lastExtraction) : "never";
  return `${incompleteNoteHtml(site.gaps)}<p>Newest data ${escapeHtml(newest)} · last confirmed current ${escapeHtml(confirmed)} (the last successful extraction) · generated ${escapeHtml(formatInstant(site.generatedAt))} by Yardstick. Every number is shown with n; groups of fewer than ${escapeHtml(String(site.metrics.definitions.privacy_floor))} people are never shown, and no figure is about a person.</p>`;
}
