/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.bench.ts, prints its progress on stderr, and ends
 * with ONE JSON line of figures on stdout (so a script can `tail -1` it).
 */
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

export interface Benchmark {
  description: string;
  run(args: string[]): Promise<Record<string, unknown>>;
}

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""));

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(
    `usage: npm run bench -- <name> [args]\nbenchmarks: ${available.join(", ")}\n${name ? `unknown benchmark "${name}"\n` : ""}`,
  );
  process.exit(2);
}
const bench = (await import(`./${name}.bench.ts`)).default as Benchmark;
process.stderr.write(`bench ${name}: ${bench.description}\n`);
const figures = await bench.run(args);
process.stdout.write(JSON.stringify({ bench: name, ...figures }) + "\n");
