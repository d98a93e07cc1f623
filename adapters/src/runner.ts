import type { ChannelCredentials } from "@grpc/grpc-js";
import type { ChannelName, Delivery } from "./delivery.js";
import type { RenderOutcome } from "./render/render-delivery.js";
import { type Sink, SinkRejectedError } from "./sinks/sink.js";
import { type AdapterAck, openSubscription, type SubscriptionClient } from "./subscription-client.js";

/** Experience ids the adapter delivered, kept across restarts (dedupe-ledger.ts). */
export interface DeliveredLedger {
  has(experienceId: string): boolean;
  add(experienceId: string, atMs: number): void;
  close?(): void | Promise<void>;
}

/** One line of the adapter's log: never a rendered message or a recipient. */
export type AdapterLog = (msg: string, fields?: Record<string, unknown>) => void;

export interface AdapterOptions {
  readonly address: string;
  readonly channel: ChannelName;
  readonly consumer: string;
  readonly sink: Sink;
  readonly ledger: DeliveredLedger;
  readonly render: (delivery: Delivery, nowMs: number) => RenderOutcome;
  /** Deliveries in flight at once (the credits kept granted). @default 256 */
  readonly maxInFlight?: number;
  /** Longest wait before acks go out together, in ms. @default 5 */
  readonly ackDelayMs?: number;
  /** Wait before reconnecting after the stream ended with an error, in ms (doubles up to 5 s). @default 200 */
  readonly reconnectMs?: number;
  readonly log?: AdapterLog;
  /** The adapter's API key, when the server requires one. */
  readonly apiKey?: string;
  /** How to dial the server: TLS or mTLS (client-credentials.ts); plaintext when left out. */
  readonly credentials?: ChannelCredentials;
  readonly now?: () => number;
}

/** What an adapter has done since it started. */
export interface AdapterStats {
  received: number;
  delivered: number;
  /** Experiences already delivered (ledger or sink), acked as duplicates and not sent again. */
  duplicates: number;
  deferred: number;
  rejected: number;
  /** Sends that failed for now: left unacked, the server offers them again. */
  failed: number;
  reconnects: number;
}

export interface RunningAdapter {
  readonly stats: AdapterStats;
  /** Resolves once subscribed (the first time). */
  readonly ready: Promise<void>;
  /** Stops taking deliveries, finishes those in hand, sends their acks, closes. */
  stop(): Promise<void>;
}

/**
 * An adapter: subscribes to its channel, and for each delivery renders it,
 * checks the experience was not delivered before (the ledger, and what the
 * sink already holds), hands it to the sink, records it in the ledger and
 * acks it. The order — sink, ledger, ack — makes every crash safe: killed
 * before the ack, the delivery comes back and the ledger (or the sink's own
 * record, or the receiver's idempotency key) stops a second send.
 */
