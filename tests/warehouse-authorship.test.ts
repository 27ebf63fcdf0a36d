/**
 * Authorship end to end: a hand-made lake of tricky pull requests (every tool's markers, agents, bots and
 * the look-alikes that must not match) built with real dbt and Yardstick's default definitions; the
 * expected classes are written by hand from the rules docs/metrics.md and metrics.yaml's catalogue describe,
 * not read from the models.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Config, configFromObject, dataPaths } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { createMemoryLogger } from "../core/logger.ts";
import type { CommitNode, ReviewNode } from "../extractors/github/streams/records.ts";
import { DEFAULT_DEFINITIONS, type Definitions } from "../metrics/metric-schema.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { bot, commitNode, Extraction, pullRequestNode, sha, user } from "./fixtures/lake-fixture.ts";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const REPO = "acme/api";

const noreply = (id: number, login: string) => `${id}+${login}@users.noreply.github.com`;
interface GitIdentity {
  name: string;
  email: string;
  login: string | null;
}
const person = (login: string, name = login): GitIdentity => ({
  name,
  email: `${login}@acme.example`,
  login,
});
const COPILOT_AGENT: GitIdentity = {
  name: "copilot-swe-agent[bot]",
  email: noreply(198982749, "Copilot"),
  login: null,
};

let day = 0;
/** A commit on its own day, so every pull request's times are distinct and ordered. */
function commit(label: string, message: string, author: GitIdentity = person("ada")): CommitNode {
  day += 1;
  const at = `2024-03-${String((day % 27) + 1).padStart(2, "0")}T09:00:00Z`;
  return commitNode({ oid: sha(label), message, authoredDate: at, author });
}

function review(id: string, login: string, type: "User" | "Bot", state: string, at: string): ReviewNode {
  return {
    id,
    fullDatabaseId: String(id.length),
    state,
    submittedAt: at,
    author: { __typename: type, login },
    authorAssociation: type === "Bot" ? "NONE" : "MEMBER",
    commit: null,
    comments: { totalCount: 0 },
  };
}

interface Case {
  number: number;
  why: string;
  author: ReturnType<typeof user>;
  branch?: string;
  body?: string;
  commits: CommitNode[];
  reviews?: ReviewNode[];
  timeline?: { __typename: string; createdAt: string; actor?: ReturnType<typeof user> }[];
  expected: {
    authorship_class: string;
    ai_tools: string[];
    initiated_by: string | null;
    ai_reviewed?: boolean;
    has_ai_review_suggestion?: boolean;
  };
}

