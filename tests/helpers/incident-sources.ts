/**
 * For the incident-tool suites (PagerDuty, incident.io): a simulated organisation whose incidents live in the
 * tool rather than in GitHub issues, the configuration that reads both, and what the generator's ground
 * truth says the DORA metrics and shipped-with-incident must be — computed here in plain TypeScript, never
 * from the warehouse.
 */
import type { Dataset } from "../../simulator/dataset.ts";
import { INCIDENT_LABEL } from "../../simulator/generator/incidents.ts";
import type { GeneratedOrg } from "../../simulator/ground-truth.ts";
import { median } from "./stats.ts";

const HOUR = 3_600_000;
// The default production pattern, written out here rather than read from the definitions.
const PRODUCTION = /^(prod|production)([-_ ].*)?$/i;

/** The dataset with no issue labelled as an incident: the team records its incidents in the tool only. */
export function withoutGitHubIncidents(dataset: Dataset): Dataset {
  return {
    ...dataset,
    issues: dataset.issues.map((issue) => ({
      ...issue,
      labels: issue.labels.filter((label) => label !== INCIDENT_LABEL),
    })),
  };
}

const monthOf = (iso: string) => `${iso.slice(0, 7)}-01`;

/**
 * change_failure_rate (per month of the deployments' finish, at least 5 successful production deployments)
 * and time_to_restore_p50 (per month of the resolution, at least 5 resolved incidents), from the truth.
 */
export function expectedDora(org: GeneratedOrg): Map<string, Map<string, number | null>> {
  const values = new Map<string, Map<string, number | null>>([
    ["change_failure_rate", new Map()],
    ["time_to_restore_p50", new Map()],
  ]);
  const linked = new Set(
    org.truth.incidents
      .filter((i) => i.deploymentNumber !== null)
      .map((i) => `${i.repository}#${i.deploymentNumber}`),
  );
  const byMonth = new Map<string, { n: number; failed: number }>();
  for (const d of org.truth.deployments) {
    if (!d.success || d.finishedAt === null || !PRODUCTION.test(d.environment)) continue;
    const group = byMonth.get(monthOf(d.finishedAt)) ?? { n: 0, failed: 0 };
    group.n++;
    if (linked.has(`${d.repository}#${d.number}`)) group.failed++;
    byMonth.set(monthOf(d.finishedAt), group);
  }
  for (const [period, { n, failed }] of byMonth)
    values.get("change_failure_rate")!.set(period, n >= 5 ? failed / n : null);
  const restore = new Map<string, number[]>();
  for (const i of org.truth.incidents) {
    if (i.resolvedAt === null) continue;
    const hours = (Date.parse(i.resolvedAt) - Date.parse(i.startedAt)) / HOUR;
    restore.set(monthOf(i.resolvedAt), [...(restore.get(monthOf(i.resolvedAt)) ?? []), hours]);
  }
  for (const [period, hours] of restore)
    values.get("time_to_restore_p50")!.set(period, hours.length >= 5 ? median(hours) : null);
  return values;
}

/** `owner/name#number` → shipped with an incident (null: not shipped to production). */
export function expectedShippedWithIncident(org: GeneratedOrg): Map<string, boolean | null> {
  return new Map(
    org.truth.pullRequests.map((p) => [
      `${p.repository}#${p.number}`,
      p.deployedAt === null ? null : p.incidents.length > 0,
    ]),
  );
}
