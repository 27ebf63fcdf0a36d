/**
 * Which metrics.yaml a command reads: `--metrics` when given; else ./metrics.yaml; else the one beside the
 * configuration named with --config, so that `yardstick run --config /srv/yardstick/yardstick.yaml` works
 * from any folder (a scheduler's, a container's).
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { InputError } from "../core/errors.ts";

/** The description of `--metrics` wherever it is offered. */
export const METRICS_OPTION_HELP =
  "the metric definitions (default: ./metrics.yaml, else metrics.yaml beside --config)";

export function metricsPath(given: string | undefined, configFile?: string, fallback?: string): string {
  if (given !== undefined) {
    if (!existsSync(given) || statSync(given).isDirectory())
      throw new InputError("invalid option", [
        {
          field: "--metrics",
          message: `metrics file ${resolve(given)} ${existsSync(given) ? "is a folder" : "does not exist"}`,
        },
      ]);
    return given;
  }
  const candidates = [
    "./metrics.yaml",
    ...(configFile !== undefined ? [join(dirname(resolve(configFile)), "metrics.yaml")] : []),
    ...(fallback !== undefined ? [fallback] : []),
  ];
  const found = candidates.find((file) => existsSync(file) && !statSync(file).isDirectory());
  if (found) return found;
  const looked = [...new Set(candidates.map((file) => resolve(file)))];
  throw new InputError("no metrics file", [
    {
      field: "--metrics",
      message: `not given, and there is no ${looked.join(" nor ")}: pass --metrics <file>, or put metrics.yaml beside yardstick.yaml`,
    },
  ]);
}
