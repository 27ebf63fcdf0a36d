/**
 * Incidents: issues labelled "incident" and a severity, opened minutes to hours after a production
 * deployment that shipped a defective change (and, rarely, after one that did not: causes outside any
 * pull request). Some bodies name the root cause — `root cause: <sha>`, `root cause: #<pr>` or
 * `root cause: <the deployment's log URL>` — the rest leave linking to "the latest successful production
 * deployment before". Closed hours later (time to restore); a few stay open.
 */
import type { DatasetIssue } from "../dataset.ts";
import type { IncidentLink, TruthIncident } from "../ground-truth.ts";
import type { Rng } from "../prng.ts";
import type { GeneratedDeployment } from "./deployments.ts";
import type { OrgShape, RepoShape } from "./org-shape.ts";
import type { PrDraft } from "./pull-requests.ts";
import { DAY, flat, floorSecond, HOUR, iso, longTail, MINUTE } from "./time.ts";

export const INCIDENT_LABEL = "incident";

/** An issue before numbering, with its answer key (incidents only) and what it still has to write. */
export interface GeneratedIssue {
  record: DatasetIssue;
  createdMs: number;
  incident: {
    truth: TruthIncident;
    cause: GeneratedDeployment;
    culprit: PrDraft | null;
    linked: GeneratedDeployment | null;
  } | null;
  /** Writes what quotes numbers (a root-cause `#n`), after numbering. */
  render: (() => void) | null;
}

const SYMPTOMS = [
  (r: string) => `Elevated 5xx errors on ${r}`,
  (r: string) => `${r}: p99 latency above SLO`,
  (r: string) => `${r} pods crash-looping after deploy`,
  (r: string) => `Timeouts calling ${r} from checkout`,
  (r: string) => `${r} returning stale data`,
  (r: string) => `Error rate alert on ${r}`,
] as const;

/** Incidents after the repository's successful production deployments, in order. */
export function generateIncidents(
  rng: Rng,
  org: OrgShape,
  repo: RepoShape,
  production: readonly GeneratedDeployment[],
): GeneratedIssue[] {
  const out: GeneratedIssue[] = [];
  const responders = repo.team?.definition.members ?? org.members;
  for (const deployment of production) {
    const culprits = deployment.shipped.filter((d) => d.defective);
    const happens = culprits.length > 0 ? rng.chance(0.75) : rng.chance(0.012);
    if (!happens || deployment.finishedMs === null) continue;
    const culprit = culprits[0] ?? null;
    const createdMs = floorSecond(deployment.finishedMs + longTail(rng, 50 * MINUTE, 1.1, 2 * DAY));
    if (createdMs >= org.endMs) continue;
    const severity = rng.weighted([
      ["sev1", 0.1],
      ["sev2", 0.35],
      ["sev3", 0.55],
    ] as const);
    const restore = longTail(rng, (severity === "sev1" ? 1.5 : 3) * HOUR, 1.1, 5 * DAY);
    const closedMs = rng.chance(0.04) ? null : createdMs + restore < org.endMs ? createdMs + restore : null;
    let link: IncidentLink | null = null;
    let rootCause: (() => string) | null = null;
    if (culprit && rng.chance(0.55)) {
      link = rng.weighted([
        ["root_cause_sha", 0.4],
        ["root_cause_pull_request", 0.35],
        ["root_cause_deployment", 0.25],
      ] as const);
    } else if (!culprit && rng.chance(0.4)) {
      link = "root_cause_deployment";
    }
    if (link === "root_cause_sha" && culprit) rootCause = () => culprit.pr.mergeCommitOid ?? "";
    if (link === "root_cause_pull_request" && culprit) rootCause = () => `#${culprit.pr.number}`;
    if (link === "root_cause_deployment") rootCause = () => deployment.logUrl;
    const linked = link ? deployment : latestFinishedBefore(production, createdMs);
    if (!link && linked) link = "latest_before";
    const author = rng.pick(responders);
    const title = flat(rng.pick(SYMPTOMS)(repo.name));
    const detected = iso(createdMs).slice(11, 16);
    const impact = rng.pick([
      "Some customers saw errors.",
      "Requests slowed down for about a third of traffic.",
      "A background job stopped processing.",
      "Checkout failed intermittently.",
    ]);
    const record: DatasetIssue = {
      repository: repo.full,
      number: 0,
      title,
      body: "",
      author: { login: author, type: "User" },
      labels: [INCIDENT_LABEL, severity],
      createdAt: iso(createdMs),
      updatedAt: iso(
        closedMs !== null
          ? Math.min(org.endMs - 1000, closedMs + rng.int(1, 30) * MINUTE)
          : Math.min(org.endMs - 1000, createdMs + rng.int(5, 90) * MINUTE),
      ),
      closedAt: closedMs !== null ? iso(closedMs) : null,
      stateReason: closedMs !== null ? "COMPLETED" : null,
    };
    const truth: TruthIncident = {
      repository: repo.full,
      number: 0,
      severity,
      startedAt: record.createdAt,
      resolvedAt: record.closedAt,
      deploymentNumber: linked?.record.number ?? null,
      linkedBy: link,
      rootCause: null,
      causeDeploymentNumber: deployment.record.number,
      causePullRequest: null,
    };
    const write = () => {
      const reference = rootCause?.() ?? null;
      truth.rootCause = reference;
      truth.causePullRequest = culprit?.pr.number ?? null;
      const lines = [`## Impact\n${impact}`, `## Detection\nAlert fired at ${detected} UTC.`];
      if (reference) lines.push(`root cause: ${reference}`);
      if (closedMs !== null)
        lines.push("## Resolution\nRolled back and monitored; follow-ups in the postmortem.");
      record.body = flat(lines.join("\n\n"));
    };
    out.push({ record, createdMs, incident: { truth, cause: deployment, culprit, linked }, render: write });
  }
  return out;
}

