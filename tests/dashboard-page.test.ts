import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../core/logger.ts";
import { buildDashboards } from "../dashboards/build-dashboards.ts";
import { renderOverviewPage } from "../dashboards/overview-page.ts";
import type { MetricRow } from "../metrics/metric-evaluator.ts";
import { createFixtureWarehouse, fixturePullRequests } from "./fixtures/metrics-warehouse.ts";

const ATTACK = "<script>alert(1)</script>";
const NOW = new Date("2024-04-02T07:00:00Z");
const ROOT = resolve(import.meta.dirname, "..");
const METRICS = join(ROOT, "metrics.yaml");
const GOLDEN = join(import.meta.dirname, "fixtures", "golden", "overview.html");

let dir: string;
let warehousePath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yardstick-dashboards-"));
  warehousePath = join(dir, "warehouse.duckdb");
  await createFixtureWarehouse(warehousePath, fixturePullRequests(["platform", "mobile", ATTACK]));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function build(siteDir: string, options: { title?: string; metricsFile?: string } = {}) {
  return buildDashboards({
    warehousePath,
    metricsFile: options.metricsFile ?? METRICS,
    siteDir,
    now: NOW,
    logger: createMemoryLogger(),
    ...(options.title ? { title: options.title } : {}),
  });
}

/** Folder entries left beside `siteDir` (temporaries would start with a dot). */
function siblings(siteDir: string): string[] {
  return readdirSync(dirname(siteDir)).sort();
}

describe("the overview page", () => {
  it("matches the golden file when built from the fixture warehouse with a fixed clock", async () => {
    const siteDir = join(dir, "golden", "site");
    const { pages } = await build(siteDir);
    expect(pages).toEqual([join(siteDir, "index.html")]);
    const html = readFileSync(pages[0]!, "utf8");
    if (process.env.UPDATE_GOLDEN === "1") {
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, html);
    }
    expect(existsSync(GOLDEN), "golden file missing: run with UPDATE_GOLDEN=1 once, then review it").toBe(
      true,
    );
    expect(html).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("renders the same bytes for the same input, however many charts were drawn before", () => {
    const input = {
      title: "Overview",
      generatedAt: NOW,
      watermark: "2024-04-01T06:00:00.000Z",
      rows: [
        { metric: "m", period: "2024-03-04", value: 3, n: 3, definition_hash: "sha256:ab" },
        { metric: "m", period: "2024-03-18", value: 5, n: 5, definition_hash: "sha256:ab" },
      ] satisfies MetricRow[],
      definitions: [{ name: "m", label: "M", description: "d", hash: "sha256:ab", unit: "count" }],
    };
    const first = renderOverviewPage(input);
    const second = renderOverviewPage(input);
    expect(second).toBe(first);
    // The empty week between the two stays on the axis as a gap.
    expect(first).toContain(">2024-03-11</text>");
  });

  it("shows every value with its n and says insufficient data instead of a withheld value", () => {
    const html = renderOverviewPage({
      title: "Overview",
      generatedAt: NOW,
      watermark: null,
      rows: [
        {
          metric: "p50",
          period: "2024-03-04",
          team: "platform",
          value: 12.345,
          n: 7,
          definition_hash: "sha256:cd",
        },
        {
          metric: "p50",
          period: "2024-03-04",
          team: "mobile",
          value: null,
          n: 2,
          definition_hash: "sha256:cd",
          insufficient: true,
        },
      ],
      definitions: [{ name: "p50", label: "Median", description: "d", hash: "sha256:cd", unit: "hours" }],
    });
    expect(html).toContain(
      `<tr><td>2024-03-04</td><td>mobile</td><td class="insufficient">insufficient data</td><td class="num">2</td></tr>`,
    );
    expect(html).toContain(
      `<tr><td>2024-03-04</td><td>platform</td><td class="num">12.3</td><td class="num">7</td></tr>`,
    );
    expect(html).toContain("Data as of <strong>no data yet</strong>");
    expect(html).toContain("<code>sha256:cd</code>");
  });

  it("shows a title, team or description containing a script tag only escaped", async () => {
    const siteDir = join(dir, "escaping", "site");
    const { pages } = await build(siteDir, { title: ATTACK });
    const built = readFileSync(pages[0]!, "utf8");
    const direct = renderOverviewPage({
      title: ATTACK,
      generatedAt: NOW,
      watermark: ATTACK,
      rows: [{ metric: "m", period: "2024-03-04", team: ATTACK, value: 1, n: 1, definition_hash: ATTACK }],
      definitions: [
        { name: "m", label: ATTACK, description: `</script>${ATTACK}`, hash: ATTACK, unit: ATTACK },
      ],
    });
    for (const html of [built, direct]) {
      expect(html).not.toContain(ATTACK);
      expect(html).not.toContain("</script><script>");
      // The one script element is the inert JSON data block.
      expect(html.match(/<script/g)).toHaveLength(1);
      expect(html).toContain(`<script type="application/json" id="yardstick-data">`);
      expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      const json = html.match(
        /<script type="application\/json" id="yardstick-data">([\s\S]*?)<\/script>/,
      )![1]!;
      const data = JSON.parse(json) as { title: string; rows: MetricRow[] };
      expect(data.title).toBe(ATTACK);
      expect(data.rows.some((r) => r.team === ATTACK)).toBe(true);
    }
    expect(built).toContain(`<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>`);
    expect(built).toContain(`<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>`);
  });

  it("references nothing on the network: no http(s) address, no src or href, no imports", async () => {
    const siteDir = join(dir, "offline", "site");
    const { pages } = await build(siteDir);
    const html = readFileSync(pages[0]!, "utf8");
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\s(src|href|xlink:href|action|srcset)\s*=/i);
    expect(html).not.toMatch(/@import/i);
    expect(html.match(/url\([^)]*\)/g)?.every((u) => u.startsWith("url(#"))).toBe(true);
    expect(html).not.toMatch(/<(link|iframe|img|object|embed)\b/i);
  });
});

