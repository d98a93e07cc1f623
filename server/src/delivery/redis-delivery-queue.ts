import type { Redis } from "ioredis";
import type { CapStore } from "../caps/cap-store.js";
import { Channel, isChannel } from "../domain/channel.js";
import { encodeDeliveryBody, leadExperienceId } from "../grpc/encode-delivery.js";
import type { Logger } from "../log.js";
import type { Policy } from "../policy/policy.js";
import { DELIVERY_GROUP, deliveryKeys, F, onceKey } from "./delivery-keys.js";
import type { DeliveryQueue, QueuedDecision } from "./delivery-queue.js";
import { CLAIM_LUA, ENQUEUE_LUA, FINISH_LUA, MOVE_DUE_LUA, SETTLE_LUA } from "./delivery-scripts.js";

/** Knobs of delivery; see ServerOptions for each. */
export interface DeliveryOptions {
  /** A delivery not acked for this long goes to another consumer. @default 30000 */
  readonly ackTimeoutMs: number;
  /** Most credits one consumer holds. @default 1024 */
  readonly maxCredits: number;
  /** A channel never delivers one experience twice within this. @default 7 days */
  readonly dedupeWindowMs: number;
  /** Deliveries of one entry after which it is dead-lettered. @default 10 */
  readonly maxDeliveries: number;
  /** Latest retry an adapter may defer to, from now. @default 7 days */
  readonly maxDeferMs: number;
  /** How long a trigger's once marker lives. @default 7 days */
  readonly onceTtlMs: number;
  /** Entries the dead-letter stream keeps per channel (approximately). @default 100000 */
  readonly maxDeadEntries: number;
}

export const DEFAULT_DELIVERY_OPTIONS: Readonly<DeliveryOptions> = Object.freeze({
  ackTimeoutMs: 30_000,
  maxCredits: 1024,
  dedupeWindowMs: 7 * 24 * 3600_000,
  maxDeliveries: 10,
  maxDeferMs: 7 * 24 * 3600_000,
  onceTtlMs: 7 * 24 * 3600_000,
  maxDeadEntries: 100_000,
});

/** One entry of a decision stream, as read. */
export interface StreamEntry {
  readonly id: string;
  readonly person: string;
  readonly experience: string;
  readonly decision: string;
  readonly expiresAtMs: number;
  readonly capsHeld: boolean;
  readonly timeZone: string;
  readonly trigger: string;
  readonly body: Buffer;
}

interface DeliveryCommands {
  relevanceDeliverEnqueue(...args: (string | Buffer | number)[]): Promise<string | null>;
  relevanceDeliverClaim(key: string, id: string, windowMs: number): Promise<number>;
  relevanceDeliverSettleBuffer(...args: (string | number)[]): Promise<Buffer[]>;
  relevanceDeliverFinish(...args: string[]): Promise<number>;
  relevanceDeliverMoveDue(later: string, stream: string, now: number, max: number): Promise<number>;
}

/** What was decided about an entry that will not be delivered now. */
export type Settlement =
  | { readonly mode: "drop"; readonly reason: string }
  | { readonly mode: "dead"; readonly reason: string }
  | { readonly mode: "defer"; readonly retryAtMs: number; readonly reason: string };

/** Counters of delivery on this instance. */
export interface DeliveryStats {
  enqueued: number;
  sent: number;
  delivered: number;
  redelivered: number;
  deferred: number;
  dead: number;
  /** Dropped entries by reason (no_consent, caps_released, expired, duplicate_experience, rejected). */
  dropped: Record<string, number>;
}

/**
 * The per-channel decision streams on Redis: enqueue (DeliveryQueue), and the
 * operations Subscribe needs to read, claim, settle and finish entries.
 */
export interface RedisDeliveryHub extends DeliveryQueue {
  readonly options: Readonly<DeliveryOptions>;
  readonly stats: DeliveryStats;
  readonly redis: Redis;
  /** Creates each channel's stream and consumer group if missing. */
  ensureStreams(): Promise<void>;
  /** Offers due deferred entries of every channel again; how many moved. */
  moveDue(nowMs: number): Promise<number>;
  /** Claims the entry's experience for it; false when another entry delivered it within the window. */
  claim(channel: Channel, entry: StreamEntry): Promise<boolean>;
  /** Acks and deletes delivered entries. */
  finish(channel: Channel, ids: readonly string[]): Promise<void>;
  /** Drops, defers or dead-letters an entry; releases its caps unless deferred. */
  settle(channel: Channel, id: string, how: Settlement): Promise<void>;
  /** Starts moving due deferred entries every `everyMs`. */
  startMover(everyMs?: number): void;
  close(): void;
}

export interface RedisDeliveryHubOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  readonly caps: CapStore;
  readonly policy: () => Policy;
  readonly log: Logger;
  readonly options?: Partial<DeliveryOptions>;
  readonly now?: () => number;
}

const CHANNELS: readonly Channel[] = Object.values(Channel);

/** Reads the fields of an entry (Buffers, as returned with the *Buffer commands). */
export function parseEntry(id: string, fields: readonly Buffer[]): StreamEntry {
  const map = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!.toString(), fields[i + 1]!);
  const text = (k: string) => map.get(k)?.toString() ?? "";
  return {
    id,
    person: text(F.person),
    experience: text(F.experience),
    decision: text(F.decision),
    expiresAtMs: Number(text(F.expiresAt)) || 0,
    capsHeld: text(F.capsHeld) === "1",
    timeZone: text(F.timeZone),
    trigger: text(F.trigger),
    body: map.get(F.body) ?? Buffer.alloc(0),
  };
}

