/**
 * GitHub's issue search (`search(type: ISSUE, query: …)`) over the dataset's pull requests and issues,
 * with the qualifiers the extractors use and GitHub's limits:
 *
 * - scope: `org:`, `user:`, `repo:` (several are OR'd, as on GitHub); none searches every repository
 * - `is:pr`, `is:issue` (also `type:`), `is:open`/`is:closed` (also `state:`), `is:merged`, `is:unmerged`,
 *   `is:draft`, `draft:true|false`, `archived:true|false`, `author:`
 * - `label:a,b` matches either label; repeated `label:` qualifiers must all match; `-label:x` excludes
 * - `updated:`, `created:`, `closed:`, `merged:` with `>=T`, `>T`, `<=T`, `<T`, `T1..T2` (inclusive, `*` for
 *   open ends) or `T`, where T is a date (a whole UTC day) or an ISO date-time
 * - `sort:updated-asc|updated-desc|created-asc|created-desc` (default: newest created first)
 * - words without a qualifier match the title or body; unknown qualifiers are ignored
 *
 * At most 1,000 results are reachable per query string (paging stops there) while `issueCount` reports the
 * full count, as on GitHub. The sort field's range is found by binary search in a cached sorted list
 * (dataset-index.ts); other filters are applied once per query string and the matches cached, so every page
 * after the first costs a binary search plus the page.
 */
import type { GraphQLResolveInfo } from "graphql";
import {
  type ConnectionArgs,
  checkPagination,
  compareKeys,
  decodeCursor,
  encodeCursor,
  type SortKey,
} from "./connection.ts";
import type { DatasetIndex, IndexedRepository, SearchItem } from "./dataset-index.ts";

/** GitHub's cap on reachable results per search query string. */
export const SEARCH_RESULT_CAP = 1000;

const RESULT_CACHE_SIZE = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A half-open time range [from, to) in epoch milliseconds. */
export interface TimeRange {
  from: number;
  to: number;
}

type TimeField = "updated" | "created" | "closed" | "merged";

export interface SearchQuery {
  owners: string[];
  repos: string[];
  kind: "pr" | "issue" | "any";
  archived: boolean | null;
  sort: { field: "updated" | "created"; direction: 1 | -1 };
  ranges: Partial<Record<TimeField, TimeRange>>;
  /** Each group is OR'd inside; groups are AND'd. */
  labelGroups: string[][];
  excludedLabels: string[];
  states: ("open" | "closed" | "merged" | "unmerged")[];
  draft: boolean | null;
  authors: string[];
  words: string[];
}

interface Token {
  negated: boolean;
  key: string | null;
  values: string[];
  raw: string;
}

/** Splits a query into terms, keeping quoted values ("needs review") whole. */
function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  const re = /(-?)(?:([A-Za-z_-]+):)?((?:"[^"]*"|[^\s"])+|"[^"]*")/g;
  for (let m = re.exec(q); m; m = re.exec(q)) {
    const [, neg, key, rest = ""] = m;
    const values: string[] = [];
    const valueRe = /"([^"]*)"|([^,]+)/g;
    for (let v = valueRe.exec(rest); v; v = valueRe.exec(rest)) {
      const value = (v[1] ?? v[2] ?? "").trim();
      if (value !== "") values.push(value);
    }
    tokens.push({ negated: neg === "-", key: key ? key.toLowerCase() : null, values, raw: m[0] });
  }
  return tokens;
}

