/**
 * YAML files that keep their source positions, so that every validation error can name file:line:column.
 * Used for yardstick.yaml and metrics.yaml alike: parse → validate with zod → map each issue back to the
 * node it is about.
 */

import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import type { Alias, Node } from "yaml";
import type { z } from "zod";
import { InputError, type InputProblem, type SourcePosition } from "./errors.ts";
import { redactSecrets } from "./secrets.ts";
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

/**
 * Reads a file the user named; a missing or unreadable one, or one that is not UTF-8, is an InputError
 * naming it (exit 2). Bytes that are not UTF-8 are refused with their line, never silently replaced.
 */
export function readInputFile(file: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "does not exist"
        : code === "EISDIR"
          ? "is a folder, not a file"
          : `cannot be read (${code ?? String(error)})`;
    throw new InputError(`${what} ${file} ${reason}`, [{ field: "", message: `${what} ${reason}` }]);
  }
  if (isUtf8(bytes)) return bytes.toString("utf8");
  const at = firstInvalidUtf8(bytes);
  const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
  const line = bytes.subarray(0, at).filter((b) => b === 0x0a).length + 1;
  const column = bytes.subarray(lineStart, at).toString("utf8").length + 1;
  const byte = `0x${(bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0")}`;
  throw new InputError(`${what} ${file} is not valid UTF-8`, [
    {
      field: "",
      message: `byte ${byte} is not UTF-8 (was the file saved as Latin-1 or Windows-1252? save it as UTF-8)`,
      position: { file, line, column },
    },
  ]);
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence; -1 if none. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const extra =
      lead >= 0xc2 && lead <= 0xdf
        ? 1
        : lead >= 0xe0 && lead <= 0xef
          ? 2
          : lead >= 0xf0 && lead <= 0xf4
            ? 3
            : 0;
    if (extra === 0 || i + extra >= bytes.length) return i;
    for (let k = 1; k <= extra; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    const second = bytes[i + 1]!;
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f)) return i;
    if ((lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return i;
    i += extra + 1;
  }
  return -1;
}

/**
 * How far aliases may expand (yaml's own measure: uses of an anchor times the aliases inside it). Ordinary
 * files reuse a list or two; a "billion laughs" file nests aliases of aliases and is stopped at once.
 */
const MAX_ALIAS_COUNT = 100;

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
const CACHE_VARIANT = `document uniqueKeys maxAliasCount=${MAX_ALIAS_COUNT}`;

function parseYamlDocument(text: string, file: string, what: string): YamlSource {
  const { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit } = yamlLibrary();
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
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    let alias: Node | undefined;
    visit(doc, {
      Alias(_key, node) {
        alias = node;
        return visit.BREAK;
      },
    });
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`${what} ${file} cannot be read`, [
      {
        field: "",
        message: alias
          ? `its aliases (*${(alias as Alias).source} and others) expand too far (${reason}): write the values out instead`
          : reason,
        ...(alias?.range ? { position: at(alias.range[0]) } : {}),
      },
    ]);
  }
  return {
    file,
    value,
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
  // A check that marks its issue secret (github.tokenEnv holding a token) is never followed by the value.
  if (issue.code === "custom" && (issue.params as { secret?: boolean } | undefined)?.secret)
    return issue.message;
  const got = valueAt(source.value, path);
  const json = got === undefined ? "nothing" : redactSecrets(JSON.stringify(got));
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
