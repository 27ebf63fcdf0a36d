/**
 * The overview page as a leader opens it: a real Chromium loads the published file from file:// and the
 * checks read what the browser renders (its DOM, layout and print layout), not the HTML text.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../core/logger.ts";
import { buildDashboards } from "../dashboards/build-dashboards.ts";
import { OVERVIEW_WEEKS } from "../dashboards/build-site.ts";
import {
  createFixtureWarehouse,
  type FixturePullRequest,
  fixturePullRequests,
} from "./fixtures/metrics-warehouse.ts";
import { launchChromium } from "./helpers/browser.ts";
import { groupBy, median, oneDecimal, weekStart } from "./helpers/stats.ts";

const ATTACK = "<script>alert(1)</script>";
const MIN_SAMPLE = 5; // time_to_merge_hours_p50's min_sample in metrics.yaml
/** The overview covers OVERVIEW_WEEKS weeks back from the newest pull request event. */
function overviewFrom(): string {
  const newest = prs
    .flatMap((p) => [p.created_at, p.merged_at ?? ""])
    .sort()
    .at(-1)!;
  return new Date(Date.parse(newest) - OVERVIEW_WEEKS * 7 * 86_400_000).toISOString().slice(0, 10);
}

let dir: string;
let prs: FixturePullRequest[];
let pageUrl: string;
let browser: Browser | undefined;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yardstick-browser-"));
  const warehousePath = join(dir, "warehouse.duckdb");
  const generated = fixturePullRequests(["platform", "mobile", ATTACK]);
  // Merged after the last complete week and before the watermark (2024-04-01T06:01:05Z): a partial week.
  prs = [
    ...generated,
    {
      ...generated[0]!,
      pull_request_id: "PR_LATE",
      number: 900,
      team: "platform",
      state: "MERGED",
      is_draft: false,
      created_at: "2024-03-29T17:00:00.000Z",
      merged_at: "2024-04-01T05:00:00.000Z",
      closed_at: "2024-04-01T05:00:00.000Z",
      is_merged: true,
      time_to_merge_hours: 60,
      extracted_at: "2024-04-01T05:30:00.000Z",
    },
  ];
  await createFixtureWarehouse(warehousePath, prs);
  const { pages } = await buildDashboards({
    warehousePath,
    metricsFile: join(import.meta.dirname, "fixtures", "dashboard-metrics.yaml"),
    siteDir: join(dir, "site"),
    now: new Date("2024-04-02T07:00:00Z"),
    logger: createMemoryLogger(),
    title: ATTACK,
  });
  pageUrl = pathToFileURL(pages.find((p) => p.endsWith("overview.html"))!).href;

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pageUrl, { waitUntil: "load" });
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Cell {
  metric: string;
  period: string;
  slice: string;
  value: string;
  n: string;
  shown: string;
}

/** What the tables hold, read from the rendered DOM. */
function readCells(): Promise<Cell[]> {
  return page.$$eval("td[data-metric]", (tds) =>
    tds.map((td) => ({
      metric: td.getAttribute("data-metric") ?? "",
      period: td.getAttribute("data-period") ?? "",
      slice: td.getAttribute("data-slice") ?? "",
      value: td.getAttribute("data-value") ?? "(missing)",
      n: td.getAttribute("data-n") ?? "(missing)",
      shown: td.querySelector(".value")?.textContent ?? "",
    })),
  );
}

/**
 * One decimal, ties away from zero on the decimal a person reads (26.45 → "26.5"). Not `toFixed(1)`, which
 * rounds the binary double (26.45 is stored as 26.4499…) and so gives "26.4".
 */
/** The cells the page should have, computed here from the fixture rows (not from the SQL under test). */
function expectedCells(): Map<string, { value: number | null; n: number; shown: string }> {
  const cells = new Map<string, { value: number | null; n: number; shown: string }>();
  const merged = prs.filter((pr) => pr.merged_at !== null && pr.merged_at >= overviewFrom());
  for (const [week, inWeek] of groupBy(merged, (pr) => weekStart(pr.merged_at!))) {
    const groups: [string, FixturePullRequest[]][] = [["All", inWeek], ...groupBy(inWeek, (pr) => pr.team)];
    for (const [slice, group] of groups) {
      const n = group.length;
      cells.set(`merged_pull_requests|${week}|${slice}`, { value: n, n, shown: String(n) });
      const hours = group.map((pr) => (Date.parse(pr.merged_at!) - Date.parse(pr.created_at)) / 3_600_000);
      const value = n < MIN_SAMPLE ? null : median(hours);
      cells.set(`time_to_merge_hours_p50|${week}|${slice}`, {
        value,
        n,
        shown: value === null ? "insufficient data" : `${oneDecimal(value)} h`,
      });
    }
  }
  return cells;
}

