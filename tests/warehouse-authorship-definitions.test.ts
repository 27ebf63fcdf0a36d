/**
 * The definitions of metrics.yaml that the warehouse classifies with: their validation (file:line:column),
 * their defaults, the shipped file, the build inputs they become, and the required-text shortcut the build
 * takes before running a pattern.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { InputError } from "../core/errors.ts";
import { DEFAULT_AI_SIGNALS, LITERAL_SIGNAL_KINDS } from "../metrics/default-definitions.ts";
import { DEFAULT_DEFINITIONS } from "../metrics/metric-schema.ts";
import { loadMetricsFile, parseMetricsFile } from "../metrics/metrics-file.ts";
import { re2PatternProblem, requiredLiteral } from "../metrics/re2-pattern.ts";
import { aiSignalRows, writeBuildInputs } from "../warehouse/build-inputs.ts";
import { sqlLiteral, withDb } from "../warehouse/duckdb.ts";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));

const METRIC = `metrics:
  - name: merged_prs
    label: Merged PRs
    description: Merged pull requests.
    owner: devex
    type: simple
    model: fct_pull_requests
    agg: count
    expr: pull_request_id
    filter: is_merged
    time_dimension: merged_at
    unit: count
    direction: neutral
`;

const withDefinitions = (definitions: string) => `version: 1\ndefinitions:\n${definitions}\n${METRIC}`;

function reportFor(text: string): InputError {
  try {
    parseMetricsFile(text, "bad.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected the metrics file to be rejected");
}

/** "bad.yaml:<line>:<column>" of the first occurrence of `needle`, counted by hand. */
function positionOf(text: string, needle: string): string {
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes(needle));
  expect(line).toBeGreaterThanOrEqual(0);
  return `bad.yaml:${line + 1}:${lines[line]!.indexOf(needle) + 1}`;
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe("metrics.yaml definitions", () => {
  it("ships metrics.yaml with exactly Yardstick's default definitions written out", () => {
    const shipped = loadMetricsFile(join(root, "metrics.yaml"));
    expect(shipped.definitions).toEqual(DEFAULT_DEFINITIONS);
    // The file is where analysts read the catalogue: every default signal is written in it.
    const text = readFileSync(join(root, "metrics.yaml"), "utf8");
    for (const s of DEFAULT_AI_SIGNALS) expect(text).toContain(`signal: ${s.signal},`);
  });

  it("gives every definition left out its default, and keeps the ones written", () => {
    const file = parseMetricsFile(withDefinitions("  revert_window_days: 14\n  privacy_floor: 3"), "m.yaml");
    expect(file.definitions).toEqual({ ...DEFAULT_DEFINITIONS, revert_window_days: 14, privacy_floor: 3 });
    const none = parseMetricsFile(`version: 1\n${METRIC}`, "m.yaml");
    expect(none.definitions).toEqual(DEFAULT_DEFINITIONS);
  });

  it.each([
    [
      "a signal kind that does not exist",
      "  ai_signals:\n    - { signal: x, tool: t, kind: commit_trailer, pattern: 'a', strength: certain, authorship: ai_assisted }",
      "commit_trailer",
      "definitions.ai_signals[0].kind",
    ],
    [
      "a lookbehind RE2 cannot run",
      "  ai_signals:\n    - { signal: x, tool: t, kind: body_footer, pattern: '(?<=made) with', strength: certain, authorship: ai_assisted }",
      "(?<=made)",
      "definitions.ai_signals[0].pattern",
    ],
    [
      "a pattern that is no regular expression",
      "  ai_signals:\n    - { signal: x, tool: t, kind: trailer_email, pattern: '[unclosed', strength: certain, authorship: ai_assisted }",
      "[unclosed",
      "definitions.ai_signals[0].pattern",
    ],
    [
      "a login signal that is no login",
      "  ai_signals:\n    - { signal: x, tool: t, kind: agent_login, pattern: 'bot*', strength: certain, authorship: ai_authored }",
      "bot*",
      "definitions.ai_signals[0].pattern",
    ],
    [
      "an automation account that is no login",
      '  automation_accounts: ["dependabot [bot]"]',
      "dependabot [bot]",
      "definitions.automation_accounts[0]",
    ],
    [
      "size buckets out of order",
      "  size_buckets:\n    - { bucket: a, max_lines: 100 }\n    - { bucket: b, max_lines: 50 }\n    - { bucket: c }",
      "max_lines: 50",
      "definitions.size_buckets[1].max_lines",
    ],
    [
      "a last size bucket with an upper bound",
      "  size_buckets:\n    - { bucket: a, max_lines: 10 }\n    - { bucket: b, max_lines: 50 }",
      "max_lines: 50",
      "definitions.size_buckets[1].max_lines",
    ],
    [
      "a commit share above 1",
      "  ai_authored_commit_share: 1.5",
      "1.5",
      "definitions.ai_authored_commit_share",
    ],
    [
      "a production pattern with a backreference",
      "  production_environment_pattern: '(prod)\\1'",
      "(prod)",
      "definitions.production_environment_pattern",
    ],
  ])("reports %s with file:line:column and the field", (_what, definitions, needle, field) => {
    const text = withDefinitions(definitions);
    const error = reportFor(text);
    expect(error.exitCode).toBe(2);
    const problem = error.problems.find((p) => p.field === field);
    expect(problem, error.report()).toBeDefined();
    const [, line] = positionOf(text, needle).split(":");
    expect(problem!.position?.line).toBe(Number(line));
  });

  it("reports a signal id used twice at the second one", () => {
    const signal =
      "{ signal: same, tool: t, kind: branch_prefix, pattern: 'x/', strength: likely, authorship: ai_authored }";
    const text = withDefinitions(`  ai_signals:\n    - ${signal}\n    - ${signal}`);
    const error = reportFor(text);
    expect(error.report()).toContain(
      `definitions.ai_signals[1].signal (bad.yaml:${text.split("\n").findLastIndex((l) => l.includes("same")) + 1}:`,
    );
    expect(error.report()).toContain('"same" is already the id of ai_signals[0]');
  });
});

