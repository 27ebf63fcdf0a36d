/**
 * The project folder (package.json, dbt_project.yml, models/, yardstick.example.yaml): the same whether
 * the code runs from its TypeScript sources (core/) or compiled into dist/ (dist/core/), so that files
 * beside the code are found from either.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
