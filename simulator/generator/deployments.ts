/**
 * Deployments of a repository: a pipeline (one at a time) that takes the default branch's tip to
 * "staging", then, after an approval wait, to "production". Continuous repositories start one shortly
 * after each landing (during working hours); train repositories at 10:00 and 15:00 UTC on weekdays. Each
 * deployment's statuses go QUEUED → IN_PROGRESS → SUCCESS (or FAILURE / ERROR, then a retry later); a
 * successful deployment makes the previous successful one of its environment INACTIVE.
 *
 * Now and then production gets a commit that is not on the default branch: a hotfix branch cut from what
 * production runs, or a release branch cut from the branch's tip (which may hold merges production has not
 * had yet), with one fix committed on it and deployed straight to production. Such a branch is never
 * merged back. The first successful production deployment whose commit contains a merge — by ancestry,
 * not by first-parent position — ships it: a release branch cut at position i ships every merge up to i.
 */
import type {
  DatasetDeployment,
  DatasetDeploymentStatus,
  DatasetOtherBranchCommit,
  DeploymentStatusState,
} from "../dataset.ts";
import type { Rng } from "../prng.ts";
import { branchCommit, type Tip } from "./history.ts";
import type { OrgShape, RepoShape } from "./org-shape.ts";
import type { PrDraft } from "./pull-requests.ts";
import { DAY, flat, floorSecond, HOUR, iso, longTail, MINUTE, nextWorkingMoment, SECOND } from "./time.ts";

export const DEPLOYER = { login: "github-actions", type: "Bot" } as const;

/** A deployment as the generator knows it: the record, when it finished, what it shipped. */
export interface GeneratedDeployment {
  record: DatasetDeployment;
  finishedMs: number | null;
  success: boolean;
  /** Chain position of its commit. */
  tipIndex: number;
  /** Pull requests it shipped first to its environment. */
  shipped: PrDraft[];
  logUrl: string;
}

export interface RepoDeployments {
  /** By number (creation order). */
  deployments: GeneratedDeployment[];
  /** Successful production deployments, in order of finishing. */
  production: GeneratedDeployment[];
  /** Commits of the hotfix and release branches deployed, oldest first. */
  branchCommits: DatasetOtherBranchCommit[];
}

/** Chance, after each production deployment that succeeds, that a fix ships from a branch before the next. */
const OFF_BRANCH_CHANCE = 0.05;
/** Of those, the share cut from the default branch's tip (a release branch) rather than from production. */
const RELEASE_BRANCH_SHARE = 0.6;
const HOTFIX_MESSAGES = [
  "fix: guard against empty cart in checkout",
  "fix: roll back connection pool size",
  "fix: handle missing region header",
  "fix: raise timeout for payment provider",
] as const;

const QUEUED = "Deployment queued";
const IN_PROGRESS = { staging: "Deploying to staging", production: "Deploying to production" } as const;
const DESCRIPTION = { staging: "Deploy to staging", production: "Deploy to production" } as const;

/** Chance that a deployment's run ends SUCCESS. */
const SUCCESS_RATE = { staging: 0.96, production: 0.95 } as const;

