import { create, toBinary } from "@bufbuild/protobuf";
import type { QueuedDecision } from "../delivery/delivery-queue.js";
import type { Channel } from "../domain/channel.js";
import { DeliverySchema } from "../gen/relevance/v1/delivery_pb.js";
import type { Policy } from "../policy/policy.js";

/**
 * The lead experience of a decision: the first item with an offer, else the
 * first item. It names the delivery (the idempotency key of every channel).
 */
export function leadExperienceId(queued: QueuedDecision): string {
  const items = queued.decision.items;
  return (items.find((i) => i.offer !== null) ?? items[0])?.experienceId ?? "";
}

/**
 * The `relevance.v1.Delivery` bytes of a queued decision, as kept on the
 * channel's stream: everything but `delivery_id` and `attempt`, which
 * `frameDelivery` puts in front at send time (protobuf fields may come in any
 * order), so sending never re-encodes a decision.
 */
export function encodeDeliveryBody(queued: QueuedDecision, policy: Policy, atMs: number): Buffer {
  const d = queued.decision;
  const channel = d.channel as Channel;
  const quiet = policy.quietHours.find((q) => (q.channelMask & (1 << channel)) !== 0);
  const msg = create(DeliverySchema, {
    experienceId: leadExperienceId(queued),
    channel,
    useCase: d.useCase,
    trigger: queued.trigger,
    recipient: queued.recipient,
    decisionId: d.decisionId,
    items: d.items.map((i) => ({
      sku: i.sku,
      score: i.score,
      rank: i.rank,
      experienceId: i.experienceId,
      tags: [...i.tags],
      ...(i.offer !== null
        ? {
            offer: {
              offerId: i.offer.offerId,
              kind: i.offer.kind,
              value: i.offer.value,
              price: i.offer.price,
              message: i.offer.message,
              ruleId: i.offer.ruleId,
            },
          }
        : {}),
    })),
    talkingPoints: [...d.talkingPoints],
    policyVersion: d.policyVersion,
    decidedAtMs: BigInt(atMs),
    timeZone: queued.timeZone !== "" ? queued.timeZone : policy.defaultTimeZone,
    locale: queued.locale,
    tokens: { ...queued.tokens },
    expiresAtMs: BigInt(queued.expiresAtMs),
    ...(quiet !== undefined ? { quietHours: { startHour: quiet.startHour, endHour: quiet.endHour } } : {}),
  });
  const bytes = toBinary(DeliverySchema, msg);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function varint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
}

/**
 * A `SubscribeResponse` carrying one delivery: the stored body with
 * `delivery_id` (field 1) and `attempt` (field 15) in front.
 */
export function frameDelivery(deliveryId: string, attempt: number, body: Buffer): Buffer {
  const head: number[] = [0x0a];
  varint(head, deliveryId.length);
  for (let i = 0; i < deliveryId.length; i++) head.push(deliveryId.charCodeAt(i));
  head.push(0x78);
  varint(head, attempt);
  const inner = head.length + body.length;
  const outer: number[] = [0x12];
  varint(outer, inner);
  return Buffer.concat([Buffer.from(outer), Buffer.from(head), body], outer.length + inner);
}
