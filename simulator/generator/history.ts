/**
 * A repository's default-branch history: a root commit, then every merged pull request landing in merge
 * order by the repository's strategy (squash, merge commit, rebase) and a few direct pushes. The
 * first-parent chain ("tips") is what deployments pick their commit from and what "contains the merge"
 * means: a merge at first-parent position i is in every deployment of a commit at position ≥ i.
 * Messages that quote numbers are written after numbering (the `render` list).
 */
import type { DatasetBranchCommit, DatasetCommit, DatasetPullRequest } from "../dataset.ts";
import type { Rng } from "../prng.ts";
import type { OrgShape, RepoShape } from "./org-shape.ts";
import type { GitIdentity, PrDraft } from "./pull-requests.ts";
import { between, flat, iso, nextWorkingMoment } from "./time.ts";

export const GITHUB = { name: "GitHub", email: "noreply@github.com" };

/** One commit of the first-parent chain of the default branch. */
export interface Tip {
  /** Position in the chain (0 is the root). */
  index: number;
  ms: number;
  commit: DatasetBranchCommit;
  /** The pull request that landed with this commit (for rebase, on its last commit). */
  landed: PrDraft | null;
  /** A push ended here (CI runs on pushed heads only; a rebase pushes its commits at once). */
  pushed: boolean;
}

export interface RepoHistory {
  /** Oldest first. */
  commits: DatasetBranchCommit[];
  tips: Tip[];
  /** Writes messages and pull request numbers once pull requests are numbered, in order. */
  render: (() => void)[];
}

const DIRECT_PUSHES = [
  "docs: fix typo in README",
  "ci: bump actions/checkout to v4",
  "chore: update CODEOWNERS",
  "fix: correct production config value",
  "chore: regenerate lockfile",
] as const;

const TRAILER = /^(co-authored-by|signed-off-by|made-with):/i;

