import type { Redis } from "ioredis";
import { resolveKeyPrefix } from "../profile/redis-profile-store.js";
import { ACK_LUA, APPLY_LUA, CLAIM_LUA, POP_DUE_LUA } from "./timer-scripts.js";
import type { ClaimResult, FiredTrigger, LiveTimer, TimerChange, TimerStore } from "./timer-store.js";
import { isTriggerKind, TRIGGER_KINDS, type TriggerKind } from "./trigger-config.js";

/** Options of `createRedisTimerStore`. */
export interface RedisTimerStoreOptions {
  /** The caller's client (not closed by the store). Non-blocking commands only. */
  readonly redis: Redis;
  /** Prefix of every key; no `{` or `}`. @default "rl:" */
  readonly keyPrefix?: string;
  /** Consumer group of the fired stream; every server instance joins the same one. @default "trigger-runners" */
  readonly group?: string;
  /** How long a timer's SKU set outlives its due time when nothing fires it, in ms. @default 604800000 (7 days) */
  readonly skuRetentionMs?: number;
  /** Dead-lettered firings kept (approximately). @default 100000 */
  readonly deadLetterMaxLen?: number;
}

/** The Redis keys of the timer store. */
export interface TimerKeys {
  /** Sorted set: member `<kind>\t<personId>`, score = due time in ms. */
  readonly schedule: string;
  /** Stream of fired timers, with the consumer group. */
  readonly fired: string;
  /** Stream of firings not processed after maxDeliveries. */
  readonly dead: string;
}

/** The schedule, fired and dead-letter keys under `keyPrefix`. */
export function timerKeys(keyPrefix: string): TimerKeys {
  return { schedule: `${keyPrefix}timers`, fired: `${keyPrefix}fired`, dead: `${keyPrefix}fired:dead` };
}

/** The sorted set of SKUs (score = last touched, ms) of one person's timer of one kind. */
export function timerSkuKey(keyPrefix: string, personId: string, kind: TriggerKind): string {
  return `${keyPrefix}{u:${personId}}:timer:${kind}`;
}

type RawEntry = [id: string, fields: string[] | null];

