/**
 * The profile consumer killed with SIGKILL in the middle of a stream of events
 * and started again: every event's effect is applied exactly once, and the
 * pending list drains to 0. The consumer runs as its own server process
 * (`node dist/server/src/main.js`, as in production); events come in through
 * Track on a server in this process whose own consumer is off.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type EventSchema,
  EventService,
  PersonService,
} from "../../server/src/gen/relevance/v1/events_pb.js";
import { createServiceClient, type ServiceClient } from "../../server/src/grpc/service-client.js";
import {
  type StoreTarget,
  startTestServer,
  storeTarget,
  TEST_IDENTITY_KEY,
  type TestServer,
} from "../server/support/harness.js";
import { startTcpProxy } from "../support/tcp-proxy.js";

const PEOPLE = 200;
const PER_PERSON = 60; // 12,000 events
const BATCH = 500;
const KILLS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a consumer-only server process; resolves once it serves. */
function startConsumer(keyPrefix: string, redisUrl: string): Promise<ChildProcess> {
  const script = new URL("../../server/src/main.js", import.meta.url).pathname;
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      RELEVANCE_KEY_PREFIX: keyPrefix,
      RELEVANCE_IDENTITY_KEY: TEST_IDENTITY_KEY,
      RELEVANCE_CONSUMER_CLAIM_IDLE_MS: "300",
      RELEVANCE_THREADS: "0",
      PORT: "0",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`consumer did not start:\n${text}`)), 20_000);
    child.stderr!.on("data", (d: Buffer) => {
      text += d.toString();
      if (text.includes("relevance is serving")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on("exit", (code) => reject(new Error(`consumer exited ${code}:\n${text}`)));
  });
}

describe("the profile consumer, killed mid-stream and restarted", () => {
  let target: StoreTarget;
  let api: TestServer;
  let events: ServiceClient<typeof EventService>;
  let people: ServiceClient<typeof PersonService>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    target = await storeTarget("redis");
    // features: 64, the default of the consumer process (main.js).
    api = await startTestServer(target, { consumer: false, features: 64 });
    events = createServiceClient(EventService, api.server.address);
    people = createServiceClient(PersonService, api.server.address);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    events.close();
    people.close();
    await api.close();
    await target.cleanup();
  });

  it("applies every event exactly once and drains the pending list", async () => {
    const redis = target.redis!.redis;
    const stream = `${target.redis!.keyPrefix}events`;
    const pending = async () => Number(((await redis.xpending(stream, "profile-appliers")) as [number])[0]);
    const backlog = async () => {
      const b = await api.server.eventLog.backlog();
      return b.undelivered + b.pending;
    };

    // Every person gets PER_PERSON views, interleaved across people, in batches.
    const all: Exclude<MessageInitShape<typeof EventSchema>, { $typeName: "relevance.v1.Event" }>[] = [];
    for (let n = 0; n < PER_PERSON; n++) {
      for (let p = 0; p < PEOPLE; p++) {
        all.push({
          eventId: `e-${p}-${n}`,
          subject: { case: "userId" as const, value: `crash-${p}` },
          timestampMs: BigInt(Date.now() - 1000 + n),
          channel: 1,
          payload: {
            case: "viewItem" as const,
            value: { sku: `SKU-${n % 7}`, category: "home > kitchen", price: 10 },
          },
        });
      }
    }
    let sent = 0;
    const sendUpTo = async (count: number) => {
      for (; sent < count; sent += BATCH) {
        const res = await events.track({ events: all.slice(sent, Math.min(count, sent + BATCH)) });
        expect(res.rejected).toEqual([]);
      }
    };

    // Half the stream is in the log before the consumer starts, the rest
    // arrives while it is being killed. Each consumer talks to Redis through a
    // proxy that holds back its first XACK: the consumer is killed after it
    // committed a batch's effects and before Redis heard the acknowledgement,
    // the one moment where redelivery means a duplicate.
    const redisPort = Number(new URL(inject("redisUrl")).port);
    const proxy = await startTcpProxy(redisPort);
    const viaProxy = `redis://127.0.0.1:${proxy.port}`;
    await sendUpTo(all.length / 2);
    let pendingAtKills = 0;
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        proxy.holdWhen((chunk) => /xack/i.test(chunk.toString("latin1")));
        const consumer = await startConsumer(target.redis!.keyPrefix, viaProxy);
        children.push(consumer);
        for (let i = 0; i < 10_000 && proxy.holding === 0; i++) await sleep(1);
        expect(proxy.holding).toBeGreaterThan(0);
        consumer.kill("SIGKILL");
        await new Promise((r) => consumer.once("exit", r));
        proxy.disarm();
        pendingAtKills += await pending();
        if (kill === 0) await sendUpTo(all.length);
      }
    } finally {
      await proxy.close();
    }
    expect(pendingAtKills).toBeGreaterThan(0);
    expect(await backlog()).toBeGreaterThan(0);

    const second = await startConsumer(target.redis!.keyPrefix, inject("redisUrl"));
    children.push(second);
    const until = Date.now() + 60_000;
    while ((await backlog()) > 0 && Date.now() < until) await sleep(50);
    expect(await backlog()).toBe(0);
    expect(await pending()).toBe(0);
    expect(await redis.xlen(`${target.redis!.keyPrefix}events:dead`)).toBe(0);

    // Exactly once: each person's count of applied events is what was sent to them.
    const counts = await Promise.all(
      Array.from({ length: PEOPLE }, (_, p) =>
        people.getPerson({ userId: `crash-${p}` }).then((r) => Number(r.eventsApplied)),
      ),
    );
    expect(counts).toEqual(Array.from({ length: PEOPLE }, () => PER_PERSON));
    second.kill("SIGTERM");
    await new Promise((r) => second.once("exit", r));
    expect(second.exitCode).toBe(0);
  }, 120_000);
});