describe("regular expressions for the warehouse", () => {
  it.each([
    ["(?=x)", /lookahead/],
    ["(?<!x)y", /lookbehind/],
    ["(a)\\1", /backreference/],
    ["a++", /possessive/],
    ["(?i)claude", /inline flags/],
    ["(", /not a valid regular expression/],
  ])("rejects %s, which RE2 cannot run as written", (pattern, message) => {
    expect(re2PatternProblem(pattern)).toMatch(message);
  });

  it("accepts every pattern of the default catalogue", () => {
    for (const s of DEFAULT_AI_SIGNALS) {
      if (!LITERAL_SIGNAL_KINDS.includes(s.kind))
        expect(re2PatternProblem(s.pattern), s.signal).toBeUndefined();
    }
  });

  it.each([
    ["chatgpt\\.com/codex/tasks/task_", "chatgpt.com/codex/tasks/task_"],
    ["^made-with: *cursor\\b", "made-with:"],
    ["generated with \\[?claude code\\b", "generated with "],
    ["colou?r scheme", "r scheme"],
    ["abc+d", "abc"],
    ["x{2,3}yzw", "yzw"],
    ["(claude|devin) code", " code"],
    ["Generated With [Devin]", "generated with "],
  ])("finds the text every match of %s contains", (pattern, literal) => {
    expect(requiredLiteral(pattern)).toBe(literal);
  });

  it.each([["claude|devin"], ["\\x41bc"], ["\\p{L}+"], ["a.b"], ["[abc]+"]])(
    "claims no required text for %s, where none can be proved",
    (pattern) => {
      expect(requiredLiteral(pattern)).toBeNull();
    },
  );

  it("never claims text a real match of a default signal lacks", () => {
    const matches: Record<string, string> = {
      claude_code_commit_footer: "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
      claude_code_body_footer: "Generated with Claude Code",
      cursor_body_footer: "Made with [Cursor](https://cursor.com)",
      copilot_agent_body:
        "💬 We'd love your input! Share your thoughts on Copilot coding agent in our survey",
      coderabbit_summary: "<!-- This is an auto-generated comment: release notes by coderabbit.ai -->",
      cursor_bugbot_summary: "<!--CURSOR_SUMMARY-->",
      codex_task_link: "[Codex Task](https://chatgpt.com/codex/tasks/task_e_68ab12)",
      cursor_agent_link: "https://cursor.com/agents/bc-1234",
      cursor_background_agent_link: "https://cursor.com/background-agent?bcId=bc-1234",
      claude_session_link: "https://claude.ai/code/session_01AbC",
      devin_review_badge: "[Open in Devin Review](https://app.devin.ai/review/acme/api/pull/7)",
      devin_commit_footer: "Generated with [Devin](https://devin.ai)",
      cursor_made_with: "made-with: Cursor",
      claude_session_trailer: "claude-session: https://claude.ai/code/session_01AbC",
      claude_code_coauthor: "noreply@anthropic.com",
      copilot_agent_author: "198982749+copilot@users.noreply.github.com",
      copilot_app_author: "223556219+copilot@users.noreply.github.com",
    };
    for (const [signal, text] of Object.entries(matches)) {
      const s = DEFAULT_AI_SIGNALS.find((x) => x.signal === signal);
      expect(s, signal).toBeDefined();
      expect(new RegExp(s!.pattern, "im").test(text), `${signal} matches its example`).toBe(true);
      const literal = requiredLiteral(s!.pattern);
      if (literal !== null) expect(text.toLowerCase(), signal).toContain(literal);
    }
  });
});

