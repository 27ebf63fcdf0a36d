/**
 * `yardstick doctor`: is this machine ready to run Yardstick? Node, Python, dbt and both DuckDB versions
 * (the Node and Python DuckDB must share major.minor, or files written by one may be unreadable by the
 * other), the data folder, whether the token variable is set — never its value — and whether GitHub
 * accepts it: one cheap GraphQL request (the viewer's login and the rate limit, 1 point), so "ok" means
 * GitHub said so.
 */
import { existsSync } from "node:fs";
import { type Config, dataPaths, loadConfig } from "../core/config.ts";
import { dataDirProblem } from "../core/data-dir.ts";
import { EXIT, InputError } from "../core/errors.ts";
import { createLogger } from "../core/logger.ts";
import { redactSecrets } from "../core/secrets.ts";
import { createGitHubClient } from "../extractors/github/github-client.ts";
import { GitHubRequestError } from "../extractors/github/github-errors.ts";
import { createRedactor } from "../extractors/http/redact.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { pythonEnvStatus } from "../warehouse/python-env.ts";

export interface DoctorOptions {
  root: string;
  configFile: string;
  env?: NodeJS.ProcessEnv;
  write: (line: string) => void;
  /** How long GitHub may take to answer (default 15 s). */
  timeoutMs?: number;
}

type Verdict = "ok" | "warn" | "fail";
type Report = (verdict: Verdict, what: string, detail: string) => void;

export async function runDoctor(options: DoctorOptions): Promise<number> {
  const env = options.env ?? process.env;
  let worst = "ok" as Verdict;
  let badConfig = false;
  const report = (verdict: Verdict, what: string, detail: string) => {
    if (verdict === "fail" || (verdict === "warn" && worst === "ok")) worst = verdict;
    const mark = verdict === "ok" ? "ok  " : verdict === "warn" ? "warn" : "FAIL";
    // Whatever a line echoes (a URL, GitHub's words) passes the redactor: no password, no token.
    options.write(redactSecrets(`${mark}  ${what.padEnd(16)} ${detail}`));
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
    const folderProblem = dataDirProblem(config.dataDir);
    if (folderProblem) report("fail", "data folder", folderProblem);
    else if (existsSync(config.dataDir)) report("ok", "data folder", config.dataDir);
    else report("warn", "data folder", `${config.dataDir} does not exist yet (the first run creates it)`);
    if (existsSync(paths.warehouse)) {
      const tags = await withDb(paths.warehouse, "read_only", (db) =>
        db.all<{ tags: string }>(
          "select tags::varchar as tags from duckdb_databases() where not internal and database_name = current_database()",
        ),
      );
      const tag = tags[0]?.tags ?? "";
      report(/v2\.\d/.test(tag) ? "fail" : "ok", "warehouse", `${paths.warehouse} ${tag}`);
    } else report("warn", "warehouse", "none yet (`yardstick run` builds it)");
    await askGitHub(config, env[config.github.tokenEnv], report, options.timeoutMs ?? 15_000);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    badConfig = true;
    report("fail", "config", error.report());
  }
  if (badConfig) return EXIT.badInput;
  return worst === "fail" ? EXIT.failure : EXIT.ok;
}

const DOCTOR_QUERY = "query Doctor { viewer { login } rateLimit { limit remaining resetAt } }";

interface DoctorAnswer {
  viewer: { login: string };
  rateLimit: { limit: number; remaining: number; resetAt: string };
}

/** One request, no retries: what GitHub says about the token now, in the `token` and `github` lines. */
async function askGitHub(
  config: Config,
  token: string | undefined,
  report: Report,
  timeoutMs: number,
): Promise<void> {
  const { url, tokenEnv } = config.github;
  if (!token) {
    report("fail", "token", `${tokenEnv} is NOT set: export ${tokenEnv}=<a GitHub token>`);
    report("fail", "github", `not asked: no token (${url})`);
    return;
  }
  const redact = createRedactor(token);
  const client = createGitHubClient({
    url,
    token,
    logger: createLogger({ write: () => {} }),
    requestIntervalMs: 0,
    reserve: 0,
    maxRetries: 0,
    maxRateLimitRetries: 0,
    timeoutMs,
  });
  try {
    const answer = await client.query<DoctorAnswer>(DOCTOR_QUERY, {});
    const { limit, remaining, resetAt } = answer.rateLimit;
    report("ok", "token", `${tokenEnv} is set; GitHub accepts it as ${answer.viewer.login}`);
    const low = remaining < config.github.reserve;
    report(
      low ? "warn" : "ok",
      "github",
      `${url} answers; ${remaining.toLocaleString("en-US")} of ${limit.toLocaleString("en-US")} points left, full again at ${resetAt}` +
        (low ? ` (below github.reserve ${config.github.reserve}: a run now would stop at once)` : ""),
    );
  } catch (error) {
    const kind = error instanceof GitHubRequestError ? error.kind : "fatal";
    const message = redact.text(error instanceof Error ? error.message : String(error));
    if (kind === "auth") {
      report("fail", "token", `GitHub rejected the token in ${tokenEnv} (401 Bad credentials): renew it`);
      report("ok", "github", `${url} answers`);
    } else if (kind === "forbidden") {
      report("fail", "token", `${tokenEnv} is set, but GitHub refuses it here (403): ${message}`);
      report("ok", "github", `${url} answers`);
    } else if (["network", "timeout", "connection_reset", "cancelled"].includes(kind)) {
      report("warn", "token", `${tokenEnv} is set; not verified (GitHub did not answer)`);
      report("fail", "github", `no answer from ${url}: ${message}`);
    } else {
      report("warn", "token", `${tokenEnv} is set; not verified`);
      report("fail", "github", `${url} did not answer as GitHub's GraphQL API does: ${message}`);
    }
  }
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
