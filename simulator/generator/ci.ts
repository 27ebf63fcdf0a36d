/**
 * CI of a repository: one GitHub Actions workflow ("ci") that runs on every push to a pull request
 * (event pull_request, on its head commit) and to the default branch (event push). Each run is a check
 * suite with one check run per job (some jobs are matrix legs): a queue wait, then long-tailed job times.
 * Runs fail more often for AI-authored work, in teams with more failures and after defective changes;
 * a flaky failure is often re-run (a second suite on the same commit, same run number); the last run
 * before a merge passes (branch protection), except for the few merges that go through on red (more of
 * them for AI-authored work), some with a re-run started just before the merge that finishes after it.
 * One repository also reports a legacy Jenkins build as commit statuses.
 */
import type {
  CheckConclusion,
  DatasetCheckRun,
  DatasetCheckSuite,
  DatasetCommitStatus,
  StatusState,
} from "../dataset.ts";
import type { Authorship } from "../ground-truth.ts";
import type { Rng } from "../prng.ts";
import type { Tip } from "./history.ts";
import type { CiJob, OrgShape, RepoShape } from "./org-shape.ts";
import type { PrDraft } from "./pull-requests.ts";
import { flat, iso, longTail, MINUTE, SECOND } from "./time.ts";

/** Chance that a pull request's workflow run fails, before team and repository factors. */
export const CI_FAILURE_RATE: Record<Authorship, number> = {
  unmarked: 0.1,
  ai_assisted: 0.13,
  ai_authored: 0.22,
  automation: 0.09,
};
const DEFAULT_BRANCH_FAILURE_RATE = 0.04;
/**
 * Chance that a pull request whose last run went red before the merge is merged anyway (an administrator
 * bypasses branch protection, or the repository requires no check) instead of waiting for a green re-run.
 */
const MERGED_ON_RED: Record<Authorship, number> = {
  unmarked: 0.12,
  ai_assisted: 0.12,
  ai_authored: 0.5,
  automation: 0.1,
};
const FAILED = new Set<CheckConclusion | null>(["FAILURE", "TIMED_OUT", "STARTUP_FAILURE"]);

export const WORKFLOW = "ci";
export const JENKINS_PR_CONTEXT = "continuous-integration/jenkins/pr-head";
export const JENKINS_BRANCH_CONTEXT = "continuous-integration/jenkins/branch";

export interface RepoCi {
  /** Oldest first; run numbers in creation order (a re-run keeps its run's number). */
  suites: DatasetCheckSuite[];
  statuses: DatasetCommitStatus[];
  /** Names the branch of suites whose pull request is named after numbering (reverts), in order. */
  render: (() => void)[];
}

interface Pending {
  suite: DatasetCheckSuite;
  createdMs: number;
  /** When its last job finished, to the second as the dataset writes it; null while it runs. */
  completedMs: number | null;
  seq: number;
  /** The run this re-runs. */
  rerunOf: Pending | null;
}

