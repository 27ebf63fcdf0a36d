import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "../core/logger.ts";
import { createGitHubClient } from "../extractors/github/github-client.ts";
import type { RequestRecord } from "../extractors/http/request-record.ts";
import { createExtractProgress } from "../extractors/progress/extract-progress.ts";
import { clock } from "../extractors/progress/progress-lines.ts";
import { formatDuration, formatRunSummary } from "../extractors/progress/run-summary.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";

/**
 * A minimal terminal: applies the escapes the live display uses (cursor up, carriage return, clear to the
 * end of the screen, cursor show/hide) so a test can read what a person would see.
 */
class FakeTerminal {
  readonly isTTY = true;
  columns = 100;
  private screen: string[] = [""];
  private row = 0;
  private col = 0;
  raw = "";
  writes = 0;

  write(chunk: string): boolean {
    this.raw += chunk;
    this.writes++;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are the subject here
    const tokens = chunk.match(/\x1b\[\??[0-9;]*[A-Za-z]|\n|\r|[^\x1b\n\r]+/g) ?? [];
    for (const t of tokens) {
      if (t === "\n") {
        this.row++;
        this.col = 0;
        while (this.screen.length <= this.row) this.screen.push("");
      } else if (t === "\r") this.col = 0;
      else if (t.startsWith("\x1b[")) this.escape(t);
      else {
        const line = this.screen[this.row]!.padEnd(this.col);
        this.screen[this.row] = line.slice(0, this.col) + t + line.slice(this.col + t.length);
        this.col += t.length;
      }
    }
    return true;
  }

  private escape(t: string): void {
    const n = Number(t.slice(2, -1)) || 1;
    if (t.endsWith("A")) this.row = Math.max(0, this.row - n);
    else if (t === "\x1b[J") {
      this.screen[this.row] = this.screen[this.row]!.slice(0, this.col);
      this.screen.length = this.row + 1;
    } else if (!t.startsWith("\x1b[?25")) throw new Error(`unexpected escape ${JSON.stringify(t)}`);
  }

  /** Visible lines, without the empty line under the cursor. */
  lines(): string[] {
    const lines = [...this.screen];
    while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    return lines;
  }
}

function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    operation: "RepoPullRequests",
    startedAt: "2026-11-02T10:00:00.000Z",
    durationMs: 40,
    attempts: [{ kind: "ok", status: 200, durationMs: 40, waitedMs: 0, requestId: "A:1" }],
    retries: 0,
    retriesByKind: {},
    waitedMs: 0,
    outcome: "ok",
    status: 200,
    requestId: "A:1",
    rateLimit: {
      cost: 2,
      remaining: 4000,
      resetAt: "2026-11-02T11:00:00.000Z",
      limit: 5000,
      used: 1000,
      source: "body",
    },
    ...overrides,
  };
}

const retried = record({
  attempts: [
    { kind: "bad_gateway", status: 502, durationMs: 10, waitedMs: 0, requestId: "A:2" },
    { kind: "timeout", status: null, durationMs: 30, waitedMs: 1000, requestId: null },
    { kind: "ok", status: 200, durationMs: 40, waitedMs: 4000, requestId: "A:3" },
  ],
  retries: 2,
  retriesByKind: { bad_gateway: 1, timeout: 1 },
  waitedMs: 5000,
});

