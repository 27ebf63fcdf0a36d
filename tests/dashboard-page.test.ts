import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../core/logger.ts";
import { buildDashboards } from "../dashboards/build-dashboards.ts";
import { OVERVIEW_WEEKS } from "../dashboards/build-site.ts";
import { renderOverviewPage } from "../dashboards/overview-page.ts";
import type { MetricRow } from "../metrics/metric-evaluator.ts";
import {
  createFixtureWarehouse,
  type FixturePullRequest,
  fixturePullRequests,
} from "./fixtures/metrics-warehouse.ts";
import { expectGolden } from "./helpers/golden.ts";
import { readMetricTable } from "./helpers/page.ts";
import { groupBy, weekStart } from "./helpers/stats.ts";

const ATTACK = "<script>alert(1)</script>";
const TEAMS = ["platform", "mobile", ATTACK];
const NOW = new Date("2024-04-02T07:00:00Z");
const METRICS = join(import.meta.dirname, "fixtures", "dashboard-metrics.yaml");
const GOLDEN = join(import.meta.dirname, "fixtures", "golden", "overview.html");

let dir: string;
let warehousePath: string;
let prs: FixturePullRequest[];

/**
 * The fixture's pull requests plus one merged on Monday 2024-04-01, hours before the last extraction
 * (2024-04-01T06:01:05Z, the watermark): the week of 2024-04-01 is then on the page and still partial.
 */