const CASES: Case[] = [
  {
    number: 1,
    why: "Claude Code CLI: footer and co-author trailer with the model and context in the name",
    author: user("ada"),
    commits: [
      commit(
        "c1",
        "feat: retries\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>",
      ),
    ],
    expected: { authorship_class: "ai_assisted", ai_tools: ["claude_code"], initiated_by: null },
  },
  {
    number: 2,
    why: "a hand-typed Claude co-author (no-reply, other name, lower-case key) and nothing else",
    author: user("ada"),
    commits: [commit("c2", "fix: x\n\nco-authored-by: Claude Code <no-reply@anthropic.com>")],
    expected: { authorship_class: "ai_assisted", ai_tools: ["claude_code"], initiated_by: null },
  },
  {
    number: 3,
    why: "Cursor's Made-with trailer",
    author: user("bob"),
    commits: [commit("c3", "feat: y\n\nMade-with: Cursor", person("bob"))],
    expected: { authorship_class: "ai_assisted", ai_tools: ["cursor"], initiated_by: null },
  },
  {
    number: 4,
    why: "Codex CLI and Copilot IDE trailers on two commits",
    author: user("bob"),
    commits: [
      commit("c4a", "feat: z\n\nCo-authored-by: Codex <noreply@openai.com>", person("bob")),
      commit("c4b", "test: z\n\nCo-authored-by: Copilot <copilot@github.com>", person("bob")),
    ],
    expected: { authorship_class: "ai_assisted", ai_tools: ["codex", "copilot"], initiated_by: null },
  },
  {
    number: 5,
    why: "Aider: message prefix and author name suffix",
    author: user("dave"),
    commits: [commit("c5", "aider: handle empty carts", { ...person("dave", "Dave Ross (aider)") })],
    expected: { authorship_class: "ai_assisted", ai_tools: ["aider"], initiated_by: null },
  },
  {
    number: 6,
    why: "Copilot coding agent: opener, commits crediting the requester, survey line; Copilot reviewed it",
    author: bot("copilot-swe-agent"),
    branch: "copilot/fix-timezone",
    body: "Fixes #12\n\n💬 We'd love your input! Share your thoughts on Copilot coding agent in our [2 minute survey](https://gh.io/x).",
    commits: [
      commit("c6a", `Initial plan\n\nCo-authored-by: bob <${noreply(1001, "bob")}>`, COPILOT_AGENT),
      commit("c6b", `fix: use UTC\n\nCo-authored-by: bob <${noreply(1001, "bob")}>`, COPILOT_AGENT),
    ],
    reviews: [
      review("R6a", "copilot-pull-request-reviewer", "Bot", "COMMENTED", "2024-03-20T10:00:00Z"),
      review("R6b", "bob", "User", "COMMENTED", "2024-03-20T11:00:00Z"),
    ],
    expected: {
      authorship_class: "ai_authored",
      ai_tools: ["copilot_agent"],
      initiated_by: "bob",
      ai_reviewed: true,
    },
  },
  {
    number: 7,
    why: "Codex cloud: a person opens it from codex/ with the task link; git carries no Codex identity",
    author: user("erin"),
    branch: "codex/add-health-check",
    body: "Adds /healthz.\n\n[Codex Task](https://chatgpt.com/codex/tasks/task_e_68ab12cd)",
    commits: [commit("c7", "feat: add /healthz", person("erin"))],
    expected: { authorship_class: "ai_authored", ai_tools: ["codex"], initiated_by: "erin" },
  },
  {
    number: 8,
    why: "Cursor background agent: commits authored by Cursor Agent, crediting the person who opened it",
    author: user("carol"),
    branch: "cursor/fix-flaky-test-9f65",
    commits: [
      commit("c8", "test: deterministic scheduler\n\nCo-authored-by: Carol <carol@acme.example>", {
        name: "Cursor Agent",
        email: "cursoragent@cursor.com",
        login: null,
      }),
    ],
    expected: { authorship_class: "ai_authored", ai_tools: ["cursor"], initiated_by: "carol" },
  },
  {
    number: 9,
    why: "Claude Code on the web: Claude as commit author, session trailer, claude/ branch",
    author: user("ada"),
    branch: "claude/add-audit-events-a1b2c",
    commits: [
      commit("c9", "feat: audit events\n\nClaude-Session: https://claude.ai/code/session_01AbCd", {
        name: "Claude",
        email: "noreply@anthropic.com",
        login: null,
      }),
    ],
    expected: { authorship_class: "ai_authored", ai_tools: ["claude_code"], initiated_by: "ada" },
  },
  {
    number: 10,
    why: "Devin opens it; the person who marked it ready for review asked for it",
    author: bot("devin-ai-integration"),
    branch: "devin/1710000000-fix",
    commits: [
      commit("c10", "fix: paginate users", {
        name: "Devin AI",
        email: noreply(158243242, "devin-ai-integration[bot]"),
        login: null,
      }),
    ],
    timeline: [{ __typename: "ReadyForReviewEvent", createdAt: "2024-03-21T10:00:00Z", actor: user("dave") }],
    expected: { authorship_class: "ai_authored", ai_tools: ["devin"], initiated_by: "dave" },
  },
  {
    number: 11,
    why: "a dependabot pull request",
    author: bot("dependabot"),
    branch: "dependabot/npm_and_yarn/lodash-4.17.21",
    commits: [
      commit("c11", "Bump lodash\n\nSigned-off-by: dependabot[bot] <support@github.com>", {
        name: "dependabot[bot]",
        email: noreply(49699333, "dependabot[bot]"),
        login: null,
      }),
    ],
    expected: { authorship_class: "automation", ai_tools: [], initiated_by: null },
  },
  {
    number: 12,
    why: "opened by a person, but every commit authored by renovate",
    author: user("ops-person"),
    commits: [
      commit("c12", "chore(deps): update vitest", {
        name: "renovate[bot]",
        email: noreply(29139614, "renovate[bot]"),
        login: null,
      }),
    ],
    expected: { authorship_class: "automation", ai_tools: [], initiated_by: null },
  },
  {
    number: 13,
    why: "a release bot no list names",
    author: bot("acme-release-bot"),
    commits: [commit("c13", "chore: release 2.0.0", person("ada"))],
    expected: { authorship_class: "automation", ai_tools: [], initiated_by: null },
  },
  {
    number: 14,
    why: "look-alike: a human named Claude",
    author: user("claude-martin"),
    branch: "claude-martin/fix",
    body: "Claude here: small fix.",
    commits: [
      commit(
        "c14",
        "fix: typo\n\nSigned-off-by: Claude Martin <claude.martin@acme.example>",
        person("claude-martin", "Claude Martin"),
      ),
    ],
    expected: { authorship_class: "unmarked", ai_tools: [], initiated_by: null },
  },
  {
    number: 15,
    why: "look-alike: the word cursor in the title, message, body and branch",
    author: user("bob"),
    branch: "fix/cursor-pagination",
    body: "Fix cursor pagination in the audit log; the codex module is untouched.",
    commits: [commit("c15", "fix: reset the cursor when the filter changes", person("bob"))],
    expected: { authorship_class: "unmarked", ai_tools: [], initiated_by: null },
  },
  {
    number: 16,
    why: "look-alike: a Copilot review suggestion applied by a human",
    author: user("bob"),
    commits: [
      commit(
        "c16",
        `Apply suggestion from @Copilot\n\nCo-authored-by: Copilot <${noreply(175728472, "Copilot")}>`,
        person("bob"),
      ),
    ],
    expected: {
      authorship_class: "unmarked",
      ai_tools: [],
      initiated_by: null,
      has_ai_review_suggestion: true,
    },
  },
  {
    number: 17,
    why: "look-alike: a human co-author",
    author: user("ada"),
    commits: [commit("c17", `feat: pair work\n\nCo-authored-by: bob <${noreply(1001, "bob")}>`)],
    expected: { authorship_class: "unmarked", ai_tools: [], initiated_by: null },
  },
  {
    number: 18,
    why: "look-alike: a person whose login is claude (not the App claude[bot])",
    author: user("claude"),
    commits: [commit("c18", "docs: readme", person("claude"))],
    expected: { authorship_class: "unmarked", ai_tools: [], initiated_by: null },
  },
  {
    number: 19,
    why: "CodeRabbit's summary and review on a person's pull request: reviewed, not authored",
    author: user("carol"),
    body: "Change.\n\n<!-- This is an auto-generated comment: release notes by coderabbit.ai -->\n## Summary by CodeRabbit",
    commits: [commit("c19", "feat: q", person("carol"))],
    reviews: [review("R19", "coderabbitai", "Bot", "COMMENTED", "2024-03-22T10:00:00Z")],
    expected: { authorship_class: "unmarked", ai_tools: [], initiated_by: null, ai_reviewed: true },
  },
  {
    number: 20,
    why: "a person whose branch starts devin/ and nothing else",
    author: user("devin"),
    branch: "devin/readme",
    commits: [commit("c20", "docs: readme", person("devin", "Devin Walsh"))],
    expected: { authorship_class: "unmarked", ai_tools: [], initiated_by: null },
  },
  {
    number: 21,
    why: "Devin CLI's bare co-author trailer (likely)",
    author: user("dave"),
    commits: [commit("c21", "feat: r\n\nCo-Authored-By: Devin", person("dave"))],
    expected: { authorship_class: "ai_assisted", ai_tools: ["devin"], initiated_by: null },
  },
  {
    number: 22,
    why: "the Copilot App co-author (likely)",
    author: user("erin"),
    commits: [
      commit(
        "c22",
        `feat: s\n\nCo-authored-by: Copilot App <${noreply(223556219, "Copilot")}>`,
        person("erin"),
      ),
    ],
    expected: { authorship_class: "ai_assisted", ai_tools: ["copilot"], initiated_by: null },
  },
  {
    number: 23,
    why: "OpenHands authored every commit of a person's pull request",
    author: user("dave"),
    commits: [commit("c23", "feat: t", { name: "openhands", email: "openhands@all-hands.dev", login: null })],
    expected: { authorship_class: "ai_authored", ai_tools: ["openhands"], initiated_by: "dave" },
  },
  {
    number: 24,
    why: "Jules opens it and nothing names a person",
    author: bot("google-labs-jules"),
    commits: [
      commit("c24", "feat: u", {
        name: "google-labs-jules[bot]",
        email: noreply(161369871, "google-labs-jules[bot]"),
        login: null,
      }),
    ],
    expected: { authorship_class: "ai_authored", ai_tools: ["jules"], initiated_by: null },
  },
  {
    number: 25,
    why: "the Copilot agent pushes a review fix to a person's pull request: one commit in three",
    author: user("ada"),
    commits: [
      commit("c25a", "feat: retries"),
      commit("c25b", "test: retries"),
      commit(
        "c25c",
        `Address review feedback\n\nCo-authored-by: ada <${noreply(1000, "ada")}>`,
        COPILOT_AGENT,
      ),
    ],
    expected: { authorship_class: "ai_assisted", ai_tools: ["copilot_agent"], initiated_by: null },
  },
  {
    number: 26,
    why: "Codex authors one commit of a person's Claude-assisted pull request",
    author: user("bob"),
    commits: [
      commit("c26a", "feat: v\n\nCo-Authored-By: Claude <noreply@anthropic.com>", person("bob")),
      commit("c26b", "fix: v", { name: "Codex", email: "codex@openai.com", login: null }),
    ],
    expected: { authorship_class: "ai_assisted", ai_tools: ["claude_code", "codex"], initiated_by: null },
  },
  {
    number: 27,
    why: "the Copilot App's address authored every commit of a person's pull request",
    author: user("carol"),
    commits: [
      commit("c27", "feat: w", { name: "Copilot", email: noreply(223556219, "Copilot"), login: null }),
    ],
    expected: { authorship_class: "ai_authored", ai_tools: ["copilot_agent"], initiated_by: "carol" },
  },
  {
    number: 28,
    why: "Cursor's agent made the cursor/ branch and its first commit; the person pushed the rest",
    author: user("dave"),
    branch: "cursor/add-audit-log-7c1e",
    commits: [
      commit("c28a", "feat: audit log\n\nCo-authored-by: Dave <dave@acme.example>", {
        name: "Cursor Agent",
        email: "cursoragent@cursor.com",
        login: null,
      }),
      commit("c28b", "fix: audit log", person("dave")),
      commit("c28c", "test: audit log", person("dave")),
    ],
    expected: { authorship_class: "ai_authored", ai_tools: ["cursor"], initiated_by: "dave" },
  },
];

