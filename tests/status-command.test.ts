/**
 * `yardstick status` and `status --notify` through the real CLI, over data folders written here: ledgers
 * old and new, rotated, with statuses and fields a newer Yardstick may write, malformed lines and hostile
 * text. (The end-to-end run against the simulator is in status-notify-run.test.ts.)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { yardstick } from "./helpers/yardstick-cli.ts";

const HOUR = 3_600_000;

interface Folder {
  config: string;
  data: string;
  recorded: string;
}

/** A configuration over a data folder, with a notify command that appends what it receives to a file. */
function folder(extraConfig = ""): Folder {
  const dir = mkdtempSync(join(tmpdir(), "ys-status-"));
  const data = join(dir, "data");
  mkdirSync(join(data, "ledger"), { recursive: true });
  mkdirSync(join(data, "state"), { recursive: true });
  const recorded = join(dir, "notifications.ndjson");
  const recorder = join(dir, "record.mjs");
  writeFileSync(
    recorder,
    [
      'import { appendFileSync, readFileSync } from "node:fs";',
      'const stdin = readFileSync(0, "utf8");',
      "appendFileSync(process.argv[2], JSON.stringify({ stdin, event: process.env.YARDSTICK_EVENT, env: Object.keys(process.env) }) + '\\n');",
    ].join("\n"),
  );
  const config = join(dir, "yardstick.yaml");
  writeFileSync(
    config,
    [
      "dataDir: ./data",
      "github:",
      "  url: http://127.0.0.1:9/graphql",
      "  tokenEnv: STATUS_TEST_TOKEN",
      "  orgs: [acme]",
      "  repos: [other/tool]",
      "notify:",
      `  command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(recorder)}, ${JSON.stringify(recorded)}]`,
      extraConfig,
    ].join("\n"),
  );
  return { config, data, recorded };
}

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

function ledgerLine(fields: Record<string, unknown>): string {
  return JSON.stringify({ codeVersion: "test", metricsHash: null, durationMs: 1000, ...fields });
}

/** A finished run `hoursAgo` ago: every stage ok. */
function okRun(runId: string, hoursAgo: number): string[] {
  return ["extract", "build", "metrics", "dashboards"].map((stage, i) =>
    ledgerLine({
      runId,
      stage,
      status: "ok",
      startedAt: iso(hoursAgo * HOUR - i * 1000),
      endedAt: iso(hoursAgo * HOUR - i * 1000 - 500),
    }),
  );
}

/** Cursors for both sources, moved `hoursAgo` ago. */
function cursors(data: string, hoursAgo: number): void {
  const cursor = { watermark: iso(hoursAgo * HOUR + 60_000), savedAt: iso(hoursAgo * HOUR), runId: "r" };
  writeFileSync(
    join(data, "state", "cursors.json"),
    JSON.stringify({
      "github/pull_requests/org:acme": cursor,
      "github/deployments/acme/api": cursor,
      "github/pull_requests/repo:other/tool": cursor,
    }),
  );
}

