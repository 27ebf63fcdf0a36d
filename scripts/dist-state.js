/**
 * Whether dist/ (the compiled JavaScript that `npm install` builds) matches the TypeScript sources, so that
 * bin/yardstick.js can run it, and fall back to the sources (through tsx) in a checkout whose sources
 * changed since the last build. Plain JavaScript: it runs before anything is compiled.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** The folders compiled into dist/ (tsconfig.build.json includes the same). */
export const SOURCE_DIRS = [
  "cli",
  "core",
  "dashboards",
  "extractors",
  "jobs",
  "metrics",
  "simulator",
  "warehouse",
];
/** Files outside those folders that change what is emitted. */
const BUILD_FILES = ["tsconfig.json", "tsconfig.build.json", "package.json"];
export const STAMP = "build.json";

/** The TypeScript sources and build settings, as paths relative to root, sorted. */
export function buildInputs(root) {
  const files = [];
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(".ts")) {
        files.push(join(entry.parentPath ?? entry.path, entry.name).slice(root.length + 1));
      }
    }
  }
  return [...files, ...BUILD_FILES].sort();
}

/**
 * "current" when dist/ was built from exactly today's sources: the same files, none changed since the
 * build began. "missing" without a finished build, "stale" otherwise.
 */
export function distState(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, "dist", STAMP), "utf8"));
  } catch {
    return "missing";
  }
  const inputs = buildInputs(root);
  if (!Array.isArray(stamp.inputs) || stamp.inputs.join("\n") !== inputs.join("\n")) return "stale";
  for (const file of inputs) {
    if (statSync(join(root, file)).mtimeMs > stamp.startedAt) return "stale";
  }
  return "current";
}
