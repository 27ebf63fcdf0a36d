/**
 * `npm run build` (and `npm install`, through `prepare`): compiles the TypeScript sources to dist/ with
 * tsc (tsconfig.build.json; types are checked by `npm run typecheck`, not here), then writes dist/build.json,
 * which bin/yardstick.js reads to know that dist/ is current. The new build is made beside the old one and
 * swapped in whole. Without TypeScript installed (a production-only install) it builds nothing and says so:
 * the command then runs from the sources through tsx, only slower to start.
 */
import { spawnSync } from "node:child_process";
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildInputs, STAMP } from "./dist-state.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const next = join(root, `dist.tmp-${process.pid}`);

let tsc;
try {
  tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
} catch {
  process.stderr.write(
    "build: TypeScript is not installed, dist/ not built (yardstick runs from its sources)\n",
  );
  process.exit(0);
}

const startedAt = Date.now();
const inputs = buildInputs(root);
rmSync(next, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", next], {
  stdio: "inherit",
});
if (result.status !== 0) {
  rmSync(next, { recursive: true, force: true });
  process.stderr.write(`build: tsc failed (exit ${result.status ?? result.signal}), dist/ left as it was\n`);
  process.exit(1);
}
writeFileSync(join(next, STAMP), `${JSON.stringify({ startedAt, inputs })}\n`);
if (existsSync(dist)) rmSync(dist, { recursive: true, force: true });
renameSync(next, dist);
process.stderr.write(`build: dist/ compiled from ${inputs.length} files in ${Date.now() - startedAt} ms\n`);
