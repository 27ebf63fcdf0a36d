/**
 * Runs the simulator in the foreground, for developers and operators trying Yardstick without a GitHub
 * token:
 *
 *   node --import tsx simulator/main.ts --seed 7 [--dataset f.json] [--port 8787]
 *
 * Prints the GraphQL URL and a yardstick.yaml snippet that points at it, then serves until interrupted.
 * `--pagerduty-port` and `--incident-io-port` also serve the generated organisation's incidents as
 * PagerDuty's REST API and incident.io's API do (simulator/incidents/), and add their sections to the snippet.
 */
import { Command, InvalidArgumentError } from "commander";
import { InputError, YardstickError } from "../core/errors.ts";
import { type Dataset, loadDataset, saveDataset } from "./dataset.ts";
import { FAULT_KINDS, type FaultPlan, parseFaultKinds, validateFaultPlan } from "./faults.ts";
import type { TeamDefinition } from "./ground-truth.ts";
import { type IncidentIoServer, startIncidentIoServer } from "./incidents/incident-io-server.ts";
import { type PagerDutyServer, startPagerDutyServer } from "./incidents/pagerduty-server.ts";
import { generateOrg } from "./org-generator.ts";
import { startSimulator } from "./server.ts";

const integer = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer`);
  return n;
};

const share = (value: string) => {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0 && n <= 1))
    throw new InvalidArgumentError("must be a number from 0 to 1");
  return n;
};

const parseKinds = (value: string) => {
  try {
    return parseFaultKinds(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof InputError ? error.report() : String(error));
  }
};

const program = new Command("simulator")
  .description(
    "A local stand-in for GitHub's GraphQL API (GitHub's official schema, costs and rate limits) serving a " +
      "generated organisation or a dataset file. Point yardstick.yaml's github.url at the printed URL.",
  )
  .option("--seed <n>", "seed of the generated organisation", integer("--seed"), 1)
  .option(
    "--dataset <file>",
    "serve this dataset file instead of generating one (format: simulator/README.md)",
  )
  .option("--save-dataset <file>", "write the served dataset to this file (to edit it, or to share it)")
  .option("--teams <n>", "teams in the generated organisation", integer("--teams"), 2)
  .option("--repositories <n>", "repositories in the generated organisation", integer("--repositories"), 3)
  .option(
    "--pull-requests <n>",
    "pull requests in the generated organisation",
    integer("--pull-requests"),
    200,
  )
  .option("--days <n>", "days of history", integer("--days"), 90)
  .option("--end <date>", 'last moment of history: "today" (UTC midnight) or an ISO date', "today")
  .option("--host <host>", "interface to listen on", "127.0.0.1")
  .option("--port <n>", "port (0 picks a free one)", integer("--port"), 8787)
  .option("--token <token...>", "accept only these tokens (default: any non-empty token)")
  .option("--rate-limit <points>", "points per hour per token", integer("--rate-limit"), 5000)
  .option("--fault-rate <share>", "share of GraphQL requests that fail on purpose, 0 to 1", share, 0)
  .option(
    "--fault-kinds <kinds>",
    `comma-separated kinds of fault to draw from (default all: ${FAULT_KINDS.join(", ")})`,
    parseKinds,
  )
  .option(
    "--fault-seed <n>",
    "seed of the fault draws (same seed, same failures)",
    integer("--fault-seed"),
    1,
  )
  .option(
    "--fault-timeout <ms>",
    'how long a "timeout" fault holds a request before dropping the connection',
    integer("--fault-timeout"),
    15000,
  )
  .option(
    "--pagerduty-port <n>",
    "also serve the organisation's incidents as PagerDuty's REST API v2 on this port (0 picks a free one)",
    integer("--pagerduty-port"),
  )
  .option(
    "--incident-io-port <n>",
    "also serve the organisation's incidents as incident.io's API v2 on this port (0 picks a free one)",
    integer("--incident-io-port"),
  )
  .action(async (opts, command: Command) => {
    let dataset: Dataset;
    let teams: TeamDefinition[] = [];
    let org: ReturnType<typeof generateOrg> | null = null;
    if (opts.dataset) {
      // A dataset is served as it is: options that shape a generated organisation would be ignored.
      const ignored = GENERATOR_OPTIONS.filter((name) => command.getOptionValueSource(name) === "cli");
      if (ignored.length > 0) {
        const flags = ignored.map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
        throw new InputError(
          `${flags.join(", ")} shape${flags.length === 1 ? "s" : ""} a generated organisation and cannot apply with --dataset (a dataset is served as written; edit its timestamps to move it in time)`,
        );
      }
      if (opts.pagerdutyPort !== undefined || opts.incidentIoPort !== undefined)
        throw new InputError(
          "--pagerduty-port and --incident-io-port serve a generated organisation's incidents and cannot apply with --dataset",
        );
      dataset = loadDataset(opts.dataset);
    } else {
      const end =
        opts.end === "today"
          ? new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z")
          : new Date(opts.end);
      if (Number.isNaN(end.getTime()))
        throw new InputError(`--end must be "today" or an ISO date, got ${opts.end}`);
      org = generateOrg({
        seed: opts.seed,
        teams: opts.teams,
        repositories: opts.repositories,
        pullRequests: opts.pullRequests,
        days: opts.days,
        end,
      });
      dataset = org.dataset;
      teams = org.teams;
    }
    if (opts.saveDataset) saveDataset(opts.saveDataset, dataset);
    const faults: FaultPlan | undefined =
      opts.faultRate > 0
        ? validateFaultPlan({
            rate: opts.faultRate,
            seed: opts.faultSeed,
            timeoutMs: opts.faultTimeout,
            ...(opts.faultKinds ? { kinds: opts.faultKinds } : {}),
          })
        : undefined;
    const simulator = await startSimulator({
      dataset,
      host: opts.host,
      port: opts.port,
      tokens: opts.token,
      rateLimit: { limit: opts.rateLimit },
      ...(faults ? { faults } : {}),
      teams,
    });
    const out = process.stdout;
    out.write(`GitHub GraphQL simulator listening on ${simulator.url}\n`);
    out.write(
      `Serving ${dataset.repositories.length} repositories and ${dataset.pullRequests.length} pull requests` +
        (opts.dataset ? ` from ${opts.dataset}` : ` (seed ${opts.seed})`) +
        ". Any bearer token works unless --token is given.\n\n",
    );
    if (faults) {
      out.write(
        `Injecting faults into ${Math.round((faults.rate ?? 0) * 1000) / 10}% of requests ` +
          `(${(faults.kinds ?? FAULT_KINDS).join(", ")}; seed ${faults.seed}).\n\n`,
      );
    }
    out.write(yamlSnippet(simulator.url, dataset, teams, opts.token));
    let pagerduty: PagerDutyServer | null = null;
    let incidentIo: IncidentIoServer | null = null;
    const restFaults = faults
      ? { rate: faults.rate, seed: faults.seed, timeoutMs: faults.timeoutMs }
      : undefined;
    if (org && opts.pagerdutyPort !== undefined) {
      pagerduty = await startPagerDutyServer({
        org,
        host: opts.host,
        port: opts.pagerdutyPort,
        faults: restFaults,
      });
      out.write(
        [
          `# PagerDuty REST API stand-in on ${pagerduty.url} (export ${PAGERDUTY_TOKEN_ENV}=any-non-empty-value)`,
          "pagerduty:",
          `  url: ${pagerduty.url}`,
          `  tokenEnv: ${PAGERDUTY_TOKEN_ENV}`,
          "  requestIntervalMs: 0",
          "  services:",
          ...pagerduty.services.map((s) => `    - { id: ${s.id}, repos: [${s.repository}] }`),
          "",
        ].join("\n"),
      );
    }
    if (org && opts.incidentIoPort !== undefined) {
      incidentIo = await startIncidentIoServer({
        org,
        host: opts.host,
        port: opts.incidentIoPort,
        faults: restFaults,
      });
      out.write(
        [
          `# incident.io API stand-in on ${incidentIo.url} (export ${INCIDENT_IO_TOKEN_ENV}=any-non-empty-value)`,
          "incidentIo:",
          `  url: ${incidentIo.url}`,
          `  tokenEnv: ${INCIDENT_IO_TOKEN_ENV}`,
          "  requestIntervalMs: 0",
          "  mappings:",
          ...dataset.repositories.map(
            (r) => `    - { customField: Affected service, value: ${r.name}, repos: [${r.owner}/${r.name}] }`,
          ),
          "# Incidents recorded in an incident tool are also GitHub issues labelled incident here: read one",
          "# source at a time, or set definitions.incident_labels in metrics.yaml to a label no issue has.",
          "",
        ].join("\n"),
      );
    }
    out.write("\nPress Ctrl+C to stop.\n");
    const stop = () => {
      Promise.all([simulator.close(), pagerduty?.close(), incidentIo?.close()]).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

/** Options of the generator (commander's camel-case names), meaningless with --dataset. */
const GENERATOR_OPTIONS = ["seed", "teams", "repositories", "pullRequests", "days", "end"] as const;

/** The variable the printed configuration reads the token from. */
const TOKEN_ENV = "SIMULATOR_TOKEN";
const PAGERDUTY_TOKEN_ENV = "SIMULATOR_PAGERDUTY_TOKEN";
const INCIDENT_IO_TOKEN_ENV = "SIMULATOR_INCIDENT_IO_TOKEN";

/**
 * The yardstick.yaml lines that point Yardstick at this simulator, ready to paste: no pause between
 * requests (that pause is GitHub's etiquette, not the simulator's), a data folder of its own, the token
 * variable, and the command that sets it.
 */
function yamlSnippet(url: string, dataset: Dataset, teams: TeamDefinition[], tokens?: string[]): string {
  const token = tokens && tokens.length > 0 ? "<one of the --token values>" : "any-non-empty-value";
  const lines = [
    `# Set the token first:  export ${TOKEN_ENV}=${token}`,
    "# yardstick.yaml",
    "dataDir: ./data/simulator",
    "github:",
    `  url: ${url}`,
    `  tokenEnv: ${TOKEN_ENV}`,
    "  requestIntervalMs: 0",
  ];
  const orgs = dataset.organizations.map((o) => o.login);
  if (orgs.length > 0) lines.push(`  orgs: [${orgs.join(", ")}]`);
  else lines.push(`  repos: [${dataset.repositories.map((r) => `${r.owner}/${r.name}`).join(", ")}]`);
  if (teams.length > 0) {
    lines.push("teams:");
    for (const team of teams) {
      lines.push(
        `  - name: ${team.name}`,
        `    members: [${team.members.join(", ")}]`,
        `    repos: [${team.repos.join(", ")}]`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const report = error instanceof InputError ? error.report() : message;
  process.stderr.write(`simulator: ${report}\n`);
  process.exit(error instanceof YardstickError ? error.exitCode : 1);
});
