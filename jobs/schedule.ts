/**
 * `yardstick schedule`: runs the nightly job at the configured cron time and time zone, one run at a time.
 * A run that fails is logged (and in the ledger) and the schedule goes on; the next run resumes from the
 * cursors. Nobody watches a tick, so every tick leaves a ledger line: a tick that fails before its first
 * stage (a missing token) is recorded as stage `start` failed, and one that finds a run still going (in
 * this process, or another holding the lock) as `start` skipped.
 */
import { type ScheduledTask, schedule } from "node-cron";
import { type Config, dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { stoppingSignal } from "../core/shutdown.ts";
import { incompleteLabel } from "../extractors/stream-context.ts";
import { codeVersion } from "./code-version.ts";
import { withRunNotifications } from "./notify.ts";
import { newRunId, type PipelineOptions, runPipeline } from "./pipeline.ts";
import { appendLedger } from "./run-ledger.ts";
import { LockHeldError } from "./run-lock.ts";

export interface ScheduleOptions {
  config: Config;
  root: string;
  metricsFile: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  client?: PipelineOptions["client"];
}

export function startSchedule(options: ScheduleOptions): ScheduledTask {
  const { config, logger } = options;
  const ledger = dataPaths(config.dataDir).ledger;
  let running: string | null = null;
  const task = schedule(
    config.schedule.cron,
    async () => {
      if (stoppingSignal()) return;
      const tick = new Date();
      const runId = newRunId(tick);
      if (running !== null) {
        const reason = `run ${running} is still running`;
        logger.warn(`schedule: run ${runId} skipped: ${reason}`);
        appendLedger(ledger, {
          runId,
          stage: "start",
          status: "skipped",
          startedAt: tick.toISOString(),
          endedAt: tick.toISOString(),
          durationMs: 0,
          codeVersion: codeVersion(options.root),
          metricsHash: null,
          error: reason,
          details: { runningRunId: running },
        });
        return;
      }
      running = runId;
      logger.info(`schedule: run ${runId} starting`);
      try {
        const result = await withRunNotifications(
          { config, logger, env: options.env, origin: "schedule" },
          () =>
            runPipeline({
              config,
              root: options.root,
              metricsFile: options.metricsFile,
              logger,
              env: options.env,
              client: options.client,
              runId,
              recordStart: true,
            }),
        );
        const { incomplete } = result.extract;
        if (incomplete.length > 0)
          logger.warn(
            `schedule: run ${runId} published with incomplete data: ${incomplete.map(incompleteLabel).join(", ")} could not be read; the next run fills the gap`,
            { pages: result.pages.length },
          );
        else logger.info(`schedule: run ${runId} done`, { pages: result.pages.length });
      } catch (error) {
        const what = stoppingSignal() ? "interrupted" : error instanceof LockHeldError ? "skipped" : "failed";
        logger.error(
          `schedule: run ${runId} ${what}: ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        running = null;
      }
    },
    // Overlapping ticks are refused above (and recorded), not by node-cron, which would only print a warning.
    { timezone: config.schedule.timezone, name: "yardstick-run" },
  );
  logger.info(`schedule: "${config.schedule.cron}" (${config.schedule.timezone}); stop with Ctrl-C`);
  return task;
}
