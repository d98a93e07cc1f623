// Tests run from the compiled output in dist/: Piscina workers are real worker
// threads and load plain JavaScript, so tests exercise exactly what ships.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["dist/test/**/*.test.js"],
    globalSetup: ["dist/test/support/redis-global-setup.js"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default"],
  },
});