describe("live progress on a terminal", () => {
  it("draws one line per stream and a total, redrawn in place", () => {
    const term = new FakeTerminal();
    term.columns = 200;
    let now = 1_000_000;
    const progress = createExtractProgress({
      output: term,
      logger: createLogger({ write: () => {} }),
      now: () => now,
    });
    expect(progress.mode).toBe("live");
    progress.streamStarted("pull_requests", 3);
    progress.partitionStarted("pull_requests", "acme/api");
    progress.request(record());
    progress.rowsWritten("pull_requests", "acme/api", 25);
    now += 200;
    progress.request(retried);
    progress.rowsWritten("pull_requests", "acme/api", 7);
    now += 200;
    progress.partitionFinished("pull_requests", "acme/api");
    progress.partitionStarted("pull_requests", "acme/web");
    now += 42_000;
    progress.streamStarted("commits", 3);
    const screen = term.lines();
    expect(screen).toHaveLength(3);
    const [prs, commits, total] = screen as [string, string, string];
    expect(prs).toMatch(
      /^pull_requests\s+1\/3\s+rows\s+32\s+req\s+2\s+pts\s+4\s+retries\s+2\s+0:42\s+acme\/web$/,
    );
    expect(commits).toMatch(/^commits\s+0\/3\s+rows\s+0\s+req\s+0\s+pts\s+0\s+retries\s+0\s+0:00/);
    expect(total).toMatch(
      /^total\s+rows\s+32\s+req\s+2\s+pts\s+4\s+retries\s+2\s+0:42\s+retries: bad_gateway 1, timeout 1/,
    );
    expect(total).toContain("waits 2 (5.0 s)");
    // Each frame starts by going back up over the previous one (two lines before "commits" appeared).
    expect(term.raw).toContain("\x1b[2A\r\x1b[J");
  });

  it("draws at most about ten frames a second however often the numbers change", () => {
    // A fake clock and fake timers: 250 ms of updates, ten every millisecond, then 150 ms of quiet, the same
    // on any machine.
    vi.useFakeTimers({ now: 0 });
    try {
      const term = new FakeTerminal();
      const progress = createExtractProgress({
        output: term,
        logger: createLogger({ write: () => {} }),
        refreshMs: 100,
        now: () => Date.now(),
      });
      progress.streamStarted("pull_requests", 1);
      progress.partitionStarted("pull_requests", "acme/api");
      let updates = 0;
      for (let ms = 0; ms < 250; ms++) {
        for (let i = 0; i < 10; i++) {
          progress.rowsWritten("pull_requests", "acme/api", 1);
          updates++;
        }
        vi.advanceTimersByTime(1);
      }
      vi.advanceTimersByTime(150);
      expect(updates).toBe(2500);
      // 400 ms: a frame at most every 100 ms, plus the first ones drawn at once.
      expect(term.writes).toBeLessThanOrEqual(Math.ceil(400 / 100) + 2);
      expect(term.writes).toBeGreaterThanOrEqual(3);
      // The last frame shows the last count, even though it came between two frames.
      expect(term.lines()[0]).toMatch(new RegExp(`rows\\s+${updates.toLocaleString("en-US")}\\s`));
      progress.finish();
    } finally {
      vi.useRealTimers();
    }
  });

  it("prints log lines above the display without tearing it", () => {
    const term = new FakeTerminal();
    const progress = createExtractProgress({ output: term, logger: createLogger({ write: () => {} }) });
    progress.streamStarted("pull_requests", 2);
    progress.printAbove("warn: GitHub: waiting 1.0 s before retrying");
    progress.printAbove("warn: another line");
    const screen = term.lines();
    expect(screen[0]).toBe("warn: GitHub: waiting 1.0 s before retrying");
    expect(screen[1]).toBe("warn: another line");
    expect(screen[2]).toMatch(/^pull_requests\s+0\/2/);
    expect(screen[3]).toMatch(/^total/);
    expect(screen).toHaveLength(4);
  });

  it("clears itself at the end, leaving only what was printed above it", () => {
    const term = new FakeTerminal();
    const progress = createExtractProgress({ output: term, logger: createLogger({ write: () => {} }) });
    progress.streamStarted("pull_requests", 1);
    progress.partitionStarted("pull_requests", "acme/api");
    progress.printAbove("a log line");
    progress.request(record());
    const summary = progress.finish();
    expect(term.lines()).toEqual(["a log line"]);
    expect(term.raw.endsWith("\x1b[?25h")).toBe(true);
    expect(progress.finish()).toBe(summary);
    const writes = term.writes;
    progress.rowsWritten("pull_requests", "acme/api", 5);
    expect(term.writes).toBe(writes);
  });

  it("cuts lines to the terminal width so that none wraps", () => {
    const term = new FakeTerminal();
    term.columns = 40;
    const progress = createExtractProgress({ output: term, logger: createLogger({ write: () => {} }) });
    progress.streamStarted("pull_requests", 1);
    progress.partitionStarted("pull_requests", "acme/a-repository-with-a-very-long-name");
    for (const line of term.lines()) expect(line.length).toBeLessThan(40);
  });
});

