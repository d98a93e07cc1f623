import { create, toBinary } from "@bufbuild/protobuf";
import type { ServerDuplexStream, UntypedServiceImplementation } from "@grpc/grpc-js";
import type { Redis } from "ioredis";
import type { CapStore } from "../caps/cap-store.js";
import type { RedisDeliveryHub } from "../delivery/redis-delivery-queue.js";
import {
  type AckOutcome,
  createSubscription,
  type DeliveryAck,
  type Subscription,
} from "../delivery/subscription.js";
import { CHANNEL_NAMES, isChannel } from "../domain/channel.js";
import type { PersonStateStore } from "../domain/stores.js";
import { DecisionError, invalidField } from "../errors/index.js";
import {
  type Ack as ProtoAck,
  AckOutcome as ProtoAckOutcome,
  SubscribeRequestSchema,
  SubscribeResponseSchema,
} from "../gen/relevance/v1/delivery_pb.js";
import type { Logger } from "../log.js";
import type { Policy } from "../policy/policy.js";
import { decodeMessage } from "./message-codec.js";
import { toServiceError } from "./to-service-error.js";

export interface DeliveryServiceOptions {
  /** Null when the server runs without Redis: Subscribe then answers FAILED_PRECONDITION. */
  readonly hub: RedisDeliveryHub | null;
  /** A new connection for one subscription's blocking reads. */
  readonly connect: () => Promise<Redis>;
  readonly keyPrefix: string;
  readonly people: PersonStateStore;
  readonly caps: CapStore;
  readonly policy: () => Policy;
  readonly log: Logger;
  /** Subscriptions open at once on this instance. */
  readonly maxSubscriptions: number;
}

const CONSUMER = /^[A-Za-z0-9._-]{1,128}$/;
const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
const MAX_ACKS = 4096;
const MAX_REASON = 256;

const OUTCOMES: Readonly<Record<number, AckOutcome>> = {
  [ProtoAckOutcome.DELIVERED]: "delivered",
  [ProtoAckOutcome.DEFERRED]: "deferred",
  [ProtoAckOutcome.REJECTED]: "rejected",
  [ProtoAckOutcome.DUPLICATE]: "duplicate",
};

function ackFromProto(a: ProtoAck, i: number, nowMs: number, maxDeferMs: number): DeliveryAck {
  const field = `acks.acks[${i}]`;
  if (!STREAM_ID.test(a.deliveryId)) {
    throw invalidField(`${field}.delivery_id`, "must be a delivery id as sent (<ms>-<seq>)");
  }
  const outcome = OUTCOMES[a.outcome];
  if (outcome === undefined) {
    throw invalidField(`${field}.outcome`, "must be DELIVERED, DEFERRED, REJECTED or DUPLICATE");
  }
  if (a.reason.length > MAX_REASON) {
    throw new DecisionError(
      "LIMIT_EXCEEDED",
      `${field}.reason: ${a.reason.length} characters exceed the limit of ${MAX_REASON}`,
    );
  }
  const retryAtMs = Number(a.retryAtMs);
  if (outcome === "deferred" && !(retryAtMs > nowMs && retryAtMs <= nowMs + maxDeferMs)) {
    throw invalidField(
      `${field}.retry_at_ms`,
      `must be in the future and at most ${maxDeferMs} ms ahead (option deliveryMaxDeferMs)`,
    );
  }
  return { deliveryId: a.deliveryId, outcome, reason: a.reason, retryAtMs };
}

/**
 * gRPC handler of `relevance.v1.DeliveryService/Subscribe`: validates the
 * adapter's messages (the first a Hello; credits, acks), and runs one
 * `Subscription` per stream. A protocol error ends the stream with
 * INVALID_ARGUMENT naming the field; deliveries not acked by then stay
 * pending and come back to the consumer (or another one).
 */