function recordedNotifications(f: Folder): { stdin: string; event: string; env: string[] }[] {
  if (!existsSync(f.recorded)) return [];
  return readFileSync(f.recorded, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

describe("yardstick status", () => {
  it("exits 1 naming each source whose last complete extraction is older than the threshold, in text and JSON", async () => {
    const f = folder();
    writeFileSync(join(f.data, "ledger", "runs.ndjson"), okRun("old-run", 50).join("\n") + "\n");
    cursors(f.data, 50);
    const text = await yardstick(["status", "--config", f.config]);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/STALE {2}org acme: confirmed current \S+ \(50\.0 h ago\)/);
    expect(text.stdout).toMatch(/STALE {2}repo other\/tool: confirmed current/);
    expect(text.stdout).toContain("stale: org acme: last complete extraction");

    const json = await yardstick(["status", "--config", f.config, "--format", "json"]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.healthy).toBe(false);
    expect(report.staleAfterHours).toBe(36);
    expect(report.sources.map((s: { name: string; stale: boolean }) => `${s.name}:${s.stale}`)).toEqual([
      "acme:true",
      "other/tool:true",
    ]);
    expect(report.stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).toEqual([
      "extract:ok",
      "build:ok",
      "metrics:ok",
      "dashboards:ok",
    ]);
    // The 60-hour threshold from the flag makes the same data fresh.
    const lenient = await yardstick(["status", "--config", f.config, "--stale-after", "60"]);
    expect(lenient.code, lenient.stdout).toBe(0);
    expect(lenient.stdout).toContain("ok     org acme");
  }, 120_000);

  it("takes the threshold from status.staleAfterHours in yardstick.yaml", async () => {
    const f = folder("status: { staleAfterHours: 2 }");
    writeFileSync(join(f.data, "ledger", "runs.ndjson"), okRun("r1", 3).join("\n") + "\n");
    cursors(f.data, 3);
    const result = await yardstick(["status", "--config", f.config, "--format", "json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.staleAfterHours).toBe(2);
    expect(report.sources.every((s: { stale: boolean }) => s.stale)).toBe(true);
  }, 60_000);

  it("reads rotated ledgers and newer statuses tolerantly: unknown stages, statuses and fields pass through, a bad line is a warning", async () => {
    const f = folder();
    // The rotated file holds an older run whose build failed; the current file a later, successful one.
    writeFileSync(
      join(f.data, "ledger", "runs.ndjson.1"),
      [
        ...okRun("r1", 30).slice(0, 1),
        ledgerLine({
          runId: "r1",
          stage: "build",
          status: "failed",
          startedAt: iso(30 * HOUR),
          endedAt: iso(29 * HOUR),
          error: "dbt build failed",
        }),
      ].join("\n") + "\n",
    );
    writeFileSync(
      join(f.data, "ledger", "runs.ndjson"),
      [
        ...okRun("r2", 2).slice(0, 2),
        '{"runId":"r2","stage":"metrics","status":"ok","startedAt":"' + iso(2 * HOUR), // cut short by a crash
        ledgerLine({
          runId: "r3",
          stage: "preflight",
          status: "failed-before-lock",
          startedAt: iso(HOUR),
          endedAt: iso(HOUR),
          newField: { x: 1 },
        }),
        ledgerLine({
          runId: "r3",
          stage: "dashboards",
          status: "interrupted",
          startedAt: iso(HOUR),
          endedAt: iso(HOUR),
        }),
      ].join("\n") + "\n",
    );
    cursors(f.data, 2);
    const result = await yardstick(["status", "--config", f.config, "--format", "json"]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    const stages = Object.fromEntries(
      report.stages.map((s: { stage: string; status: string; runId: string }) => [
        s.stage,
        `${s.status} ${s.runId}`,
      ]),
    );
    expect(stages).toEqual({
      extract: "ok r2",
      build: "ok r2",
      dashboards: "interrupted r3",
      preflight: "failed-before-lock r3",
    });
    expect(report.lastRun.runId).toBe("r3");
    const kinds = report.warnings.map((w: { kind: string; message: string }) => `${w.kind}: ${w.message}`);
    expect(kinds).toContainEqual(expect.stringMatching(/^ledger: .*runs\.ndjson:3 is not valid JSON/));
    expect(kinds).toContainEqual(expect.stringMatching(/^interrupted: the last dashboards was interrupted/));
    expect(kinds).toContainEqual(
      expect.stringMatching(/^partial: the last preflight ended "failed-before-lock"/),
    );
    expect(report.sources.every((s: { stale: boolean }) => !s.stale)).toBe(true);
  }, 60_000);

  it("exits 1 when a stage's last run failed, and reports a budget stop and a held lock without failing", async () => {
    const f = folder();
    writeFileSync(
      join(f.data, "ledger", "runs.ndjson"),
      [
        ledgerLine({
          runId: "r1",
          stage: "extract",
          status: "partial",
          startedAt: iso(2 * HOUR),
          endedAt: iso(2 * HOUR - 1000),
          details: {
            stopped: {
              reason: "GitHub budget 150 points is under the reserve 200",
              resetAt: "2026-12-01T03:00:00Z",
            },
          },
        }),
        ...okRun("r0", 3).slice(0, 1),
      ].join("\n") + "\n",
    );
    cursors(f.data, 2);
    writeFileSync(
      join(f.data, "yardstick.lock"),
      JSON.stringify({ pid: process.pid, what: "run r9", since: iso(60_000) }),
    );
    const fine = await yardstick(["status", "--config", f.config]);
    expect(fine.code, fine.stdout).toBe(0);
    expect(fine.stdout).toContain("budget: the last extract stopped early for GitHub's budget (run r1");
    expect(fine.stdout).toContain("resumes after 2026-12-01T03:00:00Z");
    expect(fine.stdout).toContain(`lock: the lock is held by run r9 (pid ${process.pid}`);

    writeFileSync(
      join(f.data, "ledger", "runs.ndjson"),
      ledgerLine({
        runId: "r2",
        stage: "build",
        status: "failed",
        startedAt: iso(HOUR),
        endedAt: iso(HOUR),
        error: "dbt build failed (exit 1)\nTraceback…",
      }) + "\n",
      { flag: "a" },
    );
    const failed = await yardstick(["status", "--config", f.config]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("failed: the last build failed (run r2");
    expect(failed.stdout).toMatch(/build {7}failed/);
  }, 60_000);

  it("escapes control characters from the ledger in text and keeps them intact in JSON", async () => {
    const f = folder();
    const hostile = "prod\x1b]0;owned\x07\x1b[2J\rfake line";
    writeFileSync(
      join(f.data, "ledger", "runs.ndjson"),
      [
        ...okRun("r1", 1),
        ledgerLine({
          runId: "r\x1b[31m2",
          stage: "build",
          status: "failed",
          startedAt: iso(HOUR / 2),
          endedAt: iso(HOUR / 2),
          error: hostile,
        }),
      ].join("\n") + "\n",
    );
    cursors(f.data, 1);
    const text = await yardstick(["status", "--config", f.config]);
    expect(text.code).toBe(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is that none reach the terminal.
    expect(text.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(text.stdout).toContain("prod\\x1b]0;owned\\x07\\x1b[2J\\x0dfake line");
    expect(text.stdout).toContain("r\\x1b[31m2");
    const json = JSON.parse((await yardstick(["status", "--config", f.config, "--format", "json"])).stdout);
    expect(json.stages.find((s: { stage: string }) => s.stage === "build").error).toBe(hostile);
  }, 60_000);

  it("--notify sends one notification for stale data, and none when notify.on leaves stale out", async () => {
    const f = folder();
    writeFileSync(join(f.data, "ledger", "runs.ndjson"), okRun("r1", 40).join("\n") + "\n");
    cursors(f.data, 40);
    const env = { STATUS_TEST_TOKEN: "ghp_statusTestTokenNeverNotified123" };
    const result = await yardstick(["status", "--config", f.config, "--notify"], env);
    expect(result.code).toBe(1);
    const sent = recordedNotifications(f);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.event).toBe("stale");
    const event = JSON.parse(sent[0]!.stdin);
    expect(event.kinds).toEqual(["stale"]);
    expect(event.origin).toBe("status");
    expect(event.stale.map((s: { source: string }) => s.source)).toEqual(["org acme", "repo other/tool"]);
    expect(event.summary).toMatch(/stale: org acme: last complete extraction \S+ \(40\.0 h ago\)/);
    // The command never sees the token's variable.
    expect(sent[0]!.env).not.toContain("STATUS_TEST_TOKEN");
    expect(readFileSync(f.recorded, "utf8")).not.toContain(env.STATUS_TEST_TOKEN);

    const quiet = folder("  on: [failure]");
    writeFileSync(join(quiet.data, "ledger", "runs.ndjson"), okRun("r1", 40).join("\n") + "\n");
    cursors(quiet.data, 40);
    expect((await yardstick(["status", "--config", quiet.config, "--notify"])).code).toBe(1);
    expect(recordedNotifications(quiet)).toEqual([]);
  }, 60_000);

  it("names a bad --stale-after and a bad notify section, exit 2", async () => {
    const f = folder();
    const flag = await yardstick(["status", "--config", f.config, "--stale-after", "soon"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--stale-after: must be a positive number of hours: got "soon"');
    const bad = folder("  on: [failure, sometimes]\n  webhookEnv: 'not a name'");
    const config = await yardstick(["status", "--config", bad.config]);
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/notify\.on\[1\] \(.*yardstick\.yaml:9:\d+\)/);
    expect(config.stderr).toMatch(
      /notify\.webhookEnv \(.*yardstick\.yaml:10:\d+\): must be the NAME of an environment variable/,
    );
  }, 60_000);
});