/** The latest successful production deployment that finished before `ms` (production is in finishing order). */
function latestFinishedBefore(
  production: readonly GeneratedDeployment[],
  ms: number,
): GeneratedDeployment | null {
  let lo = 0;
  let hi = production.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (((production[mid] as GeneratedDeployment).finishedMs as number) < ms) lo = mid + 1;
    else hi = mid;
  }
  return production[lo - 1] ?? null;
}

const ISSUE_KINDS = [
  {
    label: "bug",
    weight: 0.5,
    titles: [
      "Export button does nothing on Safari",
      "Wrong currency symbol on invoices",
      "Search results miss recently added items",
      "Session expires too early on mobile",
      "Duplicate emails sent on retry",
    ],
  },
  {
    label: "enhancement",
    weight: 0.35,
    titles: [
      "Allow filtering the audit log by actor",
      "Add CSV export for reports",
      "Support SSO for contractors",
      "Show build time in the dashboard",
    ],
  },
  {
    label: "documentation",
    weight: 0.15,
    titles: [
      "Document the webhook retry policy",
      "Explain local setup on Windows",
      "Add architecture diagram",
    ],
  },
] as const;

/** Everyday issues (bugs, features, docs): about one for every eight pull requests, many closed later. */
export function generateIssues(
  rng: Rng,
  org: OrgShape,
  repo: RepoShape,
  pullRequests: number,
): GeneratedIssue[] {
  const count = Math.floor(pullRequests / 8 + rng.float() * 2);
  const people = [...(repo.team?.definition.members ?? org.members), ...org.outsiders];
  const out: GeneratedIssue[] = [];
  for (let i = 0; i < count; i++) {
    const day = org.pickDay(rng);
    const createdMs = floorSecond(org.startMs + day * DAY + (8 + rng.float() * 10) * HOUR);
    if (createdMs >= org.endMs) continue;
    const kind = rng.weighted(ISSUE_KINDS.map((k) => [k, k.weight] as const));
    const closeMs = createdMs + longTail(rng, 4 * DAY, 1.2, 60 * DAY);
    const closed = rng.chance(0.7) && closeMs < org.endMs;
    const lastMs = closed ? closeMs : createdMs + rng.int(0, 48) * HOUR;
    out.push({
      record: {
        repository: repo.full,
        number: 0,
        title: rng.pick(kind.titles),
        body: `Reported by a customer.\n\nSteps to reproduce and expected behaviour in the thread.`,
        author: { login: rng.pick(people), type: "User" },
        labels: [kind.label],
        createdAt: iso(createdMs),
        updatedAt: iso(Math.min(org.endMs - 1000, lastMs)),
        closedAt: closed ? iso(closeMs) : null,
        stateReason: closed ? (rng.chance(0.85) ? "COMPLETED" : "NOT_PLANNED") : null,
      },
      createdMs,
      incident: null,
      render: null,
    });
  }
  return out;
}