/** Parses a search query string; qualifiers the simulator does not know are ignored, as GitHub does. */
export function parseSearchQuery(q: string): SearchQuery {
  const query: SearchQuery = {
    owners: [],
    repos: [],
    kind: "any",
    archived: null,
    sort: { field: "created", direction: -1 },
    ranges: {},
    labelGroups: [],
    excludedLabels: [],
    states: [],
    draft: null,
    authors: [],
    words: [],
  };
  for (const token of tokenize(q)) {
    const value = token.values[0]?.toLowerCase() ?? "";
    switch (token.key) {
      case null:
        if (!token.negated) query.words.push(...token.values.map((v) => v.toLowerCase()));
        break;
      case "org":
      case "user":
        query.owners.push(...token.values.map((v) => v.toLowerCase()));
        break;
      case "repo":
        query.repos.push(...token.values.map((v) => v.toLowerCase()));
        break;
      case "is":
      case "type":
      case "state":
        applyIs(query, value, token.negated);
        break;
      case "draft":
        if (value === "true" || value === "false") query.draft = (value === "true") !== token.negated;
        break;
      case "archived":
        if (value === "true" || value === "false") query.archived = value === "true";
        break;
      case "label":
        if (token.negated) query.excludedLabels.push(...token.values.map((v) => v.toLowerCase()));
        else query.labelGroups.push(token.values.map((v) => v.toLowerCase()));
        break;
      case "author":
        query.authors.push(...token.values.map((v) => v.toLowerCase()));
        break;
      case "updated":
      case "created":
      case "closed":
      case "merged": {
        const range = parseTimeRange(token.values.join(","));
        if (range) {
          const field = token.key as TimeField;
          const previous = query.ranges[field];
          query.ranges[field] = previous
            ? { from: Math.max(previous.from, range.from), to: Math.min(previous.to, range.to) }
            : range;
        }
        break;
      }
      case "sort": {
        const m = /^(updated|created)(?:-(asc|desc))?$/.exec(value);
        if (m) query.sort = { field: m[1] as "updated" | "created", direction: m[2] === "asc" ? 1 : -1 };
        break;
      }
      default:
        break;
    }
  }
  return query;
}

function applyIs(query: SearchQuery, value: string, negated: boolean): void {
  switch (value) {
    case "pr":
    case "pull-request":
      query.kind = negated ? "issue" : "pr";
      break;
    case "issue":
      query.kind = negated ? "pr" : "issue";
      break;
    case "open":
      query.states.push(negated ? "closed" : "open");
      break;
    case "closed":
      query.states.push(negated ? "open" : "closed");
      break;
    case "merged":
      query.states.push(negated ? "unmerged" : "merged");
      break;
    case "unmerged":
      query.states.push(negated ? "merged" : "unmerged");
      break;
    case "draft":
      query.draft = !negated;
      break;
    default:
      break;
  }
}

/** One end of a time qualifier: a date covers its whole UTC day, a date-time is exact. */
function parseInstant(text: string): { start: number; end: number } | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(start) ? undefined : { start, end: start + DAY_MS };
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text)) return undefined;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const at = Date.parse(withZone);
  return Number.isNaN(at) ? undefined : { start: at, end: at + 1 };
}

/** `>=T`, `>T`, `<=T`, `<T`, `A..B` (`*` for an open end) or `T`, as a half-open range; undefined if invalid. */
export function parseTimeRange(text: string): TimeRange | undefined {
  const op = /^(>=|<=|>|<)(.+)$/.exec(text);
  if (op) {
    const at = parseInstant(op[2] as string);
    if (!at) return undefined;
    switch (op[1]) {
      case ">=":
        return { from: at.start, to: Infinity };
      case ">":
        return { from: at.end, to: Infinity };
      case "<=":
        return { from: -Infinity, to: at.end };
      default:
        return { from: -Infinity, to: at.start };
    }
  }
  const range = /^(.+?)\.\.(.+)$/.exec(text);
  if (range) {
    const [a, b] = [range[1] as string, range[2] as string];
    const from = a === "*" ? { start: -Infinity, end: -Infinity } : parseInstant(a);
    const to = b === "*" ? { start: Infinity, end: Infinity } : parseInstant(b);
    return from && to ? { from: from.start, to: to.end } : undefined;
  }
  const at = parseInstant(text);
  return at ? { from: at.start, to: at.end } : undefined;
}

/** The matches of a query, in its sort order: `at(0)` is the first result. */
export interface SearchResult {
  count: number;
  at(i: number): SearchItem;
  keyOf(item: SearchItem): SortKey;
  direction: 1 | -1;
}

