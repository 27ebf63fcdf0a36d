/**
 * docs/metrics.md must stay true: its example YAML loads with the real loader and passes the SQL check, its
 * error examples print what the engine prints, every command it shows exists with those flags, its table of
 * models matches the marts' contracts, and what it says about hashes and percentiles holds.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { buildProgram } from "../cli/main.ts";
import { InputError } from "../core/errors.ts";
import { formatComparison } from "../dashboards/units.ts";
import { REPOSITORY_FLOOR } from "../metrics/comparison-stats.ts";
import { evaluateMetrics } from "../metrics/metric-evaluator.ts";
import { AGGREGATIONS, definitionsSchema, GRAINS, UNITS } from "../metrics/metric-schema.ts";
import { checkMetricSql } from "../metrics/metric-sql-check.ts";
import { findMetric, type MetricsFile, parseMetricsFile } from "../metrics/metrics-file.ts";
import { WAREHOUSE_MODELS } from "../metrics/warehouse-contract.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { createFixtureWarehouse, fixturePullRequests } from "./fixtures/metrics-warehouse.ts";

const ROOT = resolve(import.meta.dirname, "..");
const DOC = readFileSync(join(ROOT, "docs", "metrics.md"), "utf8");
const SHIPPED = readFileSync(join(ROOT, "metrics.yaml"), "utf8");

interface Fence {
  lang: string;
  body: string;
  /** The HTML comment on the line just before the fence, e.g. `example: simple`; undefined when none. */
  marker: string | undefined;
}

/** Every fenced block of the page, in order, with the marker comment right above it. */
function fences(markdown: string): Fence[] {
  const lines = markdown.split("\n");
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? "");
    if (!open) continue;
    const end = lines.findIndex((l, k) => k > i && l.startsWith("```"));
    if (end < 0) throw new Error(`unclosed fence at docs/metrics.md:${i + 1}`);
    const marker = /^<!--\s*(.+?)\s*-->$/.exec(lines[i - 1] ?? "")?.[1];
    out.push({ lang: open[1] ?? "", body: lines.slice(i + 1, end).join("\n"), marker });
    i = end;
  }
  return out;
}

const ALL = fences(DOC);
const examples = ALL.flatMap((f) => {
  const m = /^example: ([\w-]+)$/.exec(f.marker ?? "");
  return m && f.lang === "yaml" ? [{ name: m[1] as string, body: f.body }] : [];
});

// One metric nothing in the doc refers to: the examples are appended after it.
const BASE_METRIC = `  - name: docs_base_metric
    label: Base
    description: A metric so that the file is valid on its own.
    owner: docs
    type: simple
    model: fct_pull_requests
    agg: count
    expr: pull_request_id
    time_dimension: created_at
    unit: count
    direction: neutral
`;

const indent = (text: string) =>
  text
    .split("\n")
    .map((l) => (l.length > 0 ? `  ${l}` : l))
    .join("\n");

/** Loads a file with the real loader and runs the real SQL check (DuckDB, contract tables). */
async function loadAndCheck(text: string, name: string): Promise<MetricsFile> {
  const file = parseMetricsFile(text, name);
  await checkMetricSql(file);
  return file;
}