export function deliveryServiceHandlers(o: DeliveryServiceOptions): DeliveryHandlers {
  let open = 0;
  /** Ends every open stream cleanly (shutdown): adapters reconnect, to another instance if there is one. */
  const enders = new Set<() => void>();
  const handlers: UntypedServiceImplementation = {
    subscribe(call: ServerDuplexStream<Buffer, Buffer>) {
      let sub: Subscription | null = null;
      let ended = false;
      let chain: Promise<void> = Promise.resolve();

      const finish = (error: unknown | null) => {
        if (ended) return;
        ended = true;
        enders.delete(endCleanly);
        if (sub !== null) {
          sub.close();
          open--;
        }
        if (error === null) call.end();
        else call.emit("error", toServiceError(error));
      };

      const send = (frame: Buffer): Promise<void> =>
        call.write(frame) || ended
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const done = () => {
                call.off("drain", done);
                call.off("close", done);
                resolve();
              };
              call.on("drain", done);
              call.on("close", done);
            });

      const hello = async (msg: ReturnType<typeof decodeMessage<typeof SubscribeRequestSchema>>) => {
        const hub = o.hub;
        if (msg.kind.case !== "hello") throw invalidField("hello", "required as the first message");
        if (hub === null) {
          throw new DecisionError(
            "FAILED_PRECONDITION",
            "delivery needs Redis: start the server with a Redis URL",
          );
        }
        const { channel, consumer, credits } = msg.kind.value;
        if (!isChannel(channel)) throw invalidField("hello.channel", "required, a known channel");
        if (!CONSUMER.test(consumer)) {
          throw invalidField("hello.consumer", "required, 1..128 characters of [A-Za-z0-9._-]");
        }
        const max = hub.options.maxCredits;
        if (credits < 1 || credits > max) {
          throw invalidField("hello.credits", `must be in [1, ${max}] (option deliveryMaxCredits)`);
        }
        if (open >= o.maxSubscriptions) {
          throw new DecisionError(
            "OVERLOADED",
            `subscriptions: ${o.maxSubscriptions} open, the limit (option maxSubscriptions)`,
          );
        }
        const blocking = await o.connect();
        if (ended) {
          blocking.disconnect();
          return;
        }
        open++;
        sub = createSubscription({
          hub,
          blocking,
          keyPrefix: o.keyPrefix,
          channel,
          consumer,
          credits,
          people: o.people,
          caps: o.caps,
          policy: o.policy,
          log: o.log,
          send,
        });
        const subscribed = toBinary(
          SubscribeResponseSchema,
          create(SubscribeResponseSchema, {
            kind: {
              case: "subscribed",
              value: { consumer, maxCredits: max, ackTimeoutMs: hub.options.ackTimeoutMs },
            },
          }),
        );
        call.write(Buffer.from(subscribed.buffer, subscribed.byteOffset, subscribed.byteLength));
        o.log.info("adapter subscribed", { channel: CHANNEL_NAMES[channel], consumer });
        sub.run().then(
          () => finish(null),
          (e: unknown) =>
            finish(
              new DecisionError("UNAVAILABLE", "delivery: the decision stream is unavailable", { cause: e }),
            ),
        );
      };

      const handle = async (bytes: Buffer) => {
        const msg = decodeMessage(SubscribeRequestSchema, bytes);
        if (sub === null) return hello(msg);
        const hub = o.hub!;
        switch (msg.kind.case) {
          case "hello":
            throw invalidField("hello", "only once, as the first message");
          case "credit":
            if (msg.kind.value.credits < 1) throw invalidField("credit.credits", "must be at least 1");
            sub.grant(msg.kind.value.credits);
            return;
          case "acks": {
            const acks = msg.kind.value.acks;
            if (acks.length > MAX_ACKS) {
              throw new DecisionError(
                "LIMIT_EXCEEDED",
                `acks.acks: ${acks.length} exceeds the limit of ${MAX_ACKS} per message`,
              );
            }
            const nowMs = Date.now();
            await sub.ack(acks.map((a, i) => ackFromProto(a, i, nowMs, hub.options.maxDeferMs)));
            return;
          }
          default:
            throw invalidField("kind", "one of hello, acks or credit is required");
        }
      };

      const endCleanly = () => finish(null);
      enders.add(endCleanly);
      call.on("data", (bytes: Buffer) => {
        chain = chain.then(() => (ended ? undefined : handle(bytes))).catch((e: unknown) => finish(e));
      });
      call.on("end", () => {
        chain = chain.then(() => finish(null));
      });
      call.on("cancelled", () => finish(null));
      call.on("error", () => finish(null));
    },
  };
  return {
    handlers,
    endAll() {
      for (const end of [...enders]) end();
    },
  };
}

export interface DeliveryHandlers {
  readonly handlers: UntypedServiceImplementation;
  /** Ends every open Subscribe stream with OK; unacked deliveries stay pending for the adapter's next stream. */
  endAll(): void;
}
