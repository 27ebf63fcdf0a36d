/**
 * Lake tiling for benchmarks at scale: an extracted lake copied K times into one lake, each copy a distinct
 * organisation's worth of data, so a 1,000,000-pull-request lake costs one 100,000-pull-request extraction
 * and a few minutes of DuckDB instead of hours of HTTP.
 *
 * Every text column and the JSON payload get the same rewrite (so every reference stays consistent: keys,
 * payload fields, URLs, incident bodies' root-cause references, revert messages). In tile t > 0:
 *   - owners `acme/…` → `acme-t<t>/…` (repository names, URLs, `owner/repo#n` references);
 *   - GraphQL node ids `X_kwDO…` → `X_kw<tt>…` (pull requests, reviews, commits, suites, deployments, issues);
 *   - `"databaseId":d` → t·10^10 + d (above every GitHub-sized id of tile 0, one range per tile).
 * In every tile, tile 0 included, a commit oid (40 hex digits) ends in the tile's two hex digits instead of
 * its own last two: the same commit is a different object in each tile, and an abbreviated SHA still names a
 * prefix of its commit. (Keeping tile 0's oids would not do: an oid already ending in a tile's digits would
 * be the same in both tiles.) Nothing else of tile 0 changes.
 * Logins stay: the copies share their people (and so their teams' members and AI tools), as one large
 * organisation's repositories would.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../core/config.ts";
import { type Db, sqlLiteral, withDb } from "../warehouse/duckdb.ts";

/** At most 99 copies: the node id and oid codes are two characters. */
export const MAX_TILES = 99;

/** The owner of tile `tile`: `acme` for tile 0, `acme-t3` for tile 3. */
export function tileOwner(owner: string, tile: number): string {
  return tile === 0 ? owner : `${owner}-t${tile}`;
}

/** A repository's name in tile `tile`: `acme/api` → `acme-t3/api`. */
export function tileRepository(nameWithOwner: string, tile: number): string {
  const slash = nameWithOwner.indexOf("/");
  if (slash < 0) throw new Error(`"${nameWithOwner}" is not an owner/name repository`);
  return `${tileOwner(nameWithOwner.slice(0, slash), tile)}${nameWithOwner.slice(slash)}`;
}

/** The teams of the tiled lake: the same members, each repository once per tile. */
export function tileTeams(teams: Config["teams"], tiles: number): Config["teams"] {
  return teams.map((team) => ({
    ...team,
    repos: Array.from({ length: tiles }, (_, t) => team.repos.map((r) => tileRepository(r, t))).flat(),
  }));
}

/** A SQL expression rewriting the text `expr` into tile `tile`. */
export function tileTextSql(expr: string, tile: number, owners: readonly string[]): string {
  if (!Number.isInteger(tile) || tile < 0 || tile > MAX_TILES) throw new Error(`tile ${tile} out of range`);
  const hex = tile.toString(16).padStart(2, "0");
  const oids = (sql: string) => `regexp_replace(${sql}, '\\b([0-9a-f]{38})[0-9a-f]{2}\\b', '\\1${hex}', 'g')`;
  if (tile === 0) return oids(expr);
  const code = String(tile).padStart(2, "0");
  const ownerPattern = `(?i)(^|[^A-Za-z0-9_.-])(${owners.map(escapeRegex).join("|")})/`;
  let sql = `replace(${expr}, '_kwDO', '_kw${code}')`;
  if (owners.length > 0) sql = `regexp_replace(${sql}, ${sqlLiteral(ownerPattern)}, '\\1\\2-t${tile}/', 'g')`;
  sql = oids(sql);
  // t·10^10 + d in two passes (regular expressions cannot pad): prefix t and ten zeros, then keep the last
  // ten digits after t. Database ids are below 2^31, so ten digits always hold them.
  sql = `regexp_replace(${sql}, '"databaseId":(\\d+)', '"databaseId":${tile}0000000000\\1', 'g')`;
  sql = `regexp_replace(${sql}, '"databaseId":${tile}0*(\\d{10})\\b', '"databaseId":${tile}\\1', 'g')`;
  return sql;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|-]/g, "\\$&");
}

