/**
 * The build fingerprint: what a warehouse was built from, so that a night with nothing new can keep the
 * published warehouse instead of running dbt again. Five parts, each a hash:
 *
 * - lake: every batch file under `<lake>/raw` by name, size and modification time (batch names carry the
 *   run id and are never reused; dot files are temporaries and are skipped, as the build skips them). A
 *   quiet night still lands a few batches (the repository list and open incidents are read every night);
 *   when the only change is batches added to streams whose primary key is known, and for every key they
 *   touch the rows of its latest extraction say the same as before (every column but `_extracted_at` and
 *   `_run_id`), staging would pick the same content and the lake counts as unchanged. The kept warehouse
 *   then still names the earlier extraction in its `extracted_at` columns;
 * - inputs: the bytes of the build inputs written for this build (teams from yardstick.yaml, metrics.yaml
 *   `definitions:`), which DuckDB writes identically for identical inputs;
 * - dbt: the dbt project (dbt_project.yml, profiles.yml, models, macros and the other dbt folders), by content;
 * - code: the code version (package version and git commit);
 * - python: the Python environment's marker (requirements.txt's hash and the interpreter's version).
 *
 * The lake and inputs folders' absolute paths are hashed too: the warehouse's views name them.
 *
 * The published fingerprint sits beside the warehouse (`warehouse.fingerprint.json`) and also records the
 * warehouse file it describes (size, modification time, inode): a warehouse replaced by hand matches nothing.
 * It is removed before a new warehouse is renamed into place and written after, so a crash in between
 * leaves no fingerprint (the next run builds) rather than a fingerprint of the wrong file.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { writeFileAtomic } from "../core/atomic-fs.ts";
import { LAKE_STREAMS } from "../extractors/sources.ts";
import { codeVersion } from "../jobs/code-version.ts";
import type { BuildInputFiles } from "./build-inputs.ts";
import { type Db, sqlLiteral, withDb } from "./duckdb.ts";
import { venvPaths } from "./python-env.ts";

export interface FingerprintParts {
  lake: string;
  inputs: string;
  dbt: string;
  code: string;
  python: string;
}

export interface BuildFingerprint {
  parts: FingerprintParts;
  /** Every lake batch, by path relative to the lake, as "size:mtimeMs". */
  lakeListing: Record<string, string>;
  /** Lake batch files counted in `parts.lake` (for the log). */
  lakeFiles: number;
  codeVersion: string;
}

/** What is stored beside the published warehouse. */
export interface PublishedFingerprint extends BuildFingerprint {
  version: 1;
  runId: string;
  builtAt: string;
  warehouse: { size: number; mtimeMs: number; ino: number };
  rows: Record<string, number>;
  tests: { passed: number; failed: number };
}

/** Folders of the dbt project whose files shape the warehouse (those that do not exist are skipped). */
const DBT_FOLDERS = ["models", "macros", "seeds", "snapshots", "analyses", "data-tests"];
const DBT_FILES = ["dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml"];

/** Where the published fingerprint lives: beside the warehouse file. */
export function fingerprintPath(warehouse: string): string {
  return warehouse.replace(/\.duckdb$/, "") + ".fingerprint.json";
}

/**
 * The fingerprint of a build about to run from `lake` with the inputs already written to `inputs`.
 * Example: `const fp = computeBuildFingerprint({ root, lake, inputsDir, inputs: files })`.
 */
export function computeBuildFingerprint(options: {
  root: string;
  lake: string;
  inputsDir: string;
  inputs: BuildInputFiles;
}): BuildFingerprint {
  const { root, lake } = options;
  const lakeHash = createHash("sha256").update(`lake ${lake}\n`);
  const files = lakeBatchFiles(join(lake, "raw"));
  const lakeListing: Record<string, string> = {};
  for (const file of files) {
    const s = statSync(file);
    lakeListing[relative(lake, file)] = `${s.size}:${s.mtimeMs}`;
    lakeHash.update(`${relative(lake, file)}\t${s.size}\t${s.mtimeMs}\n`);
  }

  const inputsHash = createHash("sha256").update(`inputs ${options.inputsDir}\n`);
  for (const [name, file] of Object.entries(options.inputs).sort(([a], [b]) => a.localeCompare(b))) {
    inputsHash.update(`${name}\t`).update(fileDigest(file)).update("\n");
  }

  const dbtHash = createHash("sha256");
  const dbtFiles = [
    ...DBT_FILES.map((f) => join(root, f)).filter((f) => existsSync(f)),
    ...DBT_FOLDERS.flatMap((d) => allFiles(join(root, d))),
  ];
  for (const file of dbtFiles)
    dbtHash
      .update(`${relative(root, file)}\t`)
      .update(fileDigest(file))
      .update("\n");

  const version = codeVersion(root);
  const venv = venvPaths(root);
  const pythonHash = createHash("sha256");
  pythonHash.update(existsSync(venv.marker) ? readFileSync(venv.marker) : "no marker\n");
  pythonHash.update(existsSync(venv.requirements) ? readFileSync(venv.requirements) : "no requirements\n");

  return {
    parts: {
      lake: lakeHash.digest("hex"),
      inputs: inputsHash.digest("hex"),
      dbt: dbtHash.digest("hex"),
      code: createHash("sha256").update(version).digest("hex"),
      python: pythonHash.digest("hex"),
    },
    lakeListing,
    lakeFiles: files.length,
    codeVersion: version,
  };
}

