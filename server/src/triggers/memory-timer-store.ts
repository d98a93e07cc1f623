import type {
  ClaimResult,
  FiredTrigger,
  LiveTimer,
  TimerChange,
  TimerSet,
  TimerStore,
} from "./timer-store.js";
import { TRIGGER_KINDS, type TriggerKind } from "./trigger-config.js";

/** Options of `createMemoryTimerStore`. */
export interface MemoryTimerStoreOptions {
  /** The clock pending entries' idle time is measured by. @default Date.now */
  readonly now?: () => number;
}

/** The in-process timer store, with its dead letters for tests to look at. */
export interface MemoryTimerStore extends TimerStore {
  readonly kind: "memory";
  readonly deadLetters: readonly FiredTrigger[];
}

interface Timer {
  dueMs: number;
  /** SKU → last touched. */
  readonly skus: Map<string, number>;
}

interface Entry {
  readonly id: string;
  readonly trigger: Omit<FiredTrigger, "entryId" | "deliveries">;
  /** Null until delivered. */
  consumer: string | null;
  deliveredAtMs: number;
  deliveries: number;
}

const key = (kind: TriggerKind, personId: string) => `${kind}\t${personId}`;

/**
 * The timer store in process, with the semantics of the Redis one (one
 * schedule, a fired stream with one consumer group): for tests and for a
 * server without Redis. Everything it does is synchronous, so each call is
 * atomic.
 */
export function createMemoryTimerStore(options: MemoryTimerStoreOptions = {}): MemoryTimerStore {
  const now = options.now ?? Date.now;
  const timers = new Map<string, Timer>();
  /** The fired stream: entries in id order, until acknowledged. */
  const stream = new Map<string, Entry>();
  const deadLetters: FiredTrigger[] = [];
  let seq = 0;

  const fired = (e: Entry): FiredTrigger => ({ ...e.trigger, entryId: e.id, deliveries: e.deliveries });

  const applySet = (personId: string, c: TimerSet): void => {
    if (c.unlessLive !== null && timers.has(key(c.unlessLive, personId))) return;
    const k = key(c.kind, personId);
    let t = timers.get(k);
    const skus = c.replaceSkus || t === undefined ? new Map<string, number>() : t.skus;
    for (const sku of c.removeSkus) skus.delete(sku);
    for (const { sku, atMs } of c.addSkus) skus.set(sku, Math.max(skus.get(sku) ?? atMs, atMs));
    if (skus.size > c.maxSkus) {
      for (const sku of sortedSkus(skus).slice(c.maxSkus)) skus.delete(sku);
    }
    if (c.cancelWhenEmpty && skus.size === 0) {
      timers.delete(k);
      return;
    }
    const dueMs = t === undefined || c.due === "replace" ? c.dueMs : Math.max(t.dueMs, c.dueMs);
    t = { dueMs, skus };
    timers.set(k, t);
  };

  return {
    kind: "memory",
    deadLetters,

    async apply(personId, changes: readonly TimerChange[]) {
      for (const c of changes) {
        if (c.op === "cancel") timers.delete(key(c.kind, personId));
        else applySet(personId, c);
      }
    },

    async timersOf(personId) {
      const out: LiveTimer[] = [];
      for (const kind of TRIGGER_KINDS) {
        const t = timers.get(key(kind, personId));
        if (t !== undefined) out.push({ kind, dueMs: t.dueMs, skus: sortedSkus(t.skus) });
      }
      return out;
    },

    async popDue(nowMs, max) {
      const due = [...timers].filter(([, t]) => t.dueMs <= nowMs);
      due.sort(([ka, a], [kb, b]) => a.dueMs - b.dueMs || (ka < kb ? -1 : ka > kb ? 1 : 0));
      const taken = due.slice(0, max);
      for (const [k, t] of taken) {
        timers.delete(k);
        const tab = k.indexOf("\t");
        const kind = k.slice(0, tab) as TriggerKind;
        const personId = k.slice(tab + 1);
        const id = `${now()}-${seq++}`;
        stream.set(id, {
          id,
          trigger: {
            triggerId: `${kind}:${personId}:${t.dueMs}`,
            kind,
            personId,
            dueMs: t.dueMs,
            skus: sortedSkus(t.skus),
          },
          consumer: null,
          deliveredAtMs: 0,
          deliveries: 0,
        });
      }
      return taken.length;
    },

    async readFired(consumer, max) {
      const out: FiredTrigger[] = [];
      for (const e of stream.values()) {
        if (out.length >= max) break;
        if (e.consumer !== null) continue;
        e.consumer = consumer;
        e.deliveredAtMs = now();
        e.deliveries = 1;
        out.push(fired(e));
      }
      return out;
    },

    async claimStale(consumer, minIdleMs, max, maxDeliveries): Promise<ClaimResult> {
      const claimed: FiredTrigger[] = [];
      const dead: FiredTrigger[] = [];
      const t = now();
      for (const e of [...stream.values()]) {
        if (claimed.length + dead.length >= max) break;
        if (e.consumer === null || t - e.deliveredAtMs < minIdleMs) continue;
        e.consumer = consumer;
        e.deliveredAtMs = t;
        e.deliveries++;
        if (e.deliveries > maxDeliveries) {
          stream.delete(e.id);
          deadLetters.push(fired(e));
          dead.push(fired(e));
        } else claimed.push(fired(e));
      }
      return { claimed, deadLettered: dead };
    },

    async ack(entryIds) {
      for (const id of entryIds) {
        const e = stream.get(id);
        if (e !== undefined && e.consumer !== null) stream.delete(id);
      }
    },

    async forgetPerson(personId) {
      let n = 0;
      for (const kind of TRIGGER_KINDS) if (timers.delete(key(kind, personId))) n++;
      return n;
    },

    async backlog() {
      return stream.size;
    },
  };
}

/** SKUs most recently touched first; ties by SKU descending, as Redis ZREVRANGE orders them. */
function sortedSkus(skus: ReadonlyMap<string, number>): string[] {
  return [...skus].sort(([a, ta], [b, tb]) => tb - ta || (a < b ? 1 : a > b ? -1 : 0)).map(([sku]) => sku);
}