export function generateDeployments(
  rng: Rng,
  org: OrgShape,
  repo: RepoShape,
  tips: readonly Tip[],
  shareObjects = false,
): RepoDeployments {
  const endMs = org.endMs;
  const deployments: GeneratedDeployment[] = [];
  const production: GeneratedDeployment[] = [];
  const lastSuccess = new Map<string, GeneratedDeployment>();
  const shippedUpTo = new Map<string, number>();
  // Run ids in log URLs. A repository that deploys from a workflow gets ids GraphQL's Int (32 bits) can
  // carry, as its workflow runs' databaseId; the others keep the ids they always had.
  const runBase = repo.deployVia === "deployments_api" ? 7_000_000_000 : 1_700_000_000;
  let runId = runBase + repo.index * 1_000_000 + rng.int(0, 9999) * 10;
  const base = `https://github.com/${repo.full}`;
  const host = serviceHost(repo.name, org.login);
  // One creator object for all the repository's deployments only where memory matters more than editing.
  const creator = shareObjects ? { ...DEPLOYER } : undefined;
  const branchCommits: DatasetOtherBranchCommit[] = [];

  // `tip.index` is the highest first-parent position the deployed commit contains; `ref` the branch.
  const deploy = (
    environment: "staging" | "production",
    tip: Tip,
    createdMs: number,
    ref = "main",
  ): GeneratedDeployment => {
    const logUrl = flat(`${base}/actions/runs/${runId++}`);
    const run = deploymentRun(rng, {
      repository: repo.full,
      host,
      number: deployments.length + 1,
      environment,
      commitOid: tip.commit.oid,
      createdMs,
      endMs,
      logUrl,
      creator,
      ref,
    });
    const generated: GeneratedDeployment = { ...run, tipIndex: tip.index, shipped: [], logUrl };
    deployments.push(generated);
    if (generated.success) {
      const previous = lastSuccess.get(environment);
      if (previous) supersede(previous.record, run.finishedMs as number);
      lastSuccess.set(environment, generated);
      const from = shippedUpTo.get(environment) ?? 0;
      for (let i = from + 1; i <= tip.index; i++) {
        const landed = (tips[i] as Tip).landed;
        if (landed) generated.shipped.push(landed);
      }
      shippedUpTo.set(environment, Math.max(from, tip.index));
      if (environment === "production") production.push(generated);
    }
    return generated;
  };

  const tipAt = (ms: number): Tip => {
    let lo = 0;
    let hi = tips.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((tips[mid] as Tip).ms <= ms) lo = mid;
      else hi = mid - 1;
    }
    return tips[lo] as Tip;
  };

  // Whatever was on the branch when the window opened is already in production.
  let deployedIndex = tipAt(org.startMs).index;
  shippedUpTo.set("staging", deployedIndex);
  shippedUpTo.set("production", deployedIndex);
  let free = org.startMs;
  for (;;) {
    const next = tips[deployedIndex + 1];
    if (!next) break;
    const wanted = Math.max(next.ms + longTail(rng, 12 * MINUTE, 0.5, 2 * HOUR), free);
    const startMs = floorSecond(
      repo.deployStyle === "train" ? nextTrainSlot(wanted) : nextWorkingMoment(wanted, 7, 20),
    );
    if (startMs >= endMs) break;
    const tip = tipAt(startMs);
    const staging = deploy("staging", tip, startMs);
    if (staging.finishedMs === null) break;
    if (!staging.success) {
      free = staging.finishedMs + longTail(rng, 25 * MINUTE, 0.6, 4 * HOUR);
      continue;
    }
    const promoteMs = staging.finishedMs + longTail(rng, repo.approvalWaitMs, 0.7, 8 * HOUR);
    if (promoteMs >= endMs) break;
    const prod = deploy("production", tip, promoteMs);
    if (prod.finishedMs === null) break;
    free =
      prod.finishedMs +
      (prod.success ? longTail(rng, 2 * MINUTE, 0.5, HOUR) : longTail(rng, 30 * MINUTE, 0.6, 4 * HOUR));
    if (prod.success) deployedIndex = tip.index;
    // A repository that deploys only from a workflow on its default branch has no branch deployments.
    if (prod.success && repo.deployVia !== "workflow" && rng.chance(OFF_BRANCH_CHANCE)) {
      const done = offBranchFix(free, tip);
      if (done !== null) free = done + longTail(rng, 10 * MINUTE, 0.5, HOUR);
    }
  }
  return { deployments, production, branchCommits };

  /**
   * A fix committed on a new branch and deployed straight to production; returns when that deployment
   * ended (null when there was no time left for it). Cut from what production runs (`running`), or, for a
   * release branch, from the default branch's tip at the time.
   */
  function offBranchFix(fromMs: number, running: Tip): number | null {
    const release = rng.chance(RELEASE_BRANCH_SHARE);
    let commitMs = fromMs + longTail(rng, 3 * HOUR, 0.8, 2 * DAY);
    // A release branch is cut once something new has landed (the main line's deployments wait for it), so it
    // ships merges production has not had yet.
    const landing = tips[running.index + 1];
    if (release && landing)
      commitMs = Math.max(commitMs, landing.ms + longTail(rng, 40 * MINUTE, 0.6, 4 * HOUR));
    commitMs = floorSecond(nextWorkingMoment(commitMs, 8, 19));
    const deployMs = floorSecond(commitMs + longTail(rng, 25 * MINUTE, 0.6, 3 * HOUR));
    // Leave room for the deployment to finish inside the window: the answer key needs its outcome.
    if (deployMs >= endMs - DAY) return null;
    const cut = release ? tipAt(commitMs) : running;
    const branch = release ? `release/${repo.name}-${branchCommits.length + 1}` : `hotfix/${rng.hex(6)}`;
    const members = repo.team?.definition.members ?? org.members;
    const person = org.humans.get(rng.pick(members))?.person;
    const who = person
      ? { name: person.name, email: person.email, login: person.login }
      : { name: "GitHub", email: "noreply@github.com", login: null };
    const fix: DatasetOtherBranchCommit = {
      ...branchCommit(repo.full, rng.hex(40), rng.pick(HOTFIX_MESSAGES), who, commitMs, who, commitMs, [
        cut.commit.oid,
      ]),
      branch,
    };
    branchCommits.push(fix);
    // The fix contains every first-parent position up to the cut, and nothing of the branch after it.
    const shipped = deploy(
      "production",
      { index: cut.index, ms: commitMs, commit: fix, landed: null, pushed: true },
      deployMs,
      branch,
    );
    return shipped.finishedMs;
  }
}

