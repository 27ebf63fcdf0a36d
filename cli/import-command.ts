/**
 * `yardstick import deployments|incidents <file>`: deployments and incidents from tools other than GitHub (a
 * deploy tool's export, a spreadsheet of incidents), from a CSV or NDJSON file into the lake. The whole file is
 * validated first; one bad cell refuses it with every problem listed (exit 2) and nothing written. Only the
 * columns' description is loaded here (for --help); the reading, DuckDB and the lake load in the action.
 */
import { Argument, Command } from "commander";
import { InputError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { terminalText } from "../core/terminal-text.ts";
import { IMPORT_COLUMNS, IMPORT_KINDS, type ImportKind } from "../extractors/files/import-columns.ts";

interface ImportFlags {
  config: string;
  system: string;
  dryRun?: boolean;
}

/** Names of other sources: an import under one of them would pass for data that source read. */
const RESERVED_SYSTEMS = ["github", "github_actions", "pagerduty", "incident_io", "incidentio"];

function columnsHelp(kind: ImportKind): string {
  const columns = IMPORT_COLUMNS[kind];
  const indent = Math.max(...columns.map((c) => c.name.length)) + 14;
  return columns
    .map((c) =>
      wrap(
        `  ${c.name.padEnd(indent - 12)}${c.required ? "required" : "optional"}  ${c.description}`,
        indent,
      ),
    )
    .join("\n");
}

/** Wraps a line at 108 characters, continuing under the description. */
function wrap(line: string, indent: number, width = 108): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(" ", width);
    if (cut <= indent) break;
    out.push(rest.slice(0, cut));
    rest = " ".repeat(indent) + rest.slice(cut + 1);
  }
  out.push(rest);
  return out.join("\n");
}

const HELP = `
The file is CSV (comma-separated, a header line of column names, RFC 4180 quoting; UTF-8, with or without a
byte order mark) or NDJSON (.ndjson or .jsonl: one JSON object per line, the same names as keys, strings or
null). Column names are matched without regard to case; cells are trimmed; an empty cell is no value. Times
are ISO 8601 with a time zone (Z or an offset such as +01:00) and stored in UTC; a time that does not exist,
lies in the future or before 2000 is refused. A cell is text, whatever it starts with: "=SUM(A1)" is stored
as those characters and never run.

Deployments columns:
${columnsHelp("deployments")}

Incidents columns:
${columnsHelp("incidents")}

Rows are keyed by --system and id: importing the same file again changes nothing, and a row imported again
with other values replaces the earlier one at the next build. The whole file is checked before anything is
written: any problem is listed with its file:line:column and column name, the command exits 2 and the lake
is left as it was. Rows land in <dataDir>/lake/raw/files/<kind>/ as one Parquet batch, under the run lock;
the warehouse shows them after the next \`yardstick build\` (or \`run\`), with source 'file'.

Imported deployments count in the DORA metrics like GitHub's (production is what metrics.yaml
production_environment_pattern matches); do not import deployments GitHub also records, or they count twice.
An imported incident links to the deployment its reference names, else to the latest successful production
deployment of its repository (or of its team's repositories) that finished before it started; the link
method is recorded in fct_incidents.link_method.

Exit codes: 0 imported (or nothing new), 2 a bad file, flag or configuration (nothing written), 1 a failure.

Examples:
  $ yardstick import deployments exports/argocd-2026-11.csv --system argocd
  $ yardstick import incidents incidents.ndjson --dry-run
  $ yardstick import incidents postmortems.csv && yardstick build`;

export function importCommand(loggerFor: () => Logger): Command {
  return new Command("import")
    .description(
      "add deployments or incidents from a CSV or NDJSON file to the lake (tools other than GitHub)",
    )
    .addArgument(new Argument("<kind>", "what the file holds").choices(IMPORT_KINDS))
    .argument("<file>", "the .csv, .ndjson or .jsonl file")
    .option("--config <file>", "the configuration file", "./yardstick.yaml")
    .option(
      "--system <name>",
      "the tool the file comes from, e.g. argocd or opsgenie (lowercase letters, digits, - and _): rows are keyed by it and their id, so two tools' ids never collide",
      "file",
    )
    .option("--dry-run", "check the file and say what would be imported; write nothing")
    .addHelpText("after", HELP)
    .action(async (kind: ImportKind, file: string, flags: ImportFlags) => {
      if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(flags.system) || RESERVED_SYSTEMS.includes(flags.system))
        throw new InputError("invalid option", [
          {
            field: "--system",
            message: RESERVED_SYSTEMS.includes(flags.system)
              ? `"${flags.system}" names a source Yardstick reads itself: name the tool the file comes from`
              : `must be lowercase letters, digits, - and _ (at most 40, starting with a letter or digit): got ${JSON.stringify(flags.system)}`,
          },
        ]);
      const { loadConfig, dataPaths } = await import("../core/config.ts");
      const { readImportFile } = await import("../extractors/files/read-import-file.ts");
      const cfg = loadConfig(flags.config);
      const now = new Date();
      // Everything is checked before the data folder, the lock or the lake is touched.
      const parsed = readImportFile({ kind, file, now, teams: cfg.teams.map((t) => t.name) });
      const { prepareDataDir } = await import("../core/data-dir.ts");
      const { importToLake } = await import("../extractors/files/import-to-lake.ts");
      const { newRunId } = await import("../jobs/pipeline.ts");
      const { withRunLock } = await import("../jobs/locked-run.ts");
      const lakeDir = dataPaths(cfg.dataDir).lake;
      const runId = newRunId(now);
      const task = () =>
        importToLake({
          lakeDir,
          kind,
          system: flags.system,
          file,
          rows: parsed.rows,
          runId,
          now,
          dryRun: flags.dryRun,
        });
      let summary: Awaited<ReturnType<typeof importToLake>>;
      if (flags.dryRun) {
        summary = await task();
      } else {
        prepareDataDir(cfg);
        const { appendLedger } = await import("../jobs/run-ledger.ts");
        const { codeVersion } = await import("../jobs/code-version.ts");
        const { PROJECT_ROOT } = await import("../core/project-root.ts");
        const { basename } = await import("node:path");
        summary = await withRunLock(cfg.dataDir, `import ${runId}`, loggerFor(), async () => {
          const imported = await task();
          // The files source's reading, in the run ledger: `yardstick status` and data.html show its freshness.
          const endedAt = new Date();
          appendLedger(dataPaths(cfg.dataDir).ledger, {
            runId,
            stage: "import",
            status: "ok",
            startedAt: now.toISOString(),
            endedAt: endedAt.toISOString(),
            durationMs: endedAt.getTime() - now.getTime(),
            codeVersion: codeVersion(PROJECT_ROOT),
            metricsHash: null,
            rows: { [kind]: imported.rows },
            details: {
              source: "files",
              kind,
              system: flags.system,
              file: basename(file),
              added: imported.added,
              changed: imported.changed,
              unchanged: imported.unchanged,
              ...(imported.batch ? { batch: basename(imported.batch) } : {}),
            },
          });
          return imported;
        });
      }
      const counts = `${summary.rows} row${summary.rows === 1 ? "" : "s"}: ${summary.added} new, ${summary.changed} changed, ${summary.unchanged} already imported`;
      const outcome = flags.dryRun
        ? "dry run, nothing written"
        : summary.batch
          ? `wrote ${summary.batch}; \`yardstick build\` (or the next run) brings them into the warehouse`
          : "nothing new to write";
      process.stdout.write(
        `${terminalText(file)} (${kind}, system ${flags.system}): ${counts}; ${outcome}\n`,
      );
    });
}
