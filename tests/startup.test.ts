/**
 * Start-up: what `yardstick --help` and `yardstick metrics list` load, and the compiled build that
 * bin/yardstick.js runs when it is current. Each command runs as a real process with a recorder loaded
 * (tests/helpers/record-modules.mjs) that lists every module it loaded; nothing here measures time (the
 * figures are `npm run bench -- startup`), so the tests hold on a machine of any speed.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadMetricsFile } from "../metrics/metrics-file.ts";

const ROOT = resolve(import.meta.dirname, "..");
const RECORDER = join(ROOT, "tests", "helpers", "record-modules.mjs");

/** Libraries that only the commands doing the work need: DuckDB, the SQL builder, GitHub, the site, cron. */
const WORK_LIBRARIES = [
  "@duckdb",
  "kysely",
  "kysely-duckdb",
  "@octokit",
  "graphql",
  "bottleneck",
  "markdown-it",
  "echarts",
  "zrender",
  "node-cron",
];
/** Reading metrics.yaml needs these; --help needs neither. */
const DEFINITION_LIBRARIES = ["zod", "yaml"];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every file (or node: builtin) the process loaded. */
  modules: string[];
  /** The time zone offset the process saw, in minutes. */
  offset: number;
}

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "ys-startup-"));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

let runs = 0;
function yardstick(root: string, args: string[], env: Record<string, string> = {}): Run {
  const record = join(scratch, `modules-${++runs}.txt`);
  const result = spawnSync(
    process.execPath,
    ["--import", RECORDER, join(root, "bin", "yardstick.js"), ...args],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        RECORD_MODULES: record,
        YARDSTICK_CACHE_DIR: join(scratch, "cache"),
        TZ: "America/New_York",
        ...env,
      },
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  const lines = existsSync(record) ? readFileSync(record, "utf8").split("\n").filter(Boolean) : [];
  const offsetLine = lines.find((l) => l.startsWith("offset:"));
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    modules: [...new Set(lines.filter((l) => !l.startsWith("offset:")))],
    offset: offsetLine ? Number(offsetLine.slice("offset:".length)) : Number.NaN,
  };
}

/** The packages among the loaded modules (by their folder under node_modules). */
function packagesOf(run: Run): Set<string> {
  const found = new Set<string>();
  for (const file of run.modules) {
    const at = file.lastIndexOf(`${sep}node_modules${sep}`);
    if (at < 0) continue;
    const parts = file.slice(at + "/node_modules/".length).split(sep);
    found.add(parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!);
  }
  return found;
}

function loadedAny(run: Run, libraries: readonly string[]): string[] {
  return [...packagesOf(run)].filter((p) => libraries.some((l) => p === l || p.startsWith(`${l}/`))).sort();
}

const metricNames = () =>
  (parse(readFileSync(join(ROOT, "metrics.yaml"), "utf8")) as { metrics: { name: string }[] }).metrics.map(
    (m) => m.name,
  );

describe("start-up from the sources", () => {
  it("--help teaches every command and loads no library a command needs", () => {
    const run = yardstick(ROOT, ["--help"], { YARDSTICK_FROM_SOURCES: "1" });
    expect(run.code).toBe(0);
    for (const command of [
      "init",
      "doctor",
      "extract",
      "build",
      "metrics",
      "dashboards",
      "run",
      "schedule",
    ]) {
      expect(run.stdout).toContain(command);
    }
    expect(run.modules).toContain(join(ROOT, "cli", "main.ts"));
    expect(loadedAny(run, [...WORK_LIBRARIES, ...DEFINITION_LIBRARIES])).toEqual([]);
  });

  it("metrics list reads the definitions without DuckDB, the SQL builder, GitHub or the site", () => {
    const run = yardstick(ROOT, ["metrics", "list"], { YARDSTICK_FROM_SOURCES: "1" });
    expect(run.code).toBe(0);
    for (const name of metricNames()) expect(run.stdout).toContain(name);
    expect(packagesOf(run)).toContain("zod");
    expect(loadedAny(run, WORK_LIBRARIES)).toEqual([]);
  });

  it("runs in UTC whatever the machine's time zone", () => {
    const run = yardstick(ROOT, ["--help"], { YARDSTICK_FROM_SOURCES: "1", TZ: "America/New_York" });
    expect(run.code).toBe(0);
    expect(run.offset).toBe(0);
  });
});

