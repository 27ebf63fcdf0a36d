/**
 * Deployments and their statuses. `state` is GitHub's (ACTIVE for the environment's current successful
 * deployment, INACTIVE once a later one succeeds, else the latest status); statuses are served newest
 * first, as GitHub lists them, and `latestStatus` is the newest.
 */
import { type ConnectionArgs, connection } from "../connection.ts";
import type { DatasetDeploymentStatus } from "../dataset.ts";
import type { IndexedDeployment } from "../dataset-index.ts";
import { ids } from "../node-ids.ts";
import type { Obj, Resolver } from "./shared.ts";
import type { DatasetView } from "./view.ts";

/** DESTROYED and ABANDONED are deployment states, not status states in GitHub's schema. */
function statusState(state: DatasetDeploymentStatus["state"]): string {
  return state === "DESTROYED" || state === "ABANDONED" ? "INACTIVE" : state;
}

export function deploymentObject(view: DatasetView, d: IndexedDeployment): Obj {
  const { deployment, repo } = d;
  const self = () => deploymentObject(view, d);
  const statusObject = (s: DatasetDeploymentStatus, index: number): Obj => ({
    __typename: "DeploymentStatus",
    id: ids.deploymentStatus(repo.nameWithOwner, deployment.number, index).nodeId,
    state: statusState(s.state),
    createdAt: s.createdAt,
    updatedAt: s.createdAt,
    description: s.description,
    logUrl: s.logUrl,
    environmentUrl: s.environmentUrl,
    environment: deployment.environment,
    creator: () => view.actorOrGhost(deployment.creator),
    deployment: self,
  });
  const statuses = deployment.statuses;
  const latest = statuses[statuses.length - 1];
  return {
    __typename: "Deployment",
    id: d.nodeId,
    databaseId: d.databaseId,
    environment: deployment.environment,
    originalEnvironment: deployment.environment,
    latestEnvironment: deployment.environment,
    state: d.state,
    task: deployment.task,
    description: deployment.description,
    payload: "{}",
    createdAt: deployment.createdAt,
    updatedAt: deployment.updatedAt,
    commitOid: deployment.commitOid,
    commit: () => view.commitByOid(repo, deployment.commitOid),
    ref: () => view.ref(repo, deployment.ref),
    creator: () => view.actorOrGhost(deployment.creator),
    repository: () => view.repository(repo),
    latestStatus: () => (latest ? statusObject(latest, statuses.length - 1) : null),
    statuses: ((args: ConnectionArgs, _c, info) =>
      connection(statuses.map((s, i) => [s, i] as const).reverse(), args, info, {
        keyOf: ([, i]) => [i],
        direction: -1,
        toNode: ([s, i]) => statusObject(s, i),
      })) satisfies Resolver<ConnectionArgs>,
  };
}
