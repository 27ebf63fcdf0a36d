/**
 * Publishing a folder in one atomic step: each version is written to its own folder `<name>-<id>` beside
 * the published path, and `<name>` is a symbolic link to the current one, replaced by renaming a new link
 * over it. rename() replaces the link atomically, so a reader always finds a whole version under `<name>`:
 * never none, never a half-written one. The version before stays for readers still in it; older ones are
 * removed.
 *
 * The link is relative (`site -> site-20261201T020000Z-ab12cd`), so the data folder can be moved or
 * mounted elsewhere. A `<name>` that is still a real folder (from before links were used) is moved aside
 * once, the only moment without one.
 */
import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { tempSibling } from "./atomic-fs.ts";

/** A new version folder's name for `link`: `<name>-<UTC time>-<random>`, sorting by time. */
function versionName(link: string): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${basename(link)}-${stamp}-${randomBytes(3).toString("hex")}`;
}

/** Whether `name` is a version folder of `link` (`site-…` for `site`). */
export function isVersionOf(link: string, name: string): boolean {
  return name.startsWith(`${basename(link)}-`);
}

/** The version folder `link` points at (its name), or null when it is missing or not a link. */
export function publishedVersion(link: string): string | null {
  try {
    return basename(readlinkSync(link));
  } catch {
    return null;
  }
}

/**
 * Fills a new version folder with `fill` and makes `link` point at it. If `fill` throws, the new folder is
 * removed and `link` is as it was. Returns the new version's folder.
 * Example: `await publishDir(join(data, "site"), async (dir) => writeFileSync(join(dir, "index.html"), html))`.
 */
export async function publishDir(link: string, fill: (dir: string) => Promise<void> | void): Promise<string> {
  const parent = dirname(link);
  mkdirSync(parent, { recursive: true });
  const version = versionName(link);
  const dir = join(parent, version);
  mkdirSync(dir);
  try {
    await fill(dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let previous = publishedVersion(link);
  const newLink = tempSibling(link);
  symlinkSync(version, newLink);
  try {
    renameSync(newLink, link);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "EPERM") {
      rmSync(newLink, { force: true });
      throw error;
    }
    // `link` is a real folder from before: move it aside as a version, then put the link in its place.
    if (!lstatSync(link).isDirectory()) {
      rmSync(newLink, { force: true });
      throw error;
    }
    previous = `${basename(link)}-legacy-${randomBytes(3).toString("hex")}`;
    renameSync(link, join(parent, previous));
    renameSync(newLink, link);
  }
  removeVersions(link, new Set([version, ...(previous ? [previous] : [])]));
  return dir;
}

/** Removes the version folders of `link` other than `keep`; returns the removed names. */
export function removeVersions(link: string, keep: ReadonlySet<string>): string[] {
  const parent = dirname(link);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!isVersionOf(link, name) || keep.has(name)) continue;
    const path = join(parent, name);
    try {
      if (!lstatSync(path).isDirectory()) continue;
    } catch {
      continue;
    }
    rmSync(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
