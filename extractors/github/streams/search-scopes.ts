/**
 * Search scopes: the qualifiers that cover every configured repository in as few search query strings as
 * possible — one `org:` per organisation, and the repositories named on their own grouped as `repo:`
 * qualifiers (several are ORed) under GitHub's 256-character query limit.
 */
import type { RepositoryInfo } from "./repositories.stream.ts";

/** Room left in a query string for the scope, after `is:pr archived:false updated:A..B sort:updated-asc`. */
const SCOPE_BUDGET = 150;

export function searchScopes(orgs: readonly string[], repositories: readonly RepositoryInfo[]): string[] {
  const scopes = orgs.map((org) => `org:${org}`);
  let current: string[] = [];
  for (const repo of repositories.filter((r) => !r.inOrg)) {
    const qualifier = `repo:${repo.fullName}`;
    if (current.length > 0 && [...current, qualifier].join(" ").length > SCOPE_BUDGET) {
      scopes.push(current.join(" "));
      current = [];
    }
    current.push(qualifier);
  }
  if (current.length > 0) scopes.push(current.join(" "));
  return scopes;
}
