/**
 * Deployments with every status. Statuses change after a deployment is created, so the extractor re-reads
 * the deployments created within a lookback on every run. The batched form reads the newest deployments
 * of up to 50 repositories in one request (by repository node id), so a quiet organisation costs a few
 * requests, not one per repository; a repository with more in the lookback is paged on its own.
 */
const DEPLOYMENT_FIELDS = /* GraphQL */ `
fragment DeploymentFields on Deployment {
  id
  databaseId
  environment
  originalEnvironment
  latestEnvironment
  state
  task
  description
  createdAt
  updatedAt
  commitOid
  ref { name }
  creator { __typename login }
  latestStatus { state createdAt }
  statuses(first: 20) { totalCount nodes { state createdAt updatedAt description logUrl environmentUrl } }
}
`;

export const REPOSITORIES_DEPLOYMENTS_QUERY = /* GraphQL */ `
query RepositoriesDeployments($ids: [ID!]!, $perRepository: Int!) {
  nodes(ids: $ids) {
    ... on Repository {
      id
      nameWithOwner
      deployments(first: $perRepository, orderBy: {field: CREATED_AT, direction: DESC}) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ...DeploymentFields }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
${DEPLOYMENT_FIELDS}`;

export const REPOSITORY_DEPLOYMENTS_PAGE_QUERY = /* GraphQL */ `
query RepositoryDeploymentsPage($owner: String!, $name: String!, $after: String, $pageSize: Int!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    deployments(first: $pageSize, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...DeploymentFields }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
${DEPLOYMENT_FIELDS}`;

/** Deployments by node id: the ones still in flight at the previous run, whose statuses may have moved. */
export const DEPLOYMENTS_BY_ID_QUERY = /* GraphQL */ `
query DeploymentsById($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Deployment { repository { nameWithOwner } ...DeploymentFields }
  }
  rateLimit { cost remaining resetAt limit }
}
${DEPLOYMENT_FIELDS}`;