function msOf(item: SearchItem, field: TimeField): number | null {
  switch (field) {
    case "updated":
      return item.updatedMs;
    case "created":
      return item.createdMs;
    case "closed": {
      const at = item.kind === "PullRequest" ? item.pr.closedAt : item.issue.closedAt;
      return at ? Date.parse(at) : null;
    }
    case "merged":
      return item.kind === "PullRequest" && item.pr.mergedAt ? Date.parse(item.pr.mergedAt) : null;
  }
}

function labelsOf(item: SearchItem): string[] {
  return (item.kind === "PullRequest" ? (item.pr.labels ?? []) : item.issue.labels).map((l) =>
    l.toLowerCase(),
  );
}

/** A predicate for everything but the scope and the sort field's range; null when nothing is left to test. */
function residualFilter(query: SearchQuery): ((item: SearchItem) => boolean) | null {
  const tests: ((item: SearchItem) => boolean)[] = [];
  for (const [field, range] of Object.entries(query.ranges) as [TimeField, TimeRange][]) {
    if (field === query.sort.field) continue;
    tests.push((item) => {
      const ms = msOf(item, field);
      return ms !== null && ms >= range.from && ms < range.to;
    });
  }
  for (const group of query.labelGroups) tests.push((item) => labelsOf(item).some((l) => group.includes(l)));
  if (query.excludedLabels.length > 0)
    tests.push((item) => !labelsOf(item).some((l) => query.excludedLabels.includes(l)));
  for (const state of query.states) {
    tests.push((item) => {
      const current = item.kind === "PullRequest" ? item.pr.state : item.issue.closedAt ? "CLOSED" : "OPEN";
      switch (state) {
        case "open":
          return current === "OPEN";
        case "closed":
          return current !== "OPEN";
        case "merged":
          return current === "MERGED";
        case "unmerged":
          return item.kind === "PullRequest" && current !== "MERGED";
      }
    });
  }
  if (query.draft !== null) {
    const draft = query.draft;
    tests.push((item) => item.kind === "PullRequest" && item.pr.isDraft === draft);
  }
  if (query.authors.length > 0) {
    tests.push((item) => {
      const author = item.kind === "PullRequest" ? item.pr.author : item.issue.author;
      return author !== null && query.authors.includes(author.login.toLowerCase());
    });
  }
  for (const word of query.words) {
    tests.push((item) => {
      const { title, body } = item.kind === "PullRequest" ? item.pr : item.issue;
      return title.toLowerCase().includes(word) || body.toLowerCase().includes(word);
    });
  }
  if (tests.length === 0) return null;
  return (item) => tests.every((test) => test(item));
}

/** The repositories a query's scope names (org/user/repo qualifiers OR'd); every one when it names none. */
function scopeOf(index: DatasetIndex, query: SearchQuery): IndexedRepository[] {
  if (query.owners.length === 0 && query.repos.length === 0) return [...index.repositories.values()];
  const repos = new Set<IndexedRepository>();
  for (const owner of query.owners) for (const r of index.repositoriesByOwner.get(owner) ?? []) repos.add(r);
  for (const name of query.repos) {
    const r = index.repositories.get(name);
    if (r) repos.add(r);
  }
  return [...repos];
}