/** CI of every push of `drafts` (the repository's pull requests) and of the pushed default-branch tips. */
export function generateCi(
  rng: Rng,
  org: OrgShape,
  repo: RepoShape,
  drafts: readonly PrDraft[],
  tips: readonly Tip[],
): RepoCi {
  const runs: Pending[] = [];
  const render: (() => void)[] = [];
  const statuses: DatasetCommitStatus[] = [];
  let seq = 0;
  let build = rng.int(100, 3000);
  const endMs = org.endMs;
  const jenkins = (commitOid: string, pushMs: number, context: string, passed: boolean) => {
    if (!repo.legacyStatuses) return;
    const number = build++;
    const targetUrl = flat(`https://jenkins.${org.login.toLowerCase()}.example/job/${repo.name}/${number}/`);
    const startMs = pushMs + rng.int(5, 40) * SECOND;
    const doneMs = startMs + longTail(rng, 7 * MINUTE, 0.5, 2 * 60 * MINUTE);
    if (startMs >= endMs) return;
    statuses.push(status(repo.full, commitOid, context, "PENDING", startMs, targetUrl));
    if (doneMs >= endMs) return;
    const state: StatusState = passed ? "SUCCESS" : rng.chance(0.15) ? "ERROR" : "FAILURE";
    statuses.push(status(repo.full, commitOid, context, state, doneMs, targetUrl));
  };
  const workflow = (
    commitOid: string,
    pushMs: number,
    event: "pull_request" | "push",
    branch: string,
    failRate: number,
    mustPassBy: number | null,
    mergedOnRed = 0,
  ): Pending[] => {
    const createdMs = pushMs + rng.int(2, 12) * SECOND;
    if (createdMs >= endMs) return [];
    const fail = rng.chance(failRate);
    const first = runSuite(rng, repo, commitOid, createdMs, event, branch, fail, endMs);
    const original: Pending = {
      suite: first.suite,
      createdMs,
      completedMs: toSecond(first.completedMs),
      seq: seq++,
      rerunOf: null,
    };
    if (!fail || first.completedMs === null || (mustPassBy === null && !rng.chance(0.35))) return [original];
    if (mustPassBy !== null && first.completedMs <= mustPassBy && rng.chance(mergedOnRed)) {
      // Merged on red. Half the time someone started a re-run minutes before merging without waiting for it.
      if (!rng.chance(0.5)) return [original];
      const rerunMs = Math.max(first.completedMs + SECOND, mustPassBy - rng.int(1, 5) * MINUTE);
      const late = runSuite(rng, repo, commitOid, rerunMs, event, branch, false, endMs);
      const rerun = { suite: late.suite, createdMs: rerunMs, completedMs: toSecond(late.completedMs) };
      return [original, { ...rerun, seq: seq++, rerunOf: original }];
    }
    // A red run is re-run (flaky tests); before a merge, branch protection wants the last run green.
    const rerunMs = first.completedMs + longTail(rng, 4 * MINUTE, 0.8, 30 * MINUTE);
    if (rerunMs >= endMs) return [original];
    const again = runSuite(
      rng,
      repo,
      commitOid,
      rerunMs,
      event,
      branch,
      mustPassBy === null && rng.chance(0.2),
      endMs,
    );
    if (mustPassBy !== null && (again.completedMs === null || again.completedMs > mustPassBy)) {
      // No time for a re-run before the merge: the run was green after all.
      const green = runSuite(rng, repo, commitOid, createdMs, event, branch, false, endMs);
      return [{ ...original, suite: green.suite, completedMs: toSecond(green.completedMs) }];
    }
    const rerun = { suite: again.suite, createdMs: rerunMs, completedMs: toSecond(again.completedMs) };
    return [original, { ...rerun, seq: seq++, rerunOf: original }];
  };

  const traitsOf = (draft: PrDraft) => draft.traits.ciFailure;
  for (const draft of drafts) {
    const pr = draft.pr;
    const commits = pr.commits;
    if (commits.length === 0) continue;
    const stopMs = Math.min(endMs, draft.mergedMs ?? (pr.closedAt ? Date.parse(pr.closedAt) : endMs));
    let head = 0;
    for (let i = 0; i < commits.length; i++) {
      if (Date.parse((commits[i] as (typeof commits)[number]).committedDate) <= draft.createdMs) head = i;
    }
    const pushes: { index: number; ms: number }[] = [{ index: head, ms: draft.createdMs }];
    for (let i = head + 1; i < commits.length; i++) {
      const committedMs = Date.parse((commits[i] as (typeof commits)[number]).committedDate);
      const room = Math.max(SECOND, Math.min(180 * SECOND, stopMs - committedMs - 10 * SECOND));
      pushes.push({
        index: i,
        ms: committedMs + rng.int(1, Math.max(1, Math.floor(room / SECOND))) * SECOND,
      });
    }
    const rate = CI_FAILURE_RATE[draft.authorship] * traitsOf(draft);
    const headOid = (commits[commits.length - 1] as (typeof commits)[number]).oid;
    /** The runs on the final head commit: what the pull request's checks showed at the merge. */
    const headRuns: Pending[] = [];
    pushes.forEach((push, p) => {
      const last = p === pushes.length - 1;
      const oid = (commits[push.index] as (typeof commits)[number]).oid;
      const made = workflow(
        oid,
        push.ms,
        "pull_request",
        pr.headRefName,
        rate,
        last ? draft.mergedMs : null,
        MERGED_ON_RED[draft.authorship],
      );
      if (oid === headOid) headRuns.push(...made);
      for (const run of made) {
        runs.push(run);
        if (draft.revertOf) render.push(() => (run.suite.branch = pr.headRefName));
        if (run.suite.status === "COMPLETED") {
          draft.truth.ciRuns++;
          if (FAILED.has(run.suite.conclusion)) draft.truth.ciFailures++;
        }
      }
      const latest = made[made.length - 1];
      if (latest) jenkins(oid, push.ms, JENKINS_PR_CONTEXT, !FAILED.has(latest.suite.conclusion));
    });
    const mergedMs = draft.mergedMs;
    if (mergedMs !== null) {
      // The newest run that had finished by the merge; runs still going then did not show on the checks.
      let shown: Pending | null = null;
      for (const run of headRuns) {
        if (run.completedMs === null || run.completedMs > mergedMs) continue;
        if (shown === null || run.createdMs > shown.createdMs) shown = run;
      }
      draft.truth.mergedWithFailingCi = shown !== null && FAILED.has(shown.suite.conclusion);
    }
  }
  for (const tip of tips) {
    if (!tip.pushed || tip.index === 0 || tip.ms < org.startMs) continue;
    const broken = tip.landed?.defective ? 3 : 1;
    const made = workflow(tip.commit.oid, tip.ms, "push", "main", DEFAULT_BRANCH_FAILURE_RATE * broken, null);
    runs.push(...made);
    const latest = made[made.length - 1];
    if (latest) jenkins(tip.commit.oid, tip.ms, JENKINS_BRANCH_CONTEXT, !FAILED.has(latest.suite.conclusion));
  }

  runs.sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
  let runNumber = rng.int(1, 400);
  const numbers = new Map<Pending, number>();
  for (const run of runs) {
    const number = run.rerunOf ? (numbers.get(run.rerunOf) ?? runNumber++) : runNumber++;
    numbers.set(run, number);
    run.suite.runNumber = number;
  }
  statuses.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { suites: runs.map((r) => r.suite), statuses, render };
}

