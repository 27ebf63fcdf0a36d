/**
 * The dataset seen through GitHub's schema: the Query root, whose fields are plain values or functions
 * `(args, context, info) => value` that graphql-js's default resolver calls. The objects for each kind of
 * record are built in resolvers/ (view.ts ties them together). Any valid selection over the modelled types
 * works; abstract types (Actor, Node, GitObject, RepositoryOwner, SearchResultItem) resolve by `__typename`.
 * Connection fields the simulator does not model are served empty by `simulatorFieldResolver`, with
 * GitHub's pagination rules still enforced.
 */
import { defaultFieldResolver, type GraphQLFieldResolver, getNamedType, isNonNullType } from "graphql";
import { type ConnectionArgs, emptyConnection } from "./connection.ts";
import type { DatasetIndex } from "./dataset-index.ts";
import { GitHubFieldError } from "./github-errors.ts";
import { syntheticUser } from "./resolvers/actor.ts";
import type { Obj, RequestContext, Resolver } from "./resolvers/shared.ts";
import { DatasetView } from "./resolvers/view.ts";
import { searchConnection } from "./search.ts";

export type { RequestContext } from "./resolvers/shared.ts";

const notFound = (id: string) =>
  new GitHubFieldError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);

/** The Query root for a dataset. */
export function rootValue(index: DatasetIndex): Obj {
  const view = new DatasetView(index);
  return {
    repository: (({ owner, name }: { owner: string; name: string }) => {
      const repo = index.repository(owner, name);
      if (!repo) {
        throw new GitHubFieldError(
          "NOT_FOUND",
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      }
      return view.repository(repo);
    }) satisfies Resolver<{ owner: string; name: string }>,
    organization: (({ login }: { login: string }) => {
      const org = index.organizations.get(login.toLowerCase());
      if (!org)
        throw new GitHubFieldError(
          "NOT_FOUND",
          `Could not resolve to an Organization with the login of '${login}'.`,
        );
      return view.organization(org);
    }) satisfies Resolver<{ login: string }>,
    repositoryOwner: ({ login }: { login: string }) => view.owner(login),
    user: ({ login }: { login: string }) => {
      const user = index.actor({ login, type: "User" });
      if (!user)
        throw new GitHubFieldError("NOT_FOUND", `Could not resolve to a User with the login of '${login}'.`);
      return view.actor(user);
    },
    viewer: ((_args: Obj, context: RequestContext) =>
      view.actor(
        index.actor({ login: context.viewerLogin, type: "User" }) ?? syntheticUser(context.viewerLogin),
      )) satisfies Resolver,
    rateLimit: ((_args: Obj, context: RequestContext) => ({ ...context.rateLimit })) satisfies Resolver,
    node: ({ id }: { id: string }) => {
      const node = index.node(id);
      if (!node) throw notFound(id);
      return view.node(node);
    },
    // An Error as a list item fails only that item (graphql-js throws it at that path), as GitHub does.
    nodes: ({ ids: nodeIds }: { ids: string[] }) =>
      nodeIds.map((id) => {
        const node = index.node(id);
        return node ? view.node(node) : notFound(id);
      }),
    search: ((args: ConnectionArgs & { query: string; type: string }, _c, info) =>
      searchConnection(index, args, info, (item) =>
        item.kind === "PullRequest" ? view.pullRequest(item) : view.issue(item),
      )) satisfies Resolver<ConnectionArgs & { query: string; type: string }>,
  };
}

/**
 * graphql-js's default resolver, plus: a connection field the object does not provide is served empty
 * (with pagination rules), so that documents selecting not-yet-modelled connections still run.
 */
export const simulatorFieldResolver: GraphQLFieldResolver<unknown, RequestContext> = (
  source,
  args,
  context,
  info,
) => {
  if (source && typeof source === "object" && (source as Obj)[info.fieldName] === undefined) {
    const type = getNamedType(info.returnType);
    const field = info.parentType.getFields()[info.fieldName];
    const paginated = field?.args.some((a) => a.name === "first");
    if (paginated && type.name.endsWith("Connection")) return emptyConnection(args as ConnectionArgs, info);
    if (!isNonNullType(info.returnType)) return null;
  }
  return defaultFieldResolver(source, args, context, info);
};
