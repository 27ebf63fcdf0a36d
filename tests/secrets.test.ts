/**
 * Secrets come from environment variables only and are never printed back: not a token pasted where a
 * variable's name belongs, not a password written into github.url.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, yardstick } from "./helpers/cli.ts";

const METRICS = join(ROOT, "metrics.yaml");
// Shaped like GitHub's tokens (built here so that no token-shaped string sits in the repository).
const FINE_GRAINED = `github_pat_${"11AAAAAAA0".repeat(3)}_${"b1C2d3E4f5".repeat(5)}`;
const CLASSIC = `ghp_${"A1b2C3d4E5".repeat(3)}f6G7h8`;
const OLD_HEX = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c";

let dir: string;

function config(name: string, github: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `dataDir: ./data-${name}\ngithub:\n${github}  repos: [acme/api]\n`);
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ys-secrets-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a token pasted into github.tokenEnv", () => {
  for (const [kind, token] of [
    ["fine-grained", FINE_GRAINED],
    ["classic", CLASSIC],
    ["40-hex", OLD_HEX],
  ] as const) {
    it(`is refused without being echoed (${kind} token)`, () => {
      const file = config(`pasted-${kind}`, `  url: http://127.0.0.1:9/graphql\n  tokenEnv: ${token}\n`);
      for (const command of ["extract", "doctor"]) {
        const { code, stdout, stderr } = yardstick([command, "--config", file]);
        expect(`${stdout}${stderr}`, command).toContain("github.tokenEnv");
        expect(`${stdout}${stderr}`, command).toContain("looks like a token");
        expect(`${stdout}${stderr}`, command).not.toContain(token);
        expect(`${stdout}${stderr}`, command).not.toContain(token.slice(8, 24));
        expect(code, command).toBe(2);
      }
    });
  }

  it("is not echoed when it is not even shaped like a variable name", () => {
    const secret = "s3cr3t-value.with/odd+chars";
    const file = config("odd", `  url: http://127.0.0.1:9/graphql\n  tokenEnv: "${secret}"\n`);
    const { code, stderr } = yardstick(["extract", "--config", file, "--metrics", METRICS]);
    expect(code).toBe(2);
    expect(stderr).toContain("github.tokenEnv");
    expect(stderr).toContain("must be the NAME of an environment variable");
    expect(stderr).not.toContain(secret);
  });

  it("still names an ordinary variable that is not set", () => {
    const file = config("unset", "  url: http://127.0.0.1:9/graphql\n  tokenEnv: ACME_GITHUB_TOKEN\n");
    const { code, stderr } = yardstick(["extract", "--config", file, "--metrics", METRICS]);
    expect(code).toBe(2);
    expect(stderr).toContain("environment variable ACME_GITHUB_TOKEN is not set");
  });
});

describe("a password in github.url", () => {
  it("is refused, and not printed by doctor", () => {
    const file = config("userinfo", "  url: https://octocat:hunter2-pw@127.0.0.1:9/graphql\n  tokenEnv: T\n");
    const { code, stdout, stderr } = yardstick(["doctor", "--config", file], { env: { T: "x" } });
    expect(stdout).toContain("github.url");
    expect(stdout).toContain("must not carry a user name or password");
    expect(stdout).toContain("https://***@127.0.0.1:9/graphql");
    expect(`${stdout}${stderr}`).not.toContain("hunter2-pw");
    expect(`${stdout}${stderr}`).not.toContain("octocat:");
    expect(code).toBe(2);
  });

  it("is refused by every command without printing it", () => {
    const file = config(
      "userinfo-run",
      "  url: https://octocat:hunter2-pw@127.0.0.1:9/graphql\n  tokenEnv: T\n",
    );
    const { code, stderr } = yardstick(["extract", "--config", file, "--metrics", METRICS], {
      env: { T: "x" },
    });
    expect(stderr).toContain("github.url");
    expect(stderr).not.toContain("hunter2-pw");
    expect(code).toBe(2);
  });

  it("is not printed in the error about an invalid url", () => {
    const file = config("bad-url", "  url: ftp://octocat:hunter2-pw@example.com/graphql\n  tokenEnv: T\n");
    const { code, stderr } = yardstick(["extract", "--config", file, "--metrics", METRICS], {
      env: { T: "x" },
    });
    expect(code).toBe(2);
    expect(stderr).toContain("github.url");
    expect(stderr).not.toContain("hunter2-pw");
  });
});
