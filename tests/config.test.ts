import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, readToken } from "../core/config.ts";
import { InputError } from "../core/errors.ts";

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ys-config-"));
  const file = join(dir, "yardstick.yaml");
  writeFileSync(file, text);
  return file;
}

function inputError(work: () => unknown): InputError {
  try {
    work();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("yardstick.yaml", () => {
  it("normalises the example configuration, resolving the data folder next to the file", () => {
    const file = configFile("dataDir: ./d\ngithub:\n  repos: [acme/api]\n");
    const config = loadConfig(file);
    expect(config.dataDir).toBe(join(file, "..", "d"));
    expect(config.github.url).toBe("https://api.github.com/graphql");
    expect(config.github.tokenEnv).toBe("GITHUB_TOKEN");
    expect(config.teams).toEqual([]);
  });

  it("names the missing file", () => {
    const error = inputError(() => loadConfig("/nonexistent/yardstick.yaml"));
    expect(error.exitCode).toBe(2);
    expect(error.report()).toContain("/nonexistent/yardstick.yaml does not exist");
  });

  it("names file, line, column and field of every problem at once", () => {
    const file = configFile(
      [
        "dataDir: ./data",
        "github:",
        "  url: ftp://example.com/graphql",
        "  repos: [not-a-repo]",
        "teams:",
        "  - name: a",
        "    memberz: [x]",
      ].join("\n"),
    );
    const report = inputError(() => loadConfig(file)).report();
    expect(report).toContain(`github.url (${file}:3:8): must be an http(s) URL`);
    expect(report).toContain(`github.repos[0] (${file}:4:11)`);
    expect(report).toContain(`teams[0].memberz (${file}:7:`);
  });

  it("reports a YAML syntax error with its line", () => {
    const file = configFile("github:\n  repos: [acme/api\n");
    const report = inputError(() => loadConfig(file)).report();
    expect(report).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+`));
    expect(report).toContain("is not valid YAML");
  });

  it("refuses a configuration that reads nothing", () => {
    const file = configFile("github:\n  orgs: []\n");
    expect(inputError(() => loadConfig(file)).report()).toContain("nothing to read");
  });

  it("names the token variable when it is unset, and never a value", () => {
    const file = configFile("github:\n  repos: [acme/api]\n  tokenEnv: MY_GH_TOKEN\n");
    const config = loadConfig(file);
    const error = inputError(() => readToken(config, {}));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("MY_GH_TOKEN is not set");
    expect(readToken(config, { MY_GH_TOKEN: "s3cret" })).toBe("s3cret");
  });
});

describe("the schedule", () => {
  it("refuses a malformed cron expression and an unknown time zone, naming each", () => {
    const file = configFile(
      'github:\n  repos: [acme/api]\nschedule: { cron: "every night", timezone: Mars/Olympus }\n',
    );
    const report = inputError(() => loadConfig(file)).report();
    expect(report).toMatch(/schedule\.cron \(.*:3:19\): must be a cron expression/);
    expect(report).toMatch(/schedule\.timezone \(.*:3:\d+\): must be an IANA time zone/);
  });
});
