/**
 * Golden files are regenerated on purpose, on a developer's machine, and reviewed — never in CI, where
 * UPDATE_GOLDEN=1 would make the golden-page test pass by rewriting what it compares against.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const GOLDEN = join(ROOT, "tests", "fixtures", "golden", "overview.html");

describe("the golden-page test", () => {
  it("refuses UPDATE_GOLDEN=1 when CI is set, failing without touching the golden file", () => {
    const before = { text: readFileSync(GOLDEN, "utf8"), mtimeMs: statSync(GOLDEN).mtimeMs };
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, "node_modules", "vitest", "vitest.mjs"),
        "run",
        "tests/dashboard-page.test.ts",
        "-t",
        "matches the golden file",
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          TZ: "UTC",
          CI: "true",
          UPDATE_GOLDEN: "1",
        },
        encoding: "utf8",
        timeout: 170_000,
      },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(output).toContain("UPDATE_GOLDEN=1 is refused when CI is set");
    expect(run.status, output).not.toBe(0);
    expect(statSync(GOLDEN).mtimeMs).toBe(before.mtimeMs);
    expect(readFileSync(GOLDEN, "utf8")).toBe(before.text);
  });
});
