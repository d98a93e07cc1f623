import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type ChannelCredentials,
  type ClientDuplexStream,
  credentials,
  Metadata,
  makeGenericClientConstructor,
} from "@grpc/grpc-js";
import { CHANNEL_NAMES } from "../../server/src/domain/channel.js";
import {
  AckOutcome,
  DeliveryService,
  type Delivery as ProtoDelivery,
  SubscribeRequestSchema,
  SubscribeResponseSchema,
} from "../../server/src/gen/relevance/v1/delivery_pb.js";
import { OfferKind } from "../../server/src/gen/relevance/v1/policy_pb.js";
import { grpcServiceDefinition } from "../../server/src/grpc/service-definition.js";
import type { ChannelName, Delivery, OfferKindName } from "./delivery.js";

/** The proto Channel numbers by name (relevance.v1.Channel). */
export const CHANNEL_NUMBERS = Object.freeze(
  Object.fromEntries(Object.entries(CHANNEL_NAMES).map(([n, name]) => [name, Number(n)])),
) as Readonly<Record<ChannelName, number>>;
const CHANNEL_BY_NUMBER = new Map(Object.entries(CHANNEL_NUMBERS).map(([k, v]) => [v, k as ChannelName]));

const OFFER_KINDS: Readonly<Record<number, OfferKindName>> = {
  [OfferKind.PERCENT_OFF]: "percent_off",
  [OfferKind.AMOUNT_OFF]: "amount_off",
  [OfferKind.FREE_SHIPPING]: "free_shipping",
  [OfferKind.REMINDER]: "reminder",
  [OfferKind.URGENCY]: "urgency",
  [OfferKind.PERK]: "perk",
  [OfferKind.SERVICE]: "service",
};

/** The plain delivery of a `relevance.v1.Delivery`. */
export function deliveryFromProto(d: ProtoDelivery): Delivery {
  return {
    deliveryId: d.deliveryId,
    experienceId: d.experienceId,
    channel: CHANNEL_BY_NUMBER.get(d.channel) ?? "web",
    useCase: d.useCase,
    trigger: d.trigger,
    recipient: d.recipient,
    decisionId: d.decisionId,
    items: d.items.map((i) => ({
      sku: i.sku,
      rank: i.rank,
      experienceId: i.experienceId,
      offer:
        i.offer === undefined
          ? null
          : {
              offerId: i.offer.offerId,
              kind: OFFER_KINDS[i.offer.kind] ?? "unspecified",
              value: i.offer.value,
              price: i.offer.price,
              message: i.offer.message,
            },
      tags: i.tags,
    })),
    talkingPoints: d.talkingPoints,
    policyVersion: d.policyVersion,
    decidedAtMs: Number(d.decidedAtMs),
    timeZone: d.timeZone,
    locale: d.locale,
    tokens: d.tokens,
    attempt: d.attempt,
    expiresAtMs: Number(d.expiresAtMs),
    quietHours:
      d.quietHours === undefined
        ? null
        : { startHour: d.quietHours.startHour, endHour: d.quietHours.endHour },
  };
}

/** What an adapter answers about one delivery. */
export type AdapterAck =
  | { readonly deliveryId: string; readonly outcome: "delivered" | "duplicate" }
  | {
      readonly deliveryId: string;
      readonly outcome: "deferred";
      readonly retryAtMs: number;
      readonly reason: string;
    }
  | { readonly deliveryId: string; readonly outcome: "rejected"; readonly reason: string };

const OUTCOME = {
  delivered: AckOutcome.DELIVERED,
  duplicate: AckOutcome.DUPLICATE,
  deferred: AckOutcome.DEFERRED,
  rejected: AckOutcome.REJECTED,
} as const;

export interface SubscriptionHandlers {
  onSubscribed(info: { maxCredits: number; ackTimeoutMs: number }): void;
  onDelivery(delivery: Delivery): void;
  /** The stream ended: null when the server ended it cleanly. */
  onEnd(error: Error | null): void;
}

/** One open Subscribe stream, seen from the adapter. */
export interface SubscriptionClient {
  ack(acks: readonly AdapterAck[]): void;
  grant(credits: number): void;
  /** Half-closes the stream: the server ends it; unacked deliveries stay pending. */
  end(): void;
  close(): void;
}

const encode = (init: Parameters<typeof create<typeof SubscribeRequestSchema>>[1]): Buffer => {
  const bytes = toBinary(SubscribeRequestSchema, create(SubscribeRequestSchema, init));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

/**
 * Opens `DeliveryService/Subscribe` to `address` as `consumer` of `channel`
 * with `credits` to start with: plaintext by default (loopback or a private
 * network), TLS or mTLS with `channelCredentials` (see
 * server/src/grpc/client-credentials.ts). The gRPC edge of an adapter:
 * generated types stop here.
 */
export function openSubscription(
  address: string,
  channel: ChannelName,
  consumer: string,
  credits: number,
  handlers: SubscriptionHandlers,
  /** Sent as "authorization: Bearer <apiKey>" when the server has API keys; "" for none. */
  apiKey = "",
  channelCredentials: ChannelCredentials = credentials.createInsecure(),
): SubscriptionClient {
  const Client = makeGenericClientConstructor(grpcServiceDefinition(DeliveryService), "DeliveryService");
  const client = new Client(address, channelCredentials);
  const metadata = new Metadata();
  if (apiKey !== "") metadata.set("authorization", `Bearer ${apiKey}`);
  const call = (
    client as unknown as { subscribe(m: Metadata): ClientDuplexStream<Buffer, Buffer> }
  ).subscribe(metadata);
  let ended = false;
  const end = (e: Error | null) => {
    if (ended) return;
    ended = true;
    client.close();
    handlers.onEnd(e);
  };
  call.on("data", (bytes: Buffer) => {
    const msg = fromBinary(SubscribeResponseSchema, bytes);
    if (msg.kind.case === "delivery") handlers.onDelivery(deliveryFromProto(msg.kind.value));
    else if (msg.kind.case === "subscribed") {
      handlers.onSubscribed({
        maxCredits: msg.kind.value.maxCredits,
        ackTimeoutMs: msg.kind.value.ackTimeoutMs,
      });
    }
  });
  call.on("error", (e: Error) => end(e));
  call.on("end", () => end(null));
  call.write(
    encode({ kind: { case: "hello", value: { channel: CHANNEL_NUMBERS[channel], consumer, credits } } }),
  );
  return {
    ack(acks) {
      if (acks.length === 0 || ended) return;
      call.write(
        encode({
          kind: {
            case: "acks",
            value: {
              acks: acks.map((a) =>
                a.outcome === "deferred"
                  ? {
                      deliveryId: a.deliveryId,
                      outcome: OUTCOME[a.outcome],
                      retryAtMs: BigInt(a.retryAtMs),
                      reason: a.reason,
                    }
                  : a.outcome === "rejected"
                    ? { deliveryId: a.deliveryId, outcome: OUTCOME[a.outcome], reason: a.reason }
                    : { deliveryId: a.deliveryId, outcome: OUTCOME[a.outcome] },
              ),
            },
          },
        }),
      );
    },
    grant(n) {
      if (n > 0 && !ended) call.write(encode({ kind: { case: "credit", value: { credits: n } } }));
    },
    end() {
      if (!ended) call.end();
    },
    close() {
      call.cancel();
      end(null);
    },
  };
}
