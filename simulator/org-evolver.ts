/**
 * Moves a generated organisation forward in time, for incremental-extraction tests: some open pull
 * requests get merged, some closed ones get a late comment (only `updatedAt` moves), and new pull requests
 * open. The input is left untouched; the result carries the updated dataset and ground truth, and which
 * pull requests changed.
 *
 * @example
 *   const later = evolveOrg(org, { at: new Date("2026-11-02T06:00:00Z") });
 *   simulator.setDataset(later.dataset); // the next extraction should pick up exactly later.changed
 */
import type { DatasetPullRequest } from "./dataset.ts";
import { type GeneratedOrg, type TruthPullRequest, teamFor } from "./ground-truth.ts";
import { pullRequestNodeId } from "./node-ids.ts";
import { iso } from "./org-generator.ts";
import { personFor } from "./people.ts";
import { humanBody, slug, TOPICS } from "./pr-content.ts";
import { createRng } from "./prng.ts";

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

export interface EvolvedOrg extends GeneratedOrg {
  /** Pull requests whose `updatedAt` moved, plus the new ones. */
  changed: PullRequestRef[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function evolveOrg(org: GeneratedOrg, options: EvolveOptions): EvolvedOrg {
  const rng = createRng(options.seed ?? 1).fork(`evolve:${options.at.toISOString()}`);
  const atMs = Math.floor(options.at.getTime() / 1000) * 1000;
  const dataset = structuredClone(org.dataset);
  const truth = structuredClone(org.truth);
  const truthOf = (pr: DatasetPullRequest) =>
    truth.pullRequests.find((t) => t.repository === pr.repository && t.number === pr.number);
  const changed: PullRequestRef[] = [];
  // Never move a pull request's updatedAt backwards, even if `at` is earlier than its last activity.
  const stamp = (pr: DatasetPullRequest, ms: number) => iso(Math.max(ms, Date.parse(pr.updatedAt) + 1000));
  const organization = dataset.organizations[0]?.login ?? "acme";
  const humans = [...new Set(org.teams.flatMap((t) => t.members))];

  const open = rng.shuffle(dataset.pullRequests.filter((pr) => pr.state === "OPEN" && !pr.isDraft));
  const closed = rng.shuffle(dataset.pullRequests.filter((pr) => pr.state !== "OPEN"));
  const targets = [...open, ...closed].slice(0, options.updates ?? 5);
  for (const pr of targets) {
    if (pr.state === "OPEN") {
      const mergedMs = Math.max(Date.parse(pr.updatedAt) + MINUTE, atMs - rng.int(5, 120) * MINUTE);
      const reviewer = rng.pick(
        humans.filter((h) => h !== pr.author?.login && h !== truthOf(pr)?.initiatedBy),
      );
      pr.reviews.push({
        author: { login: reviewer, type: "User" },
        state: "APPROVED",
        submittedAt: iso(mergedMs - MINUTE),
      });
      pr.state = "MERGED";
      pr.mergedAt = iso(mergedMs);
      pr.closedAt = iso(mergedMs);
      pr.mergeCommitOid = rng.hex(40);
      pr.updatedAt = stamp(pr, mergedMs + 30_000);
      const t = truthOf(pr);
      if (t) {
        t.state = "MERGED";
        t.mergedAt = pr.mergedAt;
        t.closedAt = pr.closedAt;
      }
    } else {
      pr.updatedAt = stamp(pr, atMs - rng.int(1, 60) * MINUTE);
    }
    changed.push({ repository: pr.repository, number: pr.number });
  }

  for (let i = 0; i < (options.newPullRequests ?? 2); i++) {
    const repo = rng.pick(dataset.repositories);
    const repository = `${repo.owner}/${repo.name}`;
    const login = rng.pick(humans);
    const person = personFor(login, organization);
    const topic = rng.pick(TOPICS.filter((t) => !t.decoy));
    const number =
      Math.max(0, ...dataset.pullRequests.filter((p) => p.repository === repository).map((p) => p.number)) +
      1;
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
    };
    truth.pullRequests.push(entry);
    changed.push({ repository, number });
  }
  return { dataset, truth, teams: structuredClone(org.teams), changed };
}
