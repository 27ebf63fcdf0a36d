/**
 * Moves a generated organisation forward in time, for incremental-extraction tests. Between the old end
 * and `at`: CI runs and deployments that were still running finish; some open incidents close; some open
 * pull requests get approved and merged (landing on the default branch by the repository's strategy, with
 * a push run of CI), some closed ones get a late comment (only `updatedAt` moves); new pull requests open
 * (with a CI run on their head); repositories whose branch moved deploy it to staging, then production
 * (superseding the previous deployment, shipping what was waiting). The input is left untouched; the
 * result carries the updated dataset and ground truth, and what changed.
 *
 * @example
 *   const later = evolveOrg(org, { at: new Date("2026-11-02T06:00:00Z") });
 *   simulator.setDataset(later.dataset); // the next extraction should pick up exactly later.changed
 */
import type {
  Dataset,
  DatasetBranchCommit,
  DatasetCheckSuite,
  DatasetDeployment,
  DatasetPullRequest,
} from "./dataset.ts";
import { isFailedRun, runSuite, WORKFLOW } from "./generator/ci.ts";
import {
  deploymentRun,
  environmentUrl,
  finalStatus,
  serviceHost,
  supersede,
} from "./generator/deployments.ts";
import { branchCommit, copyCommit, GITHUB, squashMessage } from "./generator/history.ts";
import { INCIDENT_LABEL } from "./generator/incidents.ts";
import { ciJobsNamed } from "./generator/org-shape.ts";
import { floorSecond, HOUR, iso, longTail, MINUTE, SECOND } from "./generator/time.ts";
import {
  type GeneratedOrg,
  type GroundTruth,
  type TruthPullRequest,
  type TruthRepository,
  teamFor,
} from "./ground-truth.ts";
import { pullRequestNodeId } from "./node-ids.ts";
import { personFor } from "./people.ts";
import { humanBody, slug, TOPICS } from "./pr-content.ts";
import { createRng, type Rng } from "./prng.ts";

export interface EvolveOptions {
  /** The new "now": every change happens at or before it. */
  at: Date;
  seed?: number;
  /** Existing pull requests to change (default 5): open ones are merged first, then closed ones get a comment. */
  updates?: number;
  /** New pull requests to open (default 2). */
  newPullRequests?: number;
}

export interface PullRequestRef {
  repository: string;
  number: number;
}

/** What moved, per dataset array (new records, or records with new fields or statuses). */
export interface EvolveChanges {
  pullRequests: PullRequestRef[];
  defaultBranchCommits: { repository: string; oid: string }[];
  checkSuites: { repository: string; commitOid: string; runNumber: number }[];
  deployments: { repository: string; number: number }[];
  issues: { repository: string; number: number }[];
}

export interface EvolvedOrg extends GeneratedOrg {
  /** Pull requests whose `updatedAt` moved, plus the new ones. */
  changed: PullRequestRef[];
  changes: EvolveChanges;
}

export function evolveOrg(org: GeneratedOrg, options: EvolveOptions): EvolvedOrg {
  const rng = createRng(options.seed ?? 1).fork(`evolve:${options.at.toISOString()}`);
  const atMs = floorSecond(options.at.getTime());
  const dataset = structuredClone(org.dataset);
  const truth = structuredClone(org.truth);
  const oldEndMs = Date.parse(truth.end);
  // Events of this step happen after the old end (or in the last hour, if `at` is not later).
  const fromMs = Math.min(oldEndMs, atMs - HOUR);
  const changes: EvolveChanges = {
    pullRequests: [],
    defaultBranchCommits: [],
    checkSuites: [],
    deployments: [],
    issues: [],
  };
  const state = new EvolveState(dataset, truth, rng, fromMs, atMs, changes);

  state.finishRunningSuites();
  state.finishRunningDeployments();
  state.closeIncidents();
  state.changePullRequests(options.updates ?? 5, org);
  state.openPullRequests(options.newPullRequests ?? 2, org);
  state.deployMovedBranches();

  dataset.defaultBranchCommits = sortHistory(dataset);
  truth.end = iso(Math.max(atMs, oldEndMs));
  return { dataset, truth, teams: structuredClone(org.teams), changed: changes.pullRequests, changes };
}

const key = (repository: string, number: number) => `${repository.toLowerCase()}#${number}`;

