/**
 * The repository stands alone: what a reader needs is in its own README.md and docs/, so no tracked file
 * may send them to notes outside it, and every document a file names exists in the repository.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

function trackedTextFiles(): string[] {
  const listed = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
  return listed
    .split("\0")
    .filter((f) => f.length > 0 && existsSync(join(ROOT, f)))
    .filter((f) => !/\.(parquet|duckdb|png|jpg|ico|woff2?)$/.test(f) && f !== "package-lock.json")
    .filter((f) => !readFileSync(join(ROOT, f)).includes(0));
}

describe("the repository", () => {
  const files = trackedTextFiles();
  // Built from pieces so that this file does not match itself.
  const outside = [["shared", "reference"].join("/"), ["..", "shared"].join("/")];

  it("has tracked files to check", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain("README.md");
  });

  it("never points at notes outside it", () => {
    const found: string[] = [];
    for (const file of files) {
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (outside.some((needle) => line.includes(needle))) found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found, "move what matters into docs/ and point there").toEqual([]);
  });

  it("names only documents it contains", () => {
    const names = new Set(files.map((f) => basename(f)));
    const missing: string[] = [];
    for (const file of files) {
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .forEach((line, i) => {
          // docs/<name>.md must exist; an upper-case document name (README, CHANGELOG, … with .md) must exist
          // somewhere (YYYY-MM.md is a pattern, not a document).
          for (const m of line.matchAll(/\bdocs\/[\w.-]+\.md\b/g)) {
            if (!existsSync(join(ROOT, m[0])) && !existsSync(join(ROOT, dirname(file), m[0])))
              missing.push(`${file}:${i + 1}: ${m[0]}`);
          }
          for (const m of line.matchAll(/(?<![\w/.-])(?!YYYY)([A-Z][A-Z0-9_-]+\.md)\b/g)) {
            if (!names.has(m[1]!)) missing.push(`${file}:${i + 1}: ${m[1]}`);
          }
        });
    }
    expect(missing).toEqual([]);
  });
});