const PART_NAMES: Record<keyof FingerprintParts, string> = {
  lake: "the lake",
  inputs: "the teams or metrics.yaml definitions",
  dbt: "the dbt models, macros or project",
  code: "the code version",
  python: "the Python environment",
};

export interface RebuildDecision {
  /** Why the published warehouse cannot be kept, or null when it can. */
  reason: string | null;
  /** Batches added since the published build whose rows say nothing new (when the warehouse can be kept). */
  restating: number;
}

/**
 * Whether the published warehouse can be kept for a build with fingerprint `next`, and if not, why.
 * Example: `(await whyRebuild(warehouse, lake, fp)).reason` → `"changed since …: the lake (412 → 415 batch files …)"`.
 */
export async function whyRebuild(
  warehouse: string,
  lake: string,
  next: BuildFingerprint,
): Promise<RebuildDecision> {
  const rebuild = (reason: string) => ({ reason, restating: 0 });
  if (!existsSync(warehouse)) return rebuild("no warehouse has been published yet");
  const published = readPublishedFingerprint(warehouse);
  if (!published) return rebuild("the published warehouse has no build fingerprint");
  let s: ReturnType<typeof statSync>;
  try {
    s = statSync(warehouse);
  } catch {
    return rebuild("the published warehouse cannot be read");
  }
  const w = published.warehouse;
  if (s.size !== w.size || s.mtimeMs !== w.mtimeMs || s.ino !== w.ino) {
    return rebuild("the published warehouse is not the file its fingerprint describes");
  }
  const changed = (Object.keys(PART_NAMES) as (keyof FingerprintParts)[]).filter(
    (part) => published.parts[part] !== next.parts[part],
  );
  let restating = 0;
  let lakeDetail = PART_NAMES.lake;
  if (changed.includes("lake")) {
    const news = await lakeNews(lake, published.lakeListing, next.lakeListing);
    if (news === null) {
      changed.splice(changed.indexOf("lake"), 1);
      restating = Object.keys(next.lakeListing).length - Object.keys(published.lakeListing).length;
    } else {
      lakeDetail = `the lake (${published.lakeFiles} → ${next.lakeFiles} batch files; ${news})`;
    }
  }
  if (changed.length === 0) return { reason: null, restating };
  const detail = (part: keyof FingerprintParts) =>
    part === "lake"
      ? lakeDetail
      : part === "code"
        ? `the code version (${published.codeVersion} → ${next.codeVersion})`
        : PART_NAMES[part];
  return { reason: `changed since the published warehouse: ${changed.map(detail).join(", ")}`, restating: 0 };
}

/** Primary keys of the lake streams, by `<source>/<stream>`. */
const STREAM_KEYS = new Map<string, readonly string[]>(
  LAKE_STREAMS.map((stream) => [`${stream.source}/${stream.name}`, stream.primaryKey]),
);

/**
 * What is new in the lake since `before` (a sentence), or null when the only change is added batches whose
 * rows restate, key by key, the latest extraction already in the lake.
 */
async function lakeNews(
  lake: string,
  before: Record<string, string>,
  after: Record<string, string>,
): Promise<string | null> {
  const gone = Object.keys(before).filter((f) => after[f] !== before[f]);
  if (gone.length > 0) return `${gone.length} batch file(s) rewritten or removed, e.g. ${gone[0]}`;
  const added = Object.keys(after).filter((f) => !(f in before));
  const byStream = new Map<string, string[]>();
  for (const file of added) {
    const stream = dirname(relative(join(lake, "raw"), join(lake, file)));
    byStream.set(stream, [...(byStream.get(stream) ?? []), join(lake, file)]);
  }
  const withNews: string[] = [];
  await withDb(":memory:", "read_write", async (db) => {
    for (const [stream, newFiles] of byStream) {
      const keys = STREAM_KEYS.get(stream);
      if (!keys) {
        withNews.push(stream);
        continue;
      }
      const oldFiles = Object.keys(before)
        .filter((f) => dirname(relative(join(lake, "raw"), join(lake, f))) === stream)
        .map((f) => join(lake, f));
      if (oldFiles.length === 0 || !(await restates(db, keys, oldFiles, newFiles))) withNews.push(stream);
    }
  });
  return withNews.length === 0 ? null : `new data in ${withNews.join(", ")}`;
}