function makeConfig(dataDir: string): Config {
  return configFromObject(
    {
      dataDir,
      github: { url: "http://127.0.0.1:1/graphql", repos: [REPO] },
      teams: [{ name: "platform", members: ["ada", "bob"], repos: [REPO] }],
    },
    join(dataDir, "yardstick.yaml"),
  );
}

interface AuthorshipRow {
  number: number;
  authorship_class: string;
  ai_tools: string[];
  initiated_by: string | null;
  ai_reviewed: boolean;
  has_ai_review_suggestion: boolean;
}

async function readAuthorship(warehouse: string): Promise<AuthorshipRow[]> {
  return await withDb(warehouse, "read_only", (db) =>
    db.all<AuthorshipRow>(
      `select pr.number, a.authorship_class, a.ai_tools, a.initiated_by, a.ai_reviewed, a.has_ai_review_suggestion
       from int_pull_requests_authorship a
       join stg_github__pull_requests pr using (pull_request_id)
       order by pr.number`,
    ),
  );
}

const expectedRow = (c: Case): AuthorshipRow => ({
  number: c.number,
  authorship_class: c.expected.authorship_class,
  ai_tools: c.expected.ai_tools,
  initiated_by: c.expected.initiated_by,
  ai_reviewed: c.expected.ai_reviewed ?? false,
  has_ai_review_suggestion: c.expected.has_ai_review_suggestion ?? false,
});