export function runAdapter(o: AdapterOptions): RunningAdapter {
  const maxInFlight = o.maxInFlight ?? 256;
  const ackDelayMs = o.ackDelayMs ?? 5;
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const stats: AdapterStats = {
    received: 0,
    delivered: 0,
    duplicates: 0,
    deferred: 0,
    rejected: 0,
    failed: 0,
    reconnects: 0,
  };
  /** Experiences being sent now: a redelivery arriving meanwhile waits for the first. */
  const sending = new Map<string, Promise<boolean>>();
  const inHand = new Set<Promise<void>>();
  let pendingAcks: AdapterAck[] = [];
  let pendingCredits = 0;
  let flushTimer: NodeJS.Timeout | null = null;
  let sub: SubscriptionClient | null = null;
  let stopping = false;
  let reconnectMs = o.reconnectMs ?? 200;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let stopped: () => void = () => {};
  const ended = new Promise<void>((resolve) => (stopped = resolve));

  const flush = () => {
    flushTimer = null;
    if (sub === null) return;
    sub.ack(pendingAcks);
    pendingAcks = [];
    if (!stopping) sub.grant(pendingCredits);
    pendingCredits = 0;
  };
  const answer = (ack: AdapterAck | null) => {
    if (ack !== null) pendingAcks.push(ack);
    pendingCredits++;
    if (pendingAcks.length >= 512) flush();
    else flushTimer ??= setTimeout(flush, ackDelayMs);
  };

  const known = (experienceId: string) => o.ledger.has(experienceId) || o.sink.delivered.has(experienceId);

  const handle = async (d: Delivery): Promise<AdapterAck | null> => {
    const earlier = sending.get(d.experienceId);
    if (earlier !== undefined && (await earlier)) {
      stats.duplicates++;
      return { deliveryId: d.deliveryId, outcome: "duplicate" };
    }
    if (known(d.experienceId)) {
      stats.duplicates++;
      return { deliveryId: d.deliveryId, outcome: "duplicate" };
    }
    const r = o.render(d, now());
    if (r.kind === "defer") {
      stats.deferred++;
      return { deliveryId: d.deliveryId, outcome: "deferred", retryAtMs: r.retryAtMs, reason: r.reason };
    }
    if (r.kind === "reject") {
      stats.rejected++;
      log("delivery rejected", { deliveryId: d.deliveryId, reason: r.reason });
      return { deliveryId: d.deliveryId, outcome: "rejected", reason: r.reason };
    }
    let done: (ok: boolean) => void = () => {};
    sending.set(d.experienceId, new Promise<boolean>((resolve) => (done = resolve)));
    try {
      await o.sink.send(r.message);
      o.ledger.add(d.experienceId, now());
      stats.delivered++;
      done(true);
      return { deliveryId: d.deliveryId, outcome: "delivered" };
    } catch (e) {
      done(false);
      if (e instanceof SinkRejectedError) {
        stats.rejected++;
        log("delivery rejected by the sink", { deliveryId: d.deliveryId, reason: e.message });
        return { deliveryId: d.deliveryId, outcome: "rejected", reason: e.message.slice(0, 256) };
      }
      // Not acked: the server offers it again after its ack timeout.
      stats.failed++;
      log("delivery failed for now", { deliveryId: d.deliveryId, err: String(e) });
      return null;
    } finally {
      sending.delete(d.experienceId);
    }
  };

  const connect = () => {
    sub = openSubscription(
      o.address,
      o.channel,
      o.consumer,
      maxInFlight,
      {
        onSubscribed: () => {
          reconnectMs = o.reconnectMs ?? 200;
          markReady();
        },
        onDelivery: (d) => {
          stats.received++;
          const task: Promise<void> = handle(d).then(
            (ack) => answer(ack),
            (e: unknown) => {
              stats.failed++;
              log("delivery failed", { deliveryId: d.deliveryId, err: String(e) });
              answer(null);
            },
          );
          inHand.add(task);
          void task.finally(() => inHand.delete(task));
        },
        onEnd: (e) => {
          sub = null;
          pendingAcks = [];
          pendingCredits = 0;
          if (stopping) return stopped();
          log("subscription ended; reconnecting", { err: e === null ? null : e.message, inMs: reconnectMs });
          stats.reconnects++;
          setTimeout(() => {
            if (stopping) stopped();
            else connect();
          }, reconnectMs).unref();
          reconnectMs = Math.min(reconnectMs * 2, 5000);
        },
      },
      o.apiKey ?? "",
      o.credentials, // undefined: plaintext
    );
  };
  connect();

  return {
    stats,
    ready,
    async stop() {
      if (stopping) return;
      stopping = true;
      while (inHand.size > 0) await Promise.all([...inHand]);
      if (flushTimer !== null) clearTimeout(flushTimer);
      flush();
      if (sub === null) stopped();
      else sub.end();
      await Promise.race([ended, new Promise((r) => setTimeout(r, 2000).unref())]);
      sub?.close();
      await o.sink.close();
      await o.ledger.close?.();
    },
  };
}
