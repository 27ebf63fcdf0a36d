/**
 * Everything that happens in one repository once its pull requests are drafted: history, CI,
 * deployments, incidents and issues; then numbering (pull requests and issues share one number space, in
 * order of creation), the texts that quote numbers, and the answer key's links between them. Repositories
 * are independent, so a large organisation is generated one repository at a time.
 */
import type {
  DatasetBranchCommit,
  DatasetCheckSuite,
  DatasetCommitStatus,
  DatasetDeployment,
  DatasetIssue,
  DatasetOtherBranchCommit,
  DatasetRepository,
} from "../dataset.ts";
import type { TruthDeployment, TruthIncident, TruthRepository } from "../ground-truth.ts";
import { pullRequestNodeId } from "../node-ids.ts";
import type { Rng } from "../prng.ts";
import { generateCi } from "./ci.ts";
import { deployWorkflowRuns } from "./deploy-workflow.ts";
import { generateDeployments } from "./deployments.ts";
import { buildHistory } from "./history.ts";
import { type GeneratedIssue, generateIncidents, generateIssues } from "./incidents.ts";
import type { OrgShape, RepoShape } from "./org-shape.ts";
import { type PrDraft, renderRevert } from "./pull-requests.ts";
import { flat, iso } from "./time.ts";

export interface RepositoryActivity {
  repository: DatasetRepository;
  defaultBranchCommits: DatasetBranchCommit[];
  /** Hotfix and release branches that production was deployed from. */
  otherBranchCommits: DatasetOtherBranchCommit[];
  checkSuites: DatasetCheckSuite[];
  commitStatuses: DatasetCommitStatus[];
  /** By number. */
  deployments: DatasetDeployment[];
  /** By number. */
  issues: DatasetIssue[];
  truth: { repository: TruthRepository; deployments: TruthDeployment[]; incidents: TruthIncident[] };
}

/** Generates the repository's activity and numbers its pull requests (`drafts`: this repository's). */
export function generateRepositoryActivity(
  rng: Rng,
  org: OrgShape,
  repo: RepoShape,
  drafts: readonly PrDraft[],
  options: { lite: boolean; shareObjects: boolean },
): RepositoryActivity {
  const history = buildHistory(rng.fork("history"), org, repo, drafts, options.lite);
  const ci = generateCi(rng.fork("ci"), org, repo, drafts, history.tips);
  const { deployments, production, branchCommits } = generateDeployments(
    rng.fork("deployments"),
    org,
    repo,
    history.tips,
    options.shareObjects,
  );
  const workflow = deployWorkflowRuns(
    rng.fork("deploy-workflow"),
    repo.full,
    repo.deployVia,
    deployments,
    org.endMs,
  );
  const incidents = generateIncidents(rng.fork("incidents"), org, repo, production);
  const issues = [...incidents, ...generateIssues(rng.fork("issues"), org, repo, drafts.length)];

  number(rng.fork("numbers"), drafts, issues);
  for (const draft of drafts) if (draft.revertOf) renderRevert(draft);
  for (const write of history.render) write();
  for (const write of ci.render) write();
  for (const issue of issues) issue.render?.();

  for (const draft of drafts) {
    const t = draft.truth;
    t.number = draft.pr.number;
    t.nodeId = flat(pullRequestNodeId(repo.full, draft.pr.number));
    t.revertOf = draft.revertOf?.pr.number ?? null;
    t.revertedBy = draft.revertedBy?.pr.number ?? null;
    t.revertedAt = draft.revertedBy?.pr.mergedAt ?? null;
  }
  const truthDeployments: TruthDeployment[] = deployments.map((d) => ({
    repository: repo.full,
    number: d.record.number,
    deploymentsApi: repo.deployVia !== "workflow",
    workflowRunUrl: workflow.runUrls.get(d) ?? null,
    environment: d.record.environment,
    commitOid: d.record.commitOid,
    createdAt: d.record.createdAt,
    finishedAt: d.finishedMs === null ? null : iso(d.finishedMs),
    success: d.success,
    shippedPullRequests: d.shipped.map((p) => p.pr.number),
    incidents: [],
  }));
  for (const deployment of production) {
    for (const draft of deployment.shipped) {
      draft.truth.deploymentNumber = deployment.record.number;
      draft.truth.deployedAt = iso(deployment.finishedMs as number);
    }
  }
  const truthIncidents: TruthIncident[] = [];
  for (const issue of issues) {
    if (!issue.incident) continue;
    const { truth, linked } = issue.incident;
    truth.number = issue.record.number;
    truthIncidents.push(truth);
    if (!linked || !truth.linkedBy) continue;
    truthDeployments[linked.record.number - 1]?.incidents.push({
      number: truth.number,
      linkedBy: truth.linkedBy,
    });
    for (const draft of linked.shipped) draft.truth.incidents.push(truth.number);
  }
  truthIncidents.sort((a, b) => a.number - b.number);
  issues.sort((a, b) => a.record.number - b.record.number);

  let pushedMs = repo.createdMs;
  const last = history.tips[history.tips.length - 1];
  if (last) pushedMs = Math.max(pushedMs, last.ms);
  for (const draft of drafts) {
    const head = draft.pr.commits[draft.pr.commits.length - 1];
    if (head) pushedMs = Math.max(pushedMs, Math.min(org.endMs - 1000, Date.parse(head.committedDate)));
  }
  return {
    repository: {
      owner: repo.owner,
      name: repo.name,
      defaultBranch: "main",
      isArchived: false,
      pushedAt: iso(pushedMs),
      createdAt: iso(repo.createdMs),
    },
    defaultBranchCommits: history.commits,
    otherBranchCommits: branchCommits,
    checkSuites: workflow.suites.length > 0 ? [...ci.suites, ...workflow.suites] : ci.suites,
    commitStatuses: ci.statuses,
    deployments: repo.deployVia === "workflow" ? [] : deployments.map((d) => d.record),
    issues: issues.map((i) => i.record),
    truth: {
      repository: {
        repository: repo.full,
        team: repo.team?.definition.name ?? null,
        mergeStrategy: repo.mergeStrategy,
        deployStyle: repo.deployStyle,
        ciJobs: repo.ciJobs.map((j) => j.name),
        legacyStatuses: repo.legacyStatuses,
        deployVia: repo.deployVia,
      },
      deployments: truthDeployments,
      incidents: truthIncidents,
    },
  };
}

/**
 * Pull requests and issues share a number space, numbered in order of creation from where the
 * repository's earlier history left off, with an occasional gap (a deleted or transferred issue).
 */
function number(rng: Rng, drafts: readonly PrDraft[], issues: readonly GeneratedIssue[]): void {
  type Item = { ms: number; order: number; set: (n: number) => void };
  const items: Item[] = [];
  for (const draft of drafts) {
    items.push({ ms: draft.createdMs, order: draft.index, set: (n) => (draft.pr.number = n) });
  }
  issues.forEach((issue, i) => {
    items.push({
      ms: issue.createdMs,
      order: Number.MAX_SAFE_INTEGER - issues.length + i,
      set: (n) => (issue.record.number = n),
    });
  });
  items.sort((a, b) => a.ms - b.ms || a.order - b.order);
  let next = rng.int(40, 900);
  for (const item of items) {
    item.set(next);
    next += rng.chance(0.03) ? rng.int(2, 3) : 1;
  }
}