/** Builds the history of `repo` from its pull requests (any order). */
export function buildHistory(
  rng: Rng,
  org: OrgShape,
  repo: RepoShape,
  drafts: readonly PrDraft[],
  lite: boolean,
): RepoHistory {
  const commits: { commit: DatasetBranchCommit; ms: number; seq: number }[] = [];
  const tips: Tip[] = [];
  const render: (() => void)[] = [];
  let seq = 0;
  const add = (commit: DatasetBranchCommit, ms: number): DatasetBranchCommit => {
    commits.push({ commit, ms, seq: seq++ });
    return commit;
  };
  const pushTip = (commit: DatasetBranchCommit, ms: number, landed: PrDraft | null, pushed: boolean) => {
    tips.push({ index: tips.length, ms, commit, landed, pushed });
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
  const members = repo.team?.definition.members ?? org.members;
  const someone = (): GitIdentity => {
    const person = org.humans.get(rng.pick(members))?.person;
    return person
      ? { name: person.name, email: person.email, login: person.login }
      : { ...GITHUB, login: null };
  };

  const founder = someone();
  const root = add(
    branchCommit(
      repo.full,
      rng.hex(40),
      "Initial commit",
      founder,
      repo.createdMs,
      founder,
      repo.createdMs,
      [],
    ),
    repo.createdMs,
  );
  pushTip(root, repo.createdMs, null, true);

  type Event = { ms: number; order: number; draft: PrDraft | null };
  const events: Event[] = [];
  let merged = 0;
  for (const draft of drafts) {
    if (draft.mergedMs === null) continue;
    events.push({ ms: draft.mergedMs, order: draft.index, draft });
    merged++;
  }
  const directCount = Math.floor(merged * 0.04 + rng.float() * 2);
  for (let i = 0; i < directCount; i++) {
    const ms = nextWorkingMoment(between(rng, org.startMs, org.endMs), 9, 18);
    if (ms < org.endMs) events.push({ ms: Math.floor(ms / 1000) * 1000, order: -1 - i, draft: null });
  }
  events.sort((a, b) => a.ms - b.ms || a.order - b.order);

  let release = rng.int(1, 40);
  for (const event of events) {
    const parent = (tips[tips.length - 1] as Tip).commit.oid;
    const draft = event.draft;
    if (!draft) {
      const who = someone();
      const message = rng.chance(0.4) ? `chore: release v1.${release++}.0` : rng.pick(DIRECT_PUSHES);
      const commit = add(
        branchCommit(repo.full, rng.hex(40), message, who, event.ms, who, event.ms, [parent]),
        event.ms,
      );
      pushTip(commit, event.ms, null, true);
      continue;
    }
    const pr = draft.pr;
    const ms = event.ms;
    if (repo.mergeStrategy === "squash") {
      const commit = add(
        branchCommit(repo.full, rng.hex(40), "", draft.gitAuthor, ms, GITHUB, ms, [parent]),
        ms,
      );
      pr.mergeCommitOid = commit.oid;
      draft.mergeSubject = () => `${pr.title} (#${pr.number})`;
      render.push(() => {
        commit.pullRequestNumber = pr.number;
        commit.message = flat(squashMessage(pr, lite));
      });
      pushTip(commit, ms, draft, true);
    } else if (repo.mergeStrategy === "merge") {
      const own: DatasetBranchCommit[] = [];
      let previous = tipAt(Date.parse(pr.commits[0]?.committedDate ?? iso(ms))).commit.oid;
      for (const c of pr.commits) {
        const copy = add(copyCommit(repo.full, c, c.oid, [previous]), Date.parse(c.committedDate));
        own.push(copy);
        previous = c.oid;
      }
      const commit = add(
        branchCommit(repo.full, rng.hex(40), "", draft.merger, ms, GITHUB, ms, [parent, previous]),
        ms,
      );
      pr.mergeCommitOid = commit.oid;
      const owner = repo.owner;
      draft.mergeSubject = () => `Merge pull request #${pr.number} from ${owner}/${pr.headRefName}`;
      render.push(() => {
        own.forEach((copy, i) => {
          copy.message = (pr.commits[i] as DatasetCommit).message;
          copy.pullRequestNumber = pr.number;
        });
        commit.pullRequestNumber = pr.number;
        commit.message = flat(lite ? draft.mergeSubject() : `${draft.mergeSubject()}\n\n${pr.title}`);
      });
      pushTip(commit, ms, draft, true);
    } else {
      let previous = parent;
      const own: DatasetBranchCommit[] = [];
      pr.commits.forEach((c, i) => {
        const last = i === pr.commits.length - 1;
        const copy = add(
          {
            ...copyCommit(repo.full, c, rng.hex(40), [previous]),
            committerName: GITHUB.name,
            committerEmail: GITHUB.email,
            committedDate: pr.mergedAt ?? iso(ms),
          },
          ms,
        );
        own.push(copy);
        previous = copy.oid;
        pushTip(copy, ms, last ? draft : null, last);
      });
      pr.mergeCommitOid = previous;
      draft.mergeSubject = () => firstLine((pr.commits[pr.commits.length - 1] as DatasetCommit).message);
      render.push(() => {
        own.forEach((copy, i) => {
          copy.message = (pr.commits[i] as DatasetCommit).message;
          copy.pullRequestNumber = pr.number;
        });
      });
    }
    draft.landing = tips.length - 1;
  }
  commits.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
  return { commits: commits.map((c) => c.commit), tips, render };
}

export function branchCommit(
  repository: string,
  oid: string,
  message: string,
  author: GitIdentity,
  authoredMs: number,
  committer: { name: string; email: string },
  committedMs: number,
  parents: string[],
): DatasetBranchCommit {
  const authoredDate = iso(authoredMs);
  return {
    repository,
    oid,
    message,
    authorName: author.name,
    authorEmail: author.email,
    authorLogin: author.login,
    authoredDate,
    committerName: committer.name,
    committerEmail: committer.email,
    committedDate: committedMs === authoredMs ? authoredDate : iso(committedMs),
    parents,
    pullRequestNumber: null,
  };
}

export function copyCommit(
  repository: string,
  c: DatasetCommit,
  oid: string,
  parents: string[],
): DatasetBranchCommit {
  return {
    repository,
    oid,
    message: c.message,
    authorName: c.authorName,
    authorEmail: c.authorEmail,
    authorLogin: c.authorLogin,
    authoredDate: c.authoredDate,
    committerName: c.committerName,
    committerEmail: c.committerEmail,
    committedDate: c.committedDate,
    parents,
    pullRequestNumber: null,
  };
}

export function firstLine(message: string): string {
  const end = message.indexOf("\n");
  return end < 0 ? message : message.slice(0, end);
}

/**
 * GitHub's default squash message: "Title (#n)", then the commits' details (one commit: its body; several:
 * a bullet per commit), with co-author and sign-off trailers gathered once at the end, as GitHub does.
 */
export function squashMessage(pr: DatasetPullRequest, lite: boolean): string {
  const title = `${pr.title} (#${pr.number})`;
  const trailers: string[] = [];
  const parts: string[] = [];
  for (const c of pr.commits) {
    const lines = c.message.split("\n");
    const body: string[] = [];
    for (const line of lines.slice(1)) {
      if (TRAILER.test(line)) {
        if (!trailers.includes(line)) trailers.push(line);
      } else body.push(line);
    }
    const text = body.join("\n").trim();
    if (pr.commits.length === 1) {
      if (text) parts.push(text);
    } else parts.push(text ? `* ${lines[0]}\n\n${text}` : `* ${lines[0]}`);
  }
  if (lite) return trailers.length > 0 ? `${title}\n\n${trailers.join("\n")}` : title;
  const sections = [title, ...parts];
  if (trailers.length > 0) sections.push(trailers.join("\n"));
  return sections.join("\n\n");
}
