/**
 * Reads `<site>/index.html` over and over while a test publishes the site, counting reads that found no
 * page. Prints `reading` after its first good read; on the line `stop` prints `reads=N misses=M` and exits.
 *
 * Usage: node --import tsx tests/helpers/site-reader.ts <site folder or link>
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const site = process.argv[2];
if (!site) throw new Error("usage: site-reader.ts <site>");
const page = join(site, "index.html");
let reads = 0;
let misses = 0;
let stop = false;
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "stop") stop = true;
});
let announced = false;
while (!stop) {
  for (let i = 0; i < 500; i++) {
    try {
      if (readFileSync(page).length === 0) misses += 1;
      else reads += 1;
    } catch {
      misses += 1;
    }
  }
  if (!announced && reads > 0) {
    announced = true;
    process.stdout.write("reading\n");
  }
  await new Promise((resolve) => setImmediate(resolve));
}
process.stdout.write(`reads=${reads} misses=${misses}\n`);
process.exit(0);
