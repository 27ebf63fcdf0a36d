/**
 * How fresh each source is, from the run ledger: when it was last read whole (`ok`), when it was last tried
 * and how that went. Extractions say each source's own outcome (`details.sources`: a run may read GitHub
 * whole and PagerDuty only in part); a line written before sources had names, or a stage that failed as a
 * whole, counts for every source known so far (GitHub at least). Imports (`yardstick import`) are the
 * `files` source. GitHub comes first, then the others by name.
 */
import type { LedgerEntry } from "../../jobs/run-ledger.ts";
import type { SourceFreshness } from "../review/review-snapshot.ts";

/** The source every configuration reads. */
const GITHUB = "github";
/** What `yardstick import` writes: its lake folder. */
export const FILES_SOURCE = "files";

export function sourceFreshness(ledger: readonly LedgerEntry[]): SourceFreshness[] {
  const bySource = new Map<string, SourceFreshness>([[GITHUB, empty(GITHUB)]]);
  const note = (source: string, entry: LedgerEntry, status: string) => {
    const freshness = bySource.get(source) ?? empty(source);
    freshness.last_attempt = entry.endedAt;
    freshness.last_status = status;
    if (status === "ok") freshness.last_success = entry.endedAt;
    bySource.set(source, freshness);
  };
  for (const entry of ledger) {
    if (entry.stage === "import") {
      note(FILES_SOURCE, entry, entry.status);
      continue;
    }
    if (entry.stage !== "extract") continue;
    const sources = sourcesOf(entry);
    if (sources) for (const [source, status] of sources) note(source, entry, status);
    else
      for (const source of [...bySource.keys()].filter((s) => s !== FILES_SOURCE))
        note(source, entry, entry.status);
  }
  return [...bySource.values()].sort((a, b) =>
    a.source === GITHUB ? -1 : b.source === GITHUB ? 1 : a.source.localeCompare(b.source),
  );
}

function empty(source: string): SourceFreshness {
  return { source, last_success: null, last_attempt: null, last_status: null };
}

/** `details.sources` of an extraction as [source, status] pairs; undefined when the line has none. */
function sourcesOf(entry: LedgerEntry): [string, string][] | undefined {
  const sources = entry.details?.sources;
  if (typeof sources !== "object" || sources === null || Array.isArray(sources)) return undefined;
  const pairs = Object.entries(sources as Record<string, unknown>).map(
    ([source, value]): [string, string] => {
      const status = (value as { status?: unknown } | null)?.status;
      return [source, typeof status === "string" ? status : entry.status];
    },
  );
  return pairs.length > 0 ? pairs : undefined;
}

const LABELS: Record<string, string> = {
  github: "GitHub",
  files: "Imported files",
  pagerduty: "PagerDuty",
  incident_io: "incident.io",
  github_copilot: "GitHub Copilot usage",
};

/** How pages name a source: `GitHub`, `Imported files`; an unknown name as it is. */
export function sourceLabel(source: string): string {
  return LABELS[source] ?? source;
}

/**
 * The source a mart row came from, as the ledger names sources: deployments and incidents say `file` for
 * imported rows (the `files` source) and name GitHub's own kinds (`github`, workflow runs) under GitHub.
 */
export function ledgerSourceOf(martSource: string): string {
  if (martSource === "file") return FILES_SOURCE;
  if (martSource === GITHUB || martSource.startsWith("github") || martSource === "workflow") return GITHUB;
  return martSource;
}