describe("progress as log lines", () => {
  it("writes one structured line per step when the output is not a terminal", () => {
    const lines: string[] = [];
    const output = { isTTY: false, written: "", write: (s: string) => (output.written += s) };
    let now = 5_000;
    const progress = createExtractProgress({
      output,
      logger: createLogger({ format: "json", write: (l) => lines.push(l), now: () => new Date(0) }),
      now: () => now,
    });
    expect(progress.mode).toBe("log");
    progress.streamStarted("pull_requests", 2);
    progress.partitionStarted("pull_requests", "acme/api");
    progress.request(record());
    progress.request(retried);
    progress.rowsWritten("pull_requests", "acme/api", 30);
    now += 1500;
    progress.partitionFinished("pull_requests", "acme/api");
    progress.partitionStarted("pull_requests", "acme/web");
    progress.partitionFinished("pull_requests", "acme/web", "failed");
    progress.streamFinished("pull_requests");
    progress.finish();
    expect(output.written).toBe("");
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((l) => l.step)).toEqual([
      "stream_started",
      "repository_done",
      "repository_done",
      "stream_done",
    ]);
    expect(parsed[1]).toMatchObject({
      level: "info",
      stream: "pull_requests",
      repository: "acme/api",
      rows: 30,
      requests: 2,
      points: 4,
      retries: 2,
      durationMs: 1500,
    });
    expect(parsed[2]).toMatchObject({
      level: "warn",
      repository: "acme/web",
      outcome: "failed",
      requests: 0,
    });
    expect(parsed[3]).toMatchObject({ repositories: 1, failedRepositories: 1, rows: 30, requests: 2 });
  });

  it("uses log lines on a terminal too when the log format is json", () => {
    const term = new FakeTerminal();
    const lines: string[] = [];
    const progress = createExtractProgress({
      output: term,
      logFormat: "json",
      logger: createLogger({ format: "json", write: (l) => lines.push(l) }),
    });
    expect(progress.mode).toBe("log");
    progress.streamStarted("commits", 1);
    progress.partitionStarted("commits", "acme/api");
    progress.partitionFinished("commits", "acme/api");
    progress.finish();
    expect(term.raw).toBe("");
    expect(lines).toHaveLength(2);
  });
});

