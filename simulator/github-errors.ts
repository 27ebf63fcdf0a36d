/**
 * GitHub's error shapes. GitHub's GraphQL API runs on graphql-ruby, whose messages and `extensions` differ
 * from graphql-js's, so every error graphql-js reports is rewritten here into the shape a client of the real
 * API sees. The shapes were taken from responses quoted in public issues and client code:
 *
 * - syntax:      `{"message":"Parse error on \"}\" (RCURLY) at [4, 3]","locations":[{"line":4,"column":3}]}`
 * - validation:  `{"path":["query","repository","foo"],"extensions":{"code":"undefinedField","typeName":…,
 *                "fieldName":"foo"},"locations":[…],"message":"Field 'foo' doesn't exist on type 'Repository'"}`
 * - execution:   `{"type":"NOT_FOUND","path":["repository"],"locations":[…],"message":"Could not resolve to …"}`
 *
 * Responses to syntax and validation errors carry no `data` key. Messages the simulator could not match to a
 * graphql-ruby one keep graphql-js's wording (and say so in `extensions.code`).
 */
import {
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  Kind,
  type OperationDefinitionNode,
  visit,
} from "graphql";

/** One entry of a GitHub response's `errors` array. */
export interface GitHubGraphQLError {
  type?: string;
  code?: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
  locations?: { line: number; column: number }[];
  message: string;
}

/**
 * An error a resolver throws to fail one field the way GitHub does (`type` plus message, e.g. NOT_FOUND,
 * EXCESSIVE_PAGINATION). The field becomes null and the error is reported with its path.
 */
export class GitHubFieldError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "GitHubFieldError";
  }
}

const TOKEN_NAMES: Record<string, string> = {
  "{": "LCURLY",
  "}": "RCURLY",
  "(": "LPAREN",
  ")": "RPAREN",
  "[": "LBRACKET",
  "]": "RBRACKET",
  ":": "COLON",
  "=": "EQUALS",
  "!": "BANG",
  $: "VAR_SIGN",
  "@": "DIR_SIGN",
  "|": "PIPE",
  "&": "AMP",
  "...": "ELLIPSIS",
};

/** A graphql-js syntax error as graphql-ruby words it: `Parse error on "}" (RCURLY) at [4, 3]`. */
export function syntaxError(error: GraphQLError): GitHubGraphQLError {
  const loc = error.locations?.[0] ?? { line: 1, column: 1 };
  const found = /found (<EOF>|"[^"]*"|[A-Za-z_][A-Za-z0-9_]*|.)/.exec(error.message)?.[1];
  const unexpected = /Unexpected character: "(.*)"\./.exec(error.message)?.[1];
  let message: string;
  if (found === "<EOF>" || /Unexpected <EOF>/.test(error.message)) {
    message = "Unexpected end of document";
  } else if (unexpected !== undefined) {
    message = `Parse error on "${unexpected}" (error) at [${loc.line}, ${loc.column}]`;
  } else if (found !== undefined) {
    const token = found.replace(/^"|"$/g, "");
    const name =
      TOKEN_NAMES[token] ??
      (/^[A-Za-z_]/.test(token) ? "IDENTIFIER" : /^-?\d/.test(token) ? "INT" : "STRING");
    message = `Parse error on "${token}" (${name}) at [${loc.line}, ${loc.column}]`;
  } else {
    message = `Parse error at [${loc.line}, ${loc.column}]: ${error.message.replace(/^Syntax Error: /, "")}`;
  }
  return { message, locations: [{ line: loc.line, column: loc.column }] };
}

/** What a rewrite rule may use: the regex match, the offending node and its graphql-ruby path. */
interface RuleInput {
  g: RegExpExecArray;
  node: ASTNode | undefined;
  path: string[] | undefined;
}

interface Rewrite {
  message: string;
  extensions: Record<string, unknown>;
  path?: string[];
}

const bare = (type: string | undefined) => (type ?? "").replace(/[[\]!]/g, "");

