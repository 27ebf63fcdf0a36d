/**
 * The simulator as a developer starts it (`node --import tsx simulator/main.ts`): the yardstick.yaml it
 * prints works when pasted, options it cannot honour are refused, and dataset files may carry timestamps
 * the way git writes them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { loadDataset } from "../simulator/dataset.ts";

const ROOT = resolve(import.meta.dirname, "..");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ys-simulator-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  /** Resolves with stdout once `until` appears in it, or with the exit when the process ends first. */
  output: Promise<{ stdout: string; stderr: string; code: number | null; running: boolean }>;
}

function simulator(args: string[], until: string): Started {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "simulator", "main.ts"), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const output = new Promise<{ stdout: string; stderr: string; code: number | null; running: boolean }>(
    (done) => {
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        if (stdout.includes(until)) done({ stdout, stderr, code: null, running: true });
      });
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      child.on("close", (code) => done({ stdout, stderr, code, running: false }));
    },
  );
  return { child, output };
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
  const closed = new Promise((done) => started.child.once("close", done));
  started.child.kill("SIGTERM");
  await closed;
}

describe("the simulator's command line", () => {
  it("prints a yardstick.yaml that names the token variable, a data folder and no pause between requests", async () => {
    const started = simulator(
      ["--seed", "3", "--port", "0", "--teams", "1", "--repositories", "2", "--pull-requests", "10"],
      "Press Ctrl+C",
    );
    try {
      const { stdout, running } = await started.output;
      expect(running, stdout).toBe(true);
      const snippet = stdout.slice(stdout.indexOf("# yardstick.yaml"), stdout.indexOf("\nPress Ctrl+C"));
      const file = join(dir, "pasted.yaml");
      writeFileSync(file, snippet);
      const config = loadConfig(file);
      expect(snippet).toMatch(/^\s*tokenEnv: \w+/m);
      expect(snippet).toMatch(/^dataDir: \S+/m);
      expect(config.github.requestIntervalMs).toBe(0);
      expect(config.github.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
      expect(stdout).toContain(`export ${config.github.tokenEnv}=`);
    } finally {
      await stop(started);
    }
  });

  it("refuses --end (and the other generator options) with --dataset instead of ignoring it", async () => {
    const file = join(dir, "tiny.json");
    writeFileSync(file, JSON.stringify({ repositories: [{ owner: "acme", name: "api" }] }));
    for (const extra of [
      ["--end", "2026-01-01"],
      ["--seed", "9"],
      ["--pull-requests", "50"],
    ]) {
      const started = simulator(["--dataset", file, "--port", "0", ...extra], "listening on");
      try {
        const { stderr, code, running } = await started.output;
        expect(running, `${extra[0]} was ignored: the simulator started`).toBe(false);
        expect(stderr).toContain(extra[0]);
        expect(stderr).toContain("--dataset");
        expect(code).toBe(2);
      } finally {
        await stop(started);
      }
    }
  });
});

describe("dataset timestamps", () => {
  it("are converted to UTC when written with an offset, as git writes them", () => {
    const file = join(dir, "offsets.json");
    writeFileSync(
      file,
      JSON.stringify({
        repositories: [{ owner: "acme", name: "api" }],
        pullRequests: [
          {
            repository: "acme/api",
            number: 1,
            title: "t",
            author: null,
            headRefName: "b",
            createdAt: "2026-03-01T10:00:00+02:00",
            updatedAt: "2026-03-01T09:30:00.250-05:30",
            closedAt: null,
            mergedAt: null,
            additions: 1,
            deletions: 0,
            changedFiles: 1,
          },
        ],
      }),
    );
    const pr = loadDataset(file).pullRequests[0]!;
    expect(pr.createdAt).toBe("2026-03-01T08:00:00Z");
    expect(pr.updatedAt).toBe("2026-03-01T15:00:00.250Z");
  });

  it("still refuses a timestamp without any zone", () => {
    const file = join(dir, "no-zone.json");
    writeFileSync(
      file,
      JSON.stringify({
        repositories: [{ owner: "acme", name: "api", createdAt: "2026-03-01T10:00:00" }],
      }),
    );
    let report = "";
    try {
      loadDataset(file);
    } catch (error) {
      report = error instanceof InputError ? error.report() : String(error);
    }
    expect(report).toContain("repositories[0].createdAt");
    expect(report).toContain("ISO-8601");
  });
});
