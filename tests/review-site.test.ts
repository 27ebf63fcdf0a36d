/**
 * The monthly AI performance review as leaders get it: the nightly job runs against a simulated organisation
 * of ten teams, the site is published, and a real Chromium opens every page from file://. Numbers read back
 * from the pages are compared with `metrics query` / `metrics compare` evaluated apart; a final month's
 * review is checked to stay byte-identical through a later run with new data and a changed definition; hostile
 * text from the configuration, metrics.yaml and the notes file must stay inert.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCli } from "../cli/main.ts";
import { dataPaths, loadConfig } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { FOLLOW_UP_ROWS, followUpsCsv, renderReview } from "../dashboards/pages/review.page.ts";
import type { ReviewSnapshot } from "../dashboards/review/review-snapshot.ts";
import { NAV } from "../dashboards/site/page-registry.ts";
import { type PipelineResult, runPipeline } from "../jobs/pipeline.ts";
import { compareMetrics } from "../metrics/metric-compare.ts";
import { evaluateMetrics } from "../metrics/metric-evaluator.ts";
import { loadMetricsFile } from "../metrics/metrics-file.ts";
import { evolveOrg } from "../simulator/org-evolver.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { launchChromium } from "./helpers/browser.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN = "ghp_reviewSiteTokenThatIsNeverWritten0077";
const HOSTILE = `<script>alert("x")</script>"'><img src=x onerror=alert(1)></svg>`;
const DAY = 86_400_000;

/** The last day of a YYYY-MM month, as a UTC epoch. */
function monthEndMs(month: string): number {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return Date.UTC(y, m, 0);
}

/** The last complete month (the review the site opens on), YYYY-MM. */
function lastMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

