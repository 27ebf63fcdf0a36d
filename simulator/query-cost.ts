/**
 * GitHub's published point cost of a query, computed from the document before it runs:
 * for every connection, count the requests needed to fill it assuming every `first`/`last` fills
 * (a connection under N parents counts N), sum, divide by 100, round, at least 1.
 * Example from GitHub's docs: repositories(first:100) → issues(first:50) → labels(first:60)
 * = 1 + 100 + 5,000 requests → 51 points; and 100 + 5,000 + 300,000 possible nodes.
 * A query may ask for at most 500,000 nodes (MAX_NODE_LIMIT_EXCEEDED otherwise).
 */
import {
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromAST,
} from "graphql";

export interface QueryCost {
  /** Points charged against the primary rate limit. */
  cost: number;
  /** Requests GitHub's formula counts before dividing by 100. */
  requests: number;
  /** Maximum number of nodes the query may return (`rateLimit.nodeCount`). */
  nodeCount: number;
  /** The connection at which the node count first passed the limit, if it did. */
  overLimitAt?: { field: string; nodeCount: number };
}

export const MAX_NODE_COUNT = 500_000;

const idList = new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLID)));

/** Cost of one operation, given the coerced variable values. */
export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryCost {
  let requests = 0;
  let nodeCount = 0;
  let overLimitAt: QueryCost["overLimitAt"];
  const root = schema.getRootType(operation.operation);
  if (!root) return { cost: 1, requests: 0, nodeCount: 0 };

  const intArg = (
    field: { arguments?: readonly { name: { value: string }; value: unknown }[] },
    name: string,
  ) => {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (!arg) return undefined;
    const value = valueFromAST(arg.value as never, GraphQLInt, variables);
    return typeof value === "number" ? Math.max(0, value) : undefined;
  };

  const walk = (
    set: SelectionSetNode | undefined,
    parent: GraphQLCompositeType,
    multiplier: number,
    seen: Set<string>,
  ) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, multiplier, seen);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type))
          walk(fragment.selectionSet, type, multiplier, new Set(seen).add(fragment.name.value));
        continue;
      }
      const def: GraphQLField<unknown, unknown> | undefined =
        isObjectType(parent) || isInterfaceType(parent)
          ? parent.getFields()[selection.name.value]
          : undefined;
      if (!def) continue;
      const type = getNamedType(def.type);
      if (!isCompositeType(type)) continue;
      let childMultiplier = multiplier;
      const paginated = def.args.some((a) => a.name === "first") && type.name.endsWith("Connection");
      if (paginated) {
        // One request fetches this connection once per parent; its page size multiplies what is below.
        const size = intArg(selection, "first") ?? intArg(selection, "last") ?? 0;
        requests += multiplier;
        childMultiplier = multiplier * size;
        nodeCount += childMultiplier;
        if (!overLimitAt && nodeCount > MAX_NODE_COUNT)
          overLimitAt = { field: selection.name.value, nodeCount };
      } else if (selection.name.value === "nodes" && def.args.some((a) => a.name === "ids")) {
        const arg = selection.arguments?.find((a) => a.name.value === "ids");
        const list = arg ? valueFromAST(arg.value, idList, variables) : undefined;
        childMultiplier = multiplier * (Array.isArray(list) ? list.length : 1);
      }
      walk(selection.selectionSet, type, childMultiplier, seen);
    }
  };
  walk(operation.selectionSet, root, 1, new Set());
  const cost = Math.max(1, Math.round(requests / 100));
  return { cost, requests, nodeCount, ...(overLimitAt ? { overLimitAt } : {}) };
}
