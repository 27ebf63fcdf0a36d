/**
 * What every resolver module shares: the request context, the shape of a resolver function and small
 * helpers. A GraphQL object is a plain record whose fields are values or functions
 * `(args, context, info) => value`, which graphql-js's default resolver calls.
 */
import type { GraphQLResolveInfo } from "graphql";

/** What a resolver may read about the request being served. */
export interface RequestContext {
  viewerLogin: string;
  rateLimit: {
    cost: number;
    limit: number;
    nodeCount: number;
    remaining: number;
    resetAt: string;
    used: number;
  };
}

export type Obj = Record<string, unknown>;
export type Resolver<A = Obj> = (args: A, context: RequestContext, info: GraphQLResolveInfo) => unknown;

export interface OrderArg {
  orderBy?: { field: string; direction: "ASC" | "DESC" } | null;
}

export const WEB = "https://github.com";

/** ISO-8601 without milliseconds, as GitHub writes DateTime values. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function compare(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Common fields of objects with a web page. */
export function urlFields(path: string): Obj {
  return { url: `${WEB}${path}`, resourcePath: path };
}
