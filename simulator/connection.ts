/**
 * Relay connections the way GitHub serves them: `first`/`last` of at most 100, opaque base64 cursors,
 * `pageInfo`, `nodes`, `edges { cursor node }` and `totalCount`.
 *
 * A cursor holds the sort key of the item it points at (not its index), as GitHub's do, so paging stays
 * correct when items are added, and a pull request updated while a client pages by UPDATED_AT jumps to the
 * front and is missed until the next run — the behaviour the extractor's watermark is designed for.
 */
import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";
import { GitHubFieldError } from "./github-errors.ts";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export type SortKey = readonly (string | number)[];

export interface ConnectionOptions<T> {
  /** Sort key of an item, consistent with the order of `items` (ascending when `direction` is 1). */
  keyOf: (item: T) => SortKey;
  direction?: 1 | -1;
  /** Turns an item of the page into the GraphQL object served. */
  toNode: (item: T) => unknown;
  /** Extra fields of the connection type (e.g. RepositoryConnection.totalDiskUsage). */
  extra?: Record<string, unknown>;
}

/** GitHub's page-size ceiling for `first` and `last`. */
export const MAX_PAGE_SIZE = 100;

const CURSOR_PREFIX = "cursor:v2:";

export function encodeCursor(key: SortKey): string {
  return Buffer.from(CURSOR_PREFIX + JSON.stringify(key)).toString("base64");
}

export function decodeCursor(cursor: string): SortKey {
  const invalid = () =>
    new GitHubFieldError("INVALID_CURSOR_ARGUMENTS", `\`${cursor}\` does not appear to be a valid cursor.`);
  const text = Buffer.from(cursor, "base64").toString("utf8");
  if (!text.startsWith(CURSOR_PREFIX)) throw invalid();
  try {
    const key: unknown = JSON.parse(text.slice(CURSOR_PREFIX.length));
    if (Array.isArray(key) && key.every((k) => typeof k === "string" || typeof k === "number")) return key;
  } catch {
    // falls through to the error below
  }
  throw invalid();
}

export function compareKeys(a: SortKey, b: SortKey): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * A list served by position without being materialised: a slice of a cached sorted array, read forwards
 * or backwards (a page of a long history or of an organisation's pull requests costs the page, not a copy).
 */
export interface Sequence<T> {
  length: number;
  at(i: number): T;
}

export function arraySequence<T>(items: readonly T[]): Sequence<T> {
  return { length: items.length, at: (i) => items[i] as T };
}

/** `items[lo, hi)`, forwards (direction 1) or backwards (-1). */
export function sliceSequence<T>(
  items: readonly T[],
  lo: number,
  hi: number,
  direction: 1 | -1,
): Sequence<T> {
  const length = Math.max(0, hi - lo);
  return direction === 1
    ? { length, at: (i) => items[lo + i] as T }
    : { length, at: (i) => items[hi - 1 - i] as T };
}

/** First index in [0, length] where `pred` holds; `pred` must be false…false true…true over the list. */
function partitionPoint<T>(items: Sequence<T>, pred: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(items.at(mid))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * GitHub's pagination rules for one connection field: `first`/`last` above 100 is EXCESSIVE_PAGINATION;
 * asking for `nodes` or `edges` without either is MISSING_PAGINATION_BOUNDARIES (counting with only
 * `totalCount` needs neither). Negative values count as 0, as in graphql-ruby.
 */
export function checkPagination(args: ConnectionArgs, info: GraphQLResolveInfo): void {
  const field = info.fieldName;
  for (const which of ["first", "last"] as const) {
    const value = args[which];
    if (value != null && value > MAX_PAGE_SIZE) {
      throw new GitHubFieldError(
        "EXCESSIVE_PAGINATION",
        `Requesting ${value} records on the \`${field}\` connection exceeds the \`${which}\` limit of ${MAX_PAGE_SIZE} records.`,
      );
    }
  }
  if (args.first == null && args.last == null) {
    const selected = selectedFieldNames(info.fieldNodes, info);
    if (selected.has("nodes") || selected.has("edges")) {
      throw new GitHubFieldError(
        "MISSING_PAGINATION_BOUNDARIES",
        `You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`,
      );
    }
  }
}

/** One page of `items` (already filtered and sorted) for the connection arguments. */
export function connection<T>(
  items: readonly T[],
  args: ConnectionArgs,
  info: GraphQLResolveInfo,
  options: ConnectionOptions<T>,
): Record<string, unknown> {
  return sequenceConnection(arraySequence(items), args, info, options);
}

/** One page of a sequence (already filtered and in order) for the connection arguments. */
export function sequenceConnection<T>(
  items: Sequence<T>,
  args: ConnectionArgs,
  info: GraphQLResolveInfo,
  options: ConnectionOptions<T>,
): Record<string, unknown> {
  checkPagination(args, info);
  const direction = options.direction ?? 1;
  const ordered = (item: T, key: SortKey) => compareKeys(options.keyOf(item), key) * direction;
  const afterKey = args.after != null ? decodeCursor(args.after) : undefined;
  const beforeKey = args.before != null ? decodeCursor(args.before) : undefined;
  const start = afterKey ? partitionPoint(items, (item) => ordered(item, afterKey) > 0) : 0;
  const end = beforeKey
    ? Math.max(
        start,
        partitionPoint(items, (item) => ordered(item, beforeKey) >= 0),
      )
    : items.length;

  let from = start;
  let to = end;
  const first = args.first != null ? Math.max(0, args.first) : undefined;
  const last = args.last != null ? Math.max(0, args.last) : undefined;
  if (first !== undefined) to = Math.min(to, from + first);
  if (last !== undefined) from = Math.max(from, to - last);

  const page: T[] = [];
  for (let i = from; i < to; i++) page.push(items.at(i));
  const cursors = page.map((item) => encodeCursor(options.keyOf(item)));
  let nodes: unknown[] | undefined;
  const pageNodes = () => {
    nodes ??= page.map(options.toNode);
    return nodes;
  };
  return {
    ...options.extra,
    totalCount: items.length,
    nodes: () => pageNodes(),
    edges: () => pageNodes().map((node, i) => ({ cursor: cursors[i], node })),
    pageInfo: {
      hasNextPage: first !== undefined ? end > to : beforeKey !== undefined && end < items.length,
      hasPreviousPage: last !== undefined ? from > start : afterKey !== undefined && start > 0,
      startCursor: cursors[0] ?? null,
      endCursor: cursors[cursors.length - 1] ?? null,
    },
  };
}

/** A connection with no items, for parts of the schema the simulator does not model yet (labels, CI…). */
export function emptyConnection(args: ConnectionArgs, info: GraphQLResolveInfo): Record<string, unknown> {
  return connection([], args, info, { keyOf: () => [], toNode: () => null, extra: { totalDiskUsage: 0 } });
}

/** Names of the fields selected directly under the given field nodes, through fragments. */
export function selectedFieldNames(fieldNodes: readonly FieldNode[], info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const collect = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else collect(info.fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const node of fieldNodes) collect(node.selectionSet);
  return names;
}
