/**
 * `yardstick schedule`: runs the nightly job at the configured cron time and time zone, one run at a time.
 * A run that fails is logged (and in the ledger) and the schedule goes on; the next run resumes from the
 * cursors.
 */
import { type ScheduledTask, schedule } from "node-cron";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { incompleteLabel } from "../extractors/github/extract-context.ts";
import { withRunNotifications } from "./notify.ts";
import { type PipelineOptions, runPipeline } from "./pipeline.ts";

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
  const task = schedule(
    config.schedule.cron,
    async () => {
      logger.info("schedule: run starting");
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
            }),
        );
        const { incomplete } = result.extract;
        if (incomplete.length > 0)
          logger.warn(
            `schedule: run ${result.runId} published with incomplete data: ${incomplete.map(incompleteLabel).join(", ")} could not be read; the next run fills the gap`,
            { pages: result.pages.length },
          );
        else logger.info(`schedule: run ${result.runId} done`, { pages: result.pages.length });
      } catch (error) {
        logger.error(`schedule: run failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    { timezone: config.schedule.timezone, noOverlap: true, name: "yardstick-run" },
  );
  logger.info(`schedule: "${config.schedule.cron}" (${config.schedule.timezone}); stop with Ctrl-C`);
  return task;
}
