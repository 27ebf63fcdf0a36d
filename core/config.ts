/**
 * yardstick.yaml: operations (where data comes from, where it goes, when). Loose config in, normalised
 * config out: a zod schema with a description and default per field, cross-field rules, and errors that
 * name file:line:column and the field.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { validate } from "node-cron";
import { z } from "zod";
import {
  DEFAULT_DUCKDB_RESOURCES,
  type DuckDbResources,
  MEMORY_LIMIT_PATTERN,
  useDuckDbResources,
} from "../warehouse/duckdb-resources.ts";
import { InputError } from "./errors.ts";
import { looksLikeToken } from "./secrets.ts";
import { parseYaml, readYamlFile, validateYaml, type YamlSource } from "./yaml-source.ts";

/** Names the pipeline gives its own buckets (compared in lower case): a team of that name would merge with them. */
export const RESERVED_TEAM_NAMES: readonly string[] = ["unassigned", "all"];
const CONTROL = /\p{Cc}/u;

/**
 * github.tokenEnv must be a variable's name. A token pasted there is refused without being echoed: the
 * messages these issues carry are shown as they are (`secret`), never followed by the value.
 */
function checkTokenEnv(value: unknown, ctx: z.RefinementCtx): void {
  if (value === undefined) return;
  const refuse = (message: string) => ctx.addIssue({ code: "custom", message, params: { secret: true } });
  if (typeof value === "string" && looksLikeToken(value)) {
    refuse(
      "looks like a token, not the name of an environment variable (the value is not shown): put the token in a variable (e.g. export GITHUB_TOKEN=…) and write the variable's name here; the token has been in this file, so consider revoking it",
    );
  } else if (typeof value !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    refuse(
      "must be the NAME of an environment variable, e.g. GITHUB_TOKEN: letters, digits and _, not starting with a digit (the value is not shown, in case it is a secret)",
    );
  }
}

const repoName = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/name"');
const login = z.string().regex(/^[A-Za-z0-9_.\-[\]]+$/, "must be a GitHub login");
/** A GitHub team's slug as its URLs write it: lower case letters, digits, - and _. */
const TEAM_SLUG = /^[a-z0-9][a-z0-9_-]*$/;

/** The slug GitHub gives a team of this name: lower case, every run of other characters a single -. */
export function teamSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * github.copilot: `true` (the organisations' Copilot metrics) or `{ teams: true | [slug, …] }` (also each
 * team's: `true` for the teams of yardstick.yaml by their slug, or GitHub team slugs). Checked by hand so each
 * mistake gets one plain message at its own line rather than zod's union report.
 */
function checkCopilot(value: unknown, ctx: z.RefinementCtx): void {
  if (value === undefined || typeof value === "boolean") return;
  const at = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    at([], "must be true, false or { teams: true | [team-slug, …] }");
    return;
  }
  for (const key of Object.keys(value))
    if (key !== "teams") at([key], `unknown key "${key}": copilot takes only teams`);
  const teams = (value as { teams?: unknown }).teams;
  if (teams === undefined || typeof teams === "boolean") return;
  if (!Array.isArray(teams)) {
    at(["teams"], "must be true, false or a list of GitHub team slugs, e.g. [platform, web-frontend]");
    return;
  }
  teams.forEach((slug, i) => {
    if (typeof slug !== "string" || !TEAM_SLUG.test(slug))
      at(
        ["teams", i],
        `must be a GitHub team slug as in its URL (lower case letters, digits, - and _), e.g. platform: got ${JSON.stringify(slug)}`,
      );
  });
  const seen = new Set<string>();
  teams.forEach((slug, i) => {
    if (typeof slug === "string" && seen.has(slug)) at(["teams", i], `team "${slug}" is listed twice`);
    seen.add(String(slug));
  });
}

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the NAME of an environment variable");