describe("the YAML examples in docs/metrics.md", () => {
  it("are found: simple, ratio, derived, definitions and the worked example", () => {
    expect(examples.map((e) => e.name)).toEqual(
      expect.arrayContaining(["simple", "ratio", "derived", "definitions", "worked-example"]),
    );
  });

  for (const example of examples) {
    it(`example "${example.name}" loads with the real loader and passes the SQL check`, async () => {
      const plain = parseYaml(example.body) as unknown;
      if (Array.isArray(plain)) {
        const text = `version: 1\nmetrics:\n${BASE_METRIC}${indent(example.body)}\n`;
        const file = await loadAndCheck(text, `docs/metrics.md#${example.name}`);
        const names = (plain as { name: string }[]).map((m) => m.name);
        for (const name of names) expect(findMetric(file, name), name).toBeDefined();
      } else {
        expect(Object.keys(plain as object)).toEqual(["definitions"]);
        const text = `version: 1\n${example.body}\nmetrics:\n${BASE_METRIC}`;
        const file = await loadAndCheck(text, `docs/metrics.md#${example.name}`);
        // Each key the example sets is what the loader holds, not a default.
        const written = (plain as { definitions: Record<string, unknown> }).definitions;
        for (const [key, value] of Object.entries(written))
          expect(file.definitions[key as keyof typeof file.definitions], key).toEqual(value);
      }
    });
  }

  it("the worked example also loads appended to the shipped metrics.yaml (no clash with a shipped name)", async () => {
    const worked = examples.find((e) => e.name === "worked-example");
    expect(worked).toBeDefined();
    const text = `${SHIPPED.trimEnd()}\n\n${indent(worked?.body ?? "")}\n`;
    const file = await loadAndCheck(text, "metrics.yaml + worked example");
    expect(findMetric(file, "ai_authored_pickup_time_p75")?.type).toBe("simple");
  });

  it("the hash the worked example prints is the hash the loader gives it", () => {
    const worked = examples.find((e) => e.name === "worked-example")?.body ?? "";
    const file = parseMetricsFile(`${SHIPPED.trimEnd()}\n\n${indent(worked)}\n`, "metrics.yaml");
    const hash = findMetric(file, "ai_authored_pickup_time_p75")?.definitionHash ?? "";
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The check output shows the full hash; the query tables show its first 12 hex digits.
    expect(DOC).toContain(`ai_authored_pickup_time_p75          ${hash}`);
    expect(DOC).toContain(`ai_authored_pickup_time_p75  ${hash}`);
    expect(DOC).toContain(hash.slice(0, "sha256:".length + 12));
  });

  it("every query row in the page shows the start of its metric's current hash", () => {
    const worked = examples.find((e) => e.name === "worked-example")?.body ?? "";
    const file = parseMetricsFile(`${SHIPPED.trimEnd()}\n\n${indent(worked)}\n`, "metrics.yaml");
    const rows = ALL.filter((f) => f.lang === "console")
      .flatMap((f) => f.body.split("\n"))
      .flatMap((l) => {
        const m = /^([a-z][a-z0-9_]*)\s.*\s(sha256:[0-9a-f]{12})$/.exec(l);
        return m ? [{ metric: m[1] as string, short: m[2] as string }] : [];
      });
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const row of rows) {
      const hash = findMetric(file, row.metric)?.definitionHash ?? "(no such metric)";
      expect(
        hash.startsWith(row.short),
        `${row.metric} is ${hash} now, the page shows ${row.short}: a column it reads or a definitions: key changed; rerun the page's commands and update their output`,
      ).toBe(true);
    }
  });
});

