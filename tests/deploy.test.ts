/**
 * The deployment files an operator copies: the GitHub Actions workflow template, validated against
 * SchemaStore's workflow schema by action-validator (@action-validator/core, offline) and checked for what
 * the schema cannot see (steps and jobs it refers to, where the token goes, what is kept and published), and
 * the container definition, read instruction by instruction (no container engine is needed).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildProgram } from "../cli/main.ts";

const ROOT = resolve(import.meta.dirname, "..");
const WORKFLOW_FILE = join(ROOT, "deploy", "github-actions", "yardstick-nightly.yml");
const WORKFLOW_TEXT = readFileSync(WORKFLOW_FILE, "utf8");
const CONTAINERFILE = readFileSync(join(ROOT, "deploy", "Containerfile"), "utf8");

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  environment?: { name: string; url?: string };
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { schedule?: { cron: string }[]; workflow_dispatch?: { inputs?: Record<string, unknown> } };
  permissions?: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parse(WORKFLOW_TEXT) as Workflow;
const allSteps = Object.values(workflow.jobs).flatMap((job) => job.steps);
/** A GitHub Actions expression as the workflow writes it: gh("github.run_id") is "${{ github.run_id }}". */
const gh = (inner: string) => `\${{ ${inner} }}`;
const stepUsing = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));

/** A yardstick command and the long flags it takes, from the CLI itself. */
function flagsOf(path: string[]): string[] {
  let command: Command | undefined = buildProgram();
  for (const name of path) command = command?.commands.find((c) => c.name() === name);
  if (!command) throw new Error(`no command yardstick ${path.join(" ")}`);
  return command.options.map((o) => o.long ?? "");
}

