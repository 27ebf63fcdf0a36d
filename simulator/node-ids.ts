/**
 * Identifiers the simulator hands out: database ids and GraphQL node ids, derived from stable keys
 * (a repository's name, a pull request's number) so that the same dataset always yields the same ids,
 * and an id does not move when other records are added. Node ids mimic GitHub's current shape
 * (`PR_kwDO…`, `R_kgDO…`), but like GitHub's they are opaque: nothing may parse them.
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
  pullRequest: (nameWithOwner: string, number: number) => {
    const key = `pr:${nameWithOwner.toLowerCase()}#${number}`;
    return {
      databaseId: databaseIdOf(key),
      fullDatabaseId: fullDatabaseIdOf(key),
      nodeId: nodeId("PR", key),
    };
  },
  review: (nameWithOwner: string, number: number, index: number) => {
    const key = `review:${nameWithOwner.toLowerCase()}#${number}/${index}`;
    return {
      databaseId: databaseIdOf(key),
      fullDatabaseId: fullDatabaseIdOf(key),
      nodeId: nodeId("PRR", key),
    };
  },
  commit: (nameWithOwner: string, oid: string) => ({
    nodeId: nodeId("C", `commit:${nameWithOwner.toLowerCase()}@${oid}`),
  }),
  pullRequestCommit: (nameWithOwner: string, number: number, oid: string) => ({
    nodeId: nodeId("PURC", `prc:${nameWithOwner.toLowerCase()}#${number}@${oid}`),
  }),
  ref: (nameWithOwner: string, name: string) => ({
    nodeId: nodeId("REF", `ref:${nameWithOwner.toLowerCase()}:${name}`),
  }),
};

/** The node id GitHub-style clients see for a pull request: the lake's primary key. */
export function pullRequestNodeId(nameWithOwner: string, number: number): string {
  return ids.pullRequest(nameWithOwner, number).nodeId;
}
