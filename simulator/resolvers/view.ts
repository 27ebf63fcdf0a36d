/**
 * Builds the GraphQL objects for indexed records. Objects are small, built per request and lazily (a field
 * that leads elsewhere is a function), so a page costs what it selects. Each kind of record has its own
 * module; this class ties them together so that any object can reach any other.
 */
import type { DatasetActor } from "../dataset.ts";
import type {
  DatasetIndex,
  IndexedActor,
  IndexedCommit,
  IndexedDeployment,
  IndexedIssue,
  IndexedNode,
  IndexedOrganization,
  IndexedPullRequest,
  IndexedRepository,
} from "../dataset-index.ts";
import { ids } from "../node-ids.ts";
import { actorObject, syntheticUser } from "./actor.ts";
import { commitObject, standInCommitObject } from "./commit.ts";
import { deploymentObject } from "./deployment.ts";
import { issueObject, labelObject } from "./issue.ts";
import { pullRequestObject } from "./pull-request.ts";
import { organizationObject, repositoryObject } from "./repository.ts";
import type { Obj } from "./shared.ts";

export class DatasetView {
  constructor(readonly index: DatasetIndex) {}

  node(node: IndexedNode): Obj {
    switch (node.kind) {
      case "PullRequest":
        return this.pullRequest(node.value);
      case "Issue":
        return this.issue(node.value);
      case "Repository":
        return this.repository(node.value);
      case "Organization":
        return this.organization(node.value);
      case "Actor":
        return this.actor(node.value);
      case "Deployment":
        return this.deployment(node.value);
      case "Commit":
        return this.commit(node.value);
    }
  }

  owner(login: string): Obj | null {
    const org = this.index.organizations.get(login.toLowerCase());
    if (org) return this.organization(org);
    const user = this.index.actor({ login, type: "User" });
    return user ? this.actor(user) : null;
  }

  organization(org: IndexedOrganization): Obj {
    return organizationObject(this, org);
  }

  repository(r: IndexedRepository): Obj {
    return repositoryObject(this, r);
  }

  pullRequest(p: IndexedPullRequest): Obj {
    return pullRequestObject(this, p);
  }

  issue(i: IndexedIssue): Obj {
    return issueObject(this, i);
  }

  deployment(d: IndexedDeployment): Obj {
    return deploymentObject(this, d);
  }

  commit(c: IndexedCommit): Obj {
    return commitObject(this, c);
  }

  /** A commit of the repository by oid; one the dataset never mentions is served with its oid only. */
  commitByOid(repo: IndexedRepository, oid: string): Obj {
    const known = this.index.git(repo).commit(oid);
    return known ? this.commit(known) : standInCommitObject(this, repo, oid);
  }

  /** A branch of the repository (only the default branch has a known head). */
  ref(repo: IndexedRepository, name: string): Obj {
    const isDefault = name === repo.repo.defaultBranch;
    return {
      __typename: "Ref",
      id: ids.ref(repo.nameWithOwner, name).nodeId,
      name,
      prefix: "refs/heads/",
      repository: () => this.repository(repo),
      target: () => (isDefault ? this.commit(this.index.git(repo).head) : null),
    };
  }

  label(repo: IndexedRepository, name: string): Obj {
    return labelObject(this, repo, name);
  }

  actorOf(actor: DatasetActor | null | undefined): Obj | null {
    if (!actor) return null;
    const indexed = this.index.actor(actor);
    return indexed ? this.actor(indexed) : null;
  }

  /** For non-null Actor fields: a deleted account is GitHub's `ghost` user. */
  actorOrGhost(actor: DatasetActor | null | undefined): Obj {
    return this.actorOf(actor) ?? this.actor(syntheticUser("ghost"));
  }

  actor(a: IndexedActor): Obj {
    return actorObject(a);
  }
}