/** Outcomes that can send a notification (`notify.on`). */
export const NOTIFY_EVENTS = ["failure", "partial", "stale"] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export const configSchema = z
  .object({
    dataDir: z
      .string()
      .min(1)
      .default("./data")
      .describe("Folder for the lake, the warehouse, the site and the run ledger (relative to this file)"),
    github: z
      .object({
        url: z
          .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
          // fetch refuses such a URL, and its error would print the password.
          .refine((url) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url), {
            message:
              "must not carry a user name or password (https://user:password@…): the token comes from the variable github.tokenEnv names",
          })
          .default("https://api.github.com/graphql")
          .describe(
            "GraphQL endpoint: GitHub, GitHub Enterprise Server (https://HOST/api/graphql) or the simulator",
          ),
        tokenEnv: z
          .unknown()
          .optional()
          .superRefine(checkTokenEnv)
          .transform((name) => (name === undefined ? "GITHUB_TOKEN" : (name as string)))
          .describe("Name of the environment variable that holds the token (never the token itself)"),
        orgs: z.array(login).default([]).describe("Organisations: every non-archived repository is read"),
        repos: z.array(repoName).default([]).describe("Repositories read in addition to the organisations"),
        pageSize: z.number().int().min(1).max(100).default(25).describe("Pull requests per GraphQL page"),
        discovery: z
          .enum(["search", "scan"])
          .default("search")
          .describe(
            "How changed pull requests are found: search (one request per organisation when nothing changed) or scan (page each repository)",
          ),
        deploymentLookbackDays: z
          .number()
          .min(0)
          .max(90)
          .default(7)
          .describe(
            "Deployments created this many days before the previous run are re-read, so later statuses land; so is the CI (workflow runs) of a pushed repository's default-branch commits of those days",
          ),
        requestIntervalMs: z
          .number()
          .int()
          .min(0)
          .max(60_000)
          .default(1000)
          .describe(
            "Pause between GraphQL requests: GitHub asks integrations not to burst; lower it only for the simulator or a GitHub Enterprise Server with its own limits",
          ),
        reserve: z
          .number()
          .int()
          .min(0)
          .default(200)
          .describe("Stop cleanly (and resume next run) before GitHub's remaining points fall below this"),
        copilot: z
          .unknown()
          .optional()
          .superRefine(checkCopilot)
          .describe(
            "Copilot usage (REST Copilot metrics, kept past GitHub's 28 days): true for each organisation's, { teams: true | [slug, …] } for teams' too",
          ),
      })
      .strict(),
    teams: z
      .array(
        z
          .object({
            name: z
              .string()
              .min(1)
              .refine((name) => !CONTROL.test(name), {
                message:
                  "must not contain control characters (a newline, a tab, an escape): team names are shown on pages, in tables and in CSV",
              })
              .refine((name) => CONTROL.test(name) || !/^\s/.test(name), {
                message: "must not start with a space",
              })
              .refine((name) => !RESERVED_TEAM_NAMES.includes(name.trim().toLowerCase()), {
                message: `is reserved, in any case: "unassigned" holds the pull requests no team claims and "All" is the whole organisation on the pages; choose another name`,
              }),
            members: z.array(login).default([]),
            repos: z.array(repoName).default([]),
          })
          .strict(),
      )
      .default([])
      .describe("Teams: a pull request belongs to its author's team, else to its repository's team"),
    schedule: z
      .object({
        cron: z
          .string()
          .refine(
            (c) => validate(c),
            'must be a cron expression like "0 2 * * *" (minute hour day month weekday)',
          )
          .default("0 2 * * *"),
        timezone: z
          .string()
          .refine(isTimeZone, "must be an IANA time zone like UTC or Europe/Berlin")
          .default("UTC"),
      })
      .strict()
      .default({ cron: "0 2 * * *", timezone: "UTC" }),
    reviews: z
      .object({
        notesDir: z
          .string()
          .min(1)
          .default("reviews/notes")
          .describe(
            "Folder of the monthly review's meeting notes, one YYYY-MM.md per month (relative to this file)",
          ),
      })
      .strict()
      .default({ notesDir: "reviews/notes" }),
    status: z
      .object({
        staleAfterHours: z
          .number()
          .positive()
          .max(24 * 366)
          .default(36)
          .describe(
            "`yardstick status` exits 1 (and a stale notification goes out) when a source's last complete extraction is older than this",
          ),
      })
      .strict()
      .default({ staleAfterHours: 36 }),
    notify: z
      .object({
        webhook: z
          .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
          .optional()
          .describe("URL that receives a Slack-compatible JSON POST"),
        webhookEnv: envName
          .optional()
          .describe(
            "Name of the environment variable holding the webhook URL (for URLs that embed a secret)",
          ),
        command: z
          .array(z.string().min(1, "must not be empty"))
          .min(1, "must name a program: [program, arg, …]")
          .optional()
          .describe("Program and arguments run without a shell, with the event as JSON on stdin"),
        on: z
          .array(z.enum(NOTIFY_EVENTS))
          .min(1, "must name at least one of failure, partial, stale")
          .default([...NOTIFY_EVENTS])
          .describe("Which outcomes send a notification"),
      })
      .strict()
      .optional(),
    lake: z
      .object({
        compactAfterFiles: z
          .number()
          .int()
          .min(0)
          .default(100)
          .describe(
            "Before the nightly build, rewrite a stream's small Parquet batches into one file once it has more than this many (0: never automatically; `yardstick compact` does it on demand)",
          ),
      })
      .strict()
      .default({ compactAfterFiles: 100 }),
    duckdb: z
      .object({
        memoryLimit: z
          .string({ error: "must be a size with its unit, e.g. 2GB, 1500MB or 4GiB" })
          .regex(MEMORY_LIMIT_PATTERN, "must be a size with its unit, e.g. 2GB, 1500MB or 4GiB")
          .optional()
          .describe(
            "DuckDB's memory limit for the build and the metrics (default: 2 GiB, or half the machine's memory if that is less); past it DuckDB spills to tempDirectory",
          ),
        threads: z
          .number({ error: "must be a whole number of threads, e.g. 4" })
          .int({ error: "must be a whole number of threads, e.g. 4" })
          .min(1, { error: "must be at least 1" })
          .max(1024, { error: "must be at most 1024" })
          .optional()
          .describe("DuckDB's threads (default: one per core)"),
        tempDirectory: z
          .string()
          .min(1)
          .optional()
          .describe(
            "Folder DuckDB spills to past its memory limit (relative to this file; default: inside the data folder, beside the database being built or read)",
          ),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.notify) {
      const { webhook, webhookEnv, command } = cfg.notify;
      if (webhook !== undefined && webhookEnv !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["notify", "webhookEnv"],
          message: "give webhook or webhookEnv, not both",
        });
      if (webhook === undefined && webhookEnv === undefined && command === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["notify"],
          message: "names no webhook, webhookEnv or command: nothing would be notified",
        });
    }
    const copilot = cfg.github.copilot as boolean | { teams?: boolean | string[] } | undefined;
    if (copilot && cfg.github.orgs.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["github", "copilot"],
        message:
          "Copilot metrics are read per organisation, and github.orgs names none: list the organisations (or set copilot: false)",
      });
    if (typeof copilot === "object" && copilot.teams === true && cfg.teams.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["github", "copilot", "teams"],
        message:
          "is true, which reads the Copilot metrics of the teams of yardstick.yaml, but teams: names none: list the GitHub team slugs instead, or leave teams out",
      });
    if (cfg.github.orgs.length === 0 && cfg.github.repos.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["github"],
        message: "names no organisation (orgs) and no repository (repos): nothing to read",
      });
    }
    const seen = new Set<string>();
    cfg.teams.forEach((team, i) => {
      if (seen.has(team.name))
        ctx.addIssue({
          code: "custom",
          path: ["teams", i, "name"],
          message: `team "${team.name}" is defined twice`,
        });
      seen.add(team.name);
    });
  });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export type ConfigInput = z.input<typeof configSchema>;

