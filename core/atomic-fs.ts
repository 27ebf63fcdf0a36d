/**
 * Writes that never leave a half file or folder behind: write to a temporary name beside the target,
 * then rename over it (rename is atomic within one file system).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** A temporary sibling path for `target`, starting with a dot so that readers listing a folder skip it. */
export function tempSibling(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
}

export function writeFileAtomic(target: string, content: string | Uint8Array): void {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = tempSibling(target);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
