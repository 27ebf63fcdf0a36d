/**
 * Whether dist/ (the compiled JavaScript that `npm install` builds) matches the TypeScript sources, so that
 * bin/yardstick.js can run it, and fall back to the sources (through tsx) in a checkout whose sources
 * changed since the last build. Plain JavaScript: it runs before anything is compiled.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";

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
  // Plain strings, no path.join or recursive readdir (both slow in a fresh process): this runs at every start.
  const files = [];
  const visit = (dir) => {
    for (const entry of readdirSync(`${root}/${dir}`, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(`${dir}/${entry.name}`);
      else if (entry.name.endsWith(".ts")) files.push(`${dir}/${entry.name}`);
    }
  };
  for (const dir of SOURCE_DIRS) visit(dir);
  return [...files, ...BUILD_FILES].sort();
}

/**
 * "current" when dist/ was built from exactly today's sources: the same files, none changed since the
 * build began. "missing" without a finished build, "stale" otherwise.
 */
export function distState(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(`${root}/dist/${STAMP}`, "utf8"));
  } catch {
    return "missing";
  }
  const inputs = buildInputs(root);
  if (!Array.isArray(stamp.inputs) || stamp.inputs.join("\n") !== inputs.join("\n")) return "stale";
  for (const file of inputs) {
    if (statSync(`${root}/${file}`).mtimeMs > stamp.startedAt) return "stale";
  }
  return "current";
}
