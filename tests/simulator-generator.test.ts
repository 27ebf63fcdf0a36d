import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../core/errors.ts";
import {
  type Dataset,
  type DatasetBranchCommit,
  type DatasetDeployment,
  type DatasetPullRequest,
  loadDataset,
  parseDataset,
  saveDataset,
} from "../simulator/dataset.ts";
import type { Authorship, TruthPullRequest } from "../simulator/ground-truth.ts";
import { evolveOrg } from "../simulator/org-evolver.ts";
import { generateOrg } from "../simulator/org-generator.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FAILED = new Set(["FAILURE", "TIMED_OUT", "STARTUP_FAILURE"]);
const ms = (iso: string) => Date.parse(iso);

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2
    ? (sorted[Math.floor(mid)] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Every commit reachable from `oid` through any parent (the commit itself included). */
function ancestors(byOid: Map<string, DatasetBranchCommit>, oid: string): Set<string> {
  const seen = new Set<string>();
  const stack = [oid];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const parent of byOid.get(next)?.parents ?? []) stack.push(parent);
  }
  return seen;
}

/** When a deployment reached SUCCESS, or null. */
const succeededAt = (d: DatasetDeployment) =>
  d.statuses.find((s) => s.state === "SUCCESS")?.createdAt ?? null;

/** Successful production deployments per repository, in order of success, with what their commit contains. */
function productionReleases(dataset: Dataset) {
  // Hotfix and release branches too: a deployment contains whatever its commit descends from.
  const history = groupBy(
    [...dataset.defaultBranchCommits, ...dataset.otherBranchCommits],
    (c) => c.repository,
  );
  const out = new Map<string, { deployment: DatasetDeployment; at: string; contains: Set<string> }[]>();
  for (const [repository, deployments] of groupBy(dataset.deployments, (d) => d.repository)) {
    const byOid = new Map((history.get(repository) ?? []).map((c) => [c.oid, c]));
    const releases = deployments
      .filter((d) => d.environment === "production" && succeededAt(d) !== null)
      .map((deployment) => ({
        deployment,
        at: succeededAt(deployment) as string,
        contains: ancestors(byOid, deployment.commitOid),
      }))
      .sort((a, b) => ms(a.at) - ms(b.at));
    out.set(repository, releases);
  }
  return out;
}

const truthKey = (t: { repository: string; number: number }) => `${t.repository}#${t.number}`;

