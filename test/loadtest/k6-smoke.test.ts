/**
 * The k6 smoke scenario, so the load-test scripts never rot: the real server
 * (`node dist/server/src/main.js --demo`, as the README's main command starts
 * it, here on the test Redis with a small demo catalog) and k6 built from its
 * Go module by `loadtest/install-k6.sh` (run by `pretest`). k6 exits non-zero
 * when any check of any RPC fails.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { deleteByPrefix } from "../support/redis.js";
import { findFreePort } from "../support/redis-process.js";
import { startServerProcess } from "../support/server-process.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PREFIX = `t:k6-${process.pid}:`;

describe("k6 smoke against the real server and Redis", () => {
  let server: ChildProcess;
  let port: number;
  let k6: string;

  beforeAll(async () => {
    k6 = execFileSync("sh", ["loadtest/install-k6.sh"], { cwd: ROOT, encoding: "utf8" }).trim();
    port = await findFreePort();
    server = await startServerProcess(
      inject("redisUrl"),
      port,
      {
        RELEVANCE_KEY_PREFIX: PREFIX,
        RELEVANCE_IDENTITY_KEY: "k6-smoke-identity-key-0123456789",
        DEMO_ITEMS: "2000",
        DEMO_PROFILES: "2000",
      },
      ["--demo"],
    );
  }, 240_000);

  afterAll(async () => {
    if (server !== undefined && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    const redis = await createRedisClient(inject("redisUrl"));
    await deleteByPrefix(redis, PREFIX);
    await redis.quit();
  });

  it("should pass every check of loadtest/smoke.js, Subscribe included", () => {
    const summary = `${ROOT}/dist/k6-smoke-summary-${process.pid}.json`;
    let output = "";
    let code = 0;
    try {
      output = execFileSync(k6, ["run", "--quiet", "--address", "127.0.0.1:0", "smoke.js"], {
        cwd: `${ROOT}/loadtest`,
        env: {
          ...process.env,
          TARGET: `127.0.0.1:${port}`,
          ITEMS: "2000",
          PROFILES: "2000",
          SUMMARY_JSON: summary,
        },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      code = err.status;
      output = `${err.stdout}\n${err.stderr}`;
    }
    expect(output).not.toContain("✗");
    expect(code).toBe(0);
  }, 60_000);
});
