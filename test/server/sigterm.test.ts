/**
 * SIGTERM under load with a stream open, on the real server process and
 * Redis: the health service turns NOT_SERVING at once, clients that watch it
 * stop sending, every unary call sent succeeds, the open Subscribe stream is
 * ended cleanly, and the process exits 0 within the grace time plus 1 s.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSubscription } from "../../adapters/src/subscription-client.js";
import { DecisionService } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { deleteByPrefix } from "../support/redis.js";
import { findFreePort } from "../support/redis-process.js";
import { startServerProcess } from "../support/server-process.js";
import { watchForNotServing } from "./support/health-client.js";

const PREFIX = `t:sigterm-${process.pid}:`;
const GRACE_MS = 3000;
const DRAIN_MS = 500;

describe("SIGTERM under load (real server process, redis)", () => {
  let server: ChildProcess;
  let address: string;

  beforeAll(async () => {
    const port = await findFreePort();
    address = `127.0.0.1:${port}`;
    server = await startServerProcess(inject("redisUrl"), port, {
      RELEVANCE_KEY_PREFIX: PREFIX,
      RELEVANCE_IDENTITY_KEY: "sigterm-test-identity-key-012345",
      RELEVANCE_SHUTDOWN_GRACE_MS: String(GRACE_MS),
      RELEVANCE_SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
    });
  }, 60_000);

  afterAll(async () => {
    if (server?.exitCode === null) server.kill("SIGKILL");
    const redis = await createRedisClient(inject("redisUrl"));
    await deleteByPrefix(redis, PREFIX);
    await redis.quit();
  });

  it("should fail no unary call and exit 0 within the grace time plus 1 s", async () => {
    // A client that stops sending once health says NOT_SERVING, as a load balancer would.
    const health = watchForNotServing(address, "relevance.v1.DecisionService");

    let streamEnd: Error | null | undefined;
    const subscription = openSubscription(address, "email", "sigterm-adapter", 8, {
      onSubscribed() {},
      onDelivery() {},
      onEnd(e) {
        streamEnd = e;
      },
    });

    const client = createServiceClient(DecisionService, address);
    let ok = 0;
    const failures: string[] = [];
    const loop = async () => {
      while (!health.notServing()) {
        try {
          await client.decide(
            {
              userId: `u-${ok % 50}`,
              channel: 1,
              useCase: "search",
              candidates: [{ sku: "a" }, { sku: "b" }],
            },
            { deadline: Date.now() + 2000 },
          );
          ok++;
        } catch (e) {
          failures.push(String(e));
        }
      }
    };
    const loops = Array.from({ length: 8 }, loop);
    await new Promise((r) => setTimeout(r, 1000));
    const exited = new Promise<{ code: number | null; atMs: number }>((resolve) =>
      server.once("exit", (code) => resolve({ code, atMs: Date.now() })),
    );
    const termAt = Date.now();
    server.kill("SIGTERM");
    await Promise.all(loops);
    const { code, atMs } = await exited;
    client.close();
    health.close();
    subscription.close();
    console.log(JSON.stringify({ sigterm: { ok, failed: failures.length, exit_ms: atMs - termAt, code } }));
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(50);
    expect(code).toBe(0);
    expect(atMs - termAt).toBeLessThanOrEqual(GRACE_MS + 1000);
    // The open stream was ended by the server, cleanly.
    expect(streamEnd).toBeNull();
  }, 30_000);
});
