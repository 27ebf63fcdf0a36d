#!/usr/bin/env node
// The installed `yardstick` command: loads the TypeScript CLI in this same process (no child process, so
// signals such as Ctrl-C or a scheduler's kill reach the work itself), always in UTC so that dates read
// from DuckDB never shift with the operator's local time zone.
import { register } from "tsx/esm/api";

process.env.TZ = "UTC";
register();
const { main } = await import("../cli/main.ts");
await main(process.argv.slice(2));