describe("the compiled build (dist/)", () => {
  let copy: string;
  let build: ReturnType<typeof spawnSync>;

  // A copy of the project, built as `npm install` builds it, so that this checkout's dist/ is left alone.
  beforeAll(() => {
    copy = join(scratch, "project");
    mkdirSync(copy);
    for (const entry of [
      "bin",
      "scripts",
      "cli",
      "core",
      "dashboards",
      "extractors",
      "jobs",
      "metrics",
      "simulator",
      "warehouse",
      "models",
      "package.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "metrics.yaml",
      "yardstick.example.yaml",
    ]) {
      cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
    build = spawnSync(process.execPath, [join(copy, "scripts", "build-dist.js")], {
      cwd: copy,
      encoding: "utf8",
      timeout: 600_000,
    });
  }, 600_000);

  it("compiles the folders whose sources decide whether it is current", async () => {
    const state = pathToFileURL(join(ROOT, "scripts", "dist-state.js")).href;
    const { SOURCE_DIRS } = (await import(state)) as { SOURCE_DIRS: string[] };
    const config = JSON.parse(readFileSync(join(ROOT, "tsconfig.build.json"), "utf8")) as {
      include: string[];
    };
    expect([...config.include].sort()).toEqual([...SOURCE_DIRS].sort());
  });

  it("is built by scripts/build-dist.js with a stamp of its inputs", () => {
    expect(build.stderr).toContain("dist/ compiled");
    expect(build.status).toBe(0);
    expect(existsSync(join(copy, "dist", "cli", "main.js"))).toBe(true);
    const stamp = JSON.parse(readFileSync(join(copy, "dist", "build.json"), "utf8")) as { inputs: string[] };
    expect(stamp.inputs).toContain("cli/main.ts");
    expect(stamp.inputs).toContain("metrics/warehouse-contract.ts");
    expect(readdirSync(copy).filter((f) => f.startsWith("dist.tmp-"))).toEqual([]);
  });

  it("runs --help from dist/ without tsx, in UTC, loading no library a command needs", () => {
    const run = yardstick(copy, ["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("metrics");
    expect(run.modules).toContain(join(copy, "dist", "cli", "main.js"));
    expect(run.modules).not.toContain(join(copy, "cli", "main.ts"));
    expect(loadedAny(run, ["tsx", "esbuild", ...WORK_LIBRARIES, ...DEFINITION_LIBRARIES])).toEqual([]);
    expect(run.offset).toBe(0);
  });

  it("lists every metric with the same definition hashes as the sources compute", () => {
    const run = yardstick(copy, ["metrics", "list", "--format", "json"]);
    expect(run.code).toBe(0);
    expect(run.modules).toContain(join(copy, "dist", "metrics", "metrics-file.js"));
    const listed = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { name: string; definition_hash: string });
    const expected = loadMetricsFile(join(ROOT, "metrics.yaml")).metrics.map((m) => ({
      name: m.name,
      definition_hash: m.definitionHash,
    }));
    expect(listed.map((m) => ({ name: m.name, definition_hash: m.definition_hash }))).toEqual(expected);
    expect(loadedAny(run, WORK_LIBRARIES)).toEqual([]);
  });

  it("lists an unchanged file again without the YAML parser or the validation, and never a stale listing", () => {
    const file = join(scratch, "list-metrics.yaml");
    const text = readFileSync(join(ROOT, "metrics.yaml"), "utf8");
    writeFileSync(file, text);
    const first = yardstick(copy, ["metrics", "list", "--format", "json", "--metrics", file]);
    const again = yardstick(copy, ["metrics", "list", "--format", "json", "--metrics", file]);
    expect(first.code).toBe(0);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    // (The cache key names the YAML parser's version: reading its package.json is not loading the parser.)
    const code = { ...again, modules: again.modules.filter((f) => !f.endsWith(`${sep}package.json`)) };
    expect(loadedAny(code, [...WORK_LIBRARIES, ...DEFINITION_LIBRARIES])).toEqual([]);

    // An edited file is listed as it now is: the validation runs again.
    const label = (JSON.parse(first.stdout.split("\n")[0]!) as { label: string }).label;
    writeFileSync(file, text.replace(`label: ${label}`, "label: Relabelled for the test"));
    const edited = yardstick(copy, ["metrics", "list", "--format", "json", "--metrics", file]);
    expect(edited.code).toBe(0);
    expect((JSON.parse(edited.stdout.split("\n")[0]!) as { label: string }).label).toBe(
      "Relabelled for the test",
    );
    expect(packagesOf(edited)).toContain("zod");

    // A file that does not validate is never kept: its errors come back every time.
    writeFileSync(file, text.replace("version: 1", "version: 7"));
    for (let i = 0; i < 2; i++) {
      const bad = yardstick(copy, ["metrics", "list", "--metrics", file]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("version");
    }
  });

  it("finds the files beside the code (init copies yardstick.example.yaml)", () => {
    const target = join(scratch, "init", "yardstick.yaml");
    mkdirSync(join(scratch, "init"));
    const run = yardstick(copy, ["init", "--config", target]);
    expect(run.code).toBe(0);
    expect(run.modules).toContain(join(copy, "dist", "cli", "main.js"));
    expect(readFileSync(target, "utf8")).toBe(readFileSync(join(ROOT, "yardstick.example.yaml"), "utf8"));
  });

  it("runs from the sources once a source changes after the build, or a source is added", () => {
    const edited = join(copy, "cli", "text-table.ts");
    const later = new Date(Date.now() + 3_600_000);
    utimesSync(edited, later, later);
    const afterEdit = yardstick(copy, ["--help"]);
    expect(afterEdit.code).toBe(0);
    expect(afterEdit.modules).toContain(join(copy, "cli", "main.ts"));
    expect(afterEdit.modules).not.toContain(join(copy, "dist", "cli", "main.js"));

    // Back to before the build: current again; then a new file, however old, makes it stale.
    const earlier = new Date("2020-01-01T00:00:00Z");
    utimesSync(edited, earlier, earlier);
    expect(yardstick(copy, ["--help"]).modules).toContain(join(copy, "dist", "cli", "main.js"));
    const added = join(copy, "core", "added-after-build.ts");
    writeFileSync(added, "export const added = 1;\n");
    utimesSync(added, earlier, earlier);
    expect(yardstick(copy, ["--help"]).modules).toContain(join(copy, "cli", "main.ts"));
    rmSync(added);
    expect(yardstick(copy, ["--help"]).modules).toContain(join(copy, "dist", "cli", "main.js"));
  });

  it("keeps the last good build when tsc fails", () => {
    const before = readFileSync(join(copy, "dist", "build.json"), "utf8");
    const broken = join(copy, "core", "broken.ts");
    writeFileSync(broken, "export const = ;\n");
    try {
      const failed = spawnSync(process.execPath, [join(copy, "scripts", "build-dist.js")], {
        cwd: copy,
        encoding: "utf8",
        timeout: 600_000,
      });
      expect(failed.stderr).toContain("dist/ left as it was");
      expect(failed.status).toBe(1);
      expect(readFileSync(join(copy, "dist", "build.json"), "utf8")).toBe(before);
      expect(readdirSync(copy).filter((f) => f.startsWith("dist.tmp-"))).toEqual([]);
    } finally {
      rmSync(broken, { force: true });
    }
  }, 600_000);

  it("builds nothing, and says so, where TypeScript is not installed (a production install)", () => {
    const lean = join(scratch, "lean");
    mkdirSync(join(lean, "node_modules"), { recursive: true });
    for (const entry of ["scripts", "package.json"])
      cpSync(join(copy, entry), join(lean, entry), { recursive: true });
    for (const name of readdirSync(join(ROOT, "node_modules"))) {
      if (name !== "typescript" && name !== ".bin") {
        symlinkSync(join(ROOT, "node_modules", name), join(lean, "node_modules", name));
      }
    }
    const result = spawnSync(process.execPath, [join(lean, "scripts", "build-dist.js")], {
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("TypeScript is not installed");
    expect(existsSync(join(lean, "dist"))).toBe(false);
  });
});
