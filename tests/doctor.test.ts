/**
 * `yardstick doctor` asks GitHub (here the simulator, over HTTP) whether the token works: one cheap
 * request for the viewer and the rate limit, so "ok" means GitHub said so.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDataset } from "../simulator/dataset.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { yardstickAsync } from "./helpers/cli.ts";

const GOOD = "doctor-good-token";

let dir: string;
let simulator: Simulator;

function config(name: string, url: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `dataDir: ./data\ngithub:\n  url: ${url}\n  tokenEnv: DOCTOR_TOKEN\n  repos: [acme/api]\n`,
  );
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ys-doctor-"));
  simulator = await startSimulator({
    dataset: parseDataset({ repositories: [{ owner: "acme", name: "api" }] }),
    tokens: [GOOD],
    viewerLogin: "octo-operator",
    rateLimit: { limit: 5000 },
  });
});

afterAll(async () => {
  await simulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("doctor", () => {
  it("says ok for github and the token only after GitHub answered, naming the login and points left", async () => {
    const { code, stdout } = await yardstickAsync(["doctor", "--config", config("good", simulator.url)], {
      env: { DOCTOR_TOKEN: GOOD },
    });
    expect(stdout).toMatch(/ok\s+token\s+DOCTOR_TOKEN is set; GitHub accepts it as octo-operator/);
    expect(stdout).toMatch(
      /ok\s+github\s+http:\/\/127\.0\.0\.1:\d+\/graphql answers; \d[\d,]* of 5,000 points left/,
    );
    expect(stdout).not.toContain(GOOD);
    expect(code, stdout).toBe(0);
  });

  it("fails the token that GitHub rejects", async () => {
    const { code, stdout } = await yardstickAsync(["doctor", "--config", config("bad", simulator.url)], {
      env: { DOCTOR_TOKEN: "not-the-right-token" },
    });
    expect(stdout).toMatch(/FAIL\s+token\s+GitHub rejected the token in DOCTOR_TOKEN \(401/);
    expect(stdout).not.toMatch(/ok\s+token/);
    expect(stdout).not.toContain("not-the-right-token");
    expect(code).toBe(1);
  });

  it("fails github when nothing answers at the url", async () => {
    const { code, stdout } = await yardstickAsync(
      ["doctor", "--config", config("down", "http://127.0.0.1:9/graphql")],
      { env: { DOCTOR_TOKEN: GOOD } },
    );
    expect(stdout).toMatch(/FAIL\s+github\s+no answer from http:\/\/127\.0\.0\.1:9\/graphql/);
    expect(stdout).not.toMatch(/ok\s+github/);
    expect(code).toBe(1);
  });

  it("does not ask GitHub without a token", async () => {
    const { code, stdout } = await yardstickAsync(["doctor", "--config", config("none", simulator.url)]);
    expect(stdout).toMatch(/FAIL\s+token\s+DOCTOR_TOKEN is NOT set/);
    expect(stdout).toMatch(/FAIL\s+github\s+not asked: no token/);
    expect(code).toBe(1);
  });
});
