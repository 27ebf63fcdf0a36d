/**
 * Publishing the site: one atomic step (a link swapped by a rename) while a real reader process keeps
 * reading it, old versions cleaned, the pages saying when the data was last confirmed current, and the
 * `dashboards` command working under the run lock and cleaning what killed runs left.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../core/logger.ts";
import { buildDashboards } from "../dashboards/build-dashboards.ts";
import { createFixtureWarehouse, fixturePullRequests } from "./fixtures/metrics-warehouse.ts";
import { type Child, startNode } from "./helpers/child-process.ts";

const ROOT = resolve(import.meta.dirname, "..");
const METRICS = join(import.meta.dirname, "fixtures", "dashboard-metrics.yaml");
const NOW = new Date("2024-04-02T07:00:00Z");

let dir: string;
let warehousePath: string;
const started: Child[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ys-site-publish-"));
  mkdirSync(join(dir, "data", "warehouse"), { recursive: true });
  warehousePath = join(dir, "data", "warehouse", "warehouse.duckdb");
  await createFixtureWarehouse(warehousePath, fixturePullRequests(["platform", "mobile"]));
});

afterEach(async () => {
  for (const child of started.splice(0)) {
    child.process.stdin?.end();
    await child.exited;
  }
});

function build(siteDir: string, ledgerFile?: string) {
  return buildDashboards({
    warehousePath,
    metricsFile: METRICS,
    siteDir,
    now: NOW,
    logger: createMemoryLogger(),
    ...(ledgerFile ? { ledgerFile } : {}),
  });
}

describe("publishing the site", () => {
  it("swaps a link to a new version folder, so a reader reading all along never finds no site", async () => {
    const parent = mkdtempSync(join(dir, "swap-"));
    const site = join(parent, "site");
    await build(site);
    const reader = startNode(["--import", "tsx", join(ROOT, "tests", "helpers", "site-reader.ts"), site], {
      cwd: ROOT,
    });
    started.push(reader);
    await reader.waitFor(/^reading$/);
    for (let i = 0; i < 3; i++) await build(site);
    reader.send("stop");
    const counts = await reader.waitFor(/^reads=/);
    expect(counts).toMatch(/ misses=0$/);

    expect(lstatSync(site).isSymbolicLink()).toBe(true);
    const current = readlinkSync(site);
    expect(current).toMatch(/^site-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    // The version before stays for readers still in it; older ones are gone.
    const versions = readdirSync(parent).filter((n) => n !== "site");
    expect(versions).toHaveLength(2);
    expect(versions).toContain(current);
    expect(readFileSync(join(site, "index.html"), "utf8")).toMatch(/^<!doctype html>/);
  });

  it("shows beside the newest data when the data was last confirmed current", async () => {
    const parent = mkdtempSync(join(dir, "confirmed-"));
    const ledgerFile = join(parent, "runs.ndjson");
    // A quiet night after the data's newest change: the extraction succeeded and found nothing new.
    writeFileSync(
      ledgerFile,
      JSON.stringify({
        runId: "quiet-night",
        stage: "extract",
        status: "ok",
        startedAt: "2024-04-02T02:00:00.000Z",
        endedAt: "2024-04-02T02:03:00.000Z",
        durationMs: 180_000,
        codeVersion: "test",
        metricsHash: null,
      }) + "\n",
    );
    const { pages } = await build(join(parent, "site"), ledgerFile);
    const overview = readFileSync(pages.find((p) => p.endsWith("overview.html"))!, "utf8");
    expect(overview).toContain(
      "Data as of <strong>2024-04-01 06:01 UTC</strong> (the newest change extracted) · last confirmed current <strong>2024-04-02 02:03 UTC</strong> (the last successful extraction)",
    );
  });
});

describe("yardstick dashboards", () => {
  const config = () => join(dir, "yardstick.yaml");
  const run = () =>
    startNode([join(ROOT, "bin", "yardstick.js"), "dashboards", "--config", config(), "--metrics", METRICS], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    });

  it("waits its turn behind the lock, then cleans what killed runs left and publishes", async () => {
    writeFileSync(config(), "dataDir: ./data\ngithub:\n  repos: [acme/api]\n");
    const data = join(dir, "data");
    mkdirSync(join(data, "build", "warehouse-20240101T000000Z-dead00"), { recursive: true });
    writeFileSync(join(data, "build", "warehouse-20240101T000000Z-dead00", "warehouse.duckdb"), "half");
    mkdirSync(join(data, ".site.tmp-4242-0a0b0c0d"));
    mkdirSync(join(data, "reviews"), { recursive: true });
    writeFileSync(join(data, "reviews", ".2024-03.json.tmp-4242-0a0b0c0d"), "{");

    const holder = startNode(
      ["--import", "tsx", join(ROOT, "tests", "helpers", "lock-contender.ts"), join(data, "yardstick.lock")],
      { cwd: ROOT },
    );
    started.push(holder);
    await holder.waitFor(/^ready$/);
    holder.send("go");
    await holder.waitFor(/^won$/);
    const refused = run();
    const first = await refused.exited;
    expect(first.code, refused.lines.join("\n")).toBe(1);
    expect(refused.lines.join("\n")).toContain(`another Yardstick process (pid ${holder.pid}`);
    expect(existsSync(join(data, ".site.tmp-4242-0a0b0c0d"))).toBe(true);

    holder.send("release");
    await holder.waitFor(/^released$/);
    const published = run();
    const second = await published.exited;
    expect(second.code, published.lines.join("\n")).toBe(0);
    expect(readdirSync(join(data, "build"))).toEqual([]);
    expect(readdirSync(data).filter((n) => n.startsWith("."))).toEqual([]);
    expect(readdirSync(join(data, "reviews")).filter((n) => n.startsWith("."))).toEqual([]);
    expect(lstatSync(join(data, "site")).isSymbolicLink()).toBe(true);
  });
});
