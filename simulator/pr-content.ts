/**
 * Words of generated pull requests: titles, commit messages, bodies, and the exact markers AI tools and
 * bots leave (the signals of the catalogue in metrics.yaml, explained in docs/metrics.md). Kept apart from
 * the generator's statistics so that adding a tool or a decoy is one edit here.
 */
import type { AiTool, Decoy } from "./ground-truth.ts";
import type { Rng } from "./prng.ts";

export interface Topic {
  title: string;
  /** Conventional-commit message of the first commit. */
  message: string;
  decoy?: Decoy;
}

export const TOPICS: readonly Topic[] = [
  {
    title: "Add retry with backoff to the webhook sender",
    message: "feat: retry webhook deliveries with backoff",
  },
  {
    title: "Fix timezone handling in the weekly report",
    message: "fix: use UTC when bucketing weekly reports",
  },
  { title: "Extract config loading into its own module", message: "refactor: extract config loader" },
  {
    title: "Cover invoice rounding edge cases with tests",
    message: "test: cover invoice rounding edge cases",
  },
  {
    title: "Upgrade the logging library and tidy log fields",
    message: "chore: upgrade logger and tidy fields",
  },
  {
    title: "Document the rate-limit behaviour of the API client",
    message: "docs: explain API client rate limits",
  },
  { title: "Speed up the search index rebuild", message: "perf: batch writes during index rebuild" },
  { title: "Validate email addresses on sign-up", message: "fix: validate email on sign-up" },
  { title: "Add a health check endpoint", message: "feat: add /healthz endpoint" },
  { title: "Remove the legacy export job", message: "chore: remove legacy export job" },
  { title: "Handle empty carts at checkout", message: "fix: handle empty carts at checkout" },
  { title: "Add audit events for role changes", message: "feat: emit audit events on role change" },
  { title: "Cache feature flags per request", message: "perf: cache feature flags per request" },
  { title: "Migrate the orders table to bigint ids", message: "feat: migrate orders ids to bigint" },
  { title: "Fix flaky scheduler test", message: "test: make scheduler test deterministic" },
  { title: "Show a spinner while uploads are pending", message: "feat: show upload spinner" },
  { title: "Paginate the admin user list", message: "feat: paginate admin user list" },
  { title: "Harden the CSV import against bad rows", message: "fix: skip and report bad CSV rows" },
  { title: "Split the billing service client", message: "refactor: split billing client by resource" },
  { title: "Add dark mode to the settings page", message: "feat: dark mode for settings" },
  {
    title: "Fix cursor pagination in the audit log",
    message: "fix: reset the cursor when the filter changes",
    decoy: "word_cursor",
  },
  {
    title: "Keep the text cursor in place after autosave",
    message: "fix: restore cursor position after autosave",
    decoy: "word_cursor",
  },
  {
    title: "Rename the error codex to error catalogue",
    message: "refactor: rename error codex module",
    decoy: "word_codex",
  },
  { title: "Reduce memory use of the PDF renderer", message: "perf: stream pages in the PDF renderer" },
  { title: "Retry failed payouts once a day", message: "feat: daily payout retry job" },
];

export const FOLLOW_UP_MESSAGES = [
  "Address review comments",
  "fix: lint",
  "test: add missing cases",
  "docs: update README",
  "refactor: tidy up naming",
  "fix: handle null input",
  "chore: remove debug logging",
] as const;

/** What a cloud agent calls the commits it pushes to answer a review. */
export const REVIEW_FIX_MESSAGES = [
  "Address review feedback",
  "Apply changes from code review",
  "fix: handle the case the reviewer pointed out",
  "test: cover the reviewer's example",
] as const;

/** A commit trailer (or footer) a tool writes, with the variants seen in the wild. */
export function aiTrailer(tool: AiTool, rng: Rng): string {
  switch (tool) {
    case "claude_code": {
      const who = rng.pick(["Claude", "Claude", "Claude Opus 4.6", "Claude Sonnet 4.6"]);
      const key = rng.chance(0.65) ? "Co-Authored-By" : "Co-authored-by";
      const footer = rng.chance(0.7)
        ? "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
        : "";
      return `${footer}${key}: ${who} <noreply@anthropic.com>`;
    }
    case "cursor":
      return rng.chance(0.6) ? "Co-authored-by: Cursor <cursoragent@cursor.com>" : "Made-with: Cursor";
    case "codex":
      return "Co-authored-by: Codex <noreply@openai.com>";
    case "copilot":
      // The IDE's address, or the Copilot App's no-reply one that Copilot CLI writes on a person's commit:
      // a co-author, so assistance, although the same identity as a commit's author is the agent's work.
      return rng.chance(0.7)
        ? "Co-authored-by: Copilot <copilot@github.com>"
        : `Co-authored-by: Copilot <${COPILOT_APP_EMAIL}>`;
    case "copilot_agent":
      return "";
  }
}