/**
 * Whether, for every key the new batches hold, the rows of its latest extraction (all of them, should two
 * share the latest time) have the same content after the new batches as before them.
 */
async function restates(
  db: Db,
  keys: readonly string[],
  oldFiles: string[],
  newFiles: string[],
): Promise<boolean> {
  const list = (files: string[]) => `[${files.map(sqlLiteral).join(", ")}]`;
  const inList = (files: string[]) => `(${files.map(sqlLiteral).join(", ")})`;
  const k = keys.map((c) => `"${c.replace(/"/g, '""')}"`).join(", ");
  const [row] = await db.all<{ differing: number }>(
    `with hashed as (
         select ${k}, _extracted_at, filename in ${inList(newFiles)} as is_new,
                hash(*columns(* exclude (_extracted_at, _run_id, filename))) as content
         from read_parquet(${list([...oldFiles, ...newFiles])}, union_by_name = true, filename = true)
     ),
     touched as (select distinct ${k} from hashed where is_new),
     ranked as (
         select ${k}, content, is_new,
                rank() over (partition by ${k} order by _extracted_at desc) as after_rank,
                case when not is_new then rank() over (partition by ${k}, is_new order by _extracted_at desc) end
                    as before_rank
         from hashed semi join touched using (${k})
     ),
     after_latest as (
         select ${k}, list(distinct content order by content) as contents from ranked where after_rank = 1 group by ${k}
     ),
     before_latest as (
         select ${k}, list(distinct content order by content) as contents from ranked where before_rank = 1 group by ${k}
     )
     select count(*)::integer as differing
     from after_latest full join before_latest using (${k})
     where after_latest.contents is distinct from before_latest.contents`,
  );
  return row?.differing === 0;
}

/** The fingerprint stored beside `warehouse`, or null when there is none or it cannot be read. */
export function readPublishedFingerprint(warehouse: string): PublishedFingerprint | null {
  try {
    const stored = JSON.parse(readFileSync(fingerprintPath(warehouse), "utf8")) as PublishedFingerprint;
    return stored.version === 1 && stored.parts && stored.warehouse ? stored : null;
  } catch {
    return null;
  }
}

/** Forgets the published fingerprint: called before the warehouse file is replaced. */
export function removePublishedFingerprint(warehouse: string): void {
  rmSync(fingerprintPath(warehouse), { force: true });
}

/** Records that the published warehouse (unchanged) is also current for the lake of `next`. */
export function refreshPublishedFingerprint(
  warehouse: string,
  published: PublishedFingerprint,
  next: BuildFingerprint,
): void {
  const stored: PublishedFingerprint = {
    ...published,
    parts: { ...published.parts, lake: next.parts.lake },
    lakeListing: next.lakeListing,
    lakeFiles: next.lakeFiles,
  };
  writeFileAtomic(fingerprintPath(warehouse), `${JSON.stringify(stored, null, 2)}\n`);
}

/** Records `fingerprint` as describing the warehouse file now published (atomically). */
export function writePublishedFingerprint(
  warehouse: string,
  fingerprint: BuildFingerprint,
  build: {
    runId: string;
    builtAt: Date;
    rows: Record<string, number>;
    tests: { passed: number; failed: number };
  },
): void {
  const s = statSync(warehouse);
  const stored: PublishedFingerprint = {
    version: 1,
    ...fingerprint,
    runId: build.runId,
    builtAt: build.builtAt.toISOString(),
    warehouse: { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino },
    rows: build.rows,
    tests: build.tests,
  };
  writeFileAtomic(fingerprintPath(warehouse), `${JSON.stringify(stored, null, 2)}\n`);
}

function fileDigest(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** Every Parquet batch under `dir`, sorted, dot files (temporaries, journals) and dot folders skipped. */
function lakeBatchFiles(dir: string): string[] {
  return allFiles(dir).filter((f) => f.endsWith(".parquet"));
}

/** Every file under `dir`, recursively, sorted by path; dot names skipped. */
function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name.startsWith(".")) continue;
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  walk(dir);
  return out;
}
