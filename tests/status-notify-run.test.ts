/**
 * The operator's tools end to end: a real `yardstick run` (CLI subprocess → simulated GitHub → real dbt →
 * site), then `yardstick status` over what it left, and notifications to a real HTTP receiver and a real
 * command — none for a good run, one (without the token) for a failed one, and a failing receiver that
 * changes no exit code.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { dataPaths } from "../core/config.ts";
import { readLedger } from "../jobs/run-ledger.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { yardstick } from "./helpers/yardstick-cli.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN = "ghp_statusRunTestTokenNeverNotified0042";
const WRONG_TOKEN = "ghp_wrongTokenThatMustNotReachAnyMessage77";
const HOOK_SECRET = "XyzHookSecretPath9876";

interface Received {
  url: string;
  contentType: string | undefined;
  body: { text: string; yardstick: Record<string, unknown> } & Record<string, unknown>;
  raw: string;
}

describe("status and notifications around a real run", () => {
  const org = generateOrg({ seed: 11, pullRequests: 80 });
  const owner = org.dataset.repositories[0]!.owner;
  let sim: Simulator;
  let receiver: Server;
  const received: Received[] = [];
  let hookUrl: string;
  let dir: string;
  let config: string;
  let recorded: string;
  let first: { code: number | null; stdout: string; stderr: string };

  const run = (configFile: string, token: string, hook = hookUrl) =>
    yardstick(["run", "--config", configFile, "--metrics", join(ROOT, "metrics.yaml")], {
      STATUS_RUN_TOKEN: token,
      STATUS_RUN_HOOK: hook,
    });
  const notificationsRecorded = () =>
    existsSync(recorded)
      ? readFileSync(recorded, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { stdin: string; env: string[] })
      : [];

  /** A configuration over the shared data folder; `notify` varies between the good and the broken receiver. */
  const writeConfig = (file: string, notify: Record<string, unknown>) =>
    writeFileSync(
      file,
      stringify({
        dataDir: "./data",
        github: { url: sim.url, tokenEnv: "STATUS_RUN_TOKEN", orgs: [owner], requestIntervalMs: 0 },
        teams: org.teams,
        notify,
      }),
    );

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN] });
    receiver = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => {
        raw += c.toString("utf8");
      });
      req.on("end", () => {
        received.push({
          url: req.url ?? "",
          contentType: req.headers["content-type"],
          body: JSON.parse(raw),
          raw,
        });
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      });
    });
    await new Promise<void>((ready) => receiver.listen(0, "127.0.0.1", ready));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T0/B0/${HOOK_SECRET}`;

    dir = mkdtempSync(join(tmpdir(), "ys-status-run-"));
    mkdirSync(join(dir, "data"));
    recorded = join(dir, "notifications.ndjson");
    const recorder = join(dir, "record.mjs");
    writeFileSync(
      recorder,
      [
        'import { appendFileSync, readFileSync } from "node:fs";',
        'const stdin = readFileSync(0, "utf8");',
        "appendFileSync(process.argv[2], JSON.stringify({ stdin, env: Object.keys(process.env) }) + '\\n');",
      ].join("\n"),
    );
    config = join(dir, "yardstick.yaml");
    writeConfig(config, { webhookEnv: "STATUS_RUN_HOOK", command: [process.execPath, recorder, recorded] });
    first = await run(config, TOKEN);
  }, 900_000);

  afterAll(async () => {
    await sim?.close();
    await new Promise((closed) => receiver?.close(closed));
  });

  it("a successful run exits 0 and sends no notification", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(received).toEqual([]);
    expect(notificationsRecorded()).toEqual([]);
  });

  it("status exits 0 after it and reports every stage, the source, the warehouse, the site and the schedule", async () => {
    const entries = readLedger(dataPaths(join(dir, "data")).ledger);
    const extract = entries.find((e) => e.stage === "extract")!;
    const json = await yardstick(["status", "--config", config, "--format", "json"]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.healthy).toBe(true);
    expect(report.lastRun).toEqual({
      runId: extract.runId,
      stages: entries.map((e) => ({ stage: e.stage, status: e.status })),
    });
    expect(
      report.stages.map((s: { stage: string; status: string; runId: string }) => [
        s.stage,
        s.status,
        s.runId,
      ]),
    ).toEqual(["extract", "build", "metrics", "dashboards"].map((stage) => [stage, "ok", extract.runId]));
    expect(report.sources).toHaveLength(1);
    expect(report.sources[0]).toMatchObject({
      kind: "org",
      name: owner,
      confirmedAt: extract.startedAt,
      stale: false,
    });
    expect(Object.keys(report.sources[0].streams)).toContain("pull_requests");
    expect(report.warehouse.publishedAt).not.toBeNull();
    expect(report.warehouse.dataWatermark).not.toBeNull();
    expect(report.site.publishedAt).not.toBeNull();
    expect(Date.parse(report.schedule.nextRunAt)).toBeGreaterThan(Date.parse(report.at));
    expect(report.lock).toBeNull();
    expect(report.warnings).toEqual([]);

    const text = await yardstick(["status", "--config", config]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("yardstick status: healthy");
    for (const stage of ["extract", "build", "metrics", "dashboards"])
      expect(text.stdout).toMatch(new RegExp(`\\n  ${stage} +ok +\\S+ +[\\d.]+ s  run ${extract.runId}\\n`));
    expect(text.stdout).toContain(`ok     org ${owner}: confirmed current ${extract.startedAt}`);
    expect(text.stdout).toContain(`next run ${report.schedule.nextRunAt}`);
  }, 120_000);

  it("status exits 1 naming the source once the data is older than a (tiny) threshold, and --notify sends one", async () => {
    const result = await yardstick(["status", "--config", config, "--stale-after", "0.0001", "--notify"], {
      STATUS_RUN_HOOK: hookUrl,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`STALE  org ${owner}: confirmed current`);
    expect(result.stdout).toContain(`stale: org ${owner}: last complete extraction`);
    expect(received).toHaveLength(1);
    expect(received[0]!.body.yardstick).toMatchObject({ event: "stale", kinds: ["stale"], origin: "status" });
    expect(received[0]!.body.text).toContain(`stale: org ${owner}`);
    expect(notificationsRecorded()).toHaveLength(1);
    received.length = 0;
    writeFileSync(recorded, "");
  }, 120_000);

  it("a run GitHub refuses sends one failure notification, to the webhook and the command, carrying no secret", async () => {
    const failed = await run(config, WRONG_TOKEN);
    expect(failed.code).toBe(1);
    expect(received).toHaveLength(1);
    const [hook] = received;
    expect(hook!.url).toBe(`/services/T0/B0/${HOOK_SECRET}`);
    expect(hook!.contentType).toBe("application/json");
    expect(hook!.body.yardstick).toMatchObject({ event: "failure", kinds: ["failure"], origin: "run" });
    const failures = hook!.body.yardstick.failures as { stage: string; error: string }[];
    expect(failures.map((f) => f.stage)).toEqual(["extract"]);
    expect(hook!.body.text).toContain("failed: extract:");
    for (const secret of [WRONG_TOKEN, TOKEN, HOOK_SECRET]) expect(hook!.raw).not.toContain(secret);

    const [command] = notificationsRecorded();
    expect(JSON.parse(command!.stdin)).toEqual(hook!.body.yardstick);
    expect(command!.env).not.toContain("STATUS_RUN_TOKEN");
    expect(command!.env).not.toContain("STATUS_RUN_HOOK");
    expect(command!.env).toContain("YARDSTICK_EVENT");
    expect(command!.stdin).not.toContain(WRONG_TOKEN);

    // The log names the receiver's host, never its URL.
    const port = (receiver.address() as AddressInfo).port;
    expect(failed.stderr).toContain(`notify: sent failure to the webhook at 127.0.0.1:${port}`);
    expect(failed.stderr).not.toContain(HOOK_SECRET);
    expect(failed.stderr).not.toContain(WRONG_TOKEN);

    const status = await yardstick(["status", "--config", config]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/failed: the last extract failed \(run /);
  }, 300_000);

  it("a receiver that is down and a command that fails are logged and change no exit code", async () => {
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, "127.0.0.1", ready));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const broken = join(dir, "broken.yaml");
    writeConfig(broken, {
      webhookEnv: "STATUS_RUN_HOOK",
      command: [process.execPath, "-e", "process.exit(3)"],
    });
    const result = await run(broken, WRONG_TOKEN, `http://127.0.0.1:${deadPort}/services/${HOOK_SECRET}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`notify: webhook at 127.0.0.1:${deadPort} failed (ECONNREFUSED)`);
    expect(result.stderr).toContain(`notify: the command ${process.execPath} failed (exit 3)`);
    expect(result.stderr).not.toContain(HOOK_SECRET);
    // The run's own failure is still the last word.
    expect(result.stderr.trim().split("\n").at(-1)).toMatch(/^error: /);
  }, 300_000);
});