class EvolveState {
  private readonly truthOf = new Map<string, TruthPullRequest>();
  private readonly repoTruth = new Map<string, TruthRepository>();
  private readonly prOfCommit = new Map<string, DatasetPullRequest>();

  constructor(
    private readonly dataset: Dataset,
    private readonly truth: GroundTruth,
    private readonly rng: Rng,
    private readonly fromMs: number,
    private readonly atMs: number,
    private readonly changes: EvolveChanges,
  ) {
    for (const t of truth.pullRequests) this.truthOf.set(key(t.repository, t.number), t);
    for (const r of truth.repositories) this.repoTruth.set(r.repository.toLowerCase(), r);
    for (const pr of dataset.pullRequests) {
      for (const c of pr.commits) this.prOfCommit.set(`${pr.repository.toLowerCase()}@${c.oid}`, pr);
    }
  }

  /** A moment in (from, at], at least `after`. */
  private moment(after = this.fromMs): number {
    const low = Math.max(after, this.fromMs) + SECOND;
    return floorSecond(low >= this.atMs ? this.atMs : low + this.rng.float() * (this.atMs - low));
  }

  private countRun(suite: DatasetCheckSuite): void {
    if (suite.event !== "pull_request" || suite.status !== "COMPLETED") return;
    const pr = this.prOfCommit.get(`${suite.repository.toLowerCase()}@${suite.commitOid}`);
    const t = pr && this.truthOf.get(key(pr.repository, pr.number));
    if (!t) return;
    t.ciRuns++;
    if (isFailedRun(suite.conclusion)) t.ciFailures++;
  }

  finishRunningSuites(): void {
    for (const suite of this.dataset.checkSuites) {
      if (suite.status === "COMPLETED") continue;
      const failing = this.rng.chance(0.1) ? this.rng.int(0, suite.checkRuns.length - 1) : -1;
      let lastMs = Date.parse(suite.updatedAt);
      suite.checkRuns.forEach((run, i) => {
        if (run.status === "COMPLETED") return;
        const startMs = run.startedAt ? Date.parse(run.startedAt) : this.moment(Date.parse(suite.createdAt));
        const doneMs = this.moment(startMs);
        run.startedAt = iso(startMs);
        run.completedAt = iso(doneMs);
        run.status = "COMPLETED";
        run.conclusion = i === failing ? "FAILURE" : "SUCCESS";
        lastMs = Math.max(lastMs, doneMs);
      });
      suite.status = "COMPLETED";
      suite.conclusion = suite.checkRuns.some((r) => r.conclusion === "FAILURE") ? "FAILURE" : "SUCCESS";
      suite.updatedAt = iso(lastMs);
      this.countRun(suite);
      this.changes.checkSuites.push({
        repository: suite.repository,
        commitOid: suite.commitOid,
        runNumber: suite.runNumber,
      });
    }
  }

  finishRunningDeployments(): void {
    for (const deployment of this.dataset.deployments) {
      const latest = deployment.statuses[deployment.statuses.length - 1];
      if (!latest || (latest.state !== "QUEUED" && latest.state !== "IN_PROGRESS")) continue;
      const logUrl = latest.logUrl;
      let lastMs = Date.parse(latest.createdAt);
      if (latest.state === "QUEUED") {
        lastMs = this.moment(lastMs);
        deployment.statuses.push({
          state: "IN_PROGRESS",
          createdAt: iso(lastMs),
          description: `Deploying to ${deployment.environment}`,
          logUrl,
          environmentUrl: null,
        });
      }
      const doneMs = this.moment(lastMs);
      const [, name = ""] = deployment.repository.split("/");
      const host = serviceHost(name, this.dataset.organizations[0]?.login ?? "acme");
      const url = environmentUrl(deployment.environment, host);
      const status = finalStatus(this.rng, this.rng.chance(0.95), doneMs, logUrl, url);
      deployment.statuses.push(status);
      deployment.updatedAt = status.createdAt;
      this.settle(deployment, doneMs);
    }
  }