/** graphql-js validation messages → graphql-ruby's message and `extensions`, one rule per validation rule. */
const VALIDATION_RULES: readonly [RegExp, (input: RuleInput) => Rewrite][] = [
  [
    /^Cannot query field "([^"]+)" on type "([^"]+)"\./,
    ({ g }) => ({
      message: `Field '${g[1]}' doesn't exist on type '${g[2]}'`,
      extensions: { code: "undefinedField", typeName: g[2], fieldName: g[1] },
    }),
  ],
  [
    /^Unknown argument "([^"]+)" on field "(?:[^".]+\.)?([^"]+)"\./,
    ({ g, path }) => ({
      message: `Field '${g[2]}' doesn't accept argument '${g[1]}'`,
      extensions: { code: "argumentNotAccepted", name: g[2], typeName: "Field", argumentName: g[1] },
      ...(path ? { path: [...path, g[1] as string] } : {}),
    }),
  ],
  [
    /^Field "([^"]+)" argument "([^"]+)" of type "([^"]+)" is required, but it was not provided\./,
    ({ g }) => ({
      message: `Field '${g[1]}' is missing required arguments: ${g[2]}`,
      extensions: { code: "missingRequiredArguments", className: "Field", name: g[1], arguments: g[2] },
    }),
  ],
  [
    /^Variable "\$([^"]+)" is never used(?: in operation "([^"]+)")?\./,
    ({ g }) => ({
      message: `Variable $${g[1]} is declared by ${g[2] ?? "anonymous query"} but not used`,
      extensions: { code: "variableNotUsed", variableName: g[1] },
    }),
  ],
  [
    /^Variable "\$([^"]+)" is not defined(?: by operation "([^"]+)")?\./,
    ({ g }) => ({
      message: `Variable $${g[1]} is used by ${g[2] ?? "anonymous query"} but not declared`,
      extensions: { code: "variableNotDefined", variableName: g[1] },
    }),
  ],
  [
    /^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields\./,
    ({ g }) => ({
      message: `Field must have selections (field '${g[1]}' returns ${bare(g[2])} but has no selections. Did you mean '${g[1]} { ... }'?)`,
      extensions: { code: "selectionMismatch", nodeName: `field '${g[1]}'`, typeName: bare(g[2]) },
    }),
  ],
  [
    /^Field "([^"]+)" must not have a selection since type "([^"]+)" has no subfields\./,
    ({ g, node }) => {
      const selected = node?.kind === Kind.FIELD ? selectionNames(node) : [];
      return {
        message: `Selections can't be made on scalars (field '${g[1]}' returns ${bare(g[2])} but has selections [${selected.join(", ")}])`,
        extensions: { code: "selectionMismatch", nodeName: `field '${g[1]}'`, typeName: bare(g[2]) },
      };
    },
  ],
  [
    /^Unknown type "([^"]+)"\./,
    ({ g }) => ({
      message: `No such type ${g[1]}, so it can't be a fragment condition`,
      extensions: { code: "undefinedType", typeName: g[1] },
    }),
  ],
  [
    /^Fragment (?:"([^"]+)" )?cannot be spread here as objects of type "([^"]+)" can never be of type "([^"]+)"\./,
    ({ g }) => ({
      message: `Fragment ${g[1] ? `${g[1]} on ${g[3]}` : `on ${g[3]}`} can't be spread inside ${g[2]}`,
      extensions: {
        code: "cannotSpreadFragment",
        typeName: g[3],
        fragmentName: g[1] ?? "unknown",
        parentName: g[2],
      },
    }),
  ],
  [
    /^Variable "\$([^"]+)" of type "([^"]+)" used in position expecting type "([^"]+)"\./,
    ({ g }) => {
      const kind = bare(g[2]) === bare(g[3]) ? "Nullability mismatch" : "Type mismatch";
      return {
        message: `${kind} on variable $${g[1]} and argument (${g[2]} / ${g[3]})`,
        extensions: { code: "variableMismatch", variableName: g[1], typeName: g[2], errorMessage: kind },
      };
    },
  ],
  [
    /^Unknown fragment "([^"]+)"\./,
    ({ g }) => ({
      message: `Fragment ${g[1]} was used, but not defined`,
      extensions: { code: "useAndDefineFragment", fragmentName: g[1] },
    }),
  ],
  [
    /^Fragment "([^"]+)" is never used\./,
    ({ g }) => ({
      message: `Fragment ${g[1]} was defined, but not used`,
      extensions: { code: "useAndDefineFragment", fragmentName: g[1] },
    }),
  ],
];

/** Rewrites one graphql-js validation error; `paths` maps AST nodes to graphql-ruby's paths. */
export function validationError(error: GraphQLError, paths: Map<ASTNode, string[]>): GitHubGraphQLError {
  const node = error.nodes?.[0];
  const path = node ? paths.get(node) : undefined;
  const locations = error.locations?.map((l) => ({ line: l.line, column: l.column }));
  const shaped = (rewrite: Rewrite): GitHubGraphQLError => {
    const where = rewrite.path ?? path;
    return {
      ...(where ? { path: where } : {}),
      extensions: rewrite.extensions,
      ...(locations ? { locations } : {}),
      message: rewrite.message,
    };
  };
  for (const [pattern, rewrite] of VALIDATION_RULES) {
    const g = pattern.exec(error.message);
    if (g) return shaped(rewrite({ g, node, path }));
  }
  // Wrong literal for an argument ("Int cannot represent non-integer value: …", "Value … does not exist in
  // … enum."): graphql-ruby names the argument; find the argument that contains the bad value.
  const argument = node ? argumentContext(node, paths) : undefined;
  if (argument) {
    const m = error.message;
    const expected =
      /^(\S+) cannot represent/.exec(m)?.[1] ??
      /in "([^"]+)" enum/.exec(m)?.[1] ??
      /of type "([^"]+)"/.exec(m)?.[1];
    return shaped({
      message: `Argument '${argument.name}' on Field '${argument.field}' has an invalid value (${argument.value}). Expected type '${expected ?? "?"}'.`,
      extensions: { code: "argumentLiteralsIncompatible", typeName: "Field", argumentName: argument.name },
      ...(argument.path ? { path: argument.path } : {}),
    });
  }
  // No graphql-ruby equivalent known: keep graphql-js's words, and say where they come from.
  return shaped({ message: error.message, extensions: { code: "graphqlJsValidation" } });
}

