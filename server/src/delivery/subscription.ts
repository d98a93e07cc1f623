import type { Redis } from "ioredis";
import type { CapStore } from "../caps/cap-store.js";
import type { Channel } from "../domain/channel.js";
import { channelPurpose } from "../domain/consent.js";
import type { PersonStateStore } from "../domain/stores.js";
import { frameDelivery } from "../grpc/encode-delivery.js";
import type { Logger } from "../log.js";
import type { Policy } from "../policy/policy.js";
import { quietHoursEnd } from "../policy/quiet-hours.js";
import { DELIVERY_GROUP, deliveryKeys } from "./delivery-keys.js";
import { parseEntry, type RedisDeliveryHub, type StreamEntry } from "./redis-delivery-queue.js";

/** An adapter's answer about one delivery, validated at the gRPC edge. */
export type AckOutcome = "delivered" | "deferred" | "rejected" | "duplicate";

export interface DeliveryAck {
  readonly deliveryId: string;
  readonly outcome: AckOutcome;
  readonly reason: string;
  /** For "deferred": when to offer it again, ms since the epoch. */
  readonly retryAtMs: number;
}

export interface SubscriptionOptions {
  readonly hub: RedisDeliveryHub;
  /** A connection of its own for the blocking reads; the subscription closes it. */
  readonly blocking: Redis;
  readonly keyPrefix: string;
  readonly channel: Channel;
  readonly consumer: string;
  readonly credits: number;
  readonly people: PersonStateStore;
  readonly caps: CapStore;
  readonly policy: () => Policy;
  readonly log: Logger;
  /** Writes one framed `SubscribeResponse`; resolves when the transport can take more. */
  readonly send: (frame: Buffer) => Promise<void>;
  readonly now?: () => number;
}

/** One adapter's subscription to a channel's decision stream. */
export interface Subscription {
  /** Reads and sends until `close`; rejects when Redis fails for good. */
  run(): Promise<void>;
  grant(credits: number): void;
  ack(acks: readonly DeliveryAck[]): Promise<void>;
  close(): void;
  readonly credits: number;
}

/** The Buffer-returning variants ioredis has at run time but does not type for these commands. */
interface BufferCommands {
  xreadgroupBuffer(...args: (string | number)[]): Promise<unknown>;
  xautoclaimBuffer(...args: (string | number)[]): Promise<unknown>;
}

type XReadReply = [Buffer, [Buffer, Buffer[] | null][]][] | null;

/**
 * The loop behind one `Subscribe` stream. First the consumer's own unacked
 * deliveries (a restarted adapter gets back what it had not acked), then,
 * while it has credits: entries other consumers left unacked past the ack
 * timeout, and new entries. Each entry is checked again before it is sent —
 * expired, consent withdrawn, cap reservation given back (dropped, caps
 * released), quiet hours in the recipient's zone (deferred to their end),
 * experience already delivered in the channel's window (dropped) — and sent
 * with its experience id as the idempotency key.
 */
