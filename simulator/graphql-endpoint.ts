/**
 * One GraphQL request, as GitHub's `/graphql` answers it: parse → validate against GitHub's schema →
 * pick the operation → coerce variables → compute the point cost → charge the token's budget → execute
 * over the dataset. Every failure on the way gets GitHub's error shape (see github-errors.ts). Transport
 * (HTTP, tokens, headers) belongs to server.ts.
 */
import {
  type DocumentNode,
  execute,
  type FragmentDefinitionNode,
  GraphQLError,
  getOperationAST,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";
import type { DatasetIndex } from "./dataset-index.ts";
import {
  executionError,
  type GitHubGraphQLError,
  syntaxError,
  validationError,
  validationPaths,
  variableError,
} from "./github-errors.ts";
import { githubSchema } from "./github-schema.ts";
import { MAX_NODE_COUNT, queryCost } from "./query-cost.ts";
import type { RateLimiter, RateLimitState } from "./rate-limit.ts";
import { type RequestContext, rootValue, simulatorFieldResolver } from "./resolvers.ts";

export interface GraphQLResponse {
  data?: unknown;
  errors?: GitHubGraphQLError[];
}

export interface EndpointResult {
  body: GraphQLResponse;
  /** The token's budget after this request (for the x-ratelimit-* headers). */
  rateLimit: RateLimitState;
}

type Prepared = { document: DocumentNode } | { errors: GitHubGraphQLError[] };

const DOCUMENT_CACHE_SIZE = 200;

export class GraphQLEndpoint {
  private readonly schema = githubSchema();
  private readonly documents = new Map<string, Prepared>();
  private index: DatasetIndex;
  private root: Record<string, unknown>;

  constructor(
    index: DatasetIndex,
    private readonly limiter: RateLimiter,
    private readonly viewerLogin: string,
  ) {
    this.index = index;
    this.root = rootValue(index);
  }

  /** Serves another dataset from the next request on. */
  setIndex(index: DatasetIndex): void {
    this.index = index;
    this.root = rootValue(index);
  }

  get dataset() {
    return this.index.dataset;
  }

  /**
   * Answers one request. `charge: false` runs it without spending points (a fault injected in place of
   * the normal answer is never charged).
   */
  async handle(
    token: string,
    body: Record<string, unknown>,
    options: { charge?: boolean } = {},
  ): Promise<EndpointResult> {
    const fail = (errors: GitHubGraphQLError[]): EndpointResult => ({
      body: { errors },
      rateLimit: this.limiter.peek(token),
    });
    if (typeof body.query !== "string" || body.query.trim() === "") {
      return fail([{ message: "A query attribute must be specified and must be a string." }]);
    }
    const prepared = this.prepare(body.query);
    if ("errors" in prepared) return fail(prepared.errors);
    const { document } = prepared;

    const operationName =
      typeof body.operationName === "string" && body.operationName ? body.operationName : undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      return fail([
        {
          message: operationName ? `No operation named "${operationName}"` : "An operation name is required",
        },
      ]);
    }
    if (operation.operation !== "query") {
      return fail([
        {
          message: `The Yardstick simulator serves queries only; this document is a ${operation.operation}.`,
        },
      ]);
    }

    const rawVariables =
      body.variables && typeof body.variables === "object" && !Array.isArray(body.variables)
        ? (body.variables as Record<string, unknown>)
        : {};
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], rawVariables);
    if (coerced.errors) return fail(coerced.errors.map((e) => variableError(e, rawVariables)));

    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of document.definitions)
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    const cost = queryCost(this.schema, operation, fragments, coerced.coerced);
    if (cost.overLimitAt) {
      const n = cost.overLimitAt.nodeCount.toLocaleString("en-US");
      return fail([
        {
          type: "MAX_NODE_LIMIT_EXCEEDED",
          message: `By the time this query traverses to the ${cost.overLimitAt.field} connection, it is requesting up to ${n} possible nodes which exceeds the maximum limit of ${MAX_NODE_COUNT.toLocaleString("en-US")}.`,
        },
      ]);
    }

    let state: RateLimitState;
    if (options.charge === false || isDryRun(operation, coerced.coerced)) {
      state = this.limiter.peek(token);
    } else {
      const charged = this.limiter.charge(token, cost.cost);
      if (charged.exceeded) {
        return {
          body: {
            errors: [
              {
                type: "RATE_LIMITED",
                code: "graphql_rate_limit",
                message: `API rate limit already exceeded for user ID ${userIdOf(token)}.`,
              },
            ],
          },
          rateLimit: charged.state,
        };
      }
      state = charged.state;
    }

    const context: RequestContext = {
      viewerLogin: this.viewerLogin,
      rateLimit: {
        cost: cost.cost,
        limit: state.limit,
        nodeCount: cost.nodeCount,
        remaining: state.remaining,
        resetAt: state.resetAt.toISOString().replace(".000Z", "Z"),
        used: state.used,
      },
    };
    const result = await execute({
      schema: this.schema,
      document,
      rootValue: this.root,
      contextValue: context,
      variableValues: rawVariables,
      operationName,
      fieldResolver: simulatorFieldResolver,
    });
    const response: GraphQLResponse = { data: result.data ?? null };
    if (result.errors?.length) response.errors = result.errors.map(executionError);
    return { body: response, rateLimit: state };
  }

  /** Parses and validates a document once; later requests with the same text reuse the result. */
  private prepare(query: string): Prepared {
    const cached = this.documents.get(query);
    if (cached) return cached;
    let prepared: Prepared;
    try {
      const document = parse(query);
      const errors = validate(this.schema, document);
      if (errors.length > 0) {
        const paths = validationPaths(document);
        prepared = { errors: errors.map((e) => validationError(e, paths)) };
      } else {
        prepared = { document };
      }
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      prepared = { errors: [syntaxError(error)] };
    }
    if (this.documents.size >= DOCUMENT_CACHE_SIZE) {
      const oldest = this.documents.keys().next().value;
      if (oldest !== undefined) this.documents.delete(oldest);
    }
    this.documents.set(query, prepared);
    return prepared;
  }
}

/** `rateLimit(dryRun: true)` asks for the cost without spending it. */
function isDryRun(operation: OperationDefinitionNode, variables: Record<string, unknown>): boolean {
  return operation.selectionSet.selections.some((s) => {
    if (s.kind !== Kind.FIELD || s.name.value !== "rateLimit") return false;
    const arg = s.arguments?.find((a) => a.name.value === "dryRun");
    if (!arg) return false;
    if (arg.value.kind === Kind.BOOLEAN) return arg.value.value;
    return arg.value.kind === Kind.VARIABLE && variables[arg.value.name.value] === true;
  });
}

/** A stable numeric user id per token, for GitHub's "exceeded for user ID N" message. */
export function userIdOf(token: string): number {
  let h = 7;
  for (let i = 0; i < token.length; i++) h = (h * 31 + token.charCodeAt(i)) % 2_000_000_000;
  return h;
}
