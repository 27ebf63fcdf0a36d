import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Integration suites run real dbt and DuckDB subprocesses: give them room, and do not run two dbt
    // builds on the 2-core machine at once.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    fileParallelism: true,
    maxWorkers: 2,
    env: { TZ: "UTC" },
  },
});