describe("definitions as build inputs", () => {
  it("tests every variant in dbt against exactly the default catalogue", () => {
    const file = join(root, "models/intermediate/authorship/int_pull_request_ai_evidence.yml");
    const doc = parse(readFileSync(file, "utf8")) as {
      unit_tests: { name: string; given: { input: string; rows: Record<string, unknown>[] }[] }[];
    };
    const test = doc.unit_tests.find(
      (t) => t.name === "test_every_signal_variant_with_the_default_catalogue",
    );
    const fixture = test?.given.find((g) => g.input === "ref('stg_yardstick__ai_signals')")?.rows;
    expect(fixture).toEqual(aiSignalRows(DEFAULT_DEFINITIONS));
  });

  it("turns automation accounts into automation_login signals after the catalogue", () => {
    const rows = aiSignalRows({ ai_signals: [], automation_accounts: ["Dependabot[bot]", "ops-robot"] });
    expect(rows).toEqual([
      {
        signal: "automation_account_dependabot_bot",
        tool: "dependabot",
        kind: "automation_login",
        pattern: "Dependabot[bot]",
        strength: "certain",
        authorship: "automation",
        required_text: null,
      },
      {
        signal: "automation_account_ops_robot",
        tool: "ops-robot",
        kind: "automation_login",
        pattern: "ops-robot",
        strength: "certain",
        authorship: "automation",
        required_text: null,
      },
    ]);
  });

  it("writes one typed definitions row, the catalogue and contiguous size buckets", async () => {
    const dir = mkdtempSync(join(tmpdir(), "yardstick-definitions-"));
    scratch.push(dir);
    const definitions = {
      ...DEFAULT_DEFINITIONS,
      incident_labels: ["sev1", "Incident's"],
      revert_window_days: 14,
      team_attribution: "repository_first" as const,
      size_buckets: [{ bucket: "s", max_lines: 49 }, { bucket: "m", max_lines: 199 }, { bucket: "l" }],
    };
    const written = await writeBuildInputs({ teams: [] }, dir, definitions);
    expect(written.rows.aiSignals).toBe(
      DEFAULT_AI_SIGNALS.length + DEFAULT_DEFINITIONS.automation_accounts.length,
    );
    const read = (file: string, sql = "*") =>
      withDb(":memory:", "read_write", (db) =>
        db.all(`select ${sql} from read_parquet(${sqlLiteral(file)})`),
      );
    expect(await read(written.files.definitions)).toEqual([
      {
        production_environment_pattern: "^(prod|production)([-_ ].*)?$",
        revert_window_days: 14,
        incident_labels: ["sev1", "Incident's"],
        privacy_floor: 5,
        other_bots_are_automation: true,
        ai_authored_commit_share: 1,
        team_attribution: "repository_first",
      },
    ]);
    expect(await read(written.files.sizeBuckets)).toEqual([
      { bucket: "s", min_lines: 0, max_lines: 49 },
      { bucket: "m", min_lines: 50, max_lines: 199 },
      { bucket: "l", min_lines: 200, max_lines: null },
    ]);
    const signals = await read(written.files.aiSignals, "signal, kind, pattern, required_text");
    expect(signals).toContainEqual({
      signal: "codex_task_link",
      kind: "body_link",
      pattern: "chatgpt\\.com/codex/tasks/task_",
      required_text: "chatgpt.com/codex/tasks/task_",
    });
    expect(signals).toContainEqual({
      signal: "copilot_swe_agent_login",
      kind: "agent_login",
      pattern: "copilot-swe-agent[bot]",
      required_text: null,
    });
  });
});
