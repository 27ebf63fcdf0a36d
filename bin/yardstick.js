#!/usr/bin/env node
// The installed `yardstick` command: runs the TypeScript CLI through tsx, always in UTC so that dates
// read from DuckDB never shift with the operator's local time zone.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const result = spawnSync(
  process.execPath,
  ["--import", import.meta.resolve("tsx"), join(root, "cli", "main.ts"), ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, TZ: "UTC" } },
);
process.exit(result.status ?? 1);
