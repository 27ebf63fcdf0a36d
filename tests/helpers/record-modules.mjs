// `node --import tests/helpers/record-modules.mjs …` with RECORD_MODULES=<file>: appends to that file every
// module the process loads, ES modules as their resolver sees them (record-modules-hooks.mjs) and CommonJS
// modules from require's cache at exit, and then `offset:<minutes>`, the time zone offset the process ran
// in. Used by tests/startup.test.ts to see what a command loads.
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";

const out = process.env.RECORD_MODULES;
if (out) {
  register("./record-modules-hooks.mjs", import.meta.url, { data: { out } });
  process.on("exit", () => {
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    appendFileSync(out, loaded.map((file) => `${file}\n`).join(""));
    appendFileSync(out, `offset:${new Date(0).getTimezoneOffset()}\n`);
  });
}