describe("the overview page in Chromium, opened from file://", () => {
  it("loads without console errors and requests nothing but the page file itself", () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pageUrl]);
  });

  it("draws every chart as an inline SVG with a non-zero size", async () => {
    const sections = page.locator("section.metric");
    expect(await sections.count()).toBe(2);
    for (const section of await sections.all()) {
      const charts = section.locator("svg.chart");
      expect(await charts.count()).toBe(1);
      // An <svg> element in the page's own DOM (not an image or an object loading a file).
      expect(await charts.evaluate((svg) => svg.namespaceURI === "http://www.w3.org/2000/svg")).toBe(true);
      expect(await charts.locator("path").count()).toBeGreaterThan(0);
      const box = await charts.boundingBox();
      expect(box?.width).toBeGreaterThan(100);
      expect(box?.height).toBeGreaterThan(100);
    }
    expect(await page.locator("img, object, embed, iframe").count()).toBe(0);
  });

  it("shows in its table cells exactly the values and n computed from the fixture rows", async () => {
    const cells = await readCells();
    const expected = expectedCells();
    expect(cells.map((c) => `${c.metric}|${c.period}|${c.slice}`).sort()).toEqual(
      [...expected.keys()].sort(),
    );
    for (const cell of cells) {
      const want = expected.get(`${cell.metric}|${cell.period}|${cell.slice}`)!;
      const where = `${cell.metric} ${cell.period} ${cell.slice}`;
      expect(Number(cell.n), where).toBe(want.n);
      if (want.value === null) expect(cell.value, where).toBe("");
      else expect(Number(cell.value), where).toBeCloseTo(want.value, 9);
      expect(cell.shown, where).toBe(want.shown);
    }
    expect(cells.some((c) => c.shown === "insufficient data")).toBe(true);
  });

  it("lists the newest week first and marks the week the watermark falls in as partial", async () => {
    const rows = await page.$$eval("#metric-merged_pull_requests tbody tr", (trs) =>
      trs.map((tr) => ({ head: tr.querySelector("th")?.textContent ?? "", partial: tr.dataset.partial })),
    );
    expect(rows[0]).toEqual({ head: "2024-04-01 (partial)", partial: "true" });
    expect(rows.slice(1).every((r) => r.partial === undefined && !r.head.includes("partial"))).toBe(true);
    const heads = rows.map((r) => r.head.slice(0, 10));
    expect(heads).toEqual([...heads].sort().reverse());
    await expect
      .poll(() => page.locator("#metric-merged_pull_requests .partial-note").textContent())
      .toContain("The week of 2024-04-01 is partial");
  });

  it("renders a team named like a script tag as text and never runs it", async () => {
    const headers = await page.$$eval("th", (ths) => ths.map((th) => th.textContent));
    expect(headers).toContain(ATTACK);
    // The site's title reaches the page's heading and title as text.
    expect(await page.locator("h1").textContent()).toBe(`Weekly overview: ${ATTACK}`);
    expect(await page.title()).toBe(`Weekly overview: ${ATTACK}`);
    expect(await page.$$eval("script", (s) => s.length)).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("keeps every chart visible when printed", async () => {
    await page.emulateMedia({ media: "print" });
    try {
      expect(await page.evaluate(`matchMedia("print").matches`)).toBe(true);
      const charts = await page.locator("svg.chart").all();
      expect(charts).toHaveLength(2);
      for (const chart of charts) {
        expect(await chart.isVisible()).toBe(true);
        const box = await chart.boundingBox();
        expect(box?.width).toBeGreaterThan(100);
        expect(box?.height).toBeGreaterThan(100);
      }
      const pdf = await page.pdf({ format: "A4", landscape: true });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      expect(requests).toEqual([pageUrl]);
    } finally {
      await page.emulateMedia({ media: "screen" });
    }
  });
});
