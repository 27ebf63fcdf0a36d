/**
 * GitHub's official GraphQL schema (the public introspection result that `@octokit/graphql-schema` ships),
 * built once per process. The simulator validates and executes every document against it, so a query that
 * passes here uses only fields, arguments and types that exist on GitHub.
 */
import { schema as githubSchemaPackage } from "@octokit/graphql-schema";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

let cached: GraphQLSchema | undefined;

/**
 * The schema, built on first use. `buildClientSchema` is used because `buildSchema(schema.idl)` throws on a
 * field the SDL defines twice (`EnterpriseOwnerInfo.repositoryDeployKeySetting`).
 */
export function githubSchema(): GraphQLSchema {
  cached ??= buildClientSchema(githubSchemaPackage.json as unknown as IntrospectionQuery);
  return cached;
}
