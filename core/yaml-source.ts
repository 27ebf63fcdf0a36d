/**
 * YAML files that keep their source positions, so that every validation error can name file:line:column.
 * Used for yardstick.yaml and metrics.yaml alike: parse → validate with zod → map each issue back to the
 * node it is about.
 */
import { readFileSync } from "node:fs";
import type { Node } from "yaml";
import type { z } from "zod";
import { InputError, type InputProblem, type SourcePosition } from "./errors.ts";
import { readCachedYaml, writeCachedYaml, yamlLibrary } from "./yaml-cache.ts";

export interface YamlSource {
  file: string;
  value: unknown;
  /**
   * Position of the node at a path (falls back to the nearest ancestor that exists); of the value, or with
   * `{ key: true }` of the last key itself (e.g. an unknown key).
   */
  positionOf(path: readonly PropertyKey[], options?: { key?: boolean }): SourcePosition | undefined;
}

/** Reads and parses a YAML file. A missing file or a syntax error is an InputError naming the file (and line). */
export function readYamlFile(file: string, what: string): YamlSource {
  return parseYaml(readInputFile(file, what), file, what);
}

/** Reads a file the user named; a missing or unreadable one is an InputError naming it (exit 2). */
export function readInputFile(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`;
    throw new InputError(`${what} ${file} ${reason}`, [{ field: "", message: `${what} ${reason}` }]);
  }
}

/**
 * Parses a YAML text. A text parsed before (core/yaml-cache.ts) gives its value without parsing; the
 * positions, needed only to report a problem, are then parsed the first time one is asked for.
 */
export function parseYaml(text: string, file: string, what: string): YamlSource {
  const cached = readCachedYaml(text, CACHE_VARIANT);
  if (cached) {
    let parsed: YamlSource | undefined;
    return {
      file,
      value: cached.value,
      positionOf(path, options) {
        parsed ??= parseYamlDocument(text, file, what);
        return parsed.positionOf(path, options);
      },
    };
  }
  const source = parseYamlDocument(text, file, what);
  writeCachedYaml(text, CACHE_VARIANT, source.value);
  return source;
}

/** How parseYamlDocument parses: part of the cache key (change it with the options below). */
const CACHE_VARIANT = "document uniqueKeys";

function parseYamlDocument(text: string, file: string, what: string): YamlSource {
  const { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  // Only the first syntax error: the ones after it are usually the parser losing its way (an unclosed
  // bracket reported at every later line), and they would bury the one that matters.
  const [first] = doc.errors;
  if (first) {
    throw new InputError(`${what} ${file} is not valid YAML`, [
      { field: "", message: first.message.split("\n")[0] ?? first.message, position: at(first.pos[0]) },
    ]);
  }
  return {
    file,
    value: doc.toJS(),
    positionOf(path, options) {
      let node: unknown = doc.contents;
      let last: Node | undefined = isNode(node) ? node : undefined;
      for (const [i, key] of path.entries()) {
        if (isMap(node)) {
          const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === key);
          if (!pair) break;
          // Point at the value when there is one, else at the key (or at the key when asked).
          node = pair.value ?? pair.key;
          const atKey = options?.key === true && i === path.length - 1;
          if (isNode(pair.value) && !atKey) last = pair.value;
          else if (isNode(pair.key)) last = pair.key;
        } else if (isSeq(node) && typeof key === "number") {
          node = node.items[key];
          if (isNode(node)) last = node;
          else break;
        } else break;
      }
      return last?.range ? at(last.range[0]) : { file, line: 1, column: 1 };
    },
  };
}

/** Renders a zod path the way a person writes it: `teams[0].members`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Validates a parsed YAML file with a zod schema; on failure throws one InputError listing every problem. */
export function validateYaml<S extends z.ZodType>(source: YamlSource, schema: S, what: string): z.output<S> {
  const result = schema.safeParse(source.value ?? {});
  if (result.success) return result.data;
  const problems: InputProblem[] = result.error.issues.map((issue) => {
    // An unknown key is best shown where the key itself is written.
    const at =
      issue.code === "unrecognized_keys" && issue.keys[0] !== undefined
        ? [...issue.path, issue.keys[0]]
        : issue.path;
    return {
      field: fieldPath(at),
      message: describeIssue(issue, source, issue.path),
      position: source.positionOf(at, { key: issue.code === "unrecognized_keys" }),
    };
  });
  throw new InputError(`${what} ${source.file} is invalid`, problems);
}

function describeIssue(issue: z.core.$ZodIssue, source: YamlSource, path: readonly PropertyKey[]): string {
  const got = valueAt(source.value, path);
  const json = got === undefined ? "nothing" : JSON.stringify(got);
  const shown = json.length > 80 ? `${json.slice(0, 77)}...` : json;
  if (issue.code === "unrecognized_keys")
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_type" && got === undefined) return `is required (${issue.message})`;
  // Custom checks that already say what they got are not told twice.
  if (issue.code === "custom" && /\bgot\b/.test(issue.message)) return issue.message;
  return `${issue.message}: got ${shown}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = value;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