  /** Records a finished deployment: the answer key, the superseded one, what it shipped. */
  private settle(deployment: DatasetDeployment, doneMs: number): void {
    const success = deployment.statuses[deployment.statuses.length - 1]?.state === "SUCCESS";
    this.changes.deployments.push({ repository: deployment.repository, number: deployment.number });
    let truth = this.truth.deployments.find(
      (d) => d.repository === deployment.repository && d.number === deployment.number,
    );
    if (!truth) {
      truth = {
        repository: deployment.repository,
        number: deployment.number,
        deploymentsApi: true,
        workflowRunUrl: null,
        environment: deployment.environment,
        commitOid: deployment.commitOid,
        createdAt: deployment.createdAt,
        finishedAt: null,
        success: false,
        shippedPullRequests: [],
        incidents: [],
      };
      this.truth.deployments.push(truth);
    }
    truth.finishedAt = iso(doneMs);
    truth.success = success;
    if (!success) return;
    const previous = this.dataset.deployments
      .filter(
        (d) =>
          d !== deployment &&
          d.repository === deployment.repository &&
          d.environment === deployment.environment &&
          d.statuses.some((s) => s.state === "SUCCESS") &&
          !d.statuses.some((s) => s.state === "INACTIVE"),
      )
      .at(-1);
    if (previous) {
      supersede(previous, doneMs);
      this.changes.deployments.push({ repository: previous.repository, number: previous.number });
    }
    // Ships every merge at or before its commit on the first-parent chain not yet in this environment.
    const positions = firstParentPositions(this.dataset, deployment.repository);
    const at = positions.get(deployment.commitOid) ?? -1;
    const shippedBefore = new Set(
      this.truth.deployments
        .filter((d) => d.repository === deployment.repository && d.environment === deployment.environment)
        .flatMap((d) => d.shippedPullRequests),
    );
    for (const pr of this.dataset.pullRequests) {
      if (pr.repository !== deployment.repository || !pr.mergeCommitOid || shippedBefore.has(pr.number))
        continue;
      const position = positions.get(pr.mergeCommitOid);
      if (position === undefined || position > at) continue;
      truth.shippedPullRequests.push(pr.number);
      const t = this.truthOf.get(key(pr.repository, pr.number));
      if (t && deployment.environment === "production") {
        t.deploymentNumber = deployment.number;
        t.deployedAt = iso(doneMs);
      }
    }
  }

  closeIncidents(): void {
    for (const issue of this.dataset.issues) {
      if (issue.closedAt || !issue.labels.includes(INCIDENT_LABEL) || !this.rng.chance(0.6)) continue;
      const closedMs = this.moment(Date.parse(issue.createdAt) + 30 * MINUTE);
      issue.closedAt = iso(closedMs);
      issue.stateReason = "COMPLETED";
      issue.updatedAt = iso(Math.max(closedMs, Date.parse(issue.updatedAt) + SECOND));
      const t = this.truth.incidents.find(
        (i) => i.repository === issue.repository && i.number === issue.number,
      );
      if (t) t.resolvedAt = issue.closedAt;
      this.changes.issues.push({ repository: issue.repository, number: issue.number });
    }
  }

  changePullRequests(updates: number, org: GeneratedOrg): void {
    const { rng, atMs } = this;
    const humans = [...new Set(org.teams.flatMap((t) => t.members))];
    // Never move a pull request's updatedAt backwards, even if `at` is earlier than its last activity.
    const stamp = (pr: DatasetPullRequest, ms: number) => iso(Math.max(ms, Date.parse(pr.updatedAt) + 1000));
    const open = rng.shuffle(this.dataset.pullRequests.filter((pr) => pr.state === "OPEN" && !pr.isDraft));
    const closed = rng.shuffle(this.dataset.pullRequests.filter((pr) => pr.state !== "OPEN"));
    const landings: { pr: DatasetPullRequest; mergedMs: number; merger: string }[] = [];
    for (const pr of [...open, ...closed].slice(0, updates)) {
      const t = this.truthOf.get(key(pr.repository, pr.number));
      if (pr.state === "OPEN") {
        const mergedMs = Math.max(Date.parse(pr.updatedAt) + MINUTE, atMs - rng.int(5, 120) * MINUTE);
        const reviewer = rng.pick(humans.filter((h) => h !== pr.author?.login && h !== t?.initiatedBy));
        pr.reviews.push({
          author: { login: reviewer, type: "User" },
          state: "APPROVED",
          submittedAt: iso(mergedMs - MINUTE),
        });
        pr.state = "MERGED";
        pr.mergedAt = iso(mergedMs);
        pr.closedAt = iso(mergedMs);
        pr.updatedAt = stamp(pr, mergedMs + 30_000);
        const merger = pr.author?.type === "User" ? pr.author.login : reviewer;
        pr.mergedBy = { login: merger, type: "User" };
        landings.push({ pr, mergedMs, merger });
        if (t) {
          t.state = "MERGED";
          t.mergedAt = pr.mergedAt;
          t.closedAt = pr.closedAt;
          t.mergedBy = merger;
          // The approver is neither the author nor the agent's requester.
          t.independentApproval = true;
          t.selfMergedWithoutReview = false;
          t.mergedWithFailingCi = this.redAtMerge(pr, mergedMs);
          t.firstReviewAt ??= iso(mergedMs - MINUTE);
          t.approvedAt ??= iso(mergedMs - MINUTE);
          if (t.revertOf !== null) {
            const target = this.truthOf.get(key(pr.repository, t.revertOf));
            if (target) target.revertedAt = pr.mergedAt;
          }
        }
      } else {
        pr.updatedAt = stamp(pr, atMs - rng.int(1, 60) * MINUTE);
      }
      this.changes.pullRequests.push({ repository: pr.repository, number: pr.number });
    }
    // The branch grows in merge order.
    landings.sort((a, b) => a.mergedMs - b.mergedMs || a.pr.number - b.pr.number);
    for (const { pr, mergedMs, merger } of landings) this.land(pr, mergedMs, merger);
  }

