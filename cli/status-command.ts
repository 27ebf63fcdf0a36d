/**
 * `yardstick status`: the operator's one look at a data folder, for people (text) and monitors (json, and
 * the exit code: 0 healthy, 1 stale data or a stage whose last run failed, 2 bad input).
 */
import { Command, Option } from "commander";
import { EXIT, InputError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { terminalText } from "../core/terminal-text.ts";
import type { StatusReport } from "../jobs/run-status.ts";

interface StatusFlags {
  config: string;
  format: "text" | "json";
  staleAfter?: string;
  notify?: boolean;
}

export function statusCommand(loggerFor: () => Logger): Command {
  return new Command("status")
    .description(
      "what ran, how fresh the data is, what is published and what needs attention (exit 1 if stale or failed)",
    )
    .option("--config <file>", "the configuration file", "./yardstick.yaml")
    .addOption(
      new Option("--format <format>", "text for people, json for monitors")
        .choices(["text", "json"])
        .default("text"),
    )
    .option("--stale-after <hours>", "data older than this is stale (default: status.staleAfterHours, 36)")
    .option(
      "--notify",
      "also send a notification (notify: in yardstick.yaml) when data is stale or a stage failed",
    )
    .addHelpText(
      "after",
      `
Reads the run ledger (<dataDir>/ledger/runs.ndjson and its rotated files), the extraction cursors, the
published warehouse and site, and the lock; writes nothing. A source is confirmed current as of the start
of the last extraction that finished; it is stale when that is older than the threshold.

Exit codes: 0 healthy (warnings such as a budget stop or a held lock may still be listed), 1 a source is
stale or a stage's last run failed, 2 bad configuration or flags. Any monitor can watch the exit code or
the JSON (one object on stdout).

Examples:
  $ yardstick status
  $ yardstick status --format json --stale-after 24
  $ yardstick status --notify      # e.g. hourly from cron: a stale warehouse reaches your channel`,
    )
    .action(async (flags: StatusFlags) => {
      let staleAfterHours: number | undefined;
      if (flags.staleAfter !== undefined) {
        staleAfterHours = Number(flags.staleAfter);
        if (!/^\d+(\.\d+)?$/.test(flags.staleAfter.trim()) || !(staleAfterHours > 0))
          throw new InputError("invalid option", [
            {
              field: "--stale-after",
              message: `must be a positive number of hours: got "${flags.staleAfter}"`,
            },
          ]);
      }
      // Loaded when the command runs, so that `yardstick --help` stays light (DuckDB, zod, node-cron).
      const { loadConfig } = await import("../core/config.ts");
      const { runStatus } = await import("../jobs/run-status.ts");
      const { notifyStatus } = await import("../jobs/notify.ts");
      const config = loadConfig(flags.config);
      const report = await runStatus({ config, staleAfterHours });
      process.stdout.write(
        flags.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report),
      );
      if (flags.notify) await notifyStatus({ config, report, logger: loggerFor() });
      process.exitCode = report.healthy ? EXIT.ok : EXIT.failure;
    });
}

/** The report for a terminal; every name and message from the ledger or configuration is escaped. */
export function formatStatus(report: StatusReport): string {
  const e = terminalText;
  const out: string[] = [];
  const verdict = report.healthy ? "healthy" : "NEEDS ATTENTION";
  out.push(`yardstick status: ${verdict}  (${e(report.dataDir)}, at ${report.at})`, "");

  out.push(
    report.lastRun
      ? `Last run ${e(report.lastRun.runId)}: ${report.lastRun.stages.map((s) => `${e(s.stage)} ${e(s.status)}`).join(", ")}`
      : "Last run: none recorded yet",
  );
  if (report.stages.length > 0) {
    out.push("", "Stages (the last run of each):");
    for (const s of report.stages) {
      const duration = s.durationMs === null ? "" : `  ${(s.durationMs / 1000).toFixed(1)} s`;
      const when = s.endedAt ?? s.startedAt ?? "no time";
      out.push(
        `  ${e(s.stage).padEnd(11)} ${e(s.status).padEnd(8)} ${e(when)}${duration}  run ${e(s.runId ?? "?")}`,
      );
      if (s.error) out.push(`      ${e(firstLine(s.error))}`);
    }
  }

  out.push(
    "",
    `Sources (stale after ${report.staleAfterHours} h; last complete extraction ${e(report.lastCompleteExtraction ?? "never")}):`,
  );
  for (const s of report.sources) {
    const age =
      s.confirmedAt === null
        ? "never extracted completely"
        : `confirmed current ${e(s.confirmedAt)} (${s.ageHours!.toFixed(1)} h ago)`;
    out.push(`  ${s.stale ? "STALE" : "ok   "}  ${s.kind} ${e(s.name)}: ${age}`);
    const streams = Object.entries(s.streams);
    if (streams.length > 0)
      out.push(`         streams last read: ${streams.map(([k, v]) => `${e(k)} ${e(v)}`).join(" · ")}`);
  }

  out.push(
    "",
    "Published:",
    `  warehouse  ${report.warehouse.publishedAt ?? "none yet"}${report.warehouse.dataWatermark ? `  (newest extracted row ${report.warehouse.dataWatermark})` : ""}  ${e(report.warehouse.path)}`,
    `  site       ${report.site.publishedAt ?? "none yet"}  ${e(report.site.path)}`,
    "",
    `Schedule: "${e(report.schedule.cron)}" (${e(report.schedule.timezone)}): next run ${report.schedule.nextRunAt ?? "never"} while \`yardstick schedule\` runs`,
    `Lock: ${report.lock ? e(report.lock.what ?? "held") + (report.lock.pid ? ` (pid ${report.lock.pid}${report.lock.alive === false ? ", not running" : ""})` : "") : "free"}`,
  );

  if (report.warnings.length > 0) {
    out.push("", "Warnings:");
    for (const w of report.warnings) out.push(`  - ${w.kind}: ${e(w.message)}`);
  }
  return `${out.join("\n")}\n`;
}

function firstLine(text: string): string {
  const [first = "", ...rest] = text.split("\n");
  return rest.length > 0 ? `${first} …` : first;
}
