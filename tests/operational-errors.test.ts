/**
 * An operator's bad day: a data folder that is a file or cannot be written, a hostile YAML file, a
 * warehouse flag naming the wrong file, mangled bytes, impossible dates and team names that collide with
 * the built-in buckets. Each is exit 2 with a message naming the file, line and field (or the flag) —
 * never exit 1 with a stack trace — and nothing stored changes.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { type CliResult, ROOT, yardstick } from "./helpers/cli.ts";

const METRICS = join(ROOT, "metrics.yaml");
const GITHUB = "github:\n  url: http://127.0.0.1:9/graphql\n  tokenEnv: OPS_TOKEN\n  repos: [acme/api]\n";
const TOKEN = { OPS_TOKEN: "x" };

let dir: string;

function write(name: string, text: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Exit 2, a message, no stack trace. */
function expectCleanFailure(result: CliResult, ...needles: string[]): void {
  for (const needle of needles) expect(result.stderr).toContain(needle);
  expect(result.stderr).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
  expect(result.code, result.stderr).toBe(2);
}

/** An alias bomb: nine levels of ten aliases each would expand into a billion nodes. */
function aliasBomb(key: string): string {
  const lines = [`${key}0: &a0 [x, x, x, x, x, x, x, x, x, x]`];
  for (let i = 1; i < 9; i++)
    lines.push(`${key}${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]`);
  return `${lines.join("\n")}\n`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ys-ops-"));
  // Readable by the unprivileged user the read-only tests run as (when the tests run as root).
  chmodSync(dir, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a data folder that cannot be used", () => {
  it("is refused naming dataDir when it is a file", () => {
    write("not-a-folder", "I am a file\n");
    const config = write("file-data.yaml", `dataDir: ./not-a-folder\n${GITHUB}`);
    for (const command of ["run", "dashboards"]) {
      const result = yardstick([command, "--config", config, "--metrics", METRICS], { env: TOKEN });
      expectCleanFailure(result, "dataDir", `${config}:1:10`, "is a file, not a folder");
    }
    expect(readFileSync(join(dir, "not-a-folder"), "utf8")).toBe("I am a file\n");
  });

  it("is refused naming dataDir when a folder on its path is a file", () => {
    const config = write("under-file.yaml", `dataDir: ./not-a-folder/data\n${GITHUB}`);
    const result = yardstick(["extract", "--config", config, "--metrics", METRICS], { env: TOKEN });
    expectCleanFailure(result, "dataDir", "cannot be created");
  });
});

describe("a read-only data folder", () => {
  // chmod does not stop root: as root, the commands run as the unprivileged user `nobody` instead.
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  let data: string;
  let home: string;
  let config: string;

  beforeAll(async () => {
    data = join(dir, "read-only");
    mkdirSync(join(data, "warehouse"), { recursive: true });
    await withDb(join(data, "warehouse", "warehouse.duckdb"), "read_write", (db) =>
      db.run("create table fct_pull_requests as select 'PR_1' as pull_request_id"),
    );
    chmodSync(join(data, "warehouse"), 0o555);
    chmodSync(data, 0o555);
    home = join(dir, "home");
    mkdirSync(home, { recursive: true });
    chmodSync(home, 0o777);
    config = write("read-only.yaml", `dataDir: ./read-only\n${GITHUB}`);
  });
  afterAll(() => {
    chmodSync(data, 0o755);
    chmodSync(join(data, "warehouse"), 0o755);
  });

  for (const command of ["run", "extract", "build", "dashboards", "review"]) {
    it(`is refused by ${command}, naming dataDir`, () => {
      const result = yardstick([command, "--config", config, "--metrics", METRICS], {
        env: { ...TOKEN, HOME: home },
        ...asUser,
      });
      expectCleanFailure(result, "dataDir", `${config}:1:10`, `${data} cannot be written`);
    });
  }
});

describe("a YAML alias bomb", () => {
  it("in yardstick.yaml is refused quickly, naming the file and line", () => {
    const config = write("bomb.yaml", `${aliasBomb("x")}dataDir: ./data\n${GITHUB}`);
    const result = yardstick(["extract", "--config", config, "--metrics", METRICS], { env: TOKEN });
    expectCleanFailure(result, `${config}:2:`, "aliases");
  });

  it("in metrics.yaml is refused quickly, naming the file and line", () => {
    const metrics = write("bomb-metrics.yaml", `version: 1\n${aliasBomb("x")}metrics: []\n`);
    const result = yardstick(["metrics", "check", "--metrics", metrics]);
    expectCleanFailure(result, `${metrics}:3:`, "aliases");
  });
});

