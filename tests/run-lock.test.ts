/**
 * The run lock with real processes: several racing for it at once, leftover lock files naming live
 * processes (pid 1, as in a container, and this test's own), a holder killed with SIGKILL, and lock files
 * deleted or rewritten under a live holder. Every step waits for what a process prints, never for time.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireRunLock } from "../jobs/run-lock.ts";
import { type Child, startNode } from "./helpers/child-process.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CONTENDER = join(ROOT, "tests", "helpers", "lock-contender.ts");

const started: Child[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) {
    child.process.stdin?.end();
    await child.exited;
  }
});

/** A contender that has loaded the lock code and waits for `go`. */
async function contender(file: string, what = "test"): Promise<Child> {
  const child = startNode(["--import", "tsx", CONTENDER, file, what], { cwd: ROOT });
  started.push(child);
  await child.waitFor(/^ready$/);
  return child;
}

/** Sends `go` and returns the contender's answer: `won` or `refused …`. */
async function tryLock(child: Child): Promise<string> {
  const before = child.lines.length;
  child.send("go");
  await child.waitFor(/^(won|refused)/);
  return child.lines.slice(before).find((l) => /^(won|refused)/.test(l))!;
}

/** The pid of a process that has exited (the kernel may hand it out again, but not for a while). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(result.stdout);
}

function lockFile(): string {
  return join(mkdtempSync(join(tmpdir(), "ys-lock-")), "yardstick.lock");
}

describe("the run lock", () => {
  it("lets exactly one of six processes racing for a stale lock win", async () => {
    const file = lockFile();
    writeFileSync(file, JSON.stringify({ pid: deadPid(), what: "run x", since: "2026-12-01T02:00:00Z" }));
    const racers = await Promise.all(Array.from({ length: 6 }, (_, i) => contender(file, `racer ${i}`)));
    // Every racer is loaded and waiting; all are told to go at once.
    const answers = await Promise.all(racers.map((r) => tryLock(r)));
    const winners = racers.filter((_, i) => answers[i] === "won");
    expect(
      answers.filter((a) => a === "won"),
      answers.join("\n"),
    ).toHaveLength(1);
    const winner = winners[0]!;
    for (const answer of answers.filter((a) => a !== "won")) expect(answer).toContain(`pid ${winner.pid}`);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ pid: winner.pid });

    winner.send("release");
    await winner.waitFor(/^released$/);
    expect(await tryLock(await contender(file))).toBe("won");
  });

  it.each([
    ["pid 1 (a container's first process)", 1],
    ["this test's own pid", process.pid],
  ])("is not blocked by a leftover lock file naming a live process: %s", async (_, pid) => {
    const file = lockFile();
    writeFileSync(file, JSON.stringify({ pid, what: "run x", since: "2026-12-01T02:00:00Z" }));
    const child = await contender(file);
    expect(await tryLock(child)).toBe("won");
  });

  it("is freed by the kernel when its holder is killed with SIGKILL", async () => {
    const file = lockFile();
    const holder = await contender(file);
    expect(await tryLock(holder)).toBe("won");
    expect(await tryLock(await contender(file))).toMatch(new RegExp(`^refused .*pid ${holder.pid}`));
    holder.process.kill("SIGKILL");
    expect((await holder.exited).signal).toBe("SIGKILL");
    const next = await contender(file);
    expect(await tryLock(next)).toBe("won");
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ pid: next.pid });
  });

  it("keeps a live holder's lock when its lock file is deleted or rewritten, and a release frees only its own", async () => {
    const file = lockFile();
    const holder = await contender(file);
    expect(await tryLock(holder)).toBe("won");

    // An operator (or a run that misjudged the holder as gone) removes the lock file: nobody else gets in.
    rmSync(file, { force: true });
    expect(await tryLock(await contender(file))).toMatch(/^refused/);
    writeFileSync(file, JSON.stringify({ pid: deadPid(), what: "run x", since: "2026-12-01T02:00:00Z" }));
    expect(await tryLock(await contender(file))).toMatch(/^refused/);

    holder.send("release");
    await holder.waitFor(/^released$/);
    const next = await contender(file);
    expect(await tryLock(next)).toBe("won");
    // The first holder releasing again must not free the new holder's lock.
    holder.send("release");
    await holder.waitFor(/^released$/);
    expect(await tryLock(await contender(file))).toMatch(new RegExp(`^refused .*pid ${next.pid}`));
    expect(existsSync(file)).toBe(true);
  });

  it("refuses a second acquisition within one process, and can be taken again once released", async () => {
    const file = lockFile();
    const first = await acquireRunLock(file, "run a");
    await expect(Promise.resolve().then(() => acquireRunLock(file, "run b"))).rejects.toThrow(
      /this process already holds/,
    );
    first.release();
    const again = await acquireRunLock(file, "run c");
    again.release();
  });
});