describe("publishing the site", () => {
  it("replaces the whole site folder and leaves no temporary folder behind", async () => {
    const siteDir = join(dir, "publish", "site");
    mkdirSync(siteDir, { recursive: true });
    writeFileSync(join(siteDir, "index.html"), "old page");
    writeFileSync(join(siteDir, "stale.html"), "from an earlier build");
    await build(siteDir);
    expect(readdirSync(siteDir)).toEqual(["index.html"]);
    expect(readFileSync(join(siteDir, "index.html"), "utf8")).toMatch(/^<!doctype html>/);
    expect(siblings(siteDir)).toEqual(["site"]);
  });

  it("leaves the previous site untouched when the build fails part-way", async () => {
    const siteDir = join(dir, "failure", "site");
    mkdirSync(siteDir, { recursive: true });
    writeFileSync(join(siteDir, "index.html"), "last good page");
    writeFileSync(join(siteDir, "extra.html"), "last good extra");
    // Valid metrics.yaml whose expression fails only when DuckDB evaluates it, i.e. inside the build.
    const failing = readFileSync(METRICS, "utf8").replace(
      "expr: time_to_merge_hours",
      "expr: \"error('boom: cannot compute')\"",
    );
    const metricsFile = join(dir, "failing-metrics.yaml");
    writeFileSync(metricsFile, failing);
    await expect(build(siteDir, { metricsFile })).rejects.toThrow(
      /time_to_merge_hours_p50 could not be evaluated.*boom/,
    );
    expect(readFileSync(join(siteDir, "index.html"), "utf8")).toBe("last good page");
    expect(readFileSync(join(siteDir, "extra.html"), "utf8")).toBe("last good extra");
    expect(siblings(siteDir)).toEqual(["site"]);
  });
});