function monthBefore(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

const NOTES = `# Review meeting

Decisions: <script>alert("notes")</script> stays text. [a link](javascript:alert(1)) is not a link.
![tracker](https://example.com/pixel.png) is no image. Raw <img src=x onerror=alert(2)> and </svg> too.
[The runbook](https://example.com/runbook) is a link.

- [ ] Follow up on the reverted agent work
`;

function startOfTodayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

describe("the monthly review site", () => {
  const org = generateOrg({
    seed: 41,
    teams: 10,
    repositories: 20,
    pullRequests: 1800,
    days: 150,
    end: startOfTodayUtc(),
  });
  // One team gets a hostile name: it reaches the team matrix, a team page and the home page.
  const teams = org.teams.map((t, i) => (i === 0 ? { ...t, name: `platform ${HOSTILE}` } : t));
  let sim: Simulator;
  let dataDir: string;
  let configFile: string;
  let metricsFile: string;
  let first: PipelineResult;
  let browser: Browser;
  const logger = createMemoryLogger();

  const run = (metrics = metricsFile) =>
    runPipeline({
      config: loadConfig(configFile),
      root: ROOT,
      metricsFile: metrics,
      logger,
      env: { SIM_TOKEN: TOKEN },
      client: { requestIntervalMs: 0, retryAfterBaseMs: 1 },
    });

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN], rateLimit: { limit: 1_000_000 } });
    dataDir = mkdtempSync(join(tmpdir(), "ys-review-site-"));
    configFile = join(dataDir, "yardstick.yaml");
    writeFileSync(
      configFile,
      stringify({
        dataDir: ".",
        github: { url: sim.url, tokenEnv: "SIM_TOKEN", orgs: [org.dataset.repositories[0]!.owner] },
        teams,
      }),
    );
    // A metric label from metrics.yaml is hostile too (reviewed code, but still not markup).
    metricsFile = join(dataDir, "metrics.yaml");
    writeFileSync(
      metricsFile,
      readFileSync(join(ROOT, "metrics.yaml"), "utf8").replace(
        "label: Cycle time (median, hours)",
        `label: 'Cycle time ${HOSTILE.replace(/'/g, "''")}'`,
      ),
    );
    // The meeting's notes: last month's (hostile) and the month before's, whose open action item must appear
    // at the top of last month's review.
    const notesDir = join(dataDir, "reviews", "notes");
    mkdirSync(notesDir, { recursive: true });
    writeFileSync(join(notesDir, `${lastMonth()}.md`), NOTES);
    writeFileSync(
      join(notesDir, `${monthBefore(lastMonth())}.md`),
      "## Actions\n\n- [ ] Ask the platform team about agent reverts\n- [x] Done already\n",
    );
    first = await run();
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });

  const siteDir = () => dataPaths(dataDir).site;
  const sitePages = () => {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".html")) out.push(path);
      }
    };
    walk(siteDir());
    return out.sort();
  };

  /** Opens a page from file:// and records what it asks the network for, logs as errors and pops up. */
  async function open(
    file: string,
  ): Promise<{ page: Page; requests: string[]; errors: string[]; dialogs: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    const dialogs: string[] = [];
    const url = pathToFileURL(file).href;
    page.on("request", (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url, { waitUntil: "load" });
    return { page, requests, errors, dialogs };
  }

  it("publishes a home page, one review per month with data, a page per team, definitions and data trust", () => {
    const pages = sitePages().map((p) => relative(siteDir(), p));
    expect(pages).toEqual(
      expect.arrayContaining(["index.html", "definitions.html", "data.html", "overview.html"]),
    );
    const months = pages.filter((p) => p.startsWith("reviews/")).map((p) => p.slice(8, 15));
    // Every month from the first pull request's to the current one.
    const firstMonth = org.dataset.pullRequests
      .map((p) => p.createdAt)
      .sort()[0]!
      .slice(0, 7);
    expect(months[0]).toBe(firstMonth);
    expect(months[months.length - 1]).toBe(new Date().toISOString().slice(0, 7));
    // A page per configured team, and one for the work no team claims.
    const teamPages = pages.filter((p) => p.startsWith("teams/"));
    expect(teamPages).toHaveLength(teams.length + 1);
    const home = readFileSync(join(siteDir(), "index.html"), "utf8");
    for (const team of [...teams.map((t) => t.name), "unassigned"])
      expect(home, team).toContain(
        `>${team.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")}</a>`,
      );
    expect(first.latestReview).toBe(join(siteDir(), "reviews", `${lastMonth()}.html`));
  });

  it("freezes exactly the months whose outcome windows have closed, with their provenance", () => {
    const metrics = loadMetricsFile(metricsFile);
    const days = Math.max(
      metrics.definitions.revert_window_days,
      metrics.definitions.incident_lookahead_days,
    );
    const reviewsDir = dataPaths(dataDir).reviews;
    const watermark = readLastWatermark();
    for (const file of readdirSync(join(siteDir(), "reviews"))) {
      const month = file.slice(0, 7);
      const final = Date.parse(watermark) >= monthEndMs(month) + (days + 1) * DAY;
      expect(existsSync(join(reviewsDir, `${month}.json`)), month).toBe(final);
      if (!final) continue;
      const snapshot = JSON.parse(readFileSync(join(reviewsDir, `${month}.json`), "utf8"));
      expect(snapshot.status).toBe("final");
      expect(snapshot.metrics_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(snapshot.code_version).toMatch(/\d/);
      expect(snapshot.data_watermark).toBe(watermark);
      expect(snapshot.definitions.cycle_time_p50.hash).toBe(
        metrics.metrics.find((m) => m.name === "cycle_time_p50")!.definitionHash,
      );
    }
    expect(readdirSync(reviewsDir).filter((f) => f.endsWith(".json")).length).toBeGreaterThanOrEqual(2);
  });

  function readLastWatermark(): string {
    const files = readdirSync(dataPaths(dataDir).reviews).filter((f) => f.endsWith(".json"));
    return JSON.parse(readFileSync(join(dataPaths(dataDir).reviews, files[files.length - 1]!), "utf8"))
      .data_watermark;
  }

  it("shows on the latest review the numbers metrics query and metrics compare give for that month", async () => {
    const month = relative(siteDir(), first.latestReview!).slice(8, 15);
    const from = `${month}-01`;
    const to = new Date(monthEndMs(month)).toISOString().slice(0, 10);
    const metrics = loadMetricsFile(metricsFile);
    const warehousePath = dataPaths(dataDir).warehouse;
    const { page } = await open(first.latestReview!);
    try {
      // Headline cards: each org-wide figure against a plain evaluation of that month.
      const cards = await page.$$eval(".card[data-headline]:not([data-class]) .big", (els) =>
        els.map((e) => ({
          metric: e.getAttribute("data-metric")!,
          value: e.getAttribute("data-value")!,
          n: e.getAttribute("data-n")!,
        })),
      );
      expect(cards.length).toBeGreaterThanOrEqual(6);
      const rows = await evaluateMetrics({
        warehousePath,
        metrics,
        names: cards.map((c) => c.metric),
        by: [],
        grain: "month",
        from,
        to,
      });
      for (const card of cards) {
        const row = rows.find((r) => r.metric === card.metric)!;
        expect(card.n, card.metric).toBe(String(row.n));
        expect(card.value, card.metric).toBe(
          row.insufficient || row.suppressed || row.value === null ? "" : String(row.value),
        );
      }
      // The impact table, pooled: each difference and both n against metrics compare for the month.
      const cells = await page.$$eval('td[data-table="month"][data-size=""]', (els) =>
        els.map((e) => ({
          metric: e.getAttribute("data-metric")!,
          cls: e.getAttribute("data-cls")!,
          difference: e.getAttribute("data-difference")!,
          low: e.getAttribute("data-low")!,
          n: e.getAttribute("data-n")!,
          baselineN: e.getAttribute("data-baseline-n")!,
          k: e.getAttribute("data-k")!,
        })),
      );
      expect(cells.length).toBeGreaterThan(10);
      const compared = await compareMetrics({
        warehousePath,
        file: metrics,
        names: [...new Set(cells.map((c) => c.metric))],
        by: [],
        grain: "month",
        from,
        to,
        withinSize: false,
        beside: "merge_rate",
      });
      let withDifference = 0;
      for (const cell of cells) {
        const row = compared.find(
          (r) => r.metric === cell.metric && r.authorship_class === cell.cls && r.period === from,
        )!;
        const vs = row.vs_unmarked!;
        expect(cell.difference, `${cell.metric} ${cell.cls}`).toBe(
          vs.difference === null ? "" : String(vs.difference),
        );
        expect(cell.low).toBe(vs.low === null ? "" : String(vs.low));
        expect(cell.n).toBe(row.n === null ? "" : String(row.n));
        expect(cell.baselineN).toBe(vs.baseline_n === null ? "" : String(vs.baseline_n));
        expect(cell.k).toBe(vs.k === null ? "" : String(vs.k));
        if (vs.difference !== null) withDifference++;
      }
      expect(withDifference).toBeGreaterThan(5);
    } finally {
      await page.close();
    }
  });

  it("opens every page from file:// with no request, no console error and no serious accessibility violation", async () => {
    const axe = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
    for (const file of sitePages()) {
      const { page, requests, errors, dialogs } = await open(file);
      try {
        expect(requests, file).toEqual([]);
        expect(errors, file).toEqual([]);
        expect(dialogs, file).toEqual([]);
        await page.addScriptTag({ content: axe });
        // Evaluated in the page (the test itself has no DOM types): serious and critical violations only.
        const violations = (await page.evaluate(
          `axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => v.id + " (" + v.impact + ", " + v.nodes.length + "): " + v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join("; ")))`,
        )) as string[];
        expect(violations, file).toEqual([]);
      } finally {
        await page.close();
      }
    }
  }, 600_000);

  it("keeps hostile team names, metric labels and notes inert on every page: no script, handler or injected element", async () => {
    for (const file of sitePages()) {
      const { page, dialogs } = await open(file);
      try {
        const found = await page.evaluate(
          `({
            scripts: [...document.querySelectorAll("script")].filter((s) => s.type !== "application/json").length,
            images: document.querySelectorAll("img").length,
            handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
            jsLinks: [...document.querySelectorAll("a[href]")].filter((a) => !/^(https?:|[^:]*$)/i.test(a.getAttribute("href"))).length,
          })`,
        );
        expect(found, file).toEqual({ scripts: 0, images: 0, handlers: 0, jsLinks: 0 });
        expect(dialogs, file).toEqual([]);
      } finally {
        await page.close();
      }
    }
    const home = readFileSync(join(siteDir(), "index.html"), "utf8");
    expect(home).toContain("platform &lt;script&gt;");
    // The notes: text stays text, only the http(s) link is a link, and last month's open action leads the page.
    const { page } = await open(first.latestReview!);
    try {
      const notes = await page.$eval("#notes", (e) => ({
        text: e.textContent ?? "",
        links: [...e.querySelectorAll("a")].map((a) => a.getAttribute("href")),
      }));
      expect(notes.text).toContain('<script>alert("notes")</script> stays text');
      expect(notes.links).toEqual(["https://example.com/runbook"]);
      const actions = await page.$eval('[aria-label="Actions from last month"]', (e) => e.textContent ?? "");
      expect(actions).toContain("Ask the platform team about agent reverts");
      expect(actions).not.toContain("Done already");
    } finally {
      await page.close();
    }
  });

  it("prints the latest review, ten teams, on no more than 15 A4 pages", async () => {
    const { page } = await open(first.latestReview!);
    try {
      const pdf = await page.pdf({ format: "A4", printBackground: false });
      const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      expect(pages).toBeGreaterThan(1);
      expect(pages).toBeLessThanOrEqual(15);
    } finally {
      await page.close();
    }
  });

  it("shows at most 40 follow-ups and 30 repositories on a page, whatever the organisation's size, the whole lists in CSV beside it", async () => {
    const reviewsDir = join(dataDir, "reviews");
    const snapshots = readdirSync(reviewsDir)
      .filter((f) => /^\d{4}-\d{2}\.json$/.test(f))
      .map((f) => JSON.parse(readFileSync(join(reviewsDir, f), "utf8")) as ReviewSnapshot);
    const busiest = [...snapshots].sort((a, b) => b.follow_ups.length - a.follow_ups.length)[0]!;
    expect(busiest.follow_ups.length, "the demo organisation has follow-ups").toBeGreaterThan(0);
    // The published CSV holds every follow-up of the month, and the page shows them (fewer than 40 here).
    const csv = readFileSync(join(siteDir(), "reviews", `${busiest.month}-follow-ups.csv`), "utf8");
    const csvLines = csv.trimEnd().split("\r\n");
    expect(csvLines[0]).toBe(
      "repository,number,url,class,tools,evidence,evidence_where,reverted_by,incidents",
    );
    expect(
      csvLines
        .slice(1)
        .map((l) => l.split(",").slice(0, 2).join("#"))
        .sort(),
    ).toEqual(busiest.follow_ups.map((f) => `${f.repository}#${f.number}`).sort());
    // Link coverage: one CSV line per repository of the organisation, whose merged pull requests add up to
    // the organisation's (counted from the generator's truth).
    const coverage = readFileSync(join(siteDir(), "data-link-coverage.csv"), "utf8").trimEnd().split("\r\n");
    const repos = new Set(org.dataset.repositories.map((r) => `${r.owner}/${r.name}`));
    expect(coverage[1]!.split(",")[0], "the whole organisation first").toBe("(all)");
    const listed = coverage.slice(2).map((l) => l.split(",")[0]);
    expect(listed.sort(), coverage.join("\n")).toEqual([...repos].sort());
    const merged = org.dataset.pullRequests.filter((p) => p.mergedAt !== null).length;
    expect(Number(coverage[1]!.split(",")[1])).toBe(merged);
    expect(coverage.slice(2).reduce((sum, l) => sum + Number(l.split(",")[1]), 0)).toBe(merged);

    // A month with 100 follow-ups (a hostile evidence text among them): 40 on the page, incidents first.
    const many: ReviewSnapshot = {
      ...busiest,
      follow_ups: Array.from({ length: 100 }, (_, i) => ({
        ...busiest.follow_ups[0]!,
        number: 10_000 + i,
        incidents: i % 10 === 9 ? [900 + i] : [],
        reverted_by: i % 10 === 9 ? null : 20_000 + i,
        evidence: i === 0 ? '=HYPERLINK("https://evil.example/","x")' : busiest.follow_ups[0]!.evidence,
      })),
    };
    const html = renderReview(many, NAV, true);
    const section = html.slice(
      html.indexOf('id="follow-ups"'),
      html.indexOf("</section>", html.indexOf('id="follow-ups"')),
    );
    const shownNumbers = [...section.matchAll(/#(\d+)<\/a><\/th>/g)].map((m) => Number(m[1]));
    expect(shownNumbers).toHaveLength(FOLLOW_UP_ROWS);
    // The ten with an incident come first, then the reverted ones by number.
    expect(shownNumbers.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, k) => 10_009 + 10 * k));
    expect(section).toContain("are the first of 100");
    const manyCsv = followUpsCsv(many).trimEnd().split("\r\n");
    expect(manyCsv).toHaveLength(101);
    expect(manyCsv.find((l) => l.includes("HYPERLINK"))).toContain(
      `'=HYPERLINK(""https://evil.example/"",""x"")`,
    );
  });

  it("keeps a final review byte-identical through new data and a changed definition, and lists the restatement", async () => {
    const reviewsDir = dataPaths(dataDir).reviews;
    const frozen = readdirSync(reviewsDir).filter((f) => /^\d{4}-\d{2}\.json$/.test(f));
    const before = new Map(
      frozen.flatMap((f) => {
        const month = f.slice(0, 7);
        return [
          [f, readFileSync(join(reviewsDir, f), "utf8")],
          [`site/${month}.html`, readFileSync(join(siteDir(), "reviews", `${month}.html`), "utf8")],
        ] as [string, string][];
      }),
    );
    // New pull requests and merges since, and cycle time redefined (bots no longer count).
    const evolved = evolveOrg(org, { at: new Date(), newPullRequests: 20, updates: 10 });
    sim.setDataset(evolved.dataset);
    const changed = join(dataDir, "metrics-changed.yaml");
    const text = readFileSync(metricsFile, "utf8");
    const at = text.indexOf("name: cycle_time_p50");
    const filterAt = text.indexOf("filter: is_merged", at);
    writeFileSync(
      changed,
      `${text.slice(0, filterAt)}filter: is_merged and author_type = 'User'${text.slice(filterAt + "filter: is_merged".length)}`,
    );
    await run(changed);
    for (const [file, bytes] of before) {
      const path = file.startsWith("site/")
        ? join(siteDir(), "reviews", file.slice(5))
        : join(reviewsDir, file);
      expect(readFileSync(path, "utf8") === bytes, file).toBe(true);
    }
    const data = readFileSync(join(siteDir(), "data.html"), "utf8");
    const newHash = loadMetricsFile(changed).metrics.find((m) => m.name === "cycle_time_p50")!.definitionHash;
    expect(data).toContain(`restated: now`);
    expect(data).toContain(newHash);
    expect(readFileSync(join(siteDir(), "index.html"), "utf8")).toContain("restated:");
  }, 900_000);

  it("refreezes a final month on request, keeping the old review and the reason; refuses bad requests with exit 2", async () => {
    const reviewsDir = dataPaths(dataDir).reviews;
    const month = readdirSync(reviewsDir)
      .filter((f) => /^\d{4}-\d{2}\.json$/.test(f))[0]!
      .slice(0, 7);
    const old = readFileSync(join(reviewsDir, `${month}.json`), "utf8");
    const base = ["review", "--config", configFile, "--metrics", metricsFile];
    expect(await runCli([...base, "2026-13"])).toBe(2);
    expect(await runCli([...base, month, "--refreeze"])).toBe(2);
    expect(await runCli([...base, "--reason", "no refreeze"])).toBe(2);
    const current = new Date().toISOString().slice(0, 7);
    expect(await runCli([...base, current, "--refreeze", "--reason", "too early"])).toBe(2);
    expect(readFileSync(join(reviewsDir, `${month}.json`), "utf8")).toBe(old);
    expect(await runCli([...base, month, "--refreeze", "--reason", `definitions fixed ${HOSTILE}`])).toBe(0);
    const kept = readdirSync(join(reviewsDir, "history")).filter((f) => f.startsWith(month));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(reviewsDir, "history", kept[0]!), "utf8")).toBe(old);
    const now = JSON.parse(readFileSync(join(reviewsDir, `${month}.json`), "utf8"));
    expect(now.refrozen).toEqual([
      { at: expect.any(String), reason: `definitions fixed ${HOSTILE}`, replaced: `history/${kept[0]}` },
    ]);
    expect(statSync(join(siteDir(), "reviews", `${month}.html`)).size).toBeGreaterThan(0);
  }, 600_000);
});