describe("generated organisation: history, CI, deployments, incidents", () => {
  const org = generateOrg({ seed: 7 });
  const { dataset, truth } = org;
  const truthOf = new Map(truth.pullRequests.map((t) => [truthKey(t), t]));
  const prOf = new Map(dataset.pullRequests.map((p) => [truthKey(p), p]));
  const historyOf = groupBy(dataset.defaultBranchCommits, (c) => c.repository);

  it("generates the same organisation, every array and the ground truth, from the same seed", () => {
    const again = generateOrg({ seed: 7 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(org));
    const other = generateOrg({ seed: 8 });
    expect(other.dataset.deployments.map((d) => d.commitOid)).not.toEqual(
      dataset.deployments.map((d) => d.commitOid),
    );
    expect(other.dataset.checkSuites.length).not.toBe(dataset.checkSuites.length);
  });

  it("fills every dataset array: history, CI, legacy statuses on one repository, deployments, incidents and issues", () => {
    for (const key of [
      "defaultBranchCommits",
      "checkSuites",
      "commitStatuses",
      "deployments",
      "issues",
    ] as const) {
      expect(dataset[key].length, key).toBeGreaterThan(0);
    }
    expect(new Set(dataset.commitStatuses.map((s) => s.repository)).size).toBe(1);
    expect(dataset.commitStatuses.every((s) => s.context.startsWith("continuous-integration/jenkins/"))).toBe(
      true,
    );
    for (const repo of dataset.repositories) {
      const environments = new Set(
        dataset.deployments
          .filter((d) => d.repository === `${repo.owner}/${repo.name}`)
          .map((d) => d.environment),
      );
      expect([...environments].sort()).toEqual(["production", "staging"]);
    }
    const labels = new Set(dataset.issues.flatMap((i) => i.labels));
    expect(labels.has("incident")).toBe(true);
    expect(labels.has("bug")).toBe(true);
  });

  it("lands each merged pull request by its repository's strategy: squash, merge commit or rebase", () => {
    const strategies = new Map(truth.repositories.map((r) => [r.repository, r.mergeStrategy]));
    expect([...new Set(strategies.values())].sort()).toEqual(["merge", "rebase", "squash"]);
    const merged = dataset.pullRequests.filter((p) => p.mergedAt !== null);
    expect(merged.length).toBeGreaterThan(100);
    for (const pr of merged) {
      const history = historyOf.get(pr.repository) ?? [];
      const landing = history.find((c) => c.oid === pr.mergeCommitOid);
      expect(landing, `${pr.repository}#${pr.number}`).toBeDefined();
      const own = history.filter((c) => c.pullRequestNumber === pr.number);
      const last = pr.commits[pr.commits.length - 1] as DatasetPullRequest["commits"][number];
      switch (strategies.get(pr.repository)) {
        case "squash":
          expect(landing?.parents).toHaveLength(1);
          expect(landing?.message.split("\n")[0]).toBe(`${pr.title} (#${pr.number})`);
          expect(own).toEqual([landing]);
          break;
        case "merge":
          expect(landing?.parents).toHaveLength(2);
          expect(landing?.parents[1]).toBe(last.oid);
          expect(landing?.message.split("\n")[0]).toBe(
            `Merge pull request #${pr.number} from acme/${pr.headRefName}`,
          );
          expect(own.map((c) => c.oid).sort()).toEqual(
            [...pr.commits.map((c) => c.oid), landing?.oid].sort(),
          );
          break;
        default:
          expect(own.map((c) => c.message)).toEqual(pr.commits.map((c) => c.message));
          expect(own.map((c) => c.authoredDate)).toEqual(pr.commits.map((c) => c.authoredDate));
          expect(own.some((c) => pr.commits.some((p) => p.oid === c.oid))).toBe(false);
          expect(own[own.length - 1]?.oid).toBe(pr.mergeCommitOid);
          expect(own.every((c) => c.committerName === "GitHub" && c.committedDate === pr.mergedAt)).toBe(
            true,
          );
      }
    }
    const direct = dataset.defaultBranchCommits.filter(
      (c) => c.pullRequestNumber === null && c.parents.length > 0,
    );
    expect(direct.length).toBeGreaterThan(0);
  });

  it("keeps each repository's history oldest first, with one root and every listed parent before its child", () => {
    for (const [repository, history] of historyOf) {
      const seen = new Set<string>();
      expect(
        history.filter((c) => c.parents.length === 0),
        repository,
      ).toHaveLength(1);
      history.forEach((commit, i) => {
        for (const parent of commit.parents)
          expect(seen.has(parent), `${repository} ${commit.oid}`).toBe(true);
        if (i > 0)
          expect(ms(commit.committedDate)).toBeGreaterThanOrEqual(
            ms((history[i - 1] as DatasetBranchCommit).committedDate),
          );
        seen.add(commit.oid);
      });
    }
  });

  it("ships each merged pull request in the first successful production deployment whose commit contains its merge", () => {
    const releases = productionReleases(dataset);
    let shipped = 0;
    for (const pr of dataset.pullRequests.filter((p) => p.mergeCommitOid !== null)) {
      const first = (releases.get(pr.repository) ?? []).find((r) =>
        r.contains.has(pr.mergeCommitOid as string),
      );
      const t = truthOf.get(truthKey(pr)) as TruthPullRequest;
      expect(t.deploymentNumber, `${pr.repository}#${pr.number}`).toBe(first?.deployment.number ?? null);
      expect(t.deployedAt).toBe(first?.at ?? null);
      if (first) {
        shipped++;
        expect(ms(first.at)).toBeGreaterThan(ms(pr.mergedAt as string));
      }
    }
    expect(shipped).toBeGreaterThan(dataset.pullRequests.filter((p) => p.mergedAt).length * 0.8);
    // Some pull requests shipped first with a deployment of a branch cut from the default branch.
    const offBranch = new Set(dataset.deployments.filter((d) => d.ref !== "main").map((d) => truthKey(d)));
    expect(
      truth.pullRequests.filter(
        (t) => t.deploymentNumber !== null && offBranch.has(`${t.repository}#${t.deploymentNumber}`),
      ).length,
    ).toBeGreaterThan(0);
    for (const d of truth.deployments.filter((d) => d.environment === "production" && d.success)) {
      const expected = truth.pullRequests
        .filter((t) => t.repository === d.repository && t.deploymentNumber === d.number)
        .map((t) => t.number)
        .sort((a, b) => a - b);
      expect([...d.shippedPullRequests].sort((a, b) => a - b)).toEqual(expected);
    }
  });

  it("names its target in every revert: title, body, commit message and ground truth", () => {
    const reverts = dataset.pullRequests.filter((p) => p.title.startsWith('Revert "'));
    expect(reverts.length).toBeGreaterThan(0);
    expect(truth.pullRequests.filter((t) => t.revertOf !== null)).toHaveLength(reverts.length);
    for (const revert of reverts) {
      const t = truthOf.get(truthKey(revert)) as TruthPullRequest;
      const target = prOf.get(`${revert.repository}#${t.revertOf}`) as DatasetPullRequest;
      expect(target, revert.title).toBeDefined();
      expect(revert.title).toBe(`Revert "${target.title}"`);
      expect(ms(revert.createdAt)).toBeGreaterThan(ms(target.mergedAt as string));
      expect(ms(revert.createdAt) - ms(target.mergedAt as string)).toBeLessThan(14 * DAY);
      expect([
        `Reverts ${revert.repository}#${target.number}`,
        `This reverts commit ${target.mergeCommitOid}.`,
      ]).toContain(revert.body.split("\n")[0]);
      expect(revert.commits[0]?.message).toContain(`This reverts commit ${target.mergeCommitOid}.`);
      const targetTruth = truthOf.get(truthKey(target)) as TruthPullRequest;
      expect(targetTruth.revertedBy).toBe(revert.number);
      expect(targetTruth.revertedAt).toBe(revert.mergedAt);
    }
  });

  it("orders deployment statuses in time, QUEUED first, and turns a success INACTIVE only when a newer one succeeds", () => {
    const branchOf = new Map(dataset.otherBranchCommits.map((c) => [`${c.repository}@${c.oid}`, c.branch]));
    for (const [repository, deployments] of groupBy(dataset.deployments, (d) => d.repository)) {
      const history = new Set((historyOf.get(repository) ?? []).map((c) => c.oid));
      deployments.forEach((d, i) => {
        expect(d.number).toBe((deployments[0] as DatasetDeployment).number + i);
        // The default branch's commits, or a hotfix or release branch's, deployed from that branch.
        if (d.ref === "main") expect(history.has(d.commitOid)).toBe(true);
        else expect(branchOf.get(`${repository}@${d.commitOid}`)).toBe(d.ref);
        expect(d.statuses[0]?.state).toBe("QUEUED");
        expect(d.updatedAt).toBe(d.statuses[d.statuses.length - 1]?.createdAt);
        for (let s = 1; s < d.statuses.length; s++) {
          expect(ms((d.statuses[s] as (typeof d.statuses)[number]).createdAt)).toBeGreaterThanOrEqual(
            ms((d.statuses[s - 1] as (typeof d.statuses)[number]).createdAt),
          );
        }
        const inactive = d.statuses.find((s) => s.state === "INACTIVE");
        if (inactive) {
          expect(d.statuses.some((s) => s.state === "SUCCESS")).toBe(true);
          const successor = deployments.find(
            (n) =>
              n.number > d.number && n.environment === d.environment && succeededAt(n) === inactive.createdAt,
          );
          expect(successor, `${repository} deployment ${d.number}`).toBeDefined();
        }
        // A fix from a branch goes straight to production; the default branch is staged first.
        if (d.environment === "production" && d.ref === "main" && succeededAt(d)) {
          const staged = deployments.find(
            (s) =>
              s.environment === "staging" &&
              s.commitOid === d.commitOid &&
              s.number < d.number &&
              succeededAt(s),
          );
          expect(staged).toBeDefined();
        }
      });
    }
    // Several deployments a week per repository, even in this small organisation.
    expect(dataset.deployments.filter((d) => d.environment === "production").length).toBeGreaterThan(3 * 13);
  });

  it("resolves every incident reference to the deployment the linking rule names", () => {
    const releases = productionReleases(dataset);
    const incidents = dataset.issues.filter((i) => i.labels.includes("incident"));
    expect(incidents.length).toBeGreaterThan(0);
    expect(truth.incidents).toHaveLength(incidents.length);
    for (const issue of incidents) {
      const t = truth.incidents.find((i) => i.repository === issue.repository && i.number === issue.number);
      expect(t).toBeDefined();
      expect(issue.labels.some((l) => /^sev[123]$/.test(l))).toBe(true);
      expect(t?.startedAt).toBe(issue.createdAt);
      expect(t?.resolvedAt).toBe(issue.closedAt);
      if (issue.closedAt) expect(ms(issue.closedAt)).toBeGreaterThan(ms(issue.createdAt));
      const repoReleases = releases.get(issue.repository) ?? [];
      const reference = /^root cause: (.+)$/m.exec(issue.body)?.[1];
      let expected: number | undefined;
      if (reference && /^[0-9a-f]{40}$/.test(reference)) {
        expected = repoReleases.find((r) => r.contains.has(reference))?.deployment.number;
        expect(t?.linkedBy).toBe("root_cause_sha");
      } else if (reference?.startsWith("#")) {
        expected = truthOf.get(`${issue.repository}#${reference.slice(1)}`)?.deploymentNumber ?? undefined;
        expect(t?.linkedBy).toBe("root_cause_pull_request");
      } else if (reference) {
        expected = dataset.deployments.find(
          (d) => d.repository === issue.repository && d.statuses[0]?.logUrl === reference,
        )?.number;
        expect(t?.linkedBy).toBe("root_cause_deployment");
      } else {
        expected = repoReleases.filter((r) => ms(r.at) < ms(issue.createdAt)).at(-1)?.deployment.number;
        expect(t?.linkedBy).toBe(expected === undefined ? null : "latest_before");
      }
      expect(t?.deploymentNumber).toBe(expected ?? null);
      const linkedPullRequests = truth.pullRequests.filter(
        (p) =>
          p.repository === issue.repository &&
          p.deploymentNumber !== null &&
          p.deploymentNumber === t?.deploymentNumber,
      );
      for (const p of linkedPullRequests) expect(p.incidents).toContain(issue.number);
      const cause = repoReleases.find((r) => r.deployment.number === t?.causeDeploymentNumber);
      expect(cause).toBeDefined();
      expect(ms(issue.createdAt)).toBeGreaterThan(ms(cause?.at as string));
    }
  });

  it("puts CI suites on real commits: pull request runs on their head commits, push runs on the default branch", () => {
    const prOfCommit = new Map<string, DatasetPullRequest>(
      dataset.pullRequests.flatMap((p) => p.commits.map((c) => [`${p.repository}@${c.oid}`, p] as const)),
    );
    const onBranch = new Set(dataset.defaultBranchCommits.map((c) => `${c.repository}@${c.oid}`));
    for (const suite of dataset.checkSuites) {
      const key = `${suite.repository}@${suite.commitOid}`;
      expect(suite.workflowName).toBe("ci");
      if (suite.event === "pull_request") expect(suite.branch).toBe(prOfCommit.get(key)?.headRefName);
      else {
        expect(suite.event).toBe("push");
        expect(onBranch.has(key)).toBe(true);
        expect(suite.branch).toBe("main");
      }
      expect(suite.status === "COMPLETED").toBe(suite.conclusion !== null);
      for (const run of suite.checkRuns) {
        if (run.startedAt) expect(ms(run.startedAt)).toBeGreaterThanOrEqual(ms(suite.createdAt));
        if (run.completedAt) expect(ms(run.completedAt)).toBeGreaterThanOrEqual(ms(run.startedAt as string));
      }
    }
    // The answer key's CI counts, recounted from the suites on each pull request's commits.
    const suitesOn = groupBy(
      dataset.checkSuites.filter((s) => s.event === "pull_request" && s.status === "COMPLETED"),
      (s) => `${s.repository}@${s.commitOid}`,
    );
    for (const pr of dataset.pullRequests) {
      const suites = pr.commits.flatMap((c) => suitesOn.get(`${pr.repository}@${c.oid}`) ?? []);
      const t = truthOf.get(truthKey(pr)) as TruthPullRequest;
      expect(t.ciRuns).toBe(suites.length);
      expect(t.ciFailures).toBe(suites.filter((s) => FAILED.has(s.conclusion ?? "")).length);
      if (pr.mergedAt) {
        // What the checks showed at the merge: the newest run on the head that had finished by then. Green,
        // or none, unless the answer key says the merge went through on red.
        const head = pr.commits[pr.commits.length - 1]?.oid;
        const shown = suites
          .filter((s) => s.commitOid === head && ms(s.updatedAt) <= ms(pr.mergedAt as string))
          .at(-1);
        expect(shown !== undefined && FAILED.has(shown.conclusion ?? "")).toBe(t.mergedWithFailingCi);
        if (!t.mergedWithFailingCi && shown) expect(shown.conclusion).toBe("SUCCESS");
      } else {
        expect(t.mergedWithFailingCi).toBeNull();
      }
    }
    // A few merges go through on red.
    const merged = truth.pullRequests.filter((t) => t.mergedAt !== null);
    const red = merged.filter((t) => t.mergedWithFailingCi);
    expect(red.length).toBeGreaterThan(0);
    expect(red.length / merged.length).toBeLessThan(0.05);
  });

  it("records review and commit timing in the ground truth as the dataset shows it", () => {
    for (const pr of dataset.pullRequests) {
      const t = truthOf.get(truthKey(pr)) as TruthPullRequest;
      const human = pr.reviews.filter(
        (r) => r.author?.type === "User" && r.author.login !== pr.author?.login && r.submittedAt,
      );
      const firstReview = human.map((r) => r.submittedAt as string).sort()[0] ?? null;
      const approval =
        human
          .filter((r) => r.state === "APPROVED")
          .map((r) => r.submittedAt as string)
          .sort()[0] ?? null;
      expect(t.firstCommitAt).toBe(pr.commits.map((c) => c.authoredDate).sort()[0] ?? null);
      const ready = (pr.timelineEvents ?? []).filter((e) => e.type === "READY_FOR_REVIEW").at(-1)?.createdAt;
      expect(t.readyForReviewAt).toBe(pr.isDraft ? null : (ready ?? pr.createdAt));
      // An agent opens its pull request as a draft that its requester marks ready; a person who opens a
      // cloud agent's work opens it ready, like their own.
      if (t.authorship === "ai_authored" && pr.author?.type === "Bot" && !pr.isDraft)
        expect(ready).toBeDefined();
      if (firstReview && t.readyForReviewAt)
        expect(ms(firstReview)).toBeGreaterThanOrEqual(ms(t.readyForReviewAt));
      expect(t.firstReviewAt).toBe(firstReview);
      expect(t.approvedAt).toBe(approval);
      expect(t.reviewRounds).toBe(human.filter((r) => r.state === "CHANGES_REQUESTED").length);
      expect(t.commitsAfterFirstReview).toBe(
        firstReview === null ? null : pr.commits.filter((c) => ms(c.committedDate) > ms(firstReview)).length,
      );
    }
  });

  it("marks agent pull requests ready by their requester, and requests reviews from the reviewers", () => {
    const events = dataset.pullRequests.flatMap((p) => (p.timelineEvents ?? []).map((e) => ({ pr: p, e })));
    expect(new Set(events.map(({ e }) => e.type))).toEqual(
      new Set(["CONVERT_TO_DRAFT", "READY_FOR_REVIEW", "REVIEW_REQUESTED"]),
    );
    for (const { pr, e } of events) {
      const t = truthOf.get(truthKey(pr)) as TruthPullRequest;
      if (e.type === "READY_FOR_REVIEW" && t.authorship === "ai_authored")
        expect(e.actor?.login).toBe(t.initiatedBy);
      if (e.type === "REVIEW_REQUESTED") expect(e.requestedReviewer).toBeTruthy();
      expect(ms(e.createdAt)).toBeGreaterThanOrEqual(ms(pr.createdAt) - 10 * 60_000);
    }
    const list = (pr: DatasetPullRequest) => (pr.timelineEvents ?? []).map((e) => e.createdAt);
    for (const pr of dataset.pullRequests) expect(list(pr)).toEqual([...list(pr)].sort());
    expect(dataset.pullRequests.some((p) => p.labels?.includes("dependencies"))).toBe(true);
  });

  it("round-trips through saveDataset and loadDataset, and parseDataset accepts it", () => {
    const dir = mkdtempSync(join(tmpdir(), "ys-generator-"));
    try {
      const file = join(dir, "org.json");
      saveDataset(file, dataset);
      expect(loadDataset(file)).toEqual(dataset);
      expect(parseDataset(structuredClone(dataset))).toEqual(dataset);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps pull requests the same in lite mode and shortens only squash and merge messages", () => {
    const lite = generateOrg({ seed: 7, lite: true });
    expect(lite.dataset.pullRequests).toEqual(dataset.pullRequests);
    expect(lite.dataset.deployments).toEqual(dataset.deployments);
    const full = new Map(dataset.defaultBranchCommits.map((c) => [c.oid, c]));
    for (const commit of lite.dataset.defaultBranchCommits) {
      const original = full.get(commit.oid) as DatasetBranchCommit;
      expect(original.message.startsWith(commit.message.split("\n")[0] as string)).toBe(true);
      for (const trailer of original.message.split("\n").filter((l) => /^co-authored-by:/i.test(l))) {
        expect(commit.message).toContain(trailer);
      }
    }
  });
});

describe("generated organisation: trends and outcomes by authorship", () => {
  const org = generateOrg({ seed: 3, repositories: 6, teams: 3, pullRequests: 5000, days: 180 });
  const { dataset, truth } = org;
  const truthOf = new Map(truth.pullRequests.map((t) => [truthKey(t), t]));
  const classOf = (pr: { repository: string; number: number }) =>
    (truthOf.get(truthKey(pr)) as TruthPullRequest).authorship;

  it("grows the share of AI-authored and AI-assisted work month by month", () => {
    const months = groupBy(
      truth.pullRequests.filter((t) => t.authorship !== "automation"),
      (t) => t.createdAt.slice(0, 7),
    );
    const shares = [...months.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .filter(([, prs]) => prs.length >= 200)
      .map(
        ([, prs]) =>
          prs.filter((t) => t.authorship === "ai_authored" || t.authorship === "ai_assisted").length /
          prs.length,
      );
    expect(shares.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < shares.length; i++)
      expect(shares[i]).toBeGreaterThan((shares[i - 1] as number) - 0.03);
    expect((shares.at(-1) as number) - (shares[0] as number)).toBeGreaterThan(0.2);
    const agentShare = (prs: TruthPullRequest[]) =>
      prs.filter((t) => t.authorship === "ai_authored").length / prs.length;
    const sorted = [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, prs]) => prs);
    expect(agentShare(sorted.at(-1) as TruthPullRequest[])).toBeGreaterThan(
      agentShare(sorted[0] as TruthPullRequest[]) * 2,
    );
  });

  it("records people's pull requests a cloud agent pushed commits to by the share of commits the agent authored", () => {
    // The cloud agents' git identities, and the tool each one is (written here, not taken from the generator).
    const agentOf = (email: string) =>
      /^(198982749|223556219)\+copilot@users\.noreply\.github\.com$/i.test(email)
        ? "copilot_agent"
        : email === "cursoragent@cursor.com"
          ? "cursor"
          : email === "codex@openai.com"
            ? "codex"
            : null;
    const seen = { reviewFixes: 0, wholeTask: 0 };
    for (const pr of dataset.pullRequests.filter((p) => p.author?.type === "User")) {
      const t = truthOf.get(truthKey(pr)) as TruthPullRequest;
      const byAgent = pr.commits.filter((c) => agentOf(c.authorEmail) !== null);
      if (byAgent.length === 0) continue;
      const agents = new Set(byAgent.map((c) => agentOf(c.authorEmail)));
      expect(agents.size).toBe(1);
      const agent = [...agents][0] as TruthPullRequest["aiTools"][number];
      expect(t.aiTools).toContain(agent);
      // metrics.yaml's default ai_authored_commit_share is 1: every commit (none is a merge of the base).
      if (byAgent.length === pr.commits.length) {
        expect(t.authorship).toBe("ai_authored");
        expect(t.initiatedBy).toBe(pr.author?.login);
        seen.wholeTask++;
      } else {
        expect(t.authorship).toBe("ai_assisted");
        expect(t.initiatedBy).toBeNull();
        // Review fixes: one or two, after the first human review.
        expect(byAgent.length).toBeLessThanOrEqual(2);
        expect(t.firstReviewAt).not.toBeNull();
        for (const c of byAgent) expect(ms(c.authoredDate)).toBeGreaterThan(ms(t.firstReviewAt as string));
        seen.reviewFixes++;
      }
    }
    // A few dozen per thousand pull requests, both kinds.
    expect(seen.reviewFixes).toBeGreaterThan(40);
    expect(seen.wholeTask).toBeGreaterThan(10);
  });

  it("gives AI-authored work more reverts, more CI failures, bigger changes and a longer wait for review", () => {
    const merged = dataset.pullRequests.filter((p) => p.mergedAt !== null);
    // Reverts, from the revert pull requests' own words.
    const revertedOids = new Set<string>();
    const revertedNumbers = new Set<string>();
    for (const pr of dataset.pullRequests.filter((p) => p.title.startsWith('Revert "'))) {
      const oid = /This reverts commit ([0-9a-f]{40})/.exec(pr.commits[0]?.message ?? "")?.[1];
      if (oid) revertedOids.add(`${pr.repository}@${oid}`);
      const number = /^Reverts (\S+)#(\d+)/.exec(pr.body);
      if (number) revertedNumbers.add(`${number[1]}#${number[2]}`);
    }
    const reverted = (p: DatasetPullRequest) =>
      revertedOids.has(`${p.repository}@${p.mergeCommitOid}`) || revertedNumbers.has(truthKey(p));
    const rate = (cls: Authorship, hit: (p: DatasetPullRequest) => boolean, from = merged) => {
      const prs = from.filter((p) => classOf(p) === cls);
      return prs.filter(hit).length / prs.length;
    };
    expect(rate("ai_authored", reverted)).toBeGreaterThan(rate("unmarked", reverted) * 1.5);

    const suitesOn = groupBy(
      dataset.checkSuites.filter((s) => s.event === "pull_request" && s.status === "COMPLETED"),
      (s) => `${s.repository}@${s.commitOid}`,
    );
    const ciRate = (cls: Authorship) => {
      const suites = dataset.pullRequests
        .filter((p) => classOf(p) === cls)
        .flatMap((p) => p.commits.flatMap((c) => suitesOn.get(`${p.repository}@${c.oid}`) ?? []));
      return suites.filter((s) => FAILED.has(s.conclusion ?? "")).length / suites.length;
    };
    expect(ciRate("ai_authored")).toBeGreaterThan(ciRate("unmarked") * 1.5);
    expect(ciRate("ai_assisted")).toBeGreaterThan(ciRate("unmarked"));

    const size = (cls: Authorship) =>
      median(dataset.pullRequests.filter((p) => classOf(p) === cls).map((p) => p.additions + p.deletions));
    expect(size("ai_authored")).toBeGreaterThan(size("unmarked") * 1.5);

    const pickup = (cls: Authorship) =>
      median(
        merged
          .filter((p) => classOf(p) === cls)
          .map((p) => {
            const first = p.reviews
              .filter((r) => r.author?.type === "User" && r.author.login !== p.author?.login && r.submittedAt)
              .map((r) => ms(r.submittedAt as string))
              .sort((a, b) => a - b)[0];
            return ((first ?? ms(p.mergedAt as string)) - ms(p.createdAt)) / HOUR;
          }),
      );
    expect(pickup("ai_authored")).toBeGreaterThan(pickup("unmarked"));

    const defective = (cls: Authorship) => {
      const prs = truth.pullRequests.filter((t) => t.authorship === cls && t.mergedAt);
      return prs.filter((t) => t.defective).length / prs.length;
    };
    expect(defective("ai_authored")).toBeGreaterThan(defective("unmarked") * 1.5);
  });

  it("links incidents in all four ways, leaves a few open, and has teams that work at different speeds", () => {
    const links = new Set(truth.incidents.map((i) => i.linkedBy));
    expect([...links].sort()).toEqual([
      "latest_before",
      "root_cause_deployment",
      "root_cause_pull_request",
      "root_cause_sha",
    ]);
    expect(truth.incidents.some((i) => i.resolvedAt === null)).toBe(true);
    const hours = [
      ...groupBy(
        truth.pullRequests.filter((t) => t.mergedAt && t.authorship === "unmarked"),
        (t) => t.team,
      ),
    ]
      .filter(([team]) => team !== "unassigned")
      .map(([, prs]) => median(prs.map((t) => (ms(t.mergedAt as string) - ms(t.createdAt)) / HOUR)));
    expect(Math.max(...hours) / Math.min(...hours)).toBeGreaterThan(1.2);
  });

  it("reruns some failed CI runs on the same commit, keeping the run number", () => {
    const reruns = [
      ...groupBy(dataset.checkSuites, (s) => `${s.repository}@${s.commitOid}#${s.runNumber}`).values(),
    ].filter((suites) => suites.length > 1);
    expect(reruns.length).toBeGreaterThan(0);
    for (const [first, second] of reruns) {
      expect(FAILED.has(first?.conclusion ?? "")).toBe(true);
      expect(ms(second?.createdAt as string)).toBeGreaterThan(ms(first?.updatedAt as string) - 1);
    }
  });

  it("runs matrix jobs as legs of one job, and cancels the other legs when one fails", () => {
    const leg = /^(.+) \(.+\)$/;
    const withMatrix = dataset.checkSuites.filter((s) => {
      const groups = groupBy(
        s.checkRuns.filter((r) => leg.test(r.name)),
        (r) => leg.exec(r.name)?.[1] ?? "",
      );
      return [...groups.values()].some((runs) => runs.length >= 2);
    });
    expect(withMatrix.length).toBeGreaterThan(0);
    const cancelledBeside = withMatrix.filter((s) =>
      s.checkRuns.some(
        (r) =>
          r.conclusion === "CANCELLED" &&
          s.checkRuns.some(
            (o) => o !== r && o.conclusion === "FAILURE" && leg.exec(o.name)?.[1] === leg.exec(r.name)?.[1],
          ),
      ),
    );
    expect(cancelledBeside.length).toBeGreaterThan(0);
    // Queue time: every job starts after its run was created, most within a minute.
    const queues = dataset.checkSuites.flatMap((s) =>
      s.checkRuns.filter((r) => r.startedAt).map((r) => ms(r.startedAt as string) - ms(s.createdAt)),
    );
    expect(Math.min(...queues)).toBeGreaterThanOrEqual(0);
    expect(median(queues)).toBeLessThan(60_000);
  });
});

describe("evolving an organisation", () => {
  // A busy month ending on a Wednesday afternoon, so that CI runs and deployments are in flight.
  const end = new Date("2026-10-28T15:00:00Z");
  const org = generateOrg({ seed: 13, end, pullRequests: 3000, days: 30 });
  const before = JSON.stringify(org);
  const at = new Date("2026-10-29T15:00:00Z");
  const later = evolveOrg(org, { at, updates: 6, newPullRequests: 2 });

  it("is deterministic and leaves its input untouched", () => {
    expect(JSON.stringify(evolveOrg(org, { at, updates: 6, newPullRequests: 2 }))).toBe(
      JSON.stringify(later),
    );
    expect(JSON.stringify(org)).toBe(before);
  });

  it("finishes the CI runs and deployments that were running, and reports them as changed", () => {
    const running = org.dataset.checkSuites.filter((s) => s.status !== "COMPLETED");
    const runningDeployments = org.dataset.deployments.filter((d) =>
      ["QUEUED", "IN_PROGRESS"].includes(d.statuses[d.statuses.length - 1]?.state ?? ""),
    );
    expect(running.length + runningDeployments.length).toBeGreaterThan(0);
    for (const suite of running) {
      const now = later.dataset.checkSuites.find(
        (s) =>
          s.repository === suite.repository &&
          s.commitOid === suite.commitOid &&
          s.runNumber === suite.runNumber,
      );
      expect(now?.status).toBe("COMPLETED");
      expect(later.changes.checkSuites).toContainEqual({
        repository: suite.repository,
        commitOid: suite.commitOid,
        runNumber: suite.runNumber,
      });
    }
    for (const d of runningDeployments) {
      const now = later.dataset.deployments.find(
        (n) => n.repository === d.repository && n.number === d.number,
      );
      expect(["SUCCESS", "FAILURE", "ERROR", "INACTIVE"]).toContain(now?.statuses.at(-1)?.state);
      expect(ms(now?.updatedAt as string)).toBeLessThanOrEqual(at.getTime());
      expect(later.changes.deployments).toContainEqual({ repository: d.repository, number: d.number });
    }
  });

  it("lands the pull requests it merges and deploys them, with CI on the new commits", () => {
    const wasOpen = new Set(org.dataset.pullRequests.filter((p) => p.state === "OPEN").map(truthKey));
    const merged = later.dataset.pullRequests.filter((p) => p.state === "MERGED" && wasOpen.has(truthKey(p)));
    expect(merged.length).toBeGreaterThan(0);
    const releases = productionReleases(later.dataset);
    for (const pr of merged) {
      const landing = later.dataset.defaultBranchCommits.find(
        (c) => c.repository === pr.repository && c.oid === pr.mergeCommitOid,
      );
      expect(landing?.pullRequestNumber).toBe(pr.number);
      expect(later.changes.defaultBranchCommits).toContainEqual({
        repository: pr.repository,
        oid: pr.mergeCommitOid,
      });
      const t = later.truth.pullRequests.find((x) => truthKey(x) === truthKey(pr)) as TruthPullRequest;
      const first = (releases.get(pr.repository) ?? []).find((r) =>
        r.contains.has(pr.mergeCommitOid as string),
      );
      expect(t.deploymentNumber).toBe(first?.deployment.number ?? null);
    }
    const newDeployments = later.dataset.deployments.filter((d) => ms(d.createdAt) > end.getTime());
    expect(newDeployments.length).toBeGreaterThan(0);
    expect(later.changes.checkSuites.length).toBeGreaterThan(0);
    expect(parseDataset(structuredClone(later.dataset))).toEqual(later.dataset);
  });

  it("closes some open incidents after they started and before the new end", () => {
    const open = org.dataset.issues.filter((i) => i.labels.includes("incident") && i.closedAt === null);
    for (const ref of later.changes.issues) {
      const issue = later.dataset.issues.find(
        (i) => i.repository === ref.repository && i.number === ref.number,
      );
      expect(open.some((o) => o.number === ref.number && o.repository === ref.repository)).toBe(true);
      expect(ms(issue?.closedAt as string)).toBeGreaterThan(ms(issue?.createdAt as string));
      expect(ms(issue?.closedAt as string)).toBeLessThanOrEqual(at.getTime());
      const t = later.truth.incidents.find((i) => i.repository === ref.repository && i.number === ref.number);
      expect(t?.resolvedAt).toBe(issue?.closedAt);
    }
  });
});

describe("dataset validation of history, CI, deployments and issues", () => {
  const { dataset } = generateOrg({ seed: 2, pullRequests: 30 });
  const problems = (broken: Dataset): string[] => {
    try {
      parseDataset(broken);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).problems.map((p) => `${p.field}: ${p.message}`);
    }
    return [];
  };

  it("accepts the generated dataset", () => {
    expect(problems(structuredClone(dataset))).toEqual([]);
  });

  it("rejects CI on a commit it does not know, naming the field", () => {
    const broken = structuredClone(dataset);
    (broken.checkSuites[0] as Dataset["checkSuites"][number]).commitOid = "f".repeat(40);
    expect(problems(broken)).toEqual([
      expect.stringMatching(/^checkSuites\[0\]\.commitOid: f{40} is not a commit of /),
    ]);
  });

  it("rejects deployment statuses out of time order and an issue that takes a pull request's number", () => {
    const broken = structuredClone(dataset);
    const deployment = broken.deployments[0] as DatasetDeployment;
    deployment.statuses.reverse();
    const pr = broken.pullRequests[0] as DatasetPullRequest;
    const issue = broken.issues.find((i) => i.repository === pr.repository) as Dataset["issues"][number];
    issue.number = pr.number;
    const index = broken.issues.indexOf(issue);
    const found = problems(broken);
    expect(
      found.some((p) => p.startsWith("deployments[0].statuses[1].createdAt: is before the previous status")),
    ).toBe(true);
    expect(found).toContain(
      `issues[${index}].number: ${pr.repository}#${pr.number} is already taken (issues share numbers with pull requests)`,
    );
  });

  it("rejects a history that lists a child before its parent", () => {
    const broken = structuredClone(dataset);
    const history = broken.defaultBranchCommits;
    const [root, child] = [history[0] as DatasetBranchCommit, history[1] as DatasetBranchCommit];
    expect(child.parents).toContain(root.oid);
    history[0] = child;
    history[1] = root;
    expect(problems(broken)).toEqual([
      `defaultBranchCommits[0].parents[0]: ${root.oid} is listed after its child (history is oldest first)`,
    ]);
  });
});

afterAll(() => undefined);