describe("authorship classification end to end", () => {
  let dataDir: string;
  let config: Config;

  beforeAll(async () => {
    await ensurePythonEnv({ root, logger: createMemoryLogger() });
    dataDir = mkdtempSync(join(tmpdir(), "yardstick-authorship-"));
    config = makeConfig(dataDir);
    const extraction = new Extraction("run-1", new Date("2024-04-01T02:00:00Z"));
    for (const c of CASES) {
      extraction.pullRequest(
        pullRequestNode({
          repository: REPO,
          number: c.number,
          author: c.author,
          createdAt: "2024-03-15T10:00:00Z",
          mergedAt: "2024-03-25T10:00:00Z",
          headRefName: c.branch,
          body: c.body,
          commits: c.commits,
          reviews: c.reviews,
          timeline: c.timeline,
        }),
      );
    }
    await extraction.land(dataPaths(dataDir).lake);
  }, 120_000);

  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("classifies every tool's markers, agents and bots, and none of the look-alikes", async () => {
    const result = await buildWarehouse({
      config,
      root,
      logger: createMemoryLogger(),
      runId: "authorship-1",
      definitions: DEFAULT_DEFINITIONS,
    });
    expect(result.tests.failed).toBe(0);
    const rows = await readAuthorship(result.warehousePath);
    for (const c of CASES) {
      expect(
        rows.find((r) => r.number === c.number),
        `#${c.number}: ${c.why}`,
      ).toEqual(expectedRow(c));
    }
    expect(rows).toHaveLength(CASES.length);

    const first = await withDb(result.warehousePath, "read_only", (db) =>
      db.all<{ number: number; first_reviewer_login: string | null; ai_review_count: number }>(
        `select pr.number, r.first_reviewer_login, r.ai_review_count
         from int_pull_requests_reviews r join stg_github__pull_requests pr using (pull_request_id)
         where pr.number in (6, 19) order by pr.number`,
      ),
    );
    // The AI reviewer answered first on both; only bob's review on the agent's pull request is a first review.
    expect(first).toEqual([
      { number: 6, first_reviewer_login: "bob", ai_review_count: 1 },
      { number: 19, first_reviewer_login: null, ai_review_count: 1 },
    ]);
  }, 180_000);

  it("describes every account once, bots under their [bot] key, agents' git identities under the agent", async () => {
    const accounts = await withDb(dataPaths(dataDir).warehouse, "read_only", (db) =>
      db.all<{ author_key: string; author_kind: string; team: string | null }>(
        "select author_key, author_kind, team from dim_authors order by author_key",
      ),
    );
    const kindOf = (key: string) => accounts.find((a) => a.author_key === key)?.author_kind;
    expect(kindOf("copilot-swe-agent[bot]")).toBe("ai_agent");
    expect(kindOf("devin-ai-integration[bot]")).toBe("ai_agent");
    expect(kindOf("copilot-pull-request-reviewer[bot]")).toBe("ai_reviewer");
    expect(kindOf("dependabot[bot]")).toBe("automation");
    expect(kindOf("renovate[bot]")).toBe("automation");
    expect(kindOf("claude")).toBe("person");
    expect(accounts.find((a) => a.author_key === "ada")?.team).toBe("platform");
    // The no-reply addresses of the Copilot agent (#6, #25) and of the Copilot App (#27) name login
    // "Copilot": as a commit's author that is the agent, not a person.
    expect(kindOf("copilot")).toBeUndefined();
    expect(new Set(accounts.map((a) => a.author_key)).size).toBe(accounts.length);
  });

  it("reclassifies all history from changed definitions without extracting again", async () => {
    const definitions: Definitions = {
      ...DEFAULT_DEFINITIONS,
      ai_authored_commit_share: 0.3,
      automation_accounts: [...DEFAULT_DEFINITIONS.automation_accounts, "erin"],
      ai_signals: DEFAULT_DEFINITIONS.ai_signals.filter(
        (s) => !(s.tool === "claude_code" && s.kind === "trailer_email"),
      ),
    };
    const result = await buildWarehouse({
      config,
      root,
      logger: createMemoryLogger(),
      runId: "authorship-2",
      definitions,
    });
    const rows = await readAuthorship(result.warehousePath);
    const classOf = (n: number) => rows.find((r) => r.number === n)?.authorship_class;
    // #1 keeps Claude's commit footer; #2 had only the co-author trailer the catalogue no longer holds.
    expect(classOf(1)).toBe("ai_assisted");
    expect(classOf(2)).toBe("unmarked");
    // erin is now an automation account: automation comes before every AI class.
    expect(classOf(7)).toBe("automation");
    expect(classOf(22)).toBe("automation");
    expect(classOf(3)).toBe("ai_assisted");
    // With a share of 0.3, one agent commit in three (#25) or two (#26) makes a person's pull request
    // ai_authored, and the person is the one who asked for it.
    expect(rows.find((r) => r.number === 25)).toMatchObject({
      authorship_class: "ai_authored",
      initiated_by: "ada",
    });
    expect(classOf(26)).toBe("ai_authored");
  }, 180_000);

  it("refuses definitions whose pattern the warehouse cannot compile, before dbt runs", async () => {
    const definitions: Definitions = {
      ...DEFAULT_DEFINITIONS,
      ai_signals: [
        ...DEFAULT_DEFINITIONS.ai_signals,
        {
          signal: "lookahead",
          tool: "other",
          kind: "body_footer",
          pattern: "made(?= with)",
          strength: "likely",
          authorship: "ai_assisted",
        },
      ],
    };
    const logger = createMemoryLogger();
    const failure = buildWarehouse({ config, root, logger, runId: "authorship-3", definitions });
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toMatchObject({
      problems: [
        expect.objectContaining({
          field: `definitions.ai_signals[${DEFAULT_DEFINITIONS.ai_signals.length}].pattern`,
        }),
      ],
    });
    expect(logger.lines.some((l) => l.includes("dbt build"))).toBe(false);
  });
});