export function createSubscription(o: SubscriptionOptions): Subscription {
  const { hub, blocking, channel, consumer } = o;
  const now = o.now ?? Date.now;
  const { stream } = deliveryKeys(o.keyPrefix, channel);
  const { ackTimeoutMs, maxCredits, maxDeliveries } = hub.options;
  const blockMs = Math.max(50, Math.min(1000, Math.floor(ackTimeoutMs / 2)));
  let credits = Math.min(o.credits, maxCredits);
  let closed = false;
  let wake: (() => void) | null = null;
  const purpose = channelPurpose(channel);

  const waitForCredits = async (): Promise<void> => {
    while (credits <= 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
  };

  const entriesOf = (reply: XReadReply): { ids: string[]; entries: StreamEntry[]; gone: string[] } => {
    const ids: string[] = [];
    const entries: StreamEntry[] = [];
    const gone: string[] = [];
    for (const [, list] of reply ?? []) {
      for (const [idBuf, fields] of list) {
        const id = idBuf.toString();
        ids.push(id);
        if (fields === null || fields.length === 0) gone.push(id);
        else entries.push(parseEntry(id, fields));
      }
    }
    return { ids, entries, gone };
  };

  /** How often each entry has been delivered, from the pending list. */
  const attemptsOf = async (entries: readonly StreamEntry[]): Promise<number[]> => {
    const pipeline = hub.redis.pipeline();
    for (const e of entries) pipeline.xpending(stream, DELIVERY_GROUP, e.id, e.id, 1);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([, r]) => {
      const row = (r as [string, string, number, number][] | undefined)?.[0];
      return row !== undefined ? Number(row[3]) : 1;
    });
  };

  /** Checks each entry again and sends those that may go now. */
  const offer = async (entries: readonly StreamEntry[], redelivered: boolean): Promise<void> => {
    if (entries.length === 0) return;
    const at = now();
    const attempts = redelivered ? await attemptsOf(entries) : entries.map(() => 1);
    const persons = [...new Set(entries.map((e) => e.person))];
    const consents = new Map(
      await Promise.all(persons.map(async (p) => [p, await o.people.readConsent(p)] as const)),
    );
    const held = await Promise.all(
      entries.map((e) => (e.capsHeld ? o.caps.isHeld(e.person, e.decision) : Promise.resolve(true))),
    );
    const policy = o.policy();
    const sendable: { entry: StreamEntry; attempt: number }[] = [];
    await Promise.all(
      entries.map(async (entry, i) => {
        const attempt = attempts[i]!;
        if (attempt > maxDeliveries) {
          return hub.settle(channel, entry.id, {
            mode: "dead",
            reason: `delivered ${attempt - 1} times without an ack (option maxDeliveries ${maxDeliveries})`,
          });
        }
        if (entry.expiresAtMs > 0 && at > entry.expiresAtMs) {
          return hub.settle(channel, entry.id, { mode: "drop", reason: "expired" });
        }
        const consent = consents.get(entry.person);
        if (purpose !== 0 && (consent == null || (consent.granted & purpose) === 0)) {
          return hub.settle(channel, entry.id, { mode: "drop", reason: "no_consent" });
        }
        if (!held[i]) return hub.settle(channel, entry.id, { mode: "drop", reason: "caps_released" });
        const end = quietHoursEnd(policy, channel, at, entry.timeZone);
        if (end > at) {
          return hub.settle(channel, entry.id, { mode: "defer", retryAtMs: end, reason: "quiet_hours" });
        }
        if (!(await hub.claim(channel, entry))) {
          return hub.settle(channel, entry.id, { mode: "drop", reason: "duplicate_experience" });
        }
        sendable.push({ entry, attempt });
      }),
    );
    // In stream order, whatever order the checks finished in.
    sendable.sort((a, b) => compareIds(a.entry.id, b.entry.id));
    for (const { entry, attempt } of sendable) {
      if (closed) return;
      credits--;
      hub.stats.sent++;
      if (attempt > 1) hub.stats.redelivered++;
      await o.send(frameDelivery(entry.id, attempt, entry.body));
    }
  };

  /**
   * Runs a group command, recreating the stream's consumer group once when it
   * is gone (NOGROUP): a Redis that restarted empty, or a deleted stream key,
   * must not leave every later Subscribe failing until the server restarts.
   */
  const withGroup = async <T>(command: () => Promise<T>): Promise<T> => {
    try {
      return await command();
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("NOGROUP"))) throw error;
      o.log.warn("delivery: consumer group missing, recreating it", { channel });
      await hub.ensureStreams();
      return command();
    }
  };

  const read = async (id: string, count: number, block: boolean): Promise<XReadReply> => {
    const args: (string | number)[] = ["GROUP", DELIVERY_GROUP, consumer, "COUNT", count];
    if (block) args.push("BLOCK", blockMs);
    args.push("STREAMS", stream, id);
    return (await withGroup(() =>
      (blocking as unknown as BufferCommands).xreadgroupBuffer(...args),
    )) as XReadReply;
  };

  const settleGone = async (gone: readonly string[]): Promise<void> => {
    // Entries deleted while pending (settled elsewhere): just take them off the pending list.
    if (gone.length > 0) await hub.redis.xack(stream, DELIVERY_GROUP, ...gone);
  };

  const run = async (): Promise<void> => {
    try {
      // 1. What this consumer had been sent and not acked (a restart under the same name).
      let cursor = "0";
      while (!closed) {
        await waitForCredits();
        if (closed) break;
        const { ids, entries, gone } = entriesOf(await read(cursor, Math.min(credits, 512), false));
        if (ids.length === 0) break;
        cursor = ids[ids.length - 1]!;
        await settleGone(gone);
        await offer(entries, true);
      }
      // 2. Entries others left unacked past the timeout, and new ones.
      let nextClaimAt = 0;
      while (!closed) {
        await waitForCredits();
        if (closed) break;
        if (now() >= nextClaimAt) {
          nextClaimAt = now() + blockMs;
          const reply = (await withGroup(() =>
            (hub.redis as unknown as BufferCommands).xautoclaimBuffer(
              stream,
              DELIVERY_GROUP,
              consumer,
              ackTimeoutMs,
              "0-0",
              "COUNT",
              Math.min(credits, 512),
            ),
          )) as [Buffer, [Buffer, Buffer[] | null][], Buffer[]?];
          const claimed = entriesOf([[Buffer.from(stream), reply[1]]]);
          if (claimed.entries.length > 0) {
            await settleGone(claimed.gone);
            await offer(claimed.entries, true);
            continue;
          }
        }
        const { entries, gone } = entriesOf(await read(">", Math.min(credits, 512), true));
        await settleGone(gone);
        await offer(entries, false);
      }
    } catch (e) {
      if (!closed) throw e;
    }
  };

  return {
    run,
    get credits() {
      return credits;
    },
    grant(n) {
      credits = Math.min(credits + n, maxCredits);
      const w = wake;
      wake = null;
      w?.();
    },
    async ack(acks) {
      const done: string[] = [];
      for (const a of acks) {
        if (a.outcome === "delivered" || a.outcome === "duplicate") done.push(a.deliveryId);
      }
      await hub.finish(channel, done);
      for (const a of acks) {
        if (a.outcome === "deferred") {
          await hub.settle(channel, a.deliveryId, {
            mode: "defer",
            retryAtMs: a.retryAtMs,
            reason: a.reason || "deferred by the adapter",
          });
        } else if (a.outcome === "rejected") {
          await hub.settle(channel, a.deliveryId, {
            mode: "drop",
            reason: `rejected: ${a.reason || "no reason given"}`,
          });
        }
      }
    },
    close() {
      if (closed) return;
      closed = true;
      const w = wake;
      wake = null;
      w?.();
      // Ends a blocking read in flight; unacked deliveries stay pending for the next consumer.
      blocking.disconnect();
    },
  };
}

/** Orders stream ids `<ms>-<seq>`. */
function compareIds(a: string, b: string): number {
  const [am = "0", as = "0"] = a.split("-");
  const [bm = "0", bs = "0"] = b.split("-");
  return Number(am) - Number(bm) || Number(as) - Number(bs);
}
