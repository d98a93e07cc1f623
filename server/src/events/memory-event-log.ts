import type { EventLog, LogAppend, LogEntry } from "./event-log.js";

interface Pending {
  readonly entry: LogEntry;
  consumer: string;
  deliveredAtMs: number;
  deliveries: number;
}

/**
 * The event log inside the process, for the embedded mode (no REDIS_URL):
 * the same contract as the Redis Stream, lost on exit.
 */
export function createMemoryEventLog(options: { deadLetterMaxLen?: number } = {}): EventLog {
  const deadMax = options.deadLetterMaxLen ?? 100_000;
  let live: LogEntry[] = [];
  let delivered = 0; // live[0..delivered) were handed to a consumer
  const pending = new Map<string, Pending>();
  let dead: { entry: LogEntry; reason: string }[] = [];
  let seq = 0;
  let lastMs = 0;
  let waiters: (() => void)[] = [];
  let closed = false;

  const nextId = () => {
    const now = Date.now();
    if (now > lastMs) {
      lastMs = now;
      seq = 0;
    } else seq++;
    return `${lastMs}-${seq}`;
  };
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const take = (consumer: string, count: number): LogEntry[] => {
    const out = live.slice(delivered, delivered + count);
    delivered += out.length;
    const now = Date.now();
    for (const entry of out) pending.set(entry.id, { entry, consumer, deliveredAtMs: now, deliveries: 1 });
    return out;
  };

  return {
    kind: "memory",

    async append(entries: readonly LogAppend[]) {
      if (closed) throw new Error("event log is closed");
      for (const e of entries) live.push({ id: nextId(), userId: e.userId, data: e.data });
      if (entries.length > 0) wake();
    },

    async read(consumer, count, blockMs) {
      if (delivered >= live.length && !closed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            waiters = waiters.filter((w) => w !== done);
            resolve();
          }, blockMs);
          const done = () => {
            clearTimeout(timer);
            resolve();
          };
          waiters.push(done);
        });
      }
      return take(consumer, count);
    },

    async claimStale(consumer, minIdleMs, count, maxDeliveries) {
      const now = Date.now();
      const entries: LogEntry[] = [];
      const poison: LogEntry[] = [];
      for (const p of pending.values()) {
        if (entries.length + poison.length >= count) break;
        if (now - p.deliveredAtMs < minIdleMs) continue;
        (p.deliveries >= maxDeliveries ? poison : entries).push(p.entry);
        p.consumer = consumer;
        p.deliveredAtMs = now;
        p.deliveries++;
      }
      return { entries, poison };
    },

    async ack(ids) {
      for (const id of ids) pending.delete(id);
    },

    async deadLetter(entry, reason) {
      dead.push({ entry, reason });
      if (dead.length > deadMax) dead = dead.slice(dead.length - deadMax);
      pending.delete(entry.id);
    },

    async backlog() {
      return { undelivered: live.length - delivered, pending: pending.size };
    },

    async trim() {
      // Keep from the oldest pending entry on; everything before it was acknowledged.
      let keepFrom = delivered;
      for (let i = 0; i < delivered; i++) {
        if (pending.has(live[i]!.id)) {
          keepFrom = i;
          break;
        }
      }
      live = live.slice(keepFrom);
      delivered -= keepFrom;
      return keepFrom;
    },

    async deleteEntriesFor(userIds) {
      let deleted = 0;
      const kept: LogEntry[] = [];
      let keptDelivered = 0;
      live.forEach((e, i) => {
        if (userIds.has(e.userId)) {
          deleted++;
          pending.delete(e.id);
        } else {
          kept.push(e);
          if (i < delivered) keptDelivered++;
        }
      });
      live = kept;
      delivered = keptDelivered;
      const before = dead.length;
      dead = dead.filter((d) => !userIds.has(d.entry.userId));
      return deleted + before - dead.length;
    },

    async deadLetters(count) {
      return dead.slice(0, count);
    },

    async close() {
      closed = true;
      wake();
    },
  };
}
