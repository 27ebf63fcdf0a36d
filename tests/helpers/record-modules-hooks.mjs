// The resolver hook of record-modules.mjs: runs in the loader's thread and appends each resolved module.
import { appendFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

let out;

export function initialize(data) {
  out = data.out;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const url = resolved.url;
  appendFileSync(out, `${url.startsWith("file:") ? fileURLToPath(url) : url}\n`);
  return resolved;
}
