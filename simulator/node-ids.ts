/**
 * Identifiers the simulator hands out: database ids and GraphQL node ids, derived from stable keys
 * (a repository's name, a pull request's number) so that the same dataset always yields the same ids,
 * and an id does not move when other records are added. Node ids mimic GitHub's current shape
 * (`PR_kwDO…`, `R_kgDO…`), but like GitHub's they are opaque: nothing outside the simulator may parse them.
 * Commit ids, like GitHub's, encode the repository and the object id, so the simulator can find a commit
 * from its id without keeping a map of every commit of a large organisation.
 */
import { createHash } from "node:crypto";

/** Bots whose real ids are public, so that agent and automation detection can be tested on them. */
const KNOWN_BOTS: Record<string, { databaseId: number; nodeId: string }> = {
  "copilot-swe-agent": { databaseId: 198982749, nodeId: "BOT_kgDOC9w8XQ" },
  dependabot: { databaseId: 49699333, nodeId: "MDM6Qm90NDk2OTkzMzM=" },
  renovate: { databaseId: 29139614, nodeId: "MDM6Qm90MjkxMzk2MTQ=" },
};

function digest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

/** A positive database id below 2^31 (GraphQL `Int`), stable for `key`. */
export function databaseIdOf(key: string): number {
  return digest(key).readUInt32BE(0) & 0x7fffffff || 1;
}

/** A 10-digit `fullDatabaseId` (GraphQL `BigInt`, serialised as a string), stable for `key`. */
export function fullDatabaseIdOf(key: string): string {
  const n = digest(key).readBigUInt64BE(0) % 9_000_000_000n;
  return String(1_000_000_000n + n);
}

function nodeId(prefix: string, key: string): string {
  return `${prefix}_kwDO${digest(key).subarray(0, 9).toString("base64url")}`;
}

/** All three ids of a record from one digest of its key (the same values as the three functions above). */
function allIds(prefix: string, key: string): { databaseId: number; fullDatabaseId: string; nodeId: string } {
  const d = digest(key);
  return {
    databaseId: d.readUInt32BE(0) & 0x7fffffff || 1,
    fullDatabaseId: String(1_000_000_000n + (d.readBigUInt64BE(0) % 9_000_000_000n)),
    nodeId: `${prefix}_kwDO${d.subarray(0, 9).toString("base64url")}`,
  };
}