  /**
   * Whether the newest workflow run on the head commit that had finished by `mergedMs` failed. The runs were
   * made by an earlier generation, so the dataset is the only record of them here.
   */
  private redAtMerge(pr: DatasetPullRequest, mergedMs: number): boolean {
    const head = pr.commits.at(-1)?.oid;
    let shown: DatasetCheckSuite | null = null;
    for (const suite of this.dataset.checkSuites) {
      if (suite.repository !== pr.repository || suite.commitOid !== head || suite.workflowName === null)
        continue;
      if (suite.status !== "COMPLETED" || Date.parse(suite.updatedAt) > mergedMs) continue;
      if (shown === null || suite.createdAt > shown.createdAt) shown = suite;
    }
    return shown !== null && isFailedRun(shown.conclusion);
  }

  /** Lands a merged pull request on its repository's default branch, and runs CI on the pushed tip. */
  private land(pr: DatasetPullRequest, mergedMs: number, merger: string): void {
    const { rng } = this;
    const repoTruth = this.repoTruth.get(pr.repository.toLowerCase());
    const history = this.dataset.defaultBranchCommits.filter((c) => c.repository === pr.repository);
    const tip = history.at(-1);
    if (!repoTruth || !tip) return;
    const organization = this.dataset.organizations[0]?.login ?? "acme";
    const author = pr.author?.type === "User" ? personFor(pr.author.login, organization) : null;
    const gitAuthor = author
      ? { name: author.name, email: author.email, login: author.login }
      : {
          name: pr.commits[0]?.authorName ?? GITHUB.name,
          email: pr.commits[0]?.authorEmail ?? GITHUB.email,
          login: null,
        };
    const mergerPerson = personFor(merger, organization);
    const added: DatasetBranchCommit[] = [];
    if (repoTruth.mergeStrategy === "squash") {
      const commit = branchCommit(
        pr.repository,
        rng.hex(40),
        squashMessage(pr, false),
        gitAuthor,
        mergedMs,
        GITHUB,
        mergedMs,
        [tip.oid],
      );
      added.push(commit);
    } else if (repoTruth.mergeStrategy === "merge") {
      const firstMs = Date.parse(pr.commits[0]?.committedDate ?? iso(mergedMs));
      // The branch started from the first-parent tip of that moment.
      const chain = firstParentPositions(this.dataset, pr.repository);
      let previous =
        history.filter((c) => chain.has(c.oid) && Date.parse(c.committedDate) <= firstMs).at(-1)?.oid ??
        tip.oid;
      for (const c of pr.commits) {
        added.push(copyCommit(pr.repository, c, c.oid, [previous]));
        previous = c.oid;
      }
      const subject = `Merge pull request #${pr.number} from ${organization}/${pr.headRefName}`;
      added.push(
        branchCommit(
          pr.repository,
          rng.hex(40),
          `${subject}\n\n${pr.title}`,
          { name: mergerPerson.name, email: mergerPerson.email, login: mergerPerson.login },
          mergedMs,
          GITHUB,
          mergedMs,
          [tip.oid, previous],
        ),
      );
    } else {
      let previous = tip.oid;
      for (const c of pr.commits) {
        const copy = {
          ...copyCommit(pr.repository, c, rng.hex(40), [previous]),
          committerName: GITHUB.name,
          committerEmail: GITHUB.email,
          committedDate: iso(mergedMs),
        };
        added.push(copy);
        previous = copy.oid;
      }
    }
    const head = added.at(-1) as DatasetBranchCommit;
    for (const c of added) {
      c.pullRequestNumber = pr.number;
      this.dataset.defaultBranchCommits.push(c);
      this.changes.defaultBranchCommits.push({ repository: pr.repository, oid: c.oid });
    }
    pr.mergeCommitOid = head.oid;
    this.runCi(pr.repository, repoTruth, head.oid, mergedMs, "push", "main");
  }