export function createRedisDeliveryHub(o: RedisDeliveryHubOptions): RedisDeliveryHub {
  const { redis, keyPrefix, caps, log } = o;
  const options: DeliveryOptions = { ...DEFAULT_DELIVERY_OPTIONS, ...o.options };
  const now = o.now ?? Date.now;
  redis.defineCommand("relevanceDeliverEnqueue", { numberOfKeys: 2, lua: ENQUEUE_LUA });
  redis.defineCommand("relevanceDeliverClaim", { numberOfKeys: 1, lua: CLAIM_LUA });
  redis.defineCommand("relevanceDeliverSettle", { numberOfKeys: 3, lua: SETTLE_LUA });
  redis.defineCommand("relevanceDeliverFinish", { numberOfKeys: 1, lua: FINISH_LUA });
  redis.defineCommand("relevanceDeliverMoveDue", { numberOfKeys: 2, lua: MOVE_DUE_LUA });
  const commands = redis as unknown as DeliveryCommands;
  const stats: DeliveryStats = {
    enqueued: 0,
    sent: 0,
    delivered: 0,
    redelivered: 0,
    deferred: 0,
    dead: 0,
    dropped: {},
  };
  let mover: NodeJS.Timeout | null = null;

  const hub: RedisDeliveryHub = {
    options,
    stats,
    redis,

    async enqueue(queued: QueuedDecision, key: string): Promise<boolean> {
      const d = queued.decision;
      if (d.items.length === 0) return false;
      if (!isChannel(d.channel)) throw new RangeError(`decision.channel: unknown channel ${d.channel}`);
      const keys = deliveryKeys(keyPrefix, d.channel);
      const atMs = now();
      const capsHeld = await caps.isHeld(queued.recipient, d.decisionId);
      const body = encodeDeliveryBody(queued, o.policy(), atMs);
      const id = await commands.relevanceDeliverEnqueue(
        onceKey(keyPrefix, key),
        keys.stream,
        options.onceTtlMs,
        F.person,
        queued.recipient,
        F.experience,
        leadExperienceId(queued),
        F.decision,
        d.decisionId,
        F.expiresAt,
        queued.expiresAtMs,
        F.capsHeld,
        capsHeld ? "1" : "0",
        F.timeZone,
        queued.timeZone,
        F.trigger,
        queued.trigger,
        F.body,
        body,
      );
      if (id === null) {
        // A retried trigger: its first decision is on the stream; this one goes nowhere.
        if (capsHeld) await caps.release(queued.recipient, d.decisionId);
        return false;
      }
      stats.enqueued++;
      return true;
    },

    async ensureStreams() {
      for (const c of CHANNELS) {
        try {
          await redis.xgroup("CREATE", deliveryKeys(keyPrefix, c).stream, DELIVERY_GROUP, "0", "MKSTREAM");
        } catch (e) {
          if (!String(e).includes("BUSYGROUP")) throw e;
        }
      }
    },

    async moveDue(nowMs) {
      let moved = 0;
      for (const c of CHANNELS) {
        const k = deliveryKeys(keyPrefix, c);
        moved += await commands.relevanceDeliverMoveDue(k.later, k.stream, nowMs, 1000);
      }
      return moved;
    },

    async claim(channel, entry) {
      if (entry.experience === "") return true;
      const key = deliveryKeys(keyPrefix, channel).sent(entry.experience);
      return (await commands.relevanceDeliverClaim(key, entry.id, options.dedupeWindowMs)) === 1;
    },

    async finish(channel, ids) {
      if (ids.length === 0) return;
      await commands.relevanceDeliverFinish(deliveryKeys(keyPrefix, channel).stream, DELIVERY_GROUP, ...ids);
      stats.delivered += ids.length;
    },

    async settle(channel, id, how) {
      const k = deliveryKeys(keyPrefix, channel);
      const fields = await commands.relevanceDeliverSettleBuffer(
        k.stream,
        k.later,
        k.dead,
        DELIVERY_GROUP,
        id,
        how.mode,
        how.mode === "defer" ? how.retryAtMs : how.reason,
        `${k.stream}:sent:`,
        options.maxDeadEntries,
      );
      if (fields.length === 0) return;
      const entry = parseEntry(id, fields);
      if (how.mode === "defer") {
        stats.deferred++;
      } else {
        if (how.mode === "dead") stats.dead++;
        else {
          const kind = how.reason.split(":")[0] ?? how.reason;
          stats.dropped[kind] = (stats.dropped[kind] ?? 0) + 1;
        }
        // Never delivered: give its caps back.
        if (entry.capsHeld && entry.person !== "") await caps.release(entry.person, entry.decision);
      }
      log.info(how.mode === "defer" ? "delivery deferred" : "delivery dropped", {
        channel,
        deliveryId: id,
        decisionId: entry.decision,
        trigger: entry.trigger,
        mode: how.mode,
        reason: how.reason,
        ...(how.mode === "defer" ? { retryAtMs: how.retryAtMs } : {}),
      });
    },

    startMover(everyMs = 250) {
      if (mover !== null) return;
      mover = setInterval(() => {
        hub.moveDue(now()).catch((e: unknown) => log.warn("moving deferred deliveries failed", { err: e }));
      }, everyMs);
      mover.unref();
    },

    close() {
      if (mover !== null) clearInterval(mover);
      mover = null;
    },
  };
  return hub;
}