function pullRequestsWithPartialWeek(): FixturePullRequest[] {
  const rows = fixturePullRequests(TEAMS);
  const late: FixturePullRequest = {
    ...rows[0]!,
    pull_request_id: "PR_LATE",
    number: 900,
    title: "Merged early on Monday",
    team: "platform",
    state: "MERGED",
    is_draft: false,
    created_at: "2024-03-29T17:00:00.000Z",
    merged_at: "2024-04-01T05:00:00.000Z",
    closed_at: "2024-04-01T05:00:00.000Z",
    is_merged: true,
    time_to_merge_hours: 60,
    extracted_at: "2024-04-01T05:30:00.000Z",
  };
  return [...rows, late];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yardstick-dashboards-"));
  warehousePath = join(dir, "warehouse.duckdb");
  prs = pullRequestsWithPartialWeek();
  await createFixtureWarehouse(warehousePath, prs);
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

/** The weekly overview among the pages a build wrote. */
function overviewOf(pages: readonly string[]): string {
  const found = pages.find((p) => p.endsWith("overview.html"));
  if (!found) throw new Error(`no overview.html among ${pages.join(", ")}`);
  return found;
}

/** Folder entries left beside `siteDir` (temporaries would start with a dot). */
function siblings(siteDir: string): string[] {
  return readdirSync(dirname(siteDir)).sort();
}

describe("the overview page", () => {
  it("matches the golden file when built from the fixture warehouse with a fixed clock", async () => {
    const siteDir = join(dir, "golden", "site");
    const { pages } = await build(siteDir);
    expect(pages).toContain(join(siteDir, "overview.html"));
    expectGolden(GOLDEN, readFileSync(overviewOf(pages), "utf8"));
  });

  it("renders the same bytes for the same input, however many charts were drawn before", () => {
    const input = {
      title: "Overview",
      generatedAt: NOW,
      watermark: "2024-04-01T06:00:00.000Z",
      grain: "week" as const,
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
      grain: "week",
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
      `<td class="num insufficient" data-metric="p50" data-period="2024-03-04" data-slice="mobile" data-value="" data-n="2" data-insufficient="true"><span class="value">insufficient data</span> <span class="n">n = 2</span></td>`,
    );
    expect(html).toContain(
      `<td class="num" data-metric="p50" data-period="2024-03-04" data-slice="platform" data-value="12.345" data-n="7"><span class="value">12.3 h</span> <span class="n">n = 7</span></td>`,
    );
    expect(readMetricTable(html, "p50")).toEqual([
      { period: "2024-03-04", slice: "mobile", value: "insufficient data", n: 2 },
      { period: "2024-03-04", slice: "platform", value: "12.3 h", n: 7 },
    ]);
    expect(html).toContain("Data as of <strong>no data yet</strong>");
    expect(html).toContain("<code>sha256:cd</code>");
  });

  it("pivots each table to one row per week, newest first, and one column per slice with All first", async () => {
    const siteDir = join(dir, "pivot", "site");
    const html = readFileSync(overviewOf((await build(siteDir)).pages), "utf8");
    const section = html.slice(html.indexOf(`id="metric-merged_pull_requests"`));
    const table = section.slice(section.indexOf("<table"), section.indexOf("</table>"));
    const columns = [...table.matchAll(/<th scope="col"[^>]*>(.*?)<\/th>/g)].map((m) => m[1]);
    // "<" sorts before letters in code-point order, so the escaped attack team comes first after "All".
    expect(columns).toEqual([
      "Week of",
      "All",
      "&lt;script&gt;alert(1)&lt;/script&gt;",
      "mobile",
      "platform",
    ]);

    // The overview covers OVERVIEW_WEEKS weeks back from the newest pull request event.
    const newest = prs
      .flatMap((p) => [p.created_at, p.merged_at ?? ""])
      .sort()
      .at(-1)!;
    const since = new Date(Date.parse(newest) - OVERVIEW_WEEKS * 7 * 86_400_000).toISOString().slice(0, 10);
    const merged = prs.filter((pr) => pr.merged_at !== null && pr.merged_at >= since);
    const weeks = [...groupBy(merged, (pr) => weekStart(pr.merged_at!)).keys()].sort();
    const axis: string[] = [];
    for (let t = Date.parse(weeks[0]!); t <= Date.parse(weeks.at(-1)!); t += 7 * 86_400_000) {
      axis.push(new Date(t).toISOString().slice(0, 10));
    }
    const rowHeads = [...table.matchAll(/<th scope="row">(\d{4}-\d\d-\d\d)/g)].map((m) => m[1]);
    expect(rowHeads).toEqual(axis.reverse());

    const expected: string[] = [];
    for (const [week, inWeek] of groupBy(merged, (pr) => weekStart(pr.merged_at!))) {
      expected.push(`${week}|All|${inWeek.length}|${inWeek.length}`);
      for (const [team, ofTeam] of groupBy(inWeek, (pr) => pr.team)) {
        expected.push(`${week}|${team}|${ofTeam.length}|${ofTeam.length}`);
      }
    }
    const shown = readMetricTable(html, "merged_pull_requests").map(
      (r) => `${r.period}|${r.slice}|${r.value}|${r.n}`,
    );
    expect(shown.sort()).toEqual(expected.sort());
  });

  it("marks the week the watermark falls in as partial, in the table and under the chart", async () => {
    const siteDir = join(dir, "partial", "site");
    const html = readFileSync(overviewOf((await build(siteDir)).pages), "utf8");
    // Watermark 2024-04-01T06:01:05Z: the week of 2024-04-01 had barely begun; the week before had ended.
    expect(html).toContain(
      `<tr class="partial" data-partial="true"><th scope="row">2024-04-01 <span class="partial">(partial)</span></th>`,
    );
    expect(html).toContain(`<tr><th scope="row">2024-03-25</th>`);
    expect(html.match(/\(partial\)<\/span>/g)).toHaveLength(2);
    expect(html).toContain(
      "The week of 2024-04-01 is partial: the data was taken at 2024-04-01 06:01 UTC, before the week ended",
    );
    // The partial point is drawn differently from the others (ECharts draws a diamond as a 4-point path).
    expect(html).toContain('stroke-dasharray="');
  });

  it("decides which week is partial from the watermark, not from the clock", () => {
    const rows = ["2024-03-04", "2024-03-11", "2024-03-18"].map((period) => ({
      metric: "m",
      period,
      value: 5,
      n: 5,
      definition_hash: "sha256:ab",
    }));
    const page = (watermark: string | null, generatedAt: Date) =>
      renderOverviewPage({
        title: "Overview",
        generatedAt,
        watermark,
        grain: "week",
        rows,
        definitions: [{ name: "m", label: "M", description: "d", hash: "sha256:ab", unit: "count" }],
      });
    const partialRows = (html: string) =>
      [...html.matchAll(/<th scope="row">(\S+) <span class="partial">/g)].map((m) => m[1]);
    // Built long after, from data taken mid-week: that week stays partial.
    expect(partialRows(page("2024-03-20T12:00:00Z", new Date("2030-01-01T00:00:00Z")))).toEqual([
      "2024-03-18",
    ]);
    // Data taken exactly when the last week ended: nothing is partial, even if built that same instant.
    expect(partialRows(page("2024-03-25T00:00:00Z", new Date("2024-03-25T00:00:00Z")))).toEqual([]);
    expect(page("2024-03-25T00:00:00Z", NOW)).not.toContain("partial-note");
    // Data taken before the last two weeks ended (rows can run ahead of a stale watermark): both are partial.
    expect(partialRows(page("2024-03-14T00:00:00Z", NOW))).toEqual(["2024-03-18", "2024-03-11"]);
    expect(page("2024-03-14T00:00:00Z", NOW)).toContain("The weeks of 2024-03-11, 2024-03-18 are partial");
  });

  it("shows a title, team or description containing a script tag only escaped", async () => {
    const siteDir = join(dir, "escaping", "site");
    const { pages } = await build(siteDir, { title: ATTACK });
    const built = readFileSync(overviewOf(pages), "utf8");
    const direct = renderOverviewPage({
      title: ATTACK,
      generatedAt: NOW,
      watermark: ATTACK,
      grain: "week",
      rows: [{ metric: "m", period: "2024-03-04", team: ATTACK, value: 1, n: 1, definition_hash: ATTACK }],
      definitions: [
        { name: "m", label: ATTACK, description: `</script>${ATTACK}`, hash: ATTACK, unit: ATTACK },
      ],
    });
    for (const html of [built, direct]) {
      expect(html).not.toContain(ATTACK);
      // No script element at all: the numbers travel in data attributes.
      expect(html).not.toMatch(/<script/);
      expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
    expect(built).toContain(`<h1>Weekly overview: &lt;script&gt;alert(1)&lt;/script&gt;</h1>`);
    expect(built).toContain(`<th scope="col" class="num">&lt;script&gt;alert(1)&lt;/script&gt;</th>`);
    expect(built).toContain(`data-slice="&lt;script&gt;alert(1)&lt;/script&gt;"`);
  });

  it("references nothing on the network: no http(s) address, no src or href, no imports", async () => {
    const siteDir = join(dir, "offline", "site");
    const { pages } = await build(siteDir);
    const html = readFileSync(overviewOf(pages), "utf8");
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\s(src|xlink:href|action|srcset)\s*=/i);
    // Links only to the site's own pages, relative, so the site works from file:// wherever it is copied.
    for (const [, href] of html.matchAll(/\shref="([^"]*)"/g))
      expect(href).toMatch(/^[a-z0-9-]+\.html(#[a-z-]+)?$/);
    expect(html).not.toMatch(/@import/i);
    expect(html.match(/url\([^)]*\)/g)?.every((u) => u.startsWith("url(#"))).toBe(true);
    expect(html).not.toMatch(/<(link|iframe|img|object|embed)\b/i);
  });
});

describe("publishing the site", () => {
  it("replaces the whole site folder with a link to the new version and leaves no temporary folder behind", async () => {
    const siteDir = join(dir, "publish", "site");
    mkdirSync(siteDir, { recursive: true });
    writeFileSync(join(siteDir, "index.html"), "old page");
    writeFileSync(join(siteDir, "stale.html"), "from an earlier build");
    await build(siteDir);
    expect(readdirSync(siteDir)).not.toContain("stale.html");
    expect(readdirSync(siteDir)).toEqual(
      expect.arrayContaining(["index.html", "overview.html", "definitions.html"]),
    );
    expect(readFileSync(join(siteDir, "index.html"), "utf8")).toMatch(/^<!doctype html>/);
    // `site` is now a link to the new version; the folder from before links is kept as the version before.
    expect(lstatSync(siteDir).isSymbolicLink()).toBe(true);
    const names = siblings(siteDir);
    expect(names.filter((n) => n.startsWith("."))).toEqual([]);
    expect(names).toHaveLength(3);
    expect(names).toEqual(expect.arrayContaining(["site", readlinkSync(siteDir)]));
    expect(names.filter((n) => n.startsWith("site-legacy-"))).toHaveLength(1);
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

  it("shows a group with fewer people than the privacy floor as suppressed, without value or n", async () => {
    const siteDir = join(dir, "privacy", "site");
    const metricsFile = join(dir, "privacy-metrics.yaml");
    const text = readFileSync(METRICS, "utf8");
    expect(text).toContain("privacy_floor: 1\n");
    writeFileSync(metricsFile, text.replace("privacy_floor: 1\n", "privacy_floor: 5\n"));
    await build(siteDir, { metricsFile });
    const html = readFileSync(join(siteDir, "overview.html"), "utf8");
    // People per (week, team), as the mart's person column counts them: human authors (bots are not people).
    const people = new Map<string, Set<string>>();
    for (const pr of prs.filter((p) => p.is_merged && p.merged_at !== null)) {
      const key = `${weekStart(pr.merged_at!)}|${pr.team}`;
      const set = people.get(key) ?? new Set<string>();
      if (pr.author_type === "User" && pr.author_login) set.add(pr.author_login);
      people.set(key, set);
    }
    const cells = readMetricTable(html, "merged_pull_requests").filter((c) => c.slice !== "All");
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) {
      const count = people.get(`${cell.period}|${cell.slice}`)?.size ?? 0;
      const suppressed = count >= 1 && count < 5;
      expect(cell.suppressed === true, `${cell.period} ${cell.slice}: ${count} people`).toBe(suppressed);
      if (suppressed) expect(cell.value).toBe("suppressed");
      else expect(cell.value).toMatch(/^\d+$/);
    }
    expect(cells.some((c) => c.suppressed)).toBe(true);
  });
});
