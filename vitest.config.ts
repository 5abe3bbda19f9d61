import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "bench/**/*.test.ts"],
    reporters: ["default", "./src/test-utils/summary-reporter.ts"],
    testTimeout: 60_000,
    pool: "forks",
  },
});