describe("the GitHub Actions workflow template", () => {
  it("is a valid workflow for SchemaStore's schema", () => {
    expect(validateWorkflow(WORKFLOW_TEXT).errors).toEqual([]);
  });

  it("would be refused by the validator when broken (the check can fail)", () => {
    const misspelt = WORKFLOW_TEXT.replace(
      "runs-on: ubuntu-24.04\n    timeout-minutes",
      "run-on: ubuntu-24.04\n    timeout-minutes",
    );
    expect(misspelt).not.toBe(WORKFLOW_TEXT);
    expect(validateWorkflow(misspelt).errors.length).toBeGreaterThan(0);
    const badInput = WORKFLOW_TEXT.replace("type: boolean", "type: yes-or-no");
    expect(validateWorkflow(badInput).errors.length).toBeGreaterThan(0);
  });

  it("runs on a daily schedule and by hand, one run at a time", () => {
    expect(workflow.on.schedule?.map((s) => s.cron.split(/\s+/).length)).toEqual([5]);
    expect(workflow.on.workflow_dispatch?.inputs).toHaveProperty("first_run");
    expect(parse(WORKFLOW_TEXT).concurrency).toMatchObject({ "cancel-in-progress": false });
  });

  it("refers only to steps defined before, jobs it needs and outputs they declare", () => {
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const needs = [job.needs ?? []].flat();
      for (const need of needs) expect(Object.keys(workflow.jobs), `${name} needs ${need}`).toContain(need);
      const seen = new Set<string>();
      const texts = (step: Step) => JSON.stringify([step.if, step.with, step.env, step.name, step.run]);
      for (const step of job.steps) {
        for (const [, id] of texts(step).matchAll(/steps\.([\w-]+)\./g)) {
          expect(seen, `${name}: ${step.name ?? step.uses} refers to steps.${id}`).toContain(id);
        }
        if (step.id) seen.add(step.id);
      }
      for (const value of Object.values(job.outputs ?? {})) {
        for (const [, id] of value.matchAll(/steps\.([\w-]+)\./g)) expect(seen).toContain(id);
      }
      for (const [, other, output] of JSON.stringify(job).matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        expect(needs).toContain(other);
        expect(Object.keys(workflow.jobs[other!]?.outputs ?? {})).toContain(output);
      }
    }
  });

  it("starts the yardstick bin itself with flags the command has, never through npx", () => {
    const runs = allSteps.filter((s) => s.run?.includes("yardstick"));
    expect(runs.some((s) => /node \.yardstick\/bin\/yardstick\.js run /.test(s.run ?? ""))).toBe(true);
    for (const step of allSteps) expect(step.run ?? "").not.toMatch(/\bnpx\b/);
    const call = runs.map((s) => s.run ?? "").find((r) => r.includes("bin/yardstick.js run"))!;
    for (const [flag] of call.matchAll(/--[a-z-]+/g)) expect(flagsOf(["run"])).toContain(flag);
  });

  it("gives the token, from a secret, to the yardstick step alone", () => {
    const withSecrets = allSteps.filter((s) => JSON.stringify(s).includes("secrets."));
    expect(withSecrets.map((s) => s.id)).toEqual(["run"]);
    const [run] = withSecrets;
    expect(Object.values(run!.env ?? {})).toEqual([gh("secrets.YARDSTICK_GITHUB_TOKEN")]);
    expect(run!.run).not.toContain("secrets");
    // Nothing outside the steps (workflow or job env) carries a secret.
    const outsideSteps = {
      ...workflow,
      jobs: Object.values(workflow.jobs).map(({ steps: _, ...job }) => job),
    };
    expect(JSON.stringify(outsideSteps)).not.toContain("secrets.");
  });

  it("restores and saves the same data folder, refuses to start from nothing unless asked, and keeps the records", () => {
    const nightly = workflow.jobs.nightly!;
    const [restore] = stepUsing(nightly, "actions/cache/restore");
    const [save] = stepUsing(nightly, "actions/cache/save");
    expect(restore?.with?.path).toBe(save?.with?.path);
    expect(String(restore?.with?.path)).toContain(`${gh("env.YARDSTICK_DATA_DIR")}\n`);
    expect(String(restore?.with?.path)).toContain(`!${gh("env.YARDSTICK_DATA_DIR")}/build`);
    expect(restore?.with?.key).toBe(save?.with?.key);
    expect(String(restore?.with?.key).startsWith(String(restore?.with?.["restore-keys"]))).toBe(true);
    expect(String(restore?.with?.key)).toContain(gh("github.run_id"));

    const order = nightly.steps.map((s) => s.id ?? s.uses ?? s.name);
    const guard = nightly.steps.findIndex((s) =>
      s.if?.includes("steps.restore.outputs.cache-matched-key == ''"),
    );
    expect(guard).toBeGreaterThan(order.indexOf("restore"));
    expect(guard).toBeLessThan(order.indexOf("run"));
    expect(nightly.steps[guard]!.if).toContain("inputs.first_run != true");
    expect(nightly.steps[guard]!.run).toMatch(/exit 1/);
    expect(order.indexOf(save!.uses!)).toBeGreaterThan(order.indexOf("run"));
    expect(save?.if).toBe("steps.run.outcome == 'success'");

    const [records] = stepUsing(nightly, "actions/upload-artifact");
    expect(String(records?.with?.path)).toContain("/reviews");
    expect(String(records?.with?.path)).toContain("/ledger");
  });

  it("publishes <dataDir>/site/ on GitHub Pages from a job that alone may write to Pages", () => {
    const nightly = workflow.jobs.nightly!;
    const [upload] = stepUsing(nightly, "actions/upload-pages-artifact");
    expect(upload?.with?.path).toBe(`${gh("env.YARDSTICK_DATA_DIR")}/site/`);
    const pages = Object.entries(workflow.jobs).filter(([, job]) =>
      job.steps.some((s) => s.uses?.startsWith("actions/deploy-pages@")),
    );
    expect(pages.map(([name]) => name)).toEqual(["pages"]);
    const [, job] = pages[0]!;
    expect(job.permissions).toEqual({ pages: "write", "id-token": "write" });
    expect(job.environment?.name).toBe("github-pages");
    expect(job.needs).toBe("nightly");
    for (const [name, other] of Object.entries(workflow.jobs)) {
      if (name !== "pages") expect(other.permissions?.pages, name).toBeUndefined();
    }
    expect(workflow.permissions).toEqual({ contents: "read" });
  });

  it("fails the workflow after publishing when yardstick exits non-zero", () => {
    const verdict = workflow.jobs.verdict!;
    expect(verdict.if).toBe("always()");
    expect([verdict.needs].flat()).toEqual(["nightly", "pages"]);
    expect(verdict.steps[0]!.env?.STATUS).toBe(gh("needs.nightly.outputs.status"));
    expect(verdict.steps[0]!.run).toContain('[ "$STATUS" != "0" ]');
  });
});