  private runCi(
    repository: string,
    repoTruth: TruthRepository,
    commitOid: string,
    pushMs: number,
    event: "pull_request" | "push",
    branch: string,
  ): void {
    const createdMs = pushMs + this.rng.int(2, 12) * SECOND;
    if (createdMs >= this.atMs) return;
    const { suite } = runSuite(
      this.rng,
      { full: repository, ciJobs: ciJobsNamed(repoTruth.ciJobs) },
      commitOid,
      createdMs,
      event,
      branch,
      this.rng.chance(0.1),
      this.atMs,
    );
    let runNumber = 0;
    for (const s of this.dataset.checkSuites) {
      if (s.repository === repository && s.workflowName === WORKFLOW)
        runNumber = Math.max(runNumber, s.runNumber);
    }
    suite.runNumber = runNumber + 1;
    this.dataset.checkSuites.push(suite);
    this.countRun(suite);
    this.changes.checkSuites.push({ repository, commitOid, runNumber: suite.runNumber });
  }

  openPullRequests(count: number, org: GeneratedOrg): void {
    const { rng, atMs, dataset } = this;
    const organization = dataset.organizations[0]?.login ?? "acme";
    const humans = [...new Set(org.teams.flatMap((t) => t.members))];
    for (let i = 0; i < count; i++) {
      const repo = rng.pick(dataset.repositories);
      const repository = `${repo.owner}/${repo.name}`;
      const login = rng.pick(humans);
      const person = personFor(login, organization);
      const topic = rng.pick(TOPICS.filter((t) => !t.decoy));
      let number = 0;
      for (const p of dataset.pullRequests)
        if (p.repository === repository) number = Math.max(number, p.number);
      for (const p of dataset.issues) if (p.repository === repository) number = Math.max(number, p.number);
      number++;
      const createdMs = atMs - rng.int(1, 12) * HOUR;
      const commitMs = createdMs - rng.int(10, 180) * MINUTE;
      const additions = rng.int(5, 300);
      const pr: DatasetPullRequest = {
        repository,
        number,
        title: topic.title,
        body: humanBody(topic, rng),
        author: { login, type: "User" },
        headRefName: `${login}/${slug(topic.title)}`,
        baseRefName: repo.defaultBranch,
        state: "OPEN",
        isDraft: false,
        createdAt: iso(createdMs),
        updatedAt: iso(createdMs + rng.int(0, 30) * MINUTE),
        closedAt: null,
        mergedAt: null,
        additions,
        deletions: rng.int(0, additions),
        changedFiles: rng.int(1, 12),
        mergeCommitOid: null,
        commits: [
          {
            oid: rng.hex(40),
            message: topic.message,
            authorName: person.name,
            authorEmail: person.email,
            authorLogin: login,
            authoredDate: iso(commitMs),
            committerName: person.name,
            committerEmail: person.email,
            committedDate: iso(commitMs),
          },
        ],
        reviews: [],
      };
      dataset.pullRequests.push(pr);
      const entry: TruthPullRequest = {
        repository,
        number,
        nodeId: pullRequestNodeId(repository, number),
        authorLogin: login,
        authorType: "User",
        authorship: "unmarked",
        aiTools: [],
        initiatedBy: null,
        team: teamFor(login, repository, org.teams),
        aiReviewed: false,
        decoys: [],
        state: "OPEN",
        createdAt: pr.createdAt,
        mergedAt: null,
        closedAt: null,
        firstCommitAt: iso(commitMs),
        readyForReviewAt: pr.createdAt,
        firstReviewAt: null,
        approvedAt: null,
        reviewRounds: 0,
        commitsAfterFirstReview: null,
        deploymentNumber: null,
        deployedAt: null,
        revertOf: null,
        revertedBy: null,
        revertedAt: null,
        incidents: [],
        defective: false,
        ciRuns: 0,
        ciFailures: 0,
        agentOpened: false,
        mergedBy: null,
        independentApproval: null,
        selfMergedWithoutReview: null,
        mergedWithFailingCi: null,
      };
      this.truth.pullRequests.push(entry);
      this.truthOf.set(key(repository, number), entry);
      this.prOfCommit.set(`${repository.toLowerCase()}@${pr.commits[0]?.oid}`, pr);
      const repoTruth = this.repoTruth.get(repository.toLowerCase());
      if (repoTruth)
        this.runCi(
          repository,
          repoTruth,
          pr.commits[0]?.oid ?? "",
          createdMs,
          "pull_request",
          pr.headRefName,
        );
      this.changes.pullRequests.push({ repository, number });
    }
  }