/** One workflow run: jobs after a queue wait, long-tailed; failing jobs cancel their matrix siblings. */
export function runSuite(
  rng: Rng,
  repo: Pick<RepoShape, "ciJobs" | "full">,
  commitOid: string,
  createdMs: number,
  event: string,
  branch: string,
  fail: boolean,
  endMs: number,
): { suite: DatasetCheckSuite; completedMs: number | null } {
  const jobs = repo.ciJobs;
  const failing = fail ? rng.weighted(jobs.map((j) => [j, j.failWeight] as const)) : null;
  const timed: { job: CiJob; startMs: number; doneMs: number; conclusion: CheckConclusion }[] = jobs.map(
    (job) => {
      const startMs = createdMs + longTail(rng, 8 * SECOND, 1.2, 20 * MINUTE);
      const duration = longTail(rng, job.medianMs, 0.35, 6 * 60 * MINUTE);
      if (job === failing) {
        const timedOut = job.medianMs >= 5 * MINUTE && rng.chance(0.08);
        const doneMs = timedOut
          ? startMs + 3 * duration
          : startMs + Math.max(SECOND, Math.floor((duration * (0.3 + 0.7 * rng.float())) / 1000) * 1000);
        return { job, startMs, doneMs, conclusion: timedOut ? "TIMED_OUT" : "FAILURE" };
      }
      return { job, startMs, doneMs: startMs + duration, conclusion: "SUCCESS" };
    },
  );
  const failed = timed.find((t) => t.job === failing);
  if (failed?.job.matrix) {
    for (const t of timed) {
      if (t !== failed && t.job.matrix === failed.job.matrix && t.doneMs > failed.doneMs) {
        t.doneMs = Math.max(t.startMs, failed.doneMs + SECOND);
        t.conclusion = "CANCELLED";
      }
    }
  }
  const createdAt = iso(createdMs);
  let lastMs = createdMs;
  let lastAt = createdAt;
  let complete = true;
  let started = false;
  const checkRuns: DatasetCheckRun[] = timed.map((t) => {
    if (t.startMs >= endMs) {
      complete = false;
      return { name: t.job.name, status: "QUEUED", conclusion: null, startedAt: null, completedAt: null };
    }
    started = true;
    const startedAt = iso(t.startMs);
    if (t.startMs > lastMs) {
      lastMs = t.startMs;
      lastAt = startedAt;
    }
    if (t.doneMs >= endMs) {
      complete = false;
      return { name: t.job.name, status: "IN_PROGRESS", conclusion: null, startedAt, completedAt: null };
    }
    const completedAt = iso(t.doneMs);
    if (t.doneMs > lastMs) {
      lastMs = t.doneMs;
      lastAt = completedAt;
    }
    return { name: t.job.name, status: "COMPLETED", conclusion: t.conclusion, startedAt, completedAt };
  });
  const conclusion: CheckConclusion | null = !complete ? null : failed ? failed.conclusion : "SUCCESS";
  return {
    suite: {
      repository: repo.full,
      commitOid,
      app: "github-actions",
      workflowName: WORKFLOW,
      event,
      runNumber: 0,
      branch,
      status: complete ? "COMPLETED" : started ? "IN_PROGRESS" : "QUEUED",
      conclusion,
      createdAt,
      updatedAt: lastAt,
      checkRuns,
    },
    completedMs: complete ? lastMs : null,
  };
}

function status(
  repository: string,
  commitOid: string,
  context: string,
  state: StatusState,
  ms: number,
  targetUrl: string,
): DatasetCommitStatus {
  return { repository, commitOid, context, state, createdAt: iso(ms), targetUrl };
}

/** A time as the dataset writes it: whole seconds. */
function toSecond(ms: number | null): number | null {
  return ms === null ? null : Math.floor(ms / 1000) * 1000;
}

/** A check suite's conclusion counts as a failed run (cancelled, skipped and neutral do not). */
export function isFailedRun(conclusion: CheckConclusion | null): boolean {
  return FAILED.has(conclusion);
}