export interface TileLakeOptions {
  /** The extracted lake (`<data>/lake`). */
  sourceLake: string;
  /** The lake to write (`<data>/lake` of another data folder); its streams are replaced. */
  targetLake: string;
  tiles: number;
  /** Source folder under `raw/` (default "github"). */
  source?: string;
}

export interface TiledLake {
  /** Owners found in the source lake's repositories, in tile 0's spelling. */
  owners: string[];
  /** Rows per stream in the tiled lake (duplicates of at-least-once delivery included). */
  rows: Record<string, number>;
  seconds: number;
}

/**
 * Writes `tiles` copies of every stream of `sourceLake` into `targetLake`, one Parquet file per stream and
 * tile (written to a dot-name and renamed, as the lake writer does).
 * Example: `await tileLake({ sourceLake: "base/lake", targetLake: "big/lake", tiles: 10 })`.
 */
export async function tileLake(options: TileLakeOptions): Promise<TiledLake> {
  const { sourceLake, targetLake, tiles } = options;
  const source = options.source ?? "github";
  if (!Number.isInteger(tiles) || tiles < 1 || tiles > MAX_TILES) {
    throw new Error(`tiles must be a whole number from 1 to ${MAX_TILES}: got ${tiles}`);
  }
  const started = performance.now();
  const sourceDir = join(sourceLake, "raw", source);
  const streams = readdirSync(sourceDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(join(sourceDir, d.name)).some(isBatch))
    .map((d) => d.name)
    .sort();
  const rows: Record<string, number> = {};
  const owners = await withDb(":memory:", "read_write", async (db) => {
    const found = await db.all<{ owner: string }>(
      `select distinct split_part(repository, '/', 1) as owner from read_parquet(?, union_by_name = true)
       where repository like '%/%' order by owner`,
      [join(sourceDir, "repositories", "[!.]*.parquet")],
    );
    const owners = found.map((r) => r.owner);
    for (const stream of streams) {
      const glob = join(sourceDir, stream, "[!.]*.parquet");
      const targetDir = join(targetLake, "raw", source, stream);
      rmSync(targetDir, { recursive: true, force: true });
      mkdirSync(targetDir, { recursive: true });
      const select = await tiledSelect(db, glob, owners);
      for (let tile = 0; tile < tiles; tile++) {
        const name = `tile-${String(tile).padStart(2, "0")}.parquet`;
        const tmp = join(targetDir, `.${name}.tmp`);
        await db.run(`copy (${select(tile)}) to ${sqlLiteral(tmp)} (format parquet, compression zstd)`);
        renameSync(tmp, join(targetDir, name));
      }
      const [count] = await db.all<{ n: number }>(
        `select count(*)::bigint as n from read_parquet(?, union_by_name = true)`,
        [join(targetDir, "[!.]*.parquet")],
      );
      rows[stream] = Number(count?.n ?? 0);
    }
    return owners;
  });
  return { owners, rows, seconds: (performance.now() - started) / 1000 };
}

/** `select` of one tile of a stream: text and JSON columns rewritten, the others (and `_run_id`) kept. */
async function tiledSelect(
  db: Db,
  glob: string,
  owners: readonly string[],
): Promise<(tile: number) => string> {
  const columns = await db.all<{ column_name: string; column_type: string }>(
    `describe select * from read_parquet(${sqlLiteral(glob)}, union_by_name = true)`,
  );
  return (tile) => {
    const list = columns.map(({ column_name: name, column_type: type }) => {
      const col = `"${name.replace(/"/g, '""')}"`;
      if (name === "_run_id") return col;
      if (type === "VARCHAR") return `${tileTextSql(col, tile, owners)} as ${col}`;
      if (type === "JSON") return `${tileTextSql(`${col}::varchar`, tile, owners)}::json as ${col}`;
      return col;
    });
    return `select ${list.join(", ")} from read_parquet(${sqlLiteral(glob)}, union_by_name = true)`;
  };
}

function isBatch(name: string): boolean {
  return name.endsWith(".parquet") && !name.startsWith(".");
}
