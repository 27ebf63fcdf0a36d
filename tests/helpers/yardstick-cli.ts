/** The `yardstick` command in a child process, for tests that keep a server (simulator, receiver) serving meanwhile. */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..", "..");

/** Runs the CLI without blocking this process; resolves with its exit code and output. */
export function yardstick(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (done, fail) => {
      const child = spawn(process.execPath, [join(ROOT, "bin", "yardstick.js"), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString("utf8");
      });
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString("utf8");
      });
      child.on("error", fail);
      child.on("close", (code, signal) => done({ code, signal, stdout, stderr }));
    },
  );
}