describe("--warehouse naming something that is not a DuckDB file", () => {
  const cases = [
    ["a text file", "notes.txt", ["metrics", "query", "merged_pull_requests"]],
    ["an empty file", "empty.duckdb", ["metrics", "check"]],
    ["a folder", "", ["metrics", "compare", "merged_pull_requests"]],
  ] as const;
  for (const [what, name, args] of cases) {
    it(`is refused naming the flag: ${what} (${args.slice(0, 2).join(" ")})`, () => {
      const file = name === "" ? dir : write(name, name.endsWith(".txt") ? "not the tables you want\n" : "");
      const result = yardstick([...args, "--metrics", METRICS, "--warehouse", file]);
      expectCleanFailure(result, "--warehouse", file);
    });
  }
});

describe("invalid UTF-8 in yardstick.yaml", () => {
  it("is refused naming the line, not silently replaced", () => {
    const config = write(
      "latin1.yaml",
      Buffer.concat([
        Buffer.from(`dataDir: ./data\n${GITHUB}teams:\n  - name: "Entwicklung M`),
        Buffer.from([0xfc]), // ü in Latin-1
        Buffer.from('nchen"\n    members: [alice]\n'),
      ]),
    );
    const result = yardstick(["extract", "--config", config, "--metrics", METRICS], { env: TOKEN });
    expectCleanFailure(result, `${config}:7:`, "UTF-8");
  });
});

describe("--since", () => {
  const config = () => write("since.yaml", `dataDir: ./data-since\n${GITHUB}`);

  it("refuses a day that does not exist, as metrics query does", () => {
    const result = yardstick(["run", "--config", config(), "--metrics", METRICS, "--since", "2026-02-30"]);
    expectCleanFailure(result, "--since", "2026-02-30");
  });

  it("refuses a day in the future", () => {
    const result = yardstick([
      "extract",
      "--config",
      config(),
      "--metrics",
      METRICS,
      "--since",
      "2999-01-01",
    ]);
    expectCleanFailure(result, "--since", "2999-01-01", "future");
  });
});

describe("team names", () => {
  const teams = (name: string) =>
    `dataDir: ./data\n${GITHUB}teams:\n  - name: platform\n    members: [alice]\n  - name: ${name}\n    members: [bob]\n`;

  it('refuses the reserved name "All" naming the file, line and field', () => {
    const config = write("team-All.yaml", teams("All"));
    const result = yardstick(["extract", "--config", config, "--metrics", METRICS], { env: TOKEN });
    expectCleanFailure(result, `teams[1].name (${config}:9:11)`, "reserved");
  });

  it("refuses unassigned and all in any case", () => {
    for (const name of ["unassigned", "Unassigned", "UNASSIGNED", "all", "ALL", " All"]) {
      const config = write(`team-${name.trim()}.yaml`, teams(JSON.stringify(name)));
      let report = "";
      try {
        loadConfig(config);
      } catch (error) {
        report = error instanceof InputError ? error.report() : String(error);
      }
      expect(report, name).toContain(`teams[1].name (${config}:9:11)`);
      expect(report, name).toContain("reserved");
    }
    expect(loadConfig(write("team-fine.yaml", teams("Allies"))).teams[1]?.name).toBe("Allies");
  });

  it("refuses a newline in a name as a control character, not as a leading space", () => {
    const config = write("team-newline.yaml", `dataDir: ./data\n${GITHUB}teams:\n  - name: "plat\\nform"\n`);
    const result = yardstick(["extract", "--config", config, "--metrics", METRICS], { env: TOKEN });
    expectCleanFailure(result, "teams[0].name", "control character");
    expect(result.stderr).not.toContain("must not start with a space");
  });
});

describe("run from another folder", () => {
  it("finds metrics.yaml beside the configuration given with --config", () => {
    const project = join(dir, "project");
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(project, { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(project, "metrics.yaml"), readFileSync(METRICS));
    const config = join(project, "yardstick.yaml");
    writeFileSync(config, `dataDir: ./data\n${GITHUB}`);
    const check = yardstick(["metrics", "check", "--config", config], { cwd: elsewhere });
    expect(check.stderr).not.toContain("does not exist");
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain(join(project, "metrics.yaml"));
    // The nightly commands too: this one gets as far as the missing token.
    const extract = yardstick(["extract", "--config", config], { cwd: elsewhere });
    expectCleanFailure(extract, "OPS_TOKEN is not set");
  });

  it("names --metrics and where it looked when there is no metrics.yaml", () => {
    const bare = join(dir, "bare");
    mkdirSync(bare, { recursive: true });
    const config = join(bare, "yardstick.yaml");
    writeFileSync(config, `dataDir: ./data\n${GITHUB}`);
    const result = yardstick(["extract", "--config", config], { cwd: bare, env: TOKEN });
    expectCleanFailure(result, "--metrics", join(bare, "metrics.yaml"));
    const given = yardstick(["extract", "--config", config, "--metrics", join(bare, "mine.yaml")], {
      cwd: bare,
      env: TOKEN,
    });
    expectCleanFailure(given, "--metrics", join(bare, "mine.yaml"), "does not exist");
  });
});