/** The normalised configuration every stage receives. Paths are absolute. */
export interface Config {
  file: string;
  dataDir: string;
  github: {
    url: string;
    tokenEnv: string;
    orgs: string[];
    repos: string[];
    pageSize: number;
    discovery: "search" | "scan";
    deploymentLookbackDays: number;
    requestIntervalMs: number;
    reserve: number;
    /**
     * Copilot usage (the GitHub Copilot source, extractors/github-copilot/): null when not configured; else
     * the GitHub team slugs whose metrics are read in every organisation (empty: the organisations' only).
     */
    copilot: { teams: string[] } | null;
  };
  teams: { name: string; members: string[]; repos: string[] }[];
  schedule: { cron: string; timezone: string };
  /** Absolute path of the notes folder. */
  reviews: { notesDir: string };
  status: { staleAfterHours: number };
  /** Where notifications go; null when `notify:` is absent. */
  notify: NotifyConfig | null;
  lake: { compactAfterFiles: number };
  /** DuckDB's memory limit, threads and spill folder (absolute), for every DuckDB the run opens. */
  duckdb: DuckDbResources;
}

export interface NotifyConfig {
  webhook?: string;
  webhookEnv?: string;
  command?: string[];
  on: NotifyEvent[];
}

/** Folders inside the data folder. One writer per stage owns each. */
export function dataPaths(dataDir: string) {
  return {
    lake: resolve(dataDir, "lake"),
    state: resolve(dataDir, "state"),
    warehouse: resolve(dataDir, "warehouse", "warehouse.duckdb"),
    build: resolve(dataDir, "build"),
    site: resolve(dataDir, "site"),
    /** Frozen monthly reviews (YYYY-MM.json), and under history/ the versions a refreeze replaced. */
    reviews: resolve(dataDir, "reviews"),
    ledger: resolve(dataDir, "ledger", "runs.ndjson"),
    /** One line per GitHub request: operation, cost, remaining budget, attempts and retries, never the token. */
    requestLedger: resolve(dataDir, "ledger", "requests.ndjson"),
    lock: resolve(dataDir, "yardstick.lock"),
  };
}

