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
function checkTokenEnv(value: unknown, ctx: z.RefinementCtx, example = "GITHUB_TOKEN"): void {
  if (value === undefined) return;
  const refuse = (message: string) => ctx.addIssue({ code: "custom", message, params: { secret: true } });
  if (typeof value === "string" && looksLikeToken(value)) {
    refuse(
      `looks like a token, not the name of an environment variable (the value is not shown): put the token in a variable (e.g. export ${example}=…) and write the variable's name here; the token has been in this file, so consider revoking it`,
    );
  } else if (typeof value !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    refuse(
      `must be the NAME of an environment variable, e.g. ${example}: letters, digits and _, not starting with a digit (the value is not shown, in case it is a secret)`,
    );
  } else if (
    (/[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value) && value.length >= 16) ||
    value.split("_").some((part) => part.length >= 16 && /\d/.test(part) && /[A-Za-z]/.test(part))
  ) {
    // Incident tools' keys (PagerDuty's: 20 characters of mixed case and digits; others: long runs of
    // letters and digits after a prefix) pass for names.
    refuse(
      `looks like an API key, not the name of an environment variable (the value is not shown): variable names are upper case by convention, e.g. ${example}; put the key in a variable and write its name here; the key has been in this file, so consider revoking it`,
    );
  }
}

/** `tokenEnv` of a source: the NAME of the variable holding its token, `fallback` when left out. */
function tokenEnvField(fallback: string) {
  return z
    .unknown()
    .optional()
    .superRefine((value, ctx) => checkTokenEnv(value, ctx, fallback))
    .transform((name) => (name === undefined ? fallback : (name as string)))
    .describe(
      `Name of the environment variable that holds the token, default ${fallback} (never the token itself)`,
    );
}

/** An http(s) API address without credentials in it (the token comes from tokenEnv). */
function apiUrl(fallback: string, what: string) {
  return z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .refine((url) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url), {
      message:
        "must not carry a user name or password (https://user:password@…): the token comes from the variable tokenEnv names",
    })
    .default(fallback)
    .describe(what);
}

const repoName = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/name"');

/** Where incidents of one service, field value or type belong: repositories and/or teams of this file. */
const incidentTargets = {
  repos: z
    .array(repoName)
    .default([])
    .describe("Repositories its incidents belong to (read by the github section)"),
  teams: z
    .array(z.string().min(1))
    .default([])
    .describe("Teams its incidents belong to (teams[].name): every repository of the team"),
};

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

const configBase = z
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
    pagerduty: z
      .object({
        url: apiUrl("https://api.pagerduty.com", "PagerDuty's REST API (v2), or its stand-in"),
        tokenEnv: tokenEnvField("PAGERDUTY_TOKEN"),
        services: z
          .array(
            z
              .object({
                id: z
                  .string()
                  .regex(
                    /^[A-Z0-9]{2,32}$/,
                    "must be a PagerDuty service id, e.g. PX1234A (upper-case letters and digits)",
                  )
                  .describe(
                    "The service's id, as in its address https://<you>.pagerduty.com/service-directory/<id>",
                  ),
                ...incidentTargets,
              })
              .strict(),
          )
          .min(1, "must name at least one service: only the services listed here are read")
          .describe("PagerDuty services whose incidents are read, and the repositories or teams they map to"),
        requestIntervalMs: z
          .number()
          .int()
          .min(0)
          .max(60_000)
          .default(100)
          .describe("Pause between requests (PagerDuty allows 960 a minute per key)"),
        pageSize: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(100)
          .describe("Incidents and log entries per request (PagerDuty's largest page: 100)"),
      })
      .strict()
      .optional()
      .describe("PagerDuty incidents (absent: not read)"),
    incidentIo: z
      .object({
        url: apiUrl("https://api.incident.io", "incident.io's public API (v2), or its stand-in"),
        tokenEnv: tokenEnvField("INCIDENT_IO_TOKEN"),
        referenceField: z
          .string()
          .min(1)
          .default("Root cause")
          .describe(
            "Custom field whose text names the cause (a pull request, a commit SHA, a deployment); the summary's `root cause: <ref>` counts too",
          ),
        mappings: z
          .array(
            z
              .object({
                customField: z
                  .string()
                  .min(1)
                  .optional()
                  .describe("A custom field's name, e.g. Affected service"),
                incidentType: z.string().min(1).optional().describe("An incident type's name, e.g. Platform"),
                value: z.string().min(1).optional().describe("The custom field's value (with customField)"),
                ...incidentTargets,
              })
              .strict(),
          )
          .min(1, "must map at least one custom field value or incident type to repositories or teams")
          .describe(
            "Which incidents belong to which repositories or teams, by a custom field's value or the incident type",
          ),
        requestIntervalMs: z
          .number()
          .int()
          .min(0)
          .max(60_000)
          .default(100)
          .describe("Pause between requests (incident.io allows 1,200 a minute per key)"),
        pageSize: z
          .number()
          .int()
          .min(1)
          .max(250)
          .default(250)
          .describe("Incidents per request (incident.io's largest page: 250)"),
      })
      .strict()
      .optional()
      .describe("incident.io incidents (absent: not read)"),
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
  .strict();

