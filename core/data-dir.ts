/**
 * The data folder (yardstick.yaml `dataDir`), checked before a command relies on it: a folder — or one that
 * can be created — that this process may write. Checked with access(2), which answers for this process
 * (root included: a read-only mount refuses root too) and changes nothing, so a command that then stops on
 * bad input has not touched the folder.
 */
import { accessSync, constants, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Config } from "./config.ts";
import { InputError, type SourcePosition } from "./errors.ts";
import { readYamlFile } from "./yaml-source.ts";

/** What is wrong with `dir` as a data folder, in words for the operator; null when it can be used. */
export function dataDirProblem(dir: string): string | null {
  // The folder itself, or (when it does not exist yet) the nearest ancestor, which must let it be created.
  let existing = dir;
  for (;;) {
    try {
      const stats = statSync(existing);
      if (!stats.isDirectory()) {
        return existing === dir
          ? `${dir} is a file, not a folder: point dataDir at a folder (created when missing)`
          : `${dir} cannot be created: ${existing} on its path is a file`;
      }
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR") return `${dir} cannot be created: a folder on its path is a file`;
      if (code !== "ENOENT") return `${dir} cannot be read (${describeCode(error)})`;
      const parent = dirname(existing);
      if (parent === existing) return `${dir} cannot be created: no folder on its path exists`;
      existing = parent;
    }
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    return existing === dir
      ? `${dir} cannot be written (${describeCode(error)}): let the user running Yardstick write it, or point dataDir elsewhere`
      : `${dir} cannot be created: ${existing} cannot be written (${describeCode(error)})`;
  }
  return null;
}

/**
 * Makes sure the configuration's data folder can be used by a command that writes into it; otherwise an
 * InputError (exit 2) naming dataDir where yardstick.yaml sets it. Call before anything else is done.
 */
export function prepareDataDir(config: Config): void {
  const problem = dataDirProblem(config.dataDir);
  if (!problem) return;
  throw new InputError(`the data folder cannot be used`, [
    { field: "dataDir", message: problem, ...positionOf(config.file, "dataDir") },
  ]);
}

function positionOf(file: string, field: string): { position?: SourcePosition } {
  try {
    const position = readYamlFile(file, "configuration file").positionOf([field]);
    return position ? { position } : {};
  } catch {
    return {};
  }
}

function describeCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "not permitted",
    EROFS: "read-only file system",
    ENOTDIR: "a folder on its path is a file",
    ENOSPC: "no space left on the device",
    EEXIST: "a file is in the way",
  };
  return code ? `${code}: ${words[code] ?? "see the operating system's message"}` : String(error);
}
