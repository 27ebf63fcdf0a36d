/**
 * Every scheduled tick leaves a ledger line, also those that never reach a stage: a tick that fails before
 * its first stage (the token variable is not set), one skipped because another run holds the lock (a real
 * process), and one skipped because the previous tick's run is still going (its GitHub request held by a
 * proxy). Waits for the scheduler's own log lines, never for a length of time.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type Config, dataPaths, loadConfig } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { readLedger } from "../jobs/run-ledger.ts";
import { startSchedule } from "../jobs/schedule.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { startSimulator } from "../simulator/server.ts";
import { type Child, eventually, startNode } from "./helpers/child-process.ts";
import { startStallingProxy } from "./helpers/stalling-proxy.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN_ENV = "SCHEDULE_TEST_TOKEN";
const STARTING = /schedule: run (\S+) starting/;

const started: Child[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) {
    child.process.stdin?.end();
    await child.exited;
  }
});

function everySecond(url = "http://127.0.0.1:9/graphql"): { dir: string; config: Config } {
  const dir = mkdtempSync(join(tmpdir(), "ys-schedule-"));
  writeFileSync(
    join(dir, "yardstick.yaml"),
    stringify({
      dataDir: ".",
      github: { url, tokenEnv: TOKEN_ENV, repos: ["acme/api"], requestIntervalMs: 0 },
      schedule: { cron: "* * * * * *", timezone: "UTC" },
    }),
  );
  return { dir, config: loadConfig(join(dir, "yardstick.yaml")) };
}

interface Ticks {
  logger: ReturnType<typeof createMemoryLogger>;
  task: ReturnType<typeof startSchedule>;
  /** The first tick's run id, once it has started. */
  first(): Promise<string>;
  /** Resolves with the log line that ends the run `runId` (or says it was skipped). */
  ended(runId: string): Promise<string>;
}

function scheduleEverySecond(config: Config, env: NodeJS.ProcessEnv): Ticks {
  const logger = createMemoryLogger();
  const task = startSchedule({
    config,
    root: ROOT,
    metricsFile: join(ROOT, "metrics.yaml"),
    logger,
    env,
    client: { requestIntervalMs: 0, retryAfterBaseMs: 1, maxRetries: 0 },
  });
  const line = async (pattern: RegExp) => {
    await eventually(() => logger.lines.some((l) => pattern.test(l)));
    return logger.lines.find((l) => pattern.test(l))!;
  };
  return {
    logger,
    task,
    first: async () => STARTING.exec(await line(STARTING))![1]!,
    ended: (runId) => line(new RegExp(`schedule: run ${runId} (done|failed|skipped)`)),
  };
}

describe("the scheduler's ledger", () => {
  it("records a tick that fails before its first stage: the token variable is not set", async () => {
    const { dir, config } = everySecond();
    const ticks = scheduleEverySecond(config, {});
    const runId = await ticks.first();
    const line = await ticks.ended(runId);
    await ticks.task.stop();
    const entry = readLedger(dataPaths(dir).ledger).find((e) => e.runId === runId);
    expect(entry, ticks.logger.lines.join("\n")).toMatchObject({ stage: "start", status: "failed" });
    expect(entry!.error).toContain(`${TOKEN_ENV} is not set`);
    expect(line).toContain(`run ${runId} failed`);
  }, 300_000);

  it("records a tick skipped because another process holds the lock, naming that process", async () => {
    const { dir, config } = everySecond();
    const holder = startNode(
      ["--import", "tsx", join(ROOT, "tests", "helpers", "lock-contender.ts"), dataPaths(dir).lock],
      { cwd: ROOT },
    );
    started.push(holder);
    await holder.waitFor(/^ready$/);
    holder.send("go");
    await holder.waitFor(/^won$/);
    const ticks = scheduleEverySecond(config, { [TOKEN_ENV]: "a-token" });
    const runId = await ticks.first();
    await ticks.ended(runId);
    await ticks.task.stop();
    const entry = readLedger(dataPaths(dir).ledger).find((e) => e.runId === runId);
    expect(entry, ticks.logger.lines.join("\n")).toMatchObject({
      stage: "start",
      status: "skipped",
      details: { holderPid: holder.pid },
    });
    expect(entry!.error).toContain(`pid ${holder.pid}`);
  }, 300_000);

  it("records a tick skipped because its previous run is still going", async () => {
    const org = generateOrg({ seed: 5, repositories: 1, pullRequests: 5 });
    const sim = await startSimulator({ dataset: org.dataset });
    // The first run's first GitHub request is held unanswered: that run is going on when the next tick comes.
    const proxy = await startStallingProxy(sim.url, 1);
    try {
      const { dir, config } = everySecond(proxy.url);
      const ticks = scheduleEverySecond(config, { [TOKEN_ENV]: "a-token" });
      const runId = await ticks.first();
      await proxy.stalled;
      const skipped = new RegExp(`schedule: run (\\S+) skipped: run ${runId} is still running`);
      await eventually(() => ticks.logger.lines.some((l) => skipped.test(l)));
      await ticks.task.stop();
      const skippedId = skipped.exec(ticks.logger.lines.find((l) => skipped.test(l))!)![1];
      const entry = readLedger(dataPaths(dir).ledger).find((e) => e.runId === skippedId);
      expect(entry, ticks.logger.lines.join("\n")).toMatchObject({
        stage: "start",
        status: "skipped",
        error: `run ${runId} is still running`,
      });
      // The held request fails once the proxy goes, and the first run ends (the schedule would go on).
      await proxy.close();
      expect(await ticks.ended(runId)).toContain(`run ${runId} failed`);
    } finally {
      await proxy.close();
      await sim.close();
    }
  }, 300_000);

  it("ends `yardstick schedule` between runs on SIGTERM with exit 0, as a service manager expects", async () => {
    const { dir } = everySecond();
    writeFileSync(
      join(dir, "yardstick.yaml"),
      stringify({
        dataDir: ".",
        github: { url: "http://127.0.0.1:9/graphql", tokenEnv: TOKEN_ENV, repos: ["acme/api"] },
        schedule: { cron: "0 2 1 1 *", timezone: "UTC" },
      }),
    );
    const schedule = startNode(
      [
        join(ROOT, "bin", "yardstick.js"),
        "schedule",
        "--config",
        join(dir, "yardstick.yaml"),
        "--metrics",
        join(ROOT, "metrics.yaml"),
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" } },
    );
    started.push(schedule);
    await schedule.waitFor(/stop with Ctrl-C/);
    schedule.process.kill("SIGTERM");
    expect(await schedule.exited).toEqual({ code: 0, signal: null });
    expect(schedule.lines.at(-1)).toMatch(/stopped \(SIGTERM, exit 0\)$/);
  }, 300_000);
});