export const configSchema = configBase.superRefine((cfg, ctx) => {
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
  checkIncidentMappings(cfg, ctx);
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

/**
 * Every repository an incident source maps to is one this file reads (github.repos, or owned by one of
 * github.orgs), every team one it defines; a mapping names at least one of either; a service is listed once.
 */
function checkIncidentMappings(cfg: z.infer<typeof configBase>, ctx: z.RefinementCtx): void {
  const orgs = new Set(cfg.github.orgs.map((o) => o.toLowerCase()));
  const repos = new Set(cfg.github.repos.map((r) => r.toLowerCase()));
  const teams = new Set(cfg.teams.map((t) => t.name));
  const check = (path: (string | number)[], target: { repos: string[]; teams: string[] }, what: string) => {
    if (target.repos.length === 0 && target.teams.length === 0)
      ctx.addIssue({
        code: "custom",
        path,
        message: `${what} maps to no repository (repos) and no team (teams): its incidents would belong nowhere`,
      });
    target.repos.forEach((repo, i) => {
      const owner = repo.split("/")[0]!.toLowerCase();
      if (!repos.has(repo.toLowerCase()) && !orgs.has(owner))
        ctx.addIssue({
          code: "custom",
          path: [...path, "repos", i],
          message: `repository "${repo}" is not read: add it to github.repos, or its organisation to github.orgs`,
        });
    });
    target.teams.forEach((team, i) => {
      if (!teams.has(team))
        ctx.addIssue({
          code: "custom",
          path: [...path, "teams", i],
          message: `team "${team}" is not defined under teams:`,
        });
    });
  };
  const services = new Set<string>();
  cfg.pagerduty?.services.forEach((service, i) => {
    if (services.has(service.id))
      ctx.addIssue({
        code: "custom",
        path: ["pagerduty", "services", i, "id"],
        message: `service ${service.id} is listed twice`,
      });
    services.add(service.id);
    check(["pagerduty", "services", i], service, `service ${service.id}`);
  });
  const mappings = new Set<string>();
  cfg.incidentIo?.mappings.forEach((mapping, i) => {
    const path = ["incidentIo", "mappings", i];
    const { customField, incidentType, value } = mapping;
    if ((customField === undefined) === (incidentType === undefined)) {
      ctx.addIssue({
        code: "custom",
        path,
        message: "must name either customField (with value) or incidentType, not both and not neither",
      });
      return;
    }
    if (customField !== undefined && value === undefined)
      ctx.addIssue({ code: "custom", path: [...path, "value"], message: "is required with customField" });
    if (incidentType !== undefined && value !== undefined)
      ctx.addIssue({
        code: "custom",
        path: [...path, "value"],
        message: "goes with customField only: an incidentType mapping matches the type's name",
      });
    const key = customField !== undefined ? `field:${customField}=${value}` : `type:${incidentType}`;
    if (mappings.has(key))
      ctx.addIssue({ code: "custom", path, message: "maps the same field value or incident type twice" });
    mappings.add(key);
    check(
      path,
      mapping,
      customField !== undefined ? `${customField} = ${value}` : `incident type ${incidentType}`,
    );
  });
}

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
  /** PagerDuty incidents; null when `pagerduty:` is absent (not read). */
  pagerduty: PagerDutyConfig | null;
  /** incident.io incidents; null when `incidentIo:` is absent (not read). */
  incidentIo: IncidentIoConfig | null;
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

/** Where an incident source's incidents belong. */
export interface IncidentTargets {
  repos: string[];
  teams: string[];
}

export interface PagerDutyConfig {
  url: string;
  tokenEnv: string;
  services: ({ id: string } & IncidentTargets)[];
  requestIntervalMs: number;
  pageSize: number;
}

export interface IncidentIoConfig {
  url: string;
  tokenEnv: string;
  referenceField: string;
  mappings: ({ customField?: string; incidentType?: string; value?: string } & IncidentTargets)[];
  requestIntervalMs: number;
  pageSize: number;
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
    pagerduty: parsed.pagerduty
      ? { ...parsed.pagerduty, url: parsed.pagerduty.url.replace(/\/$/, "") }
      : null,
    incidentIo: parsed.incidentIo
      ? { ...parsed.incidentIo, url: parsed.incidentIo.url.replace(/\/$/, "") }
      : null,
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
