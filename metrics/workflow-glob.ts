/**
 * The workflow patterns of metrics.yaml `definitions.deploy_workflows`: a glob matched against a GitHub
 * Actions workflow. A pattern with a `/` is matched against the workflow file's path in its repository
 * (`.github/workflows/deploy.yml`; `*` stops at `/`, `**` does not); one without is matched against the
 * workflow's name ("Deploy to production") and against its file name (`deploy.yml`), where `*` is any text.
 * `?` is one character. Matching ignores case. The warehouse runs the regular expression compiled here.
 *
 * @example
 *   workflowGlobRegex("deploy*.yml") // → "^deploy.*\\.yml$"
 *   workflowGlobRegex(".github/workflows/release-*.yaml") // → "^\\.github/workflows/release-[^/]*\\.yaml$"
 */

/** Why `pattern` cannot be a workflow glob, or undefined when it can. */
export function workflowGlobProblem(pattern: string): string | undefined {
  if (pattern.trim() !== pattern) return "must not start or end with spaces";
  if ([...pattern].some((c) => c.charCodeAt(0) < 32)) return "must not contain control characters";
  if (/[[\]]/.test(pattern)) return "uses [ ], which workflow patterns do not support: use * or ?";
  if (/[{}]/.test(pattern))
    return "uses { }, which workflow patterns do not support: list one entry per pattern";
  if (pattern.includes("\\")) return "must not contain \\ (paths use /)";
  if (pattern.startsWith("/")) return "is relative to the repository: write .github/workflows/…, not /…";
  if (/^[*?]+$/.test(pattern)) return "matches every workflow: name the deploy workflows (e.g. deploy*.yml)";
  return undefined;
}

/** Whether the pattern is matched against the workflow's path (it has a `/`) rather than its name. */
export function isPathGlob(pattern: string): boolean {
  return pattern.includes("/");
}

/** The anchored RE2 regular expression of a valid glob (see the module comment for `*` and `**`). */
export function workflowGlobRegex(pattern: string): string {
  const path = isPathGlob(pattern);
  let out = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        out += ".*";
        i++;
      } else out += path ? "[^/]*" : ".*";
    } else if (c === "?") out += path ? "[^/]" : ".";
    else out += c.replace(/[.*+?^$|()[\]{}\\]/g, "\\$&");
  }
  return `${out}$`;
}
