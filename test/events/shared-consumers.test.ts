/**
 * Several server instances share the event log: each runs a consumer in the
 * same group, the work is spread between them, and every event is applied
 * exactly once.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EventSchema,
  EventService,
  PersonService,
} from "../../server/src/gen/relevance/v1/events_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import {
  type StoreTarget,
  startTestServer,
  storeTarget,
  type TestServer,
} from "../server/support/harness.js";

type EventInit = Exclude<MessageInitShape<typeof EventSchema>, { $typeName: "relevance.v1.Event" }>;

const PEOPLE = 100;
const PER_PERSON = 40;

describe("two instances sharing the event log", () => {
  let target: StoreTarget;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    target = await storeTarget("redis");
    // Small batches, so both consumers get a share of a short stream.
    for (let i = 0; i < 2; i++) servers.push(await startTestServer(target, { consumerBatchSize: 16 }));
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await target.cleanup();
  });

  it("spreads the work and applies every event once", async () => {
    const events = createServiceClient(EventService, servers[0]!.server.address);
    const people = createServiceClient(PersonService, servers[1]!.server.address);
    try {
      const all: EventInit[] = [];
      for (let n = 0; n < PER_PERSON; n++) {
        for (let p = 0; p < PEOPLE; p++) {
          all.push({
            eventId: `s-${p}-${n}`,
            subject: { case: "userId", value: `shared-${p}` },
            timestampMs: BigInt(Date.now() - 1000 + n),
            channel: 1,
            payload: { case: "viewItem", value: { sku: `SKU-${n % 5}`, category: "garden", price: 5 } },
          });
        }
      }
      for (let i = 0; i < all.length; i += 500) {
        expect((await events.track({ events: all.slice(i, i + 500) })).rejected).toEqual([]);
      }
      const log = servers[0]!.server.eventLog;
      const until = Date.now() + 30_000;
      for (;;) {
        const b = await log.backlog();
        if (b.undelivered + b.pending === 0 || Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await log.backlog()).toEqual({ undelivered: 0, pending: 0 });
      const applied = servers.map((s) => s.server.consumer!.stats.applied);
      expect(applied[0]! + applied[1]!).toBe(PEOPLE * PER_PERSON);
      expect(Math.min(...applied)).toBeGreaterThan(0);
      const counts = await Promise.all(
        Array.from({ length: PEOPLE }, (_, p) =>
          people.getPerson({ userId: `shared-${p}` }).then((r) => Number(r.eventsApplied)),
        ),
      );
      expect(counts).toEqual(Array.from({ length: PEOPLE }, () => PER_PERSON));
    } finally {
      events.close();
      people.close();
    }
  });
});