  /** Staging, then production, of the tip of every repository whose default branch moved. */
  deployMovedBranches(): void {
    const { rng, dataset } = this;
    const organization = dataset.organizations[0]?.login ?? "acme";
    for (const repo of dataset.repositories) {
      const repository = `${repo.owner}/${repo.name}`;
      const history = dataset.defaultBranchCommits.filter((c) => c.repository === repository);
      const tip = history.reduce<DatasetBranchCommit | undefined>(
        (latest, c) =>
          !latest || Date.parse(c.committedDate) >= Date.parse(latest.committedDate) ? c : latest,
        undefined,
      );
      if (!tip || !this.changes.defaultBranchCommits.some((c) => c.repository === repository)) continue;
      const own = dataset.deployments.filter((d) => d.repository === repository);
      let number = own.reduce((n, d) => Math.max(n, d.number), 0);
      const runIds = own.map((d) => Number(/runs\/(\d+)/.exec(d.statuses[0]?.logUrl ?? "")?.[1] ?? 0));
      let runId = Math.max(7_000_000_000, ...runIds) + 1;
      const host = serviceHost(repo.name, organization);
      let startMs = Date.parse(tip.committedDate) + longTail(rng, 12 * MINUTE, 0.5, HOUR);
      for (const environment of ["staging", "production"] as const) {
        if (startMs >= this.atMs) break;
        const run = deploymentRun(rng, {
          repository,
          host,
          number: ++number,
          environment,
          commitOid: tip.oid,
          createdMs: floorSecond(startMs),
          endMs: this.atMs,
          logUrl: `https://github.com/${repository}/actions/runs/${runId++}`,
        });
        dataset.deployments.push(run.record);
        this.changes.deployments.push({ repository, number: run.record.number });
        if (run.finishedMs === null) {
          this.truth.deployments.push({
            repository,
            number: run.record.number,
            deploymentsApi: true,
            workflowRunUrl: null,
            environment,
            commitOid: tip.oid,
            createdAt: run.record.createdAt,
            finishedAt: null,
            success: false,
            shippedPullRequests: [],
            incidents: [],
          });
          break;
        }
        this.settle(run.record, run.finishedMs);
        if (!run.success) break;
        startMs = run.finishedMs + 2 * MINUTE;
      }
    }
  }
}

/** First-parent position of each commit of a repository's default branch (0 = root). */
function firstParentPositions(dataset: Dataset, repository: string): Map<string, number> {
  const byOid = new Map<string, DatasetBranchCommit>();
  let tip: DatasetBranchCommit | undefined;
  for (const c of dataset.defaultBranchCommits) {
    if (c.repository !== repository) continue;
    byOid.set(c.oid, c);
    if (!tip || Date.parse(c.committedDate) >= Date.parse(tip.committedDate)) tip = c;
  }
  const chain: string[] = [];
  for (let c = tip; c; c = c.parents[0] ? byOid.get(c.parents[0]) : undefined) chain.push(c.oid);
  chain.reverse();
  return new Map(chain.map((oid, i) => [oid, i]));
}

/** History grouped by repository (in the order repositories are listed), oldest first, ties kept in place. */
function sortHistory(dataset: Dataset): DatasetBranchCommit[] {
  const order = new Map(dataset.repositories.map((r, i) => [`${r.owner}/${r.name}`, i]));
  return dataset.defaultBranchCommits
    .map((commit, i) => ({
      commit,
      i,
      ms: Date.parse(commit.committedDate),
      repo: order.get(commit.repository) ?? 0,
    }))
    .sort((a, b) => a.repo - b.repo || a.ms - b.ms || a.i - b.i)
    .map((e) => e.commit);
}