/** First index in [lo, hi) where `pred` holds; `pred` is false…false true…true over the range. */
function partition(lo: number, hi: number, pred: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Runs a search query over the index; results for the same query string are reused. */
export function runSearch(index: DatasetIndex, q: string): SearchResult {
  const query = parseSearchQuery(q);
  const field = query.sort.field;
  const direction = query.sort.direction;
  const keyOf = (item: SearchItem): SortKey => [
    field === "updated" ? item.updatedMs : item.createdMs,
    item.nodeId,
  ];
  const view = (items: readonly SearchItem[], lo: number, hi: number): SearchResult => ({
    count: hi - lo,
    at: direction === 1 ? (i) => items[lo + i] as SearchItem : (i) => items[hi - 1 - i] as SearchItem,
    keyOf,
    direction,
  });
  const cacheKey = q.trim();
  const cached = index.searchResults.get(cacheKey);
  if (cached) return view(cached, 0, cached.length);

  const scope = `${[...new Set(query.owners)].sort().join(",")}|${[...new Set(query.repos)].sort().join(",")}`;
  const base = index.searchBase({
    scope,
    repos: () => scopeOf(index, query),
    kind: query.kind,
    archived: query.archived,
    field,
  });
  const ms =
    field === "updated"
      ? (i: number) => (base[i] as SearchItem).updatedMs
      : (i: number) => (base[i] as SearchItem).createdMs;
  const range = query.ranges[field];
  const lo = range ? partition(0, base.length, (i) => ms(i) >= range.from) : 0;
  const hi = range ? partition(lo, base.length, (i) => ms(i) >= range.to) : base.length;
  const filter = residualFilter(query);
  if (!filter) return view(base, lo, hi);

  const matches: SearchItem[] = [];
  for (let i = lo; i < hi; i++) {
    const item = base[i] as SearchItem;
    if (filter(item)) matches.push(item);
  }
  if (index.searchResults.size >= RESULT_CACHE_SIZE) {
    const oldest = index.searchResults.keys().next().value;
    if (oldest !== undefined) index.searchResults.delete(oldest);
  }
  index.searchResults.set(cacheKey, matches);
  return view(matches, 0, matches.length);
}

/**
 * One page of search results as GitHub's SearchResultItemConnection: `issueCount` is the full count,
 * paging stops at the 1,000th result.
 */
export function searchConnection(
  index: DatasetIndex,
  args: ConnectionArgs & { query: string; type: string },
  info: GraphQLResolveInfo,
  toNode: (item: SearchItem) => unknown,
): Record<string, unknown> {
  checkPagination(args, info);
  const counts = {
    issueCount: 0,
    repositoryCount: 0,
    userCount: 0,
    discussionCount: 0,
    wikiCount: 0,
    codeCount: 0,
  };
  const result: SearchResult =
    args.type === "ISSUE"
      ? runSearch(index, args.query)
      : { count: 0, at: () => undefined as never, keyOf: () => [], direction: 1 };
  counts.issueCount = args.type === "ISSUE" ? result.count : 0;
  const reachable = Math.min(result.count, SEARCH_RESULT_CAP);
  // Position of the first result at (or past) a cursor's item, in result order.
  const position = (cursor: string, orPast: boolean) => {
    const key = decodeCursor(cursor);
    const relation = (i: number) => compareKeys(result.keyOf(result.at(i)), key) * result.direction;
    return partition(0, reachable, orPast ? (i) => relation(i) >= 0 : (i) => relation(i) > 0);
  };
  const start = args.after != null ? position(args.after, false) : 0;
  const end = args.before != null ? Math.max(start, position(args.before, true)) : reachable;
  let from = start;
  let to = end;
  const first = args.first != null ? Math.max(0, args.first) : undefined;
  const last = args.last != null ? Math.max(0, args.last) : undefined;
  if (first !== undefined) to = Math.min(to, from + first);
  if (last !== undefined) from = Math.max(from, to - last);
  const page: SearchItem[] = [];
  for (let i = from; i < to; i++) page.push(result.at(i));
  const cursors = page.map((item) => encodeCursor(result.keyOf(item)));
  let nodes: unknown[] | undefined;
  const pageNodes = () => {
    nodes ??= page.map(toNode);
    return nodes;
  };
  return {
    ...counts,
    nodes: () => pageNodes(),
    edges: () => pageNodes().map((node, i) => ({ cursor: cursors[i], node, textMatches: [] })),
    pageInfo: {
      hasNextPage: to < end,
      hasPreviousPage: from > 0,
      startCursor: cursors[0] ?? null,
      endCursor: cursors[cursors.length - 1] ?? null,
    },
  };
}