export interface DeploymentRunInput {
  repository: string;
  /** Host name of the service, for environment URLs. */
  host: string;
  number: number;
  environment: "staging" | "production";
  commitOid: string;
  createdMs: number;
  /** Statuses after this moment have not happened yet. */
  endMs: number;
  logUrl: string;
  /** Shared by the repository's deployments. */
  creator?: DatasetDeployment["creator"];
  /** The branch deployed ("main" unless given). */
  ref?: string;
}

const environmentUrls = new Map<string, string>();
export function environmentUrl(environment: string, host: string): string {
  const key = `${environment}:${host}`;
  let url = environmentUrls.get(key);
  if (!url) {
    url = flat(environment === "production" ? `https://${host}` : `https://${environment}.${host}`);
    environmentUrls.set(key, url);
  }
  return url;
}

/** One deployment: QUEUED, IN_PROGRESS after a short wait, then SUCCESS, FAILURE or ERROR, up to `endMs`. */
export function deploymentRun(
  rng: Rng,
  input: DeploymentRunInput,
): { record: DatasetDeployment; finishedMs: number | null; success: boolean } {
  const { environment, logUrl, createdMs, endMs } = input;
  const url = environmentUrl(environment, input.host);
  const success = rng.chance(SUCCESS_RATE[environment]);
  const startMs = createdMs + longTail(rng, 20 * SECOND, 0.8, 10 * MINUTE);
  const doneMs =
    startMs + longTail(rng, environment === "production" ? 5 * MINUTE : 3 * MINUTE, 0.45, 2 * HOUR);
  const createdAt = iso(createdMs);
  const statuses: DatasetDeploymentStatus[] = [
    { state: "QUEUED", createdAt, description: QUEUED, logUrl, environmentUrl: null },
  ];
  if (startMs < endMs) {
    statuses.push({
      state: "IN_PROGRESS",
      createdAt: iso(startMs),
      description: IN_PROGRESS[environment],
      logUrl,
      environmentUrl: null,
    });
  }
  const finished = doneMs < endMs;
  if (finished) statuses.push(finalStatus(rng, success, doneMs, logUrl, url));
  return {
    record: {
      repository: input.repository,
      number: input.number,
      environment,
      commitOid: input.commitOid,
      ref: input.ref ?? "main",
      task: "deploy",
      description: DESCRIPTION[environment],
      creator: input.creator ?? { ...DEPLOYER },
      createdAt,
      updatedAt: (statuses[statuses.length - 1] as DatasetDeploymentStatus).createdAt,
      statuses,
    },
    finishedMs: finished ? doneMs : null,
    success: finished && success,
  };
}

/** The terminal status of a deployment that finished at `doneMs`. */
export function finalStatus(
  rng: Rng,
  success: boolean,
  doneMs: number,
  logUrl: string | null,
  environmentUrl: string,
): DatasetDeploymentStatus {
  const state: DeploymentStatusState = success ? "SUCCESS" : rng.chance(0.7) ? "FAILURE" : "ERROR";
  return {
    state,
    createdAt: iso(doneMs),
    description: success
      ? "Deployed"
      : state === "FAILURE"
        ? "Health checks failed; rolled back"
        : "Deployment runner lost",
    logUrl,
    environmentUrl: success ? environmentUrl : null,
  };
}

/** Marks a successful deployment INACTIVE when a newer one of its environment succeeds. */
export function supersede(previous: DatasetDeployment, atMs: number): void {
  previous.statuses.push({
    state: "INACTIVE",
    createdAt: iso(atMs),
    description: "Superseded by a newer deployment",
    logUrl: previous.statuses[0]?.logUrl ?? null,
    environmentUrl: null,
  });
  previous.updatedAt = iso(atMs);
}

/** Host name of a repository's service (environment URLs). */
export function serviceHost(repositoryName: string, organization: string): string {
  return `${repositoryName}.${organization.toLowerCase()}.example`;
}

/** The next release-train slot (10:00 or 15:00 UTC, Monday to Friday) at or after `ms`. */
function nextTrainSlot(ms: number): number {
  for (let day = Math.floor(ms / DAY) * DAY; ; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const hour of [10, 15]) {
      const slot = day + hour * HOUR;
      if (slot >= ms) return slot;
    }
  }
}