export function loadConfig(file: string): Config {
  const source = readYamlFile(file, "configuration file");
  return normaliseConfig(source);
}

/**
 * A configuration from an object instead of a file (tests, the demo, benchmarks): the same schema and
 * defaults; relative paths resolve beside `file`.
 */
export function configFromObject(input: ConfigInput, file: string): Config {
  return normaliseConfig(parseYaml(JSON.stringify(input), file, "configuration"));
}

export function normaliseConfig(source: YamlSource): Config {
  const parsed = validateYaml(source, configSchema, "configuration file");
  const base = dirname(resolve(source.file));
  const duckdb: DuckDbResources = {
    memoryLimit: parsed.duckdb.memoryLimit ?? DEFAULT_DUCKDB_RESOURCES.memoryLimit,
    threads: parsed.duckdb.threads ?? null,
    tempDirectory:
      parsed.duckdb.tempDirectory === undefined ? null : resolve(base, parsed.duckdb.tempDirectory),
  };
  // One configuration per process: every DuckDB opened from here on (metrics, pages) uses its resources.
  useDuckDbResources(duckdb);
  return {
    file: resolve(source.file),
    dataDir: isAbsolute(parsed.dataDir) ? parsed.dataDir : resolve(base, parsed.dataDir),
    github: {
      ...parsed.github,
      url: parsed.github.url.replace(/\/$/, ""),
      copilot: copilotOf(parsed.github.copilot, parsed.teams),
    },
    teams: parsed.teams,
    schedule: parsed.schedule,
    reviews: {
      notesDir: isAbsolute(parsed.reviews.notesDir)
        ? parsed.reviews.notesDir
        : resolve(base, parsed.reviews.notesDir),
    },
    status: parsed.status,
    notify: parsed.notify ?? null,
    lake: parsed.lake,
    duckdb,
  };
}

function copilotOf(value: unknown, teams: readonly { name: string }[]): Config["github"]["copilot"] {
  if (!value) return null;
  if (value === true) return { teams: [] };
  const given = (value as { teams?: boolean | string[] }).teams;
  if (given === true) return { teams: [...new Set(teams.map((t) => teamSlug(t.name)))].filter(Boolean) };
  return { teams: Array.isArray(given) ? given : [] };
}

/** Reads the token from the variable the configuration names; a missing one is bad input naming the variable. */
export function readToken(config: Config, env: NodeJS.ProcessEnv = process.env): string {
  const token = env[config.github.tokenEnv];
  if (!token) {
    throw new InputError(
      `environment variable ${config.github.tokenEnv} is not set: it must hold a GitHub token (github.tokenEnv in ${config.file})`,
    );
  }
  return token;
}
