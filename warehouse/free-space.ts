/**
 * Room for a build, checked before dbt starts: a new warehouse is written beside the published one before it
 * replaces it, and dbt needs room for its work files, so a build that cannot fit fails at once with the
 * numbers instead of filling the disk half-way through.
 */
import { existsSync, statfsSync, statSync } from "node:fs";
import { EXIT, YardstickError } from "../core/errors.ts";

/** Room for dbt's work files, logs and artefacts beyond the new warehouse itself. */
export const BUILD_HEADROOM_BYTES = 256 * 1024 * 1024;
/** The new warehouse is taken to grow up to half again over the published one. */
const GROWTH = 1.5;

/** What a build needs free in the data folder, given the published warehouse (bytes). */
export function bytesNeededForBuild(publishedWarehouseBytes: number): number {
  return Math.ceil(GROWTH * publishedWarehouseBytes) + BUILD_HEADROOM_BYTES;
}

/** Throws (exit 2) naming the data folder, the space needed and the space free when a build cannot fit. */
export function checkFreeSpace(dataDir: string, publishedWarehouse: string): void {
  const published = existsSync(publishedWarehouse) ? statSync(publishedWarehouse).size : 0;
  const needed = bytesNeededForBuild(published);
  const fs = statfsSync(dataDir);
  const free = Number(fs.bavail) * Number(fs.bsize);
  if (free >= needed) return;
  throw new YardstickError(
    `not enough free disk space in the data folder ${dataDir}: a build needs about ${formatBytes(needed)}, ` +
      `${formatBytes(free)} free (${GROWTH} × the published warehouse of ${formatBytes(published)} for the new ` +
      `one beside it, plus ${formatBytes(BUILD_HEADROOM_BYTES)} for dbt's work files); free some space and run again`,
    EXIT.badInput,
  );
}

/** `12.0 TiB`, `73.8 GiB`, `512 B`: binary units, one decimal. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
