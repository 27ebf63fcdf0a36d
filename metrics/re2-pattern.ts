/**
 * Regular expressions written in metrics.yaml are run by the warehouse (DuckDB's RE2), not by JavaScript.
 * Two helpers: one rejects what RE2 cannot run, so an analyst hears about it at validation with a position
 * instead of from a failed build; the other finds text every match must contain, so that the build can skip
 * the expression on rows that cannot match (an expression that is data is compiled once per row).
 */

const RE2_UNSUPPORTED: readonly [RegExp, string][] = [
  [/\(\?[=!]/, "lookahead ((?= or (?!)"],
  [/\(\?<[=!]/, "lookbehind ((?<= or (?<!)"],
  [/\(\?>/, "atomic groups ((?>)"],
  [/\\[1-9]/, "backreferences (\\1 …)"],
  [/\\k</, "named backreferences (\\k<…>)"],
  [/[*+?}]\+/, "possessive quantifiers (*+, ++, ?+)"],
];

/**
 * Why `pattern` cannot be used as a case-insensitive RE2 regular expression, or undefined when it can.
 * Example: `re2PatternProblem("(?=x)")` → "uses lookahead ((?= or (?!), which the warehouse's RE2 does not support".
 */
export function re2PatternProblem(pattern: string): string | undefined {
  for (const [construct, name] of RE2_UNSUPPORTED) {
    if (construct.test(pattern)) return `uses ${name}, which the warehouse's RE2 does not support`;
  }
  if (/^\(\?[a-z]*\)/.test(pattern)) {
    return "must not start with inline flags like (?i): patterns already ignore case";
  }
  try {
    new RegExp(pattern, "i");
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
  return undefined;
}

/**
 * The longest run of plain text (lower case, ASCII, at least 3 characters) that every match of `pattern`
 * must contain, or null when none can be proved. Conservative: groups, classes and alternatives end a run,
 * and a character followed by `?`, `*` or `{…}` is left out.
 * Example: `requiredLiteral("chatgpt\\.com/codex/tasks/task_")` → "chatgpt.com/codex/tasks/task_".
 */
export function requiredLiteral(pattern: string): string | null {
  const candidates: string[] = [];
  let run = "";
  const endRun = (keep: string) => {
    candidates.push(keep);
    run = "";
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const d = pattern[i + 1];
      if (d === undefined) return null;
      if (/[A-Za-z0-9]/.test(d)) {
        // Character classes (\d, \w, \s) and assertions (\b, \A, \z) end a run; other escapes (\x41, \p{L},
        // \Q…\E) stand for text this scanner does not decode, so nothing is claimed.
        if (!/[bBdDwWsSAz]/.test(d)) return null;
        endRun(run);
      } else {
        run += d.toLowerCase();
      }
      i += 2;
      continue;
    }
    if (c === "|") return null;
    if (c === "(" || c === "[") {
      endRun(run);
      const end = closing(pattern, i);
      if (end < 0) return null;
      i = end + 1;
      continue;
    }
    if (c === "?" || c === "*" || c === "{") {
      endRun(run.slice(0, -1));
      if (c === "{") {
        const end = pattern.indexOf("}", i);
        if (end < 0) return null;
        i = end;
      }
      i += 1;
      if (pattern[i] === "?") i += 1;
      continue;
    }
    if (c === "+") {
      endRun(run);
      i += 1;
      if (pattern[i] === "?") i += 1;
      continue;
    }
    if (c === "." || c === "^" || c === "$" || c.charCodeAt(0) > 0x7e || c.charCodeAt(0) < 0x20) {
      endRun(run);
      i += 1;
      continue;
    }
    run += c.toLowerCase();
    i += 1;
  }
  endRun(run);
  const best = candidates.reduce((a, b) => (b.length > a.length ? b : a), "");
  return best.length >= 3 ? best : null;
}

/** Index of the `)` or `]` closing the group or class opened at `start`, or -1. */
function closing(pattern: string, start: number): number {
  if (pattern[start] === "[") {
    let i = start + 1;
    if (pattern[i] === "^") i += 1;
    if (pattern[i] === "]") i += 1;
    while (i < pattern.length) {
      if (pattern[i] === "\\") i += 2;
      else if (pattern[i] === "]") return i;
      else i += 1;
    }
    return -1;
  }
  let depth = 0;
  let i = start;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "[") {
      const end = closing(pattern, i);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    if (c === "(") depth += 1;
    if (c === ")") {
      depth -= 1;
      if (depth === 0) return i;
    }
    i += 1;
  }
  return -1;
}
