/**
 * `yardstick doctor`: is this machine ready to run Yardstick? Node, Python, dbt and both DuckDB versions
 * (the Node and Python DuckDB must share major.minor, or files written by one may be unreadable by the
 * other), the data folder, and whether the token variable is set — never its value.
 */
import { accessSync, constants, existsSync } from "node:fs";
import { dataPaths, loadConfig } from "../core/config.ts";
import { EXIT, InputError } from "../core/errors.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { pythonEnvStatus } from "../warehouse/python-env.ts";

export interface DoctorOptions {
  root: string;
  configFile: string;
  env?: NodeJS.ProcessEnv;
  write: (line: string) => void;
}

type Verdict = "ok" | "warn" | "fail";

export async function runDoctor(options: DoctorOptions): Promise<number> {
  const env = options.env ?? process.env;
  let worst = "ok" as Verdict;
  let badConfig = false;
  const report = (verdict: Verdict, what: string, detail: string) => {
    if (verdict === "fail" || (verdict === "warn" && worst === "ok")) worst = verdict;
    const mark = verdict === "ok" ? "ok  " : verdict === "warn" ? "warn" : "FAIL";
    options.write(`${mark}  ${what.padEnd(16)} ${detail}`);
  };

  const nodeMajor = Number(process.versions.node.split(".")[0]);
  report(
    nodeMajor >= 20 ? "ok" : "fail",
    "node",
    `${process.versions.node}${nodeMajor >= 20 ? "" : " (Yardstick needs Node 20 or later)"}`,
  );

  const nodeDuckdb = await withDb(":memory:", "read_write", async (db) => {
    const [row] = await db.all<{ v: string }>("select version() as v");
    return (row?.v ?? "").replace(/^v/, "");
  });
  report("ok", "duckdb (node)", nodeDuckdb);

  const py = await pythonEnvStatus(options.root);
  if (!py.python) report("fail", "python", py.problems.join("; ") || "no python3 >= 3.10 found");
  else report("ok", "python", py.python);
  if (py.dbtCore) report("ok", "dbt-core", `${py.dbtCore} (dbt-duckdb ${py.dbtDuckdb ?? "missing"})`);
  else report("fail", "dbt", py.problems.join("; ") || "not installed: run `npm run setup`");
  if (py.duckdb) {
    const pair = compareDuckdbVersions(nodeDuckdb, py.duckdb);
    report(pair.ok ? "ok" : "fail", "duckdb (python)", pair.message);
  }

  try {
    const config = loadConfig(options.configFile);
    report("ok", "config", config.file);
    const paths = dataPaths(config.dataDir);
    if (existsSync(config.dataDir)) {
      try {
        accessSync(config.dataDir, constants.W_OK);
        report("ok", "data folder", config.dataDir);
      } catch {
        report("fail", "data folder", `${config.dataDir} is not writable`);
      }
    } else report("warn", "data folder", `${config.dataDir} does not exist yet (the first run creates it)`);
    if (existsSync(paths.warehouse)) {
      const tags = await withDb(paths.warehouse, "read_only", (db) =>
        db.all<{ tags: string }>(
          "select tags::varchar as tags from duckdb_databases() where not internal and database_name = current_database()",
        ),
      );
      const tag = tags[0]?.tags ?? "";
      report(/v2\.\d/.test(tag) ? "fail" : "ok", "warehouse", `${paths.warehouse} ${tag}`);
    } else report("warn", "warehouse", "none yet (`yardstick run` builds it)");
    const tokenSet = Boolean(env[config.github.tokenEnv]);
    report(tokenSet ? "ok" : "fail", "token", `${config.github.tokenEnv} is ${tokenSet ? "set" : "NOT set"}`);
    report("ok", "github", config.github.url);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    badConfig = true;
    report("fail", "config", error.report());
  }
  if (badConfig) return EXIT.badInput;
  return worst === "fail" ? EXIT.failure : EXIT.ok;
}

/**
 * Node and Python DuckDB must share major.minor: a file written by a newer storage format cannot be read by
 * the older side (DuckDB 2.0 files are unreadable by 1.5).
 */
export function compareDuckdbVersions(node: string, python: string): { ok: boolean; message: string } {
  if (majorMinor(node) === majorMinor(python)) return { ok: true, message: python };
  return {
    ok: false,
    message: `${python} does not match Node's ${node} (major.minor must agree, or files written by one may be unreadable by the other); reinstall with \`npm run setup\``,
  };
}

function majorMinor(version: string): string {
  return version.replace(/^v/, "").split(".").slice(0, 2).join(".");
}
