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

describe("status and notify", () => {
  it("defaults: stale after 36 hours, no notifications, and every outcome once notify is set", () => {
    const plain = loadConfig(configFile("github:\n  repos: [acme/api]\n"));
    expect(plain.status.staleAfterHours).toBe(36);
    expect(plain.notify).toBeNull();
    const hooked = loadConfig(
      configFile("github:\n  repos: [acme/api]\nnotify:\n  webhookEnv: SLACK_HOOK\n"),
    );
    expect(hooked.notify).toEqual({ webhookEnv: "SLACK_HOOK", on: ["failure", "partial", "stale"] });
  });

  it("names each bad notify and status field with its line", () => {
    const file = configFile(
      [
        "github:",
        "  repos: [acme/api]",
        "status: { staleAfterHours: 0 }",
        "notify:",
        "  webhook: ftp://hooks.example.com/x",
        "  webhookEnv: SLACK_HOOK",
        "  command: []",
        "  on: [failure, sometimes]",
      ].join("\n"),
    );
    const report = inputError(() => loadConfig(file)).report();
    expect(report).toMatch(/status\.staleAfterHours \(.*:3:\d+\)/);
    expect(report).toMatch(/notify\.webhook \(.*:5:\d+\): must be an http\(s\) URL/);
    expect(report).toMatch(/notify\.command \(.*:7:\d+\): must name a program/);
    expect(report).toMatch(/notify\.on\[1\] \(.*:8:\d+\)/);
  });

  it("refuses a notify section with both webhook and webhookEnv, or with nowhere to send", () => {
    const both = configFile(
      "github:\n  repos: [acme/api]\nnotify:\n  webhook: https://hooks.example.com/x\n  webhookEnv: SLACK_HOOK\n",
    );
    expect(inputError(() => loadConfig(both)).report()).toMatch(
      /notify\.webhookEnv \(.*:5:\d+\): give webhook or webhookEnv, not both/,
    );
    const nowhere = configFile("github:\n  repos: [acme/api]\nnotify:\n  on: [stale]\n");
    expect(inputError(() => loadConfig(nowhere)).report()).toMatch(
      /notify \(.*:4:\d+\): names no webhook, webhookEnv or command/,
    );
  });
});