/** Dockerfile instructions: comments dropped, continuation lines joined. */
function instructions(text: string): { op: string; args: string }[] {
  const joined = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(" ") };
    });
}

describe("the container definition (deploy/Containerfile)", () => {
  const all = instructions(CONTAINERFILE);
  const args = Object.fromEntries(
    all
      .filter((i) => i.op === "ARG" && i.args.includes("="))
      .map((i) => i.args.split("=") as [string, string]),
  );
  const stages: { op: string; args: string }[][] = [];
  for (const i of all) {
    if (i.op === "FROM") stages.push([]);
    stages.at(-1)?.push(i);
  }
  const final = stages.at(-1)!;
  const execForm = (op: string) => {
    const found = final.filter((i) => i.op === op);
    expect(found, op).toHaveLength(1);
    return JSON.parse(found[0]!.args) as string[];
  };

  it("builds on a Node 20 image pinned to one release", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const image = stage[0]!.args
        .split(/\s+/)[0]!
        .replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? "");
      expect(image).toMatch(/^node:20\.\d+\.\d+-[a-z]+(-slim)?$/);
    }
  });

  it("creates the pinned Python environment and compiles the code at build time", () => {
    const runs = stages[0]!.filter((i) => i.op === "RUN").map((i) => i.args);
    expect(runs.join(" ")).toMatch(/apt-get install[^&]*python3-venv/);
    expect(runs.join(" ")).toContain("npm ci");
    expect(runs.join(" ")).toContain("npm run setup");
    expect(
      final
        .filter((i) => i.op === "RUN")
        .map((i) => i.args)
        .join(" "),
    ).toMatch(/apt-get install[^&]*python3 /);
  });

  it("starts the yardstick bin directly under tini, never through npx or npm", () => {
    const entrypoint = execForm("ENTRYPOINT");
    expect(entrypoint).toEqual(["/usr/bin/tini", "--", "node", "/opt/yardstick/bin/yardstick.js"]);
    const cmd = execForm("CMD");
    for (const word of [...entrypoint, ...cmd]) expect(word).not.toMatch(/^(npx|npm)$/);
    expect(flagsOf([cmd[0]!])).toContain("--config");
    expect(final.map((i) => i.args).join(" ")).toContain(
      "apt-get install -y --no-install-recommends python3 tini",
    );
  });

  it("runs as a user of its own, not root, with the data folder as a volume", () => {
    const users = final.filter((i) => i.op === "USER").map((i) => i.args);
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(final.map((i) => `${i.op} ${i.args}`)).toContain('VOLUME ["/data"]');
  });

  it("copies no install, data folder or configuration of the checkout it is built from", () => {
    const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("#"));
    for (const entry of ["node_modules", ".venv", "dist", "data", "yardstick.yaml", ".git"]) {
      expect(ignored).toContain(entry);
    }
    const matches = (pattern: string, path: string) =>
      new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}(/|$)`).test(path);
    for (const needed of [
      "requirements.txt",
      "package-lock.json",
      "bin/yardstick.js",
      "scripts/build-dist.js",
      "models",
      "metrics.yaml",
      "dbt_project.yml",
      "profiles.yml",
    ]) {
      expect(
        ignored.filter((p) => matches(p, needed)),
        needed,
      ).toEqual([]);
    }
  });
});
