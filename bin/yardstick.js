#!/usr/bin/env node
// The installed `yardstick` command: runs the CLI in this same process (no child process, so signals such as
// Ctrl-C or a scheduler's kill reach the work itself), always in UTC so that dates read from DuckDB never
// shift with the operator's local time zone.
//
// It runs the compiled JavaScript in dist/ (built by `npm install` through `prepare`, or `npm run build`)
// when dist/ was built from the sources as they are now; otherwise (no build yet, or sources edited since)
// it compiles the TypeScript sources at run time with tsx, which is correct but slower to start.
// YARDSTICK_FROM_SOURCES=1 forces the sources.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { distState } from "../scripts/dist-state.js";

process.env.TZ = "UTC";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let entry;
if (process.env.YARDSTICK_FROM_SOURCES !== "1" && distState(root) === "current") {
  entry = join(root, "dist", "cli", "main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  entry = join(root, "cli", "main.ts");
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv.slice(2));