export const ids = {
  organization: (login: string) => ({
    databaseId: databaseIdOf(`org:${login.toLowerCase()}`),
    nodeId: nodeId("O", `org:${login.toLowerCase()}`),
  }),
  repository: (nameWithOwner: string) => ({
    databaseId: databaseIdOf(`repo:${nameWithOwner.toLowerCase()}`),
    nodeId: nodeId("R", `repo:${nameWithOwner.toLowerCase()}`),
  }),
  user: (login: string) => ({
    databaseId: databaseIdOf(`user:${login.toLowerCase()}`),
    nodeId: nodeId("U", `user:${login.toLowerCase()}`),
  }),
  bot: (login: string) =>
    KNOWN_BOTS[login.toLowerCase()] ?? {
      databaseId: databaseIdOf(`bot:${login.toLowerCase()}`),
      nodeId: nodeId("BOT", `bot:${login.toLowerCase()}`),
    },
  pullRequest: (nameWithOwner: string, number: number) =>
    allIds("PR", `pr:${nameWithOwner.toLowerCase()}#${number}`),
  review: (nameWithOwner: string, number: number, index: number) =>
    allIds("PRR", `review:${nameWithOwner.toLowerCase()}#${number}/${index}`),
  commit: (nameWithOwner: string, oid: string) => ({
    nodeId: commitNodeId(ids.repository(nameWithOwner).databaseId, oid),
  }),
  pullRequestCommit: (nameWithOwner: string, number: number, oid: string) => ({
    nodeId: nodeId("PURC", `prc:${nameWithOwner.toLowerCase()}#${number}@${oid}`),
  }),
  ref: (nameWithOwner: string, name: string) => ({
    nodeId: nodeId("REF", `ref:${nameWithOwner.toLowerCase()}:${name}`),
  }),
  timelineEvent: (nameWithOwner: string, number: number, index: number) => {
    const key = `timeline:${nameWithOwner.toLowerCase()}#${number}/${index}`;
    return { databaseId: databaseIdOf(key), nodeId: nodeId("TE", key) };
  },
  reviewComment: (nameWithOwner: string, number: number, review: number, index: number) => ({
    nodeId: nodeId("PRRC", `review-comment:${nameWithOwner.toLowerCase()}#${number}/${review}/${index}`),
  }),
  issue: (nameWithOwner: string, number: number) =>
    allIds("I", `issue:${nameWithOwner.toLowerCase()}#${number}`),
  label: (nameWithOwner: string, name: string) => ({
    nodeId: nodeId("LA", `label:${nameWithOwner.toLowerCase()}:${name.toLowerCase()}`),
  }),
  deployment: (nameWithOwner: string, number: number) => {
    const key = `deployment:${nameWithOwner.toLowerCase()}#${number}`;
    return { databaseId: databaseIdOf(key), nodeId: nodeId("DE", key) };
  },
  deploymentStatus: (nameWithOwner: string, number: number, index: number) => ({
    nodeId: nodeId("DES", `deployment-status:${nameWithOwner.toLowerCase()}#${number}/${index}`),
  }),
  /** A check suite is keyed by its commit and its position among the commit's suites. */
  checkSuite: (nameWithOwner: string, oid: string, index: number) => {
    const key = `check-suite:${nameWithOwner.toLowerCase()}@${oid}/${index}`;
    return { databaseId: databaseIdOf(key), nodeId: nodeId("CS", key) };
  },
  checkRun: (nameWithOwner: string, oid: string, suite: number, index: number) => {
    const key = `check-run:${nameWithOwner.toLowerCase()}@${oid}/${suite}/${index}`;
    return { databaseId: databaseIdOf(key), nodeId: nodeId("CR", key) };
  },
  workflowRun: (nameWithOwner: string, oid: string, suite: number) => {
    const key = `workflow-run:${nameWithOwner.toLowerCase()}@${oid}/${suite}`;
    return { databaseId: databaseIdOf(key), nodeId: nodeId("WFR", key) };
  },
  workflow: (nameWithOwner: string, name: string) => {
    const key = `workflow:${nameWithOwner.toLowerCase()}:${name}`;
    return { databaseId: databaseIdOf(key), nodeId: nodeId("W", key) };
  },
  statusContext: (nameWithOwner: string, oid: string, context: string) => ({
    nodeId: nodeId("SC", `status:${nameWithOwner.toLowerCase()}@${oid}:${context}`),
  }),
};

const COMMIT_PREFIX = "C_kwDO";

/** A commit's node id from its repository's database id (what `ids.commit` encodes, without hashing the name). */
export function commitNodeId(repositoryDatabaseId: number, oid: string): string {
  return `${COMMIT_PREFIX}${Buffer.concat([uint32(repositoryDatabaseId), Buffer.from(oid, "hex")]).toString("base64url")}`;
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** The repository database id and object id inside a commit node id made by `ids.commit`. */
export function decodeCommitId(id: string): { repositoryDatabaseId: number; oid: string } | undefined {
  if (!id.startsWith(COMMIT_PREFIX)) return undefined;
  const bytes = Buffer.from(id.slice(COMMIT_PREFIX.length), "base64url");
  if (bytes.length !== 24) return undefined;
  return { repositoryDatabaseId: bytes.readUInt32BE(0), oid: bytes.subarray(4).toString("hex") };
}

/** The node id GitHub-style clients see for a pull request: the lake's primary key. */
export function pullRequestNodeId(nameWithOwner: string, number: number): string {
  return ids.pullRequest(nameWithOwner, number).nodeId;
}