/** One `apply` call waiting for its chunk's script call. */
interface QueuedApply {
  readonly encoded: unknown[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Most people whose timer changes share one script call. */
const APPLY_CHUNK = 64;

interface TimerCommands {
  relevanceTimersApply(schedule: string, prefix: string, retention: string, changes: string): Promise<number>;
  relevanceTimersPopDue(schedule: string, fired: string, ...args: string[]): Promise<number>;
  relevanceTimersClaim(
    fired: string,
    dead: string,
    ...args: string[]
  ): Promise<[[string, string[], number][], [string, string[], number][]]>;
  relevanceTimersAck(fired: string, group: string, ...ids: string[]): Promise<number>;
}

/**
 * Timers on Redis: the schedule `<prefix>timers` (sorted set by due time), a
 * SKU set per timer `<prefix>{u:<personId>}:timer:<kind>`, and the fired
 * stream `<prefix>fired` with one consumer group (dead letters in
 * `<prefix>fired:dead`). A person's changes are one script; `popDue` is one
 * script that moves due timers from the schedule to the stream, so any number
 * of instances can poll together and each timer fires once. Needs Redis ≥ 6.2
 * (ZADD GT, XAUTOCLAIM).
 */
export async function createRedisTimerStore(options: RedisTimerStoreOptions): Promise<TimerStore> {
  const { redis } = options;
  const prefix = resolveKeyPrefix(options.keyPrefix);
  const group = options.group ?? "trigger-runners";
  const retention = options.skuRetentionMs ?? 7 * 24 * 3600 * 1000;
  const deadMax = options.deadLetterMaxLen ?? 100_000;
  if (!Number.isInteger(retention) || retention < 0) {
    throw new RangeError(`options.skuRetentionMs must be a non-negative integer, got ${retention}`);
  }
  const keys = timerKeys(prefix);

  const ensureGroup = async () => {
    try {
      await redis.xgroup("CREATE", keys.fired, group, "0", "MKSTREAM");
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("BUSYGROUP"))) throw error;
    }
  };
  await ensureGroup();
  /** Runs `f`, recreating the group once when the stream was deleted under it (NOGROUP). */
  const withGroup = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (error) {
      if (!(error instanceof Error && error.message.includes("NOGROUP"))) throw error;
      await ensureGroup();
      return f();
    }
  };

  redis.defineCommand("relevanceTimersApply", { numberOfKeys: 1, lua: APPLY_LUA });
  redis.defineCommand("relevanceTimersPopDue", { numberOfKeys: 2, lua: POP_DUE_LUA });
  redis.defineCommand("relevanceTimersClaim", { numberOfKeys: 2, lua: CLAIM_LUA });
  redis.defineCommand("relevanceTimersAck", { numberOfKeys: 1, lua: ACK_LUA });
  const commands = redis as unknown as TimerCommands;
  const kindIndex = (k: TriggerKind) => TRIGGER_KINDS.indexOf(k) + 1;

  const toFired = (id: string, fields: readonly string[], deliveries: number): FiredTrigger | null => {
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
    const kind = f.get("kind") ?? "";
    if (!isTriggerKind(kind)) return null;
    return {
      entryId: id,
      triggerId: f.get("id") ?? "",
      kind,
      personId: f.get("person") ?? "",
      dueMs: Number(f.get("due")),
      skus: JSON.parse(f.get("skus") ?? "[]") as string[],
      deliveries,
    };
  };

  // Calls of `apply` made in one go (the consumer's hooks for a slice of
  // people) share script calls: one per APPLY_CHUNK people, each person's
  // changes still in order and atomic, each call settled with its chunk.
  let queued: QueuedApply[] = [];
  const flush = (): void => {
    const all = queued;
    queued = [];
    for (let start = 0; start < all.length; start += APPLY_CHUNK) {
      const chunk = all.slice(start, start + APPLY_CHUNK);
      let sent: Promise<number>;
      try {
        sent = commands.relevanceTimersApply(
          keys.schedule,
          prefix,
          String(retention),
          JSON.stringify(chunk.map((q) => q.encoded)),
        );
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent.then(
        () => {
          for (const q of chunk) q.resolve();
        },
        (error: unknown) => {
          for (const q of chunk) q.reject(error);
        },
      );
    }
  };

  return {
    kind: "redis",

    apply(personId, changes: readonly TimerChange[]) {
      if (changes.length === 0) return Promise.resolve();
      const encoded: unknown[] = [personId];
      for (const c of changes) {
        encoded.push(
          c.op === "cancel"
            ? [kindIndex(c.kind), "cancel"]
            : [
                kindIndex(c.kind),
                "set",
                String(Math.round(c.dueMs)),
                c.due === "later" ? 1 : 0,
                c.addSkus.flatMap((s) => [s.sku, String(Math.round(s.atMs))]),
                c.removeSkus,
                c.replaceSkus ? 1 : 0,
                c.maxSkus,
                c.cancelWhenEmpty ? 1 : 0,
                c.unlessLive === null ? 0 : kindIndex(c.unlessLive),
              ],
        );
      }
      return new Promise<void>((resolve, reject) => {
        if (queued.length === 0) queueMicrotask(flush);
        queued.push({ encoded, resolve, reject });
      });
    },

    async timersOf(personId) {
      const m = redis.multi();
      for (const k of TRIGGER_KINDS) {
        m.zscore(keys.schedule, `${k}\t${personId}`);
        m.zrevrange(timerSkuKey(prefix, personId, k), 0, -1);
      }
      const results = await m.exec();
      if (results === null) throw new Error("redis transaction was discarded");
      const out: LiveTimer[] = [];
      TRIGGER_KINDS.forEach((kind, i) => {
        const [e1, score] = results[2 * i]!;
        const [e2, skus] = results[2 * i + 1]!;
        if (e1 ?? e2) throw e1 ?? e2;
        if (score !== null) out.push({ kind, dueMs: Number(score), skus: skus as string[] });
      });
      return out;
    },

    popDue(nowMs, max) {
      return commands.relevanceTimersPopDue(
        keys.schedule,
        keys.fired,
        prefix,
        String(Math.floor(nowMs)),
        String(max),
      );
    },

    readFired(consumer, max) {
      return withGroup(async () => {
        const reply = (await redis.xreadgroup(
          "GROUP",
          group,
          consumer,
          "COUNT",
          max,
          "STREAMS",
          keys.fired,
          ">",
        )) as [string, RawEntry[]][] | null;
        const out: FiredTrigger[] = [];
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            const t = fields === null ? null : toFired(id, fields, 1);
            if (t !== null) out.push(t);
            // An entry that is not a firing (written by hand) must not stay pending forever.
            else await commands.relevanceTimersAck(keys.fired, group, id);
          }
        }
        return out;
      });
    },

    claimStale(consumer, minIdleMs, max, maxDeliveries) {
      return withGroup(async (): Promise<ClaimResult> => {
        const [claimedRaw, deadRaw] = await commands.relevanceTimersClaim(
          keys.fired,
          keys.dead,
          group,
          consumer,
          String(Math.max(0, Math.floor(minIdleMs))),
          String(max),
          String(maxDeliveries),
          String(deadMax),
        );
        const claimed: FiredTrigger[] = [];
        for (const [id, fields, n] of claimedRaw) {
          const t = toFired(id, fields, n);
          if (t !== null) claimed.push(t);
          else await commands.relevanceTimersAck(keys.fired, group, id);
        }
        const deadLettered = deadRaw.flatMap(([id, fields, n]) => toFired(id, fields, n) ?? []);
        return { claimed, deadLettered };
      });
    },

    async ack(entryIds) {
      if (entryIds.length > 0) await commands.relevanceTimersAck(keys.fired, group, ...entryIds);
    },

    async forgetPerson(personId) {
      const m = redis.multi();
      m.zrem(keys.schedule, ...TRIGGER_KINDS.map((k) => `${k}\t${personId}`));
      m.unlink(...TRIGGER_KINDS.map((k) => timerSkuKey(prefix, personId, k)));
      const results = await m.exec();
      if (results === null) throw new Error("redis transaction was discarded");
      for (const [error] of results) if (error) throw error;
      return Number(results[0]![1]);
    },

    backlog() {
      // Acknowledged entries are deleted (ACK_LUA), so the stream holds exactly the unacknowledged ones.
      return redis.xlen(keys.fired);
    },
  };
}
