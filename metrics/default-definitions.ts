/**
 * Yardstick's default definitions: what metrics.yaml ships with and what applies when it leaves a definition
 * out. metrics.yaml restates the AI signal catalogue with comments for analysts (what each signal is and
 * what it implies; docs/metrics.md explains the classification), and a test keeps the two equal.
 */

/** Where a signal is looked for, and how its pattern is read. */
export const SIGNAL_KINDS = [
  "agent_login",
  "automation_login",
  "ai_reviewer_login",
  "trailer_email",
  "trailer_name",
  "message_footer",
  "body_footer",
  "branch_prefix",
  "body_link",
  "author_email",
  "author_name_suffix",
  "message_prefix",
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** Kinds whose pattern is an exact value (a login, a prefix, a suffix), compared without regard to case. */
export const LITERAL_SIGNAL_KINDS: readonly SignalKind[] = [
  "agent_login",
  "automation_login",
  "ai_reviewer_login",
  "branch_prefix",
  "author_name_suffix",
  "message_prefix",
];

export const SIGNAL_STRENGTHS = ["certain", "likely", "weak"] as const;
export type SignalStrength = (typeof SIGNAL_STRENGTHS)[number];

/** What a signal implies about the pull request it is found on. */
export const SIGNAL_AUTHORSHIPS = [
  "ai_authored",
  "ai_assisted",
  "automation",
  "ai_reviewed",
  "ai_review_suggestion",
] as const;
export type SignalAuthorship = (typeof SIGNAL_AUTHORSHIPS)[number];

export interface AiSignal {
  signal: string;
  tool: string;
  kind: SignalKind;
  pattern: string;
  strength: SignalStrength;
  authorship: SignalAuthorship;
}

export interface SizeBucket {
  bucket: string;
  /** Inclusive upper bound of changed lines (additions + deletions); absent for the last, open bucket. */
  max_lines?: number;
}

type Row = [signal: string, tool: string, pattern: string, strength: SignalStrength];

const rows = (kind: SignalKind, authorship: SignalAuthorship, list: Row[]): AiSignal[] =>
  list.map(([signal, tool, pattern, strength]) => ({ signal, tool, kind, pattern, strength, authorship }));

/** GitHub's no-reply address of an App's bot account: `<id>+<login>[bot]@users.noreply.github.com`. */
const botEmail = (id: number, login: string) =>
  `^${id}\\+${login.replace(/\./g, "\\.")}(\\[bot\\])?@users\\.noreply\\.github\\.com$`;

export const DEFAULT_AI_SIGNALS: readonly AiSignal[] = [
  // Accounts that open pull requests as an agent.
  ...rows("agent_login", "ai_authored", [
    ["copilot_agent_login", "copilot_agent", "Copilot[bot]", "certain"],
    ["copilot_swe_agent_login", "copilot_agent", "copilot-swe-agent[bot]", "certain"],
    ["devin_login", "devin", "devin-ai-integration[bot]", "certain"],
    ["jules_login", "jules", "google-labs-jules[bot]", "certain"],
    ["amazon_q_login", "amazon_q", "amazon-q-developer[bot]", "certain"],
    ["claude_app_login", "claude_code", "claude[bot]", "certain"],
    ["anthropic_claude_login", "claude_code", "anthropic-claude[bot]", "certain"],
    ["claude_code_action_login", "claude_code", "claude-code-action[bot]", "certain"],
    ["openai_codex_login", "codex", "openai-codex[bot]", "certain"],
    ["openhands_login", "openhands", "openhands-agent", "likely"],
    ["sweep_login", "sweep", "sweep-ai[bot]", "likely"],
    ["sweep_nightly_login", "sweep", "sweep-nightly[bot]", "likely"],
    ["sweep_canary_login", "sweep", "sweep-canary[bot]", "likely"],
  ]),
  // Accounts whose reviews make a pull request ai_reviewed (never its authorship).
  ...rows("ai_reviewer_login", "ai_reviewed", [
    ["copilot_code_review_login", "copilot_code_review", "copilot-pull-request-reviewer[bot]", "certain"],
    ["coderabbit_login", "coderabbit", "coderabbitai[bot]", "certain"],
    ["gemini_code_assist_login", "gemini_code_assist", "gemini-code-assist[bot]", "certain"],
    ["codex_review_login", "codex_review", "chatgpt-codex-connector[bot]", "certain"],
    ["cursor_bugbot_login", "cursor_bugbot", "cursor[bot]", "likely"],
  ]),
  // Commit authors that are an agent: the agent wrote the commit (the pull request, when at least
  // ai_authored_commit_share of its commits are such).
  ...rows("author_email", "ai_authored", [
    ["copilot_agent_author", "copilot_agent", botEmail(198982749, "Copilot"), "certain"],
    ["copilot_app_author", "copilot_agent", botEmail(223556219, "Copilot"), "certain"],
    ["claude_code_cloud_author", "claude_code", "^no-?reply@anthropic\\.com$", "certain"],
    ["cursor_agent_author", "cursor", "^cursoragent@cursor\\.com$", "certain"],
    ["devin_author", "devin", botEmail(158243242, "devin-ai-integration"), "certain"],
    ["jules_author", "jules", botEmail(161369871, "google-labs-jules"), "certain"],
    ["amazon_q_author", "amazon_q", botEmail(208079219, "amazon-q-developer"), "certain"],
    ["claude_app_author", "claude_code", botEmail(209825114, "claude"), "certain"],
    ["openhands_author", "openhands", "^openhands@all-hands\\.dev$", "certain"],
    ["codex_author", "codex", "^codex@openai\\.com$", "likely"],
  ]),
  // Co-author (or other) trailers carrying a tool's e-mail: a human worked with the tool.
  ...rows("trailer_email", "ai_assisted", [
    ["claude_code_coauthor", "claude_code", "^no-?reply@anthropic\\.com$", "certain"],
    ["cursor_coauthor", "cursor", "^cursoragent@cursor\\.com$", "certain"],
    ["codex_coauthor", "codex", "^no-?reply@openai\\.com$", "certain"],
    ["copilot_coauthor", "copilot", "^copilot@github\\.com$", "certain"],
    ["copilot_app_coauthor", "copilot", botEmail(223556219, "Copilot"), "likely"],
    ["devin_coauthor", "devin", botEmail(158243242, "devin-ai-integration"), "certain"],
    ["aider_coauthor", "aider", "@aider\\.chat$", "certain"],
    ["openhands_coauthor", "openhands", "^openhands@all-hands\\.dev$", "certain"],
    ["amp_coauthor", "amp", "^amp@ampcode\\.com$", "certain"],
  ]),
  // A Copilot review suggestion or Autofix a human accepted: recorded, never makes a pull request ai_assisted.
  ...rows("trailer_email", "ai_review_suggestion", [
    ["copilot_suggestion_coauthor", "copilot", botEmail(175728472, "Copilot"), "certain"],
  ]),
  // Trailers recognised by key and value, matched against "<key in lower case>: <value>".
  ...rows("trailer_name", "ai_assisted", [
    ["cursor_made_with", "cursor", "^made-with: *cursor\\b", "certain"],
    ["replit_agent_trailer", "replit", "^replit-commit-author: *agent\\b", "certain"],
    ["devin_bare_coauthor", "devin", "^co-authored-by: *devin *$", "likely"],
    ["assisted_by_trailer", "other", "^assisted-by: *\\S", "likely"],
  ]),
  ...rows("trailer_name", "ai_authored", [
    ["claude_session_trailer", "claude_code", "^claude-session: *https://claude\\.ai/code/", "certain"],
  ]),
  // Lines tools write into commit messages and pull request bodies.
  ...rows("message_footer", "ai_assisted", [
    ["claude_code_commit_footer", "claude_code", "generated with \\[?claude code\\b", "certain"],
    ["devin_commit_footer", "devin", "generated with \\[devin\\]", "likely"],
  ]),
  ...rows("message_prefix", "ai_assisted", [["aider_message_prefix", "aider", "aider: ", "certain"]]),
  ...rows("author_name_suffix", "ai_assisted", [["aider_author_name", "aider", " (aider)", "certain"]]),
  ...rows("body_footer", "ai_assisted", [
    ["claude_code_body_footer", "claude_code", "generated with \\[?claude code\\b", "certain"],
    ["cursor_body_footer", "cursor", "made with \\[cursor\\]\\(https://cursor\\.com", "certain"],
    ["devin_body_footer", "devin", "generated with \\[devin\\]", "likely"],
  ]),
  ...rows("body_footer", "ai_authored", [
    ["copilot_agent_body", "copilot_agent", "share your thoughts on copilot coding agent", "likely"],
  ]),
  ...rows("body_footer", "ai_reviewed", [
    ["coderabbit_summary", "coderabbit", "release notes by coderabbit\\.ai", "certain"],
    ["cursor_bugbot_summary", "cursor_bugbot", "<!-- *cursor_summary *-->", "likely"],
  ]),
  // Links to an agent's cloud task in the pull request body: the agent did the work.
  ...rows("body_link", "ai_authored", [
    ["codex_task_link", "codex", "chatgpt\\.com/codex/tasks/task_", "certain"],
    ["cursor_agent_link", "cursor", "cursor\\.com/agents/bc-", "certain"],
    ["cursor_background_agent_link", "cursor", "cursor\\.com/background-agent\\?bcid=bc-", "certain"],
    ["claude_session_link", "claude_code", "claude\\.ai/code/session_", "certain"],
  ]),
  ...rows("body_link", "ai_reviewed", [
    ["devin_review_badge", "devin_review", "app\\.devin\\.ai/review/", "likely"],
  ]),
  // Branch names agents choose: likely only, so they count when another signal of the tool agrees.
  ...rows("branch_prefix", "ai_authored", [
    ["copilot_agent_branch", "copilot_agent", "copilot/", "likely"],
    ["codex_branch", "codex", "codex/", "likely"],
    ["cursor_branch", "cursor", "cursor/", "likely"],
    ["claude_code_branch", "claude_code", "claude/", "likely"],
    ["devin_branch", "devin", "devin/", "likely"],
  ]),
];

/** Accounts whose pull requests are automation (dependency bumps, releases), not people or AI. */
export const DEFAULT_AUTOMATION_ACCOUNTS: readonly string[] = [
  "dependabot[bot]",
  "renovate[bot]",
  "github-actions[bot]",
  "pre-commit-ci[bot]",
];

/** Changed lines (additions + deletions) per size bucket: AI and unmarked work are compared within them. */
export const DEFAULT_SIZE_BUCKETS: readonly SizeBucket[] = [
  { bucket: "0-10", max_lines: 10 },
  { bucket: "11-100", max_lines: 100 },
  { bucket: "101-500", max_lines: 500 },
  { bucket: "501+" },
];

export const DEFAULT_PRODUCTION_ENVIRONMENT_PATTERN = "^(prod|production)([-_ ].*)?$";