/** The Copilot App's no-reply address: a co-author of a person's commits, or the author of an agent's. */
export const COPILOT_APP_EMAIL = "223556219+Copilot@users.noreply.github.com";

/** Cloud agents that push commits under their own git identity to a branch a person works on. */
export type CloudAgent = Extract<AiTool, "copilot_agent" | "cursor" | "codex">;

/**
 * The git identity a cloud agent authors its commits as: the Copilot agent's bot address (or, now and
 * then, the Copilot App's), Cursor's background agent, Codex's cloud address.
 */
export function cloudAgentIdentity(agent: CloudAgent, rng: Rng): { name: string; email: string } {
  switch (agent) {
    case "copilot_agent":
      return rng.chance(0.75)
        ? { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com" }
        : { name: "Copilot", email: COPILOT_APP_EMAIL };
    case "cursor":
      return { name: "Cursor Agent", email: "cursoragent@cursor.com" };
    case "codex":
      return { name: "Codex", email: "codex@openai.com" };
  }
}

/** A PR-body footer some tools add, or "" (most PRs carry none). */
export function aiBodyFooter(tool: AiTool, rng: Rng): string {
  if (tool === "claude_code" && rng.chance(0.4))
    return "\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)";
  if (tool === "cursor" && rng.chance(0.3)) return "\n\nMade with [Cursor](https://cursor.com)";
  return "";
}

export function humanBody(topic: Topic, rng: Rng): string {
  const why = rng.pick([
    "Customers reported this last week.",
    "Needed for the Q4 roadmap item.",
    "Follow-up from the incident review.",
    "Small clean-up while working nearby.",
    "Requested in the last planning session.",
  ]);
  const issue = rng.chance(0.5) ? `\n\nCloses #${rng.int(10, 900)}` : "";
  return `## What\n${topic.title}.\n\n## Why\n${why}${issue}`;
}

export function copilotAgentBody(topic: Topic, rng: Rng): string {
  return [
    `${topic.title}.`,
    "",
    `Fixes #${rng.int(10, 900)}`,
    "",
    "<details>",
    "<summary>Original prompt</summary>",
    "",
    `> ${topic.title.toLowerCase()}; keep the change small and add tests`,
    "</details>",
    "",
    "💬 We'd love your input! Share your thoughts on Copilot coding agent in our [2 minute survey](https://gh.io/copilot-coding-agent-survey).",
  ].join("\n");
}

const PACKAGES = [
  "lodash",
  "axios",
  "express",
  "typescript",
  "eslint",
  "vitest",
  "react",
  "zod",
  "pg",
  "undici",
] as const;

export interface DependencyBump {
  title: string;
  branch: string;
  body: string;
  message: string;
}

/** A Dependabot version bump: title, branch, body and commit message as Dependabot writes them. */
export function dependencyBump(rng: Rng): DependencyBump {
  const pkg = rng.pick(PACKAGES);
  const major = rng.int(1, 9);
  const minor = rng.int(0, 20);
  const from = `${major}.${minor}.${rng.int(0, 9)}`;
  const to = rng.chance(0.7) ? `${major}.${minor}.${rng.int(10, 19)}` : `${major}.${minor + 1}.0`;
  const title = `Bump ${pkg} from ${from} to ${to}`;
  const body = `Bumps [${pkg}](https://github.com/example/${pkg}) from ${from} to ${to}.`;
  const message = [
    title,
    "",
    body,
    "",
    "---",
    "updated-dependencies:",
    `- dependency-name: ${pkg}`,
    `  dependency-version: ${to}`,
    "  dependency-type: direct:production",
    "...",
    "",
    "Signed-off-by: dependabot[bot] <support@github.com>",
  ].join("\n");
  return { title, branch: `dependabot/npm_and_yarn/${pkg}-${to}`, body, message };
}

export function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .split("-")
    .slice(0, 5)
    .join("-");
}