describe("the run summary", () => {
  it("adds up rows per stream, requests, points, retries by kind, waits and time", () => {
    let now = 0;
    const progress = createExtractProgress({
      output: { write: () => true },
      logger: createLogger({ write: () => {} }),
      now: () => now,
    });
    progress.request(record({ operation: "OrgRepositories" }));
    progress.streamStarted("pull_requests", 1);
    progress.partitionStarted("pull_requests", "acme/api");
    progress.request(retried);
    progress.rowsWritten("pull_requests", "acme/api", 40);
    progress.partitionFinished("pull_requests", "acme/api");
    progress.streamFinished("pull_requests");
    progress.streamStarted("reviews", 1);
    progress.request(record({ stream: "reviews", repository: "acme/api", rateLimit: null }));
    progress.request(
      record({
        stream: "reviews",
        repository: "acme/api",
        attempts: [
          { kind: "secondary_limit", status: 403, durationMs: 1, waitedMs: 0, requestId: null },
          { kind: "ok", status: 200, durationMs: 1, waitedMs: 60_000, requestId: null },
        ],
        retries: 1,
        retriesByKind: { secondary_limit: 1 },
        waitedMs: 60_000,
      }),
    );
    progress.rowsWritten("reviews", "acme/api", 3);
    progress.stopped("budget reserve reached", "2026-11-02T11:00:00.000Z");
    now = 125_000;
    const summary = progress.finish();
    expect(summary.streams).toEqual([
      {
        stream: "(other)",
        repositories: 0,
        failedRepositories: 0,
        rows: 0,
        requests: 1,
        points: 2,
        retries: 0,
      },
      {
        stream: "pull_requests",
        repositories: 1,
        failedRepositories: 0,
        rows: 40,
        requests: 1,
        points: 2,
        retries: 2,
      },
      {
        stream: "reviews",
        repositories: 0,
        failedRepositories: 0,
        rows: 3,
        requests: 2,
        points: 2,
        retries: 1,
      },
    ]);
    expect(summary).toMatchObject({
      rows: 43,
      requests: 4,
      points: 6,
      retries: 3,
      retriesByKind: { bad_gateway: 1, secondary_limit: 1, timeout: 1 },
      waits: { count: 3, totalMs: 65_000 },
      durationMs: 125_000,
      stopped: { reason: "budget reserve reached", resetAt: "2026-11-02T11:00:00.000Z" },
    });
    const text = formatRunSummary(summary);
    expect(text).toContain("extract finished in 2m05s");
    expect(text).toMatch(/pull_requests\s+1\s+40\s+1\s+2\s+2/);
    expect(text).toMatch(/total\s+43\s+4\s+6\s+3/);
    expect(text).toContain("retries: bad_gateway 1, secondary_limit 1, timeout 1");
    expect(text).toContain("waits: 3, 1m05s in all");
    expect(text).toContain("stopped early: budget reserve reached (resume after 2026-11-02T11:00:00.000Z)");
  });

  it("formats durations and clocks for people", () => {
    expect(formatDuration(950)).toBe("950 ms");
    expect(formatDuration(4321)).toBe("4.3 s");
    expect(formatDuration(3_725_000)).toBe("1h02m05s");
    expect(clock(42_000)).toBe("0:42");
    expect(clock(3_723_000)).toBe("1:02:03");
  });
});

describe("progress fed by the GitHub client against the simulator", () => {
  const org = generateOrg({ seed: 5, repositories: 2, pullRequests: 30 });
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: ["t"] });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("counts the requests, points and retries the client reports", async () => {
    sim.setFaults({ script: ["bad_gateway_502", "ok", "malformed_json", "malformed_json", "ok", "ok"] });
    const progress = createExtractProgress({
      output: { write: () => true },
      logger: createLogger({ write: () => {} }),
    });
    const records: RequestRecord[] = [];
    const client = createGitHubClient({
      url: sim.url,
      token: "t",
      logger: createLogger({ write: () => {} }),
      requestIntervalMs: 0,
      retryAfterBaseMs: 1,
      onRequest: (r) => {
        records.push(r);
        progress.request(r);
      },
    });
    progress.streamStarted("viewer", 1);
    progress.partitionStarted("viewer", "acme/api");
    for (let i = 0; i < 3; i++) {
      await client.query("query Viewer { viewer { login } rateLimit { cost remaining resetAt limit } }", {});
    }
    progress.partitionFinished("viewer", "acme/api");
    const summary = progress.finish();
    expect(summary.requests).toBe(3);
    expect(summary.retries).toBe(3);
    expect(summary.retriesByKind).toEqual({ malformed_json: 2, bad_gateway: 1 });
    expect(summary.points).toBe(records.reduce((sum, r) => sum + (r.rateLimit?.cost ?? 0), 0));
    expect(summary.points).toBe(3);
  });
});
