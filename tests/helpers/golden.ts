/**
 * Golden files: compared byte for byte; regenerated only on purpose, with UPDATE_GOLDEN=1 on a developer's
 * machine, and reviewed in the diff. Under CI (CI set to anything but "" / "0" / "false") regenerating is
 * refused, so a CI job cannot pass by rewriting what it compares against.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}

/** Compares `actual` with the golden file, first rewriting it when UPDATE_GOLDEN=1 (never under CI). */
export function expectGolden(file: string, actual: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.UPDATE_GOLDEN === "1") {
    if (inCi(env))
      throw new Error(
        `UPDATE_GOLDEN=1 is refused when CI is set: regenerate ${file} on your machine and review the diff`,
      );
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(existsSync(file), `golden file missing: run with UPDATE_GOLDEN=1 once, then review it`).toBe(true);
  expect(actual).toBe(readFileSync(file, "utf8"));
}
