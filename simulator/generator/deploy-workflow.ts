/**
 * Deployments recorded as GitHub Actions workflow runs: the workflow "Deploy" (`.github/workflows/deploy.yml`)
 * runs on the default branch, one run per deployment, with one job named after the environment it deploys
 * to. The run is the deployment: it starts when the deployment is created (for a repository that also uses
 * the Deployments API, seconds before the run creates the Deployment), its job finishes when the deployment
 * does, and it concludes SUCCESS or FAILURE as the deployment ends. Its URL is the deployment's log URL, so an
 * incident naming one names the other.
 */
import type { DatasetCheckSuite } from "../dataset.ts";
import type { DeployVia } from "../ground-truth.ts";
import type { Rng } from "../prng.ts";
import type { GeneratedDeployment } from "./deployments.ts";
import { iso, SECOND } from "./time.ts";

export const DEPLOY_WORKFLOW = "Deploy";
export const DEPLOY_WORKFLOW_PATH = ".github/workflows/deploy.yml";

export interface DeployWorkflowRuns {
  suites: DatasetCheckSuite[];
  /** The run's URL by deployment (only deployments a run on the default branch made). */
  runUrls: Map<GeneratedDeployment, string>;
}

/** The workflow runs of `deployments` (by number) for a repository that deploys `via` a workflow. */
export function deployWorkflowRuns(
  rng: Rng,
  repository: string,
  via: DeployVia,
  deployments: readonly GeneratedDeployment[],
  endMs: number,
): DeployWorkflowRuns {
  const suites: DatasetCheckSuite[] = [];
  const runUrls = new Map<GeneratedDeployment, string>();
  if (via === "deployments_api") return { suites, runUrls };
  let runNumber = rng.int(1, 300);
  for (const deployment of deployments) {
    const record = deployment.record;
    // A deployment from a hotfix or release branch is not a run on the default branch.
    if (record.ref !== "main") continue;
    const createdMs = Date.parse(record.createdAt) - (via === "both" ? rng.int(3, 20) * SECOND : 0);
    const started = record.statuses.find((s) => s.state === "IN_PROGRESS");
    const finishedMs = deployment.finishedMs;
    const done = finishedMs !== null && finishedMs < endMs;
    const conclusion = !done ? null : deployment.success ? "SUCCESS" : "FAILURE";
    const updatedAt = done ? iso(finishedMs) : (started?.createdAt ?? iso(createdMs));
    const runId = Number(deployment.logUrl.slice(deployment.logUrl.lastIndexOf("/") + 1));
    suites.push({
      repository,
      commitOid: record.commitOid,
      app: "github-actions",
      workflowName: DEPLOY_WORKFLOW,
      workflowPath: DEPLOY_WORKFLOW_PATH,
      runDatabaseId: runId,
      event: record.environment === "production" ? "workflow_dispatch" : "push",
      runNumber: runNumber++,
      branch: "main",
      status: done ? "COMPLETED" : started ? "IN_PROGRESS" : "QUEUED",
      conclusion,
      createdAt: iso(createdMs),
      updatedAt,
      checkRuns: [
        {
          name: record.environment,
          status: done ? "COMPLETED" : started ? "IN_PROGRESS" : "QUEUED",
          conclusion,
          startedAt: started?.createdAt ?? null,
          completedAt: done ? iso(finishedMs) : null,
        },
      ],
    });
    runUrls.set(deployment, deployment.logUrl);
  }
  return { suites, runUrls };
}