/** An error raised while executing: GitHub's `type` when the resolver gave one. */
export function executionError(error: GraphQLError): GitHubGraphQLError {
  const original = error.originalError;
  const type = original instanceof GitHubFieldError ? original.type : undefined;
  let message = error.message;
  if (!type && /^Cannot return null for non-nullable field/.test(message)) {
    message += " (the Yardstick simulator does not model this field yet)";
  }
  return {
    ...(type ? { type } : {}),
    ...(error.path ? { path: [...error.path] } : {}),
    ...(error.locations
      ? { locations: error.locations.map((l) => ({ line: l.line, column: l.column })) }
      : {}),
    message,
  };
}

/** A variable whose value does not fit its declared type, in graphql-ruby's words. */
export function variableError(error: GraphQLError, variables: Record<string, unknown>): GitHubGraphQLError {
  const g = /^Variable "\$([^"]+)" (?:of (?:required |non-null )?type "([^"]+)")?/.exec(error.message);
  const name = g?.[1] ?? "?";
  const explanation = /was not provided|must not be null/.test(error.message)
    ? "Expected value to not be null"
    : error.message.replace(/^Variable "\$[^"]+" got invalid value [^;]*; /, "");
  return {
    extensions: { value: variables[name] ?? null, problems: [{ path: [], explanation }] },
    ...(error.locations
      ? { locations: error.locations.map((l) => ({ line: l.line, column: l.column })) }
      : {}),
    message: `Variable $${name} of type ${g?.[2] ?? "?"} was provided invalid value`,
  };
}

/**
 * graphql-ruby's static-validation paths for every node of a document: the operation ("query" or
 * "query Name"), then field aliases or names, "... on Type" and "... FragmentName" steps.
 */
export function validationPaths(document: DocumentNode): Map<ASTNode, string[]> {
  const paths = new Map<ASTNode, string[]>();
  const stack: string[][] = [];
  visit(document, {
    enter(node) {
      const parent = stack[stack.length - 1] ?? [];
      let own = parent;
      switch (node.kind) {
        case Kind.OPERATION_DEFINITION:
          own = [operationLabel(node)];
          break;
        case Kind.FRAGMENT_DEFINITION:
          own = [`fragment ${node.name.value}`];
          break;
        case Kind.FIELD:
          own = [...parent, (node.alias ?? node.name).value];
          break;
        case Kind.INLINE_FRAGMENT:
          own = [...parent, node.typeCondition ? `... on ${node.typeCondition.name.value}` : "..."];
          break;
        case Kind.FRAGMENT_SPREAD:
          own = [...parent, `... ${node.name.value}`];
          break;
      }
      paths.set(node, own);
      stack.push(own);
    },
    leave() {
      stack.pop();
    },
  });
  return paths;
}

function operationLabel(node: OperationDefinitionNode): string {
  return node.name ? `${node.operation} ${node.name.value}` : node.operation;
}

function selectionNames(field: FieldNode): string[] {
  return (field.selectionSet?.selections ?? []).map((s) =>
    s.kind === Kind.FIELD ? s.name.value : s.kind === Kind.FRAGMENT_SPREAD ? `... ${s.name.value}` : "...",
  );
}

/** For a bad value node inside an argument: the argument, its field and the printed value. */
function argumentContext(
  node: ASTNode,
  paths: Map<ASTNode, string[]>,
): { name: string; field: string; value: string; path?: string[] } | undefined {
  // The validation error points at the value; find the argument that contains it by location.
  for (const [candidate, path] of paths) {
    if (candidate.kind !== Kind.ARGUMENT || !candidate.loc || !node.loc) continue;
    if (candidate.loc.start <= node.loc.start && node.loc.end <= candidate.loc.end) {
      const source = candidate.loc.source.body;
      return {
        name: candidate.name.value,
        field: path[path.length - 1] ?? "?",
        value: source.slice(candidate.value.loc?.start ?? 0, candidate.value.loc?.end ?? 0),
        path: [...path, candidate.name.value],
      };
    }
  }
  return undefined;
}