describe("the error example in docs/metrics.md", () => {
  const at = ALL.findIndex((f) => /^example-invalid: draft$/.test(f.marker ?? ""));
  const draft = ALL[at]?.body ?? "";
  const [firstPass, secondPass] = ALL.slice(at + 1).filter((f) => f.lang === "console");
  const FILE = "/home/me/yardstick/draft.yaml";

  /** The lines the CLI prints for an InputError: `error: <report>`. */
  const printed = (error: unknown) => `error: ${(error as InputError).report()}`;
  const shown = (fence: Fence | undefined) =>
    (fence?.body ?? "")
      .split("\n")
      .filter((l) => !l.startsWith("$ "))
      .join("\n");

  it("shows what the loader reports for the draft (first pass: fields)", () => {
    expect(at).toBeGreaterThanOrEqual(0);
    let error: unknown;
    try {
      parseMetricsFile(draft, FILE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(shown(firstPass)).toBe(printed(error));
  });

  it("shows what the SQL check reports once the two field errors are fixed as the page says", async () => {
    const fixed = draft.replace("percentile: 75", "percentile: 0.75").replace("[team, author]", "[team]");
    expect(fixed).not.toBe(draft);
    const file = parseMetricsFile(fixed, FILE);
    const error = await checkMetricSql(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(shown(secondPass)).toBe(printed(error));
  });
});

// ---- Commands ----

/** The `yardstick` program as the CLI builds it, with `metrics diff` added if main.ts does not wire it yet. */
async function program(): Promise<Command> {
  const root = buildProgram();
  const metrics = root.commands.find((c) => c.name() === "metrics");
  if (metrics && !metrics.commands.some((c) => c.name() === "diff")) {
    const { addDiffCommand } = await import("../cli/metrics-diff-command.ts");
    addDiffCommand(metrics, { out: () => {} });
  }
  return root;
}

/** Splits a shell line into words (single and double quotes, no expansion). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}

const commandLines = ALL.filter((f) => f.lang === "console").flatMap((f) =>
  f.body
    .split("\n")
    .filter((l) => l.startsWith("$ "))
    .map((l) => l.slice(2).trim()),
);

/** Problems with one `yardstick …` line: unknown command, unknown flag, missing value, wrong arguments. */
function commandProblems(root: Command, line: string, knownMetrics: ReadonlySet<string>): string[] {
  const [program, ...rest] = words(line);
  if (program !== "yardstick") return [`"${line}" does not run yardstick`];
  let command = root;
  const args: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as string;
    if (word.startsWith("--")) {
      const [flag, inline] = word.split("=", 2) as [string, string | undefined];
      const option = command.options.find((o) => o.long === flag);
      if (!option) {
        problems.push(`${command.name()} has no option ${flag}`);
        continue;
      }
      // The flag as commander's help prints it: the reader sees it in `--help`.
      if (!command.helpInformation().includes(option.flags))
        problems.push(`${flag} is not in the help of ${command.name()}`);
      if (option.required && inline === undefined) {
        const value = rest[++i];
        if (value === undefined || value.startsWith("--")) problems.push(`${flag} needs a value`);
        if (flag === "--grain" && value && !(GRAINS as readonly string[]).includes(value))
          problems.push(`--grain ${value} is not a grain`);
      }
      continue;
    }
    const sub = args.length === 0 ? command.commands.find((c) => c.name() === word) : undefined;
    if (sub) command = sub;
    else if (command.commands.length > 0 && command.registeredArguments.length === 0)
      problems.push(`${command.name()} has no command ${word}`);
    else args.push(word);
  }
  const declared = command.registeredArguments;
  const required = declared.filter((a) => a.required).length;
  const variadic = declared.at(-1)?.variadic ?? false;
  if (args.length < required) problems.push(`${command.name()} needs ${required} argument(s)`);
  if (!variadic && args.length > declared.length) problems.push(`${command.name()} takes ${declared.length}`);
  if (command.name() === "query" && command.parent?.name() === "metrics") {
    for (const name of args) if (!knownMetrics.has(name)) problems.push(`no metric named ${name}`);
  }
  return problems;
}

describe("the commands shown in docs/metrics.md", () => {
  it("are yardstick commands that exist, with flags their --help lists", async () => {
    const root = await program();
    const known = new Set([
      ...(parseYaml(SHIPPED) as { metrics: { name: string }[] }).metrics.map((m) => m.name),
      ...examples.flatMap((e) => {
        const plain = parseYaml(e.body) as unknown;
        return Array.isArray(plain) ? (plain as { name: string }[]).map((m) => m.name) : [];
      }),
    ]);
    expect(commandLines.length).toBeGreaterThanOrEqual(10);
    const problems = commandLines.flatMap((line) =>
      commandProblems(root, line, known).map((p) => `${line}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it("the checker catches a made-up subcommand, flag and metric", async () => {
    const root = await program();
    const known = new Set(["merged_pull_requests"]);
    expect(commandProblems(root, "yardstick metrics explain", known)).not.toEqual([]);
    expect(
      commandProblems(root, "yardstick metrics query merged_pull_requests --slice team", known),
    ).not.toEqual([]);
    expect(commandProblems(root, "yardstick metrics query no_such_metric", known)).not.toEqual([]);
    expect(
      commandProblems(root, "yardstick metrics query merged_pull_requests --grain year", known),
    ).not.toEqual([]);
    expect(commandProblems(root, "yardstick metrics diff", known)).not.toEqual([]);
    expect(commandProblems(root, "yardstick metrics query merged_pull_requests --by team", known)).toEqual(
      [],
    );
  });
});

// ---- Tables that must follow the code ----

/** Lines of the page between a `## heading` that starts with `title` and the next `## `. */
function section(title: string): string {
  const start = DOC.indexOf(`\n## ${title}`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = DOC.indexOf("\n## ", start + 1);
  return DOC.slice(start, end < 0 ? undefined : end);
}

/** First cells of the table rows (not headers) whose first cell is code, e.g. "`count`". */
const firstCells = (text: string) =>
  text
    .split("\n")
    .filter((l, i, all) => l.startsWith("| `") && !all[i + 1]?.startsWith("|---"))
    .map((l) => l.split("|")[1]?.trim() ?? "");

describe("the reference tables in docs/metrics.md", () => {
  it("list the models as the marts' .yml contracts define them (regenerate the table when this fails)", () => {
    // Read the .yml files directly (not through warehouse-contract.ts) and render the table.
    const dir = join(ROOT, "models", "marts");
    const rows: string[] = [];
    const code = (xs: readonly string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(", ") : "(none)");
    type Mart = {
      name: string;
      config?: {
        contract?: { enforced?: boolean };
        meta?: { yardstick?: { person?: string; definitions?: string[] } };
      };
      columns?: { name: string; data_type?: string }[];
    };
    const models = readdirSync(dir)
      .filter((f) => f.endsWith(".yml"))
      .flatMap((f) => (parseYaml(readFileSync(join(dir, f), "utf8")) as { models?: Mart[] }).models ?? [])
      .filter((m) => m.config?.contract?.enforced)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const m of models) {
      const times = (m.columns ?? [])
        .filter((c) => c.data_type?.toLowerCase() === "timestamp")
        .map((c) => c.name);
      const meta = m.config?.meta?.yardstick;
      const person = meta?.person ? `\`${meta.person}\`` : "(none)";
      rows.push(
        `| \`${m.name}\` | ${code(times)} | ${person} | ${code([...(meta?.definitions ?? [])].sort())} |`,
      );
    }
    expect(models.map((m) => m.name)).toEqual(Object.keys(WAREHOUSE_MODELS).sort());
    const table = /<!-- contract-table:start -->\n([\s\S]*?)\n<!-- contract-table:end -->/.exec(DOC)?.[1];
    const expected = [
      "| Model | Time dimensions | Person behind a row | `definitions:` it depends on |",
      "|---|---|---|---|",
      ...rows,
    ].join("\n");
    expect(table, `replace the table in docs/metrics.md with:\n${expected}\n`).toBe(expected);
  });

  it("list every definitions: key, every aggregation and every unit the schema accepts", () => {
    expect(firstCells(section("The definitions: section")).sort()).toEqual(
      Object.keys(definitionsSchema.shape)
        .map((k) => `\`${k}\``)
        .sort(),
    );
    expect(
      firstCells(section("Aggregations"))
        .flatMap((c) => c.split(", "))
        .sort(),
    ).toEqual(AGGREGATIONS.map((a) => `\`${a}\``).sort());
    const unitRow = DOC.split("\n").find((l) => l.startsWith("| `unit` |")) ?? "";
    expect(unitRow.split("|")[2]?.trim()).toBe(UNITS.map((u) => `\`${u}\``).join(", "));
  });

  it("say how the numbers of every unit are shown", () => {
    expect(firstCells(section("How numbers are shown")).sort()).toEqual(UNITS.map((u) => `\`${u}\``).sort());
  });
});

// ---- Claims the page makes ----

describe("what docs/metrics.md says about hashes and percentiles", () => {
  const worked = examples.find((e) => e.name === "worked-example")?.body ?? "";
  const hashWith = (edit: (body: string) => string, file = (m: string) => m): string => {
    const text = file(`version: 1\nmetrics:\n${BASE_METRIC}${indent(edit(worked))}\n`);
    return findMetric(parseMetricsFile(text, "m.yaml"), "ai_authored_pickup_time_p75")?.definitionHash ?? "";
  };
  const original = hashWith((b) => b);

  it.each([
    ["label", (b: string) => b.replace(/label: .*/, "label: Another label")],
    ["description", (b: string) => b.replace("The wait from", "The time from")],
    ["owner", (b: string) => b.replace("owner: devex", "owner: analytics")],
    ["direction", (b: string) => b.replace("lower_is_better", "neutral")],
    [
      "bands",
      (b: string) =>
        b.replace("min_sample: 10", "min_sample: 10\n  bands: { elite: 1, high: 4, medium: 24 }"),
    ],
    ["dimensions", (b: string) => b.replace("[team, repository, primary_ai_tool, size_bucket]", "[team]")],
  ])("a change of %s keeps the hash", (_field, edit) => {
    expect(hashWith(edit)).toBe(original);
  });

  it("privacy_floor and YAML comments keep the hash", () => {
    const withFloor = (text: string) =>
      text.replace("metrics:\n", "# a comment\ndefinitions:\n  privacy_floor: 9\nmetrics:\n");
    expect(hashWith((b) => b, withFloor)).toBe(original);
  });

  it.each([
    ["filter", (b: string) => b.replace("= 'ai_authored'", "= 'ai_assisted'")],
    ["percentile", (b: string) => b.replace("percentile: 0.75", "percentile: 0.9")],
    ["min_sample", (b: string) => b.replace("min_sample: 10", "min_sample: 5")],
    ["time_dimension", (b: string) => b.replace("first_review_at", "merged_at")],
  ])("a change of %s changes the hash", (_field, edit) => {
    expect(hashWith(edit)).not.toBe(original);
  });

  it("renaming changes the hash, and so does a change to a definitions: key the model depends on", () => {
    const renamed = parseMetricsFile(
      `version: 1\nmetrics:\n${BASE_METRIC}${indent(worked.replace("name: ai_authored_pickup_time_p75", "name: renamed_metric"))}\n`,
      "m.yaml",
    );
    expect(findMetric(renamed, "renamed_metric")?.definitionHash).not.toBe(original);
    const window = (text: string) =>
      text.replace("metrics:\n", "definitions:\n  revert_window_days: 14\nmetrics:\n");
    expect(hashWith((b) => b, window)).not.toBe(original);
  });

  it("the median of 2, 4, 10 and 20 is 7 continuous and 4 discrete, as the page says", async () => {
    expect(section("Aggregations")).toContain("The median of 2, 4, 10 and 20 hours is 7");
    const [row] = await withDb(":memory:", "read_write", (db) =>
      db.all<{ cont: number; disc: number }>(
        "select quantile_cont(x, 0.5)::DOUBLE as cont, quantile_disc(x, 0.5)::DOUBLE as disc from (values (2), (4), (10), (20)) t(x)",
      ),
    );
    expect(row).toEqual({ cont: 7, disc: 4 });
  });
});

describe("what docs/metrics.md says about comparisons", () => {
  const comparisons = () => section("Comparisons: AI-authored and AI-assisted against unmarked");

  it("names the floor the engine applies, for every kind of statistic", () => {
    const floors = new Set(Object.values(REPOSITORY_FLOOR));
    expect(floors.size).toBe(1);
    const [floor] = floors;
    expect(comparisons()).toContain(
      `**The floor: ${floor} repositories.** With fewer than ${floor} repositories in all`,
    );
  });

  it("shows the wording the tables print when there are too few repositories", () => {
    // An hours median, as in the page's example: the CLI and the pages print it through one formatter.
    const printed = formatComparison(
      {
        baseline_value: 19.77,
        baseline_n: 13,
        k: 1,
        baseline_k: 7,
        difference: 25.08,
        low: null,
        high: null,
        method: "jackknife_hd_t",
        repositories: 8,
        df: null,
        no_interval: "too_few_repositories",
      },
      { unit: "hours", aggregation: "median" },
    );
    expect(comparisons()).toContain(`\`${printed}\``);
  });

  it("lists the method of every kind of metric and the fields of vs_unmarked the engine writes", async () => {
    const methods = ["jackknife_hd_t", "jackknife_t", "newcombe_wilson_eff", "none"];
    const table = comparisons()
      .split("\n")
      .filter((l) => l.startsWith("| ") && !l.startsWith("| Statistic") && !l.startsWith("|---"))
      .map((l) => /`([a-z_]+)`/.exec(l.split("|")[2] ?? "")?.[1]);
    expect(table.filter((m) => m !== undefined && methods.includes(m))).toEqual(methods);

    const dir = mkdtempSync(join(tmpdir(), "yardstick-docs-compare-"));
    try {
      const warehousePath = join(dir, "warehouse.duckdb");
      await createFixtureWarehouse(warehousePath, fixturePullRequests(["platform"], 60));
      const file = parseMetricsFile(
        `version: 1
definitions:
  privacy_floor: 1
metrics:
  - { name: ttm, label: T, description: d, owner: o, type: simple, model: fct_pull_requests, agg: median,
      expr: time_to_merge_hours, filter: is_merged, time_dimension: merged_at, unit: hours,
      direction: lower_is_better, dimensions: [authorship_class] }
`,
        "m.yaml",
      );
      const rows = await evaluateMetrics({
        warehousePath,
        metrics: file,
        names: ["ttm"],
        by: ["authorship_class"],
        grain: "quarter",
        compare: true,
      });
      const fields = Object.keys(rows.find((r) => r.vs_unmarked)?.vs_unmarked ?? {});
      expect(fields.length).toBeGreaterThan(5);
      const listed = /`vs_unmarked` holds ([^;]+);/.exec(comparisons().replace(/\s+/g, " "))?.[1] ?? "";
      const documented = [...listed.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
      expect(documented).toEqual(fields);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
