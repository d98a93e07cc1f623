import type { ChannelName, Delivery } from "../../../adapters/src/delivery.js";
import {
  type AdapterAck,
  openSubscription,
  type SubscriptionClient,
} from "../../../adapters/src/subscription-client.js";
import type { Decision } from "../../../server/src/domain/decision.js";
import { Treatment } from "../../../server/src/domain/decision.js";

/** A raw subscriber for tests: collects deliveries, acks only when told. */
export interface TestSubscriber {
  readonly deliveries: Delivery[];
  readonly client: SubscriptionClient;
  readonly subscribed: Promise<{ maxCredits: number; ackTimeoutMs: number }>;
  /** Resolves with the stream's end (null: clean). */
  readonly ended: Promise<Error | null>;
  /** Waits until at least `n` deliveries arrived (or `ms` passed), returning them. */
  waitFor(n: number, ms?: number): Promise<Delivery[]>;
  ackAll(outcome?: "delivered" | "duplicate"): void;
  ack(acks: readonly AdapterAck[]): void;
}

export function subscribe(
  address: string,
  channel: ChannelName,
  consumer: string,
  credits: number,
): TestSubscriber {
  const deliveries: Delivery[] = [];
  let onSubscribed: (v: { maxCredits: number; ackTimeoutMs: number }) => void = () => {};
  const subscribed = new Promise<{ maxCredits: number; ackTimeoutMs: number }>((r) => (onSubscribed = r));
  let onEnd: (e: Error | null) => void = () => {};
  const ended = new Promise<Error | null>((r) => (onEnd = r));
  const client = openSubscription(address, channel, consumer, credits, {
    onSubscribed: (info) => onSubscribed(info),
    onDelivery: (d) => deliveries.push(d),
    onEnd: (e) => onEnd(e),
  });
  return {
    deliveries,
    client,
    subscribed,
    ended,
    async waitFor(n, ms = 5000) {
      const until = Date.now() + ms;
      while (deliveries.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      return deliveries;
    },
    ackAll(outcome = "delivered") {
      client.ack(deliveries.map((d) => ({ deliveryId: d.deliveryId, outcome })));
    },
    ack(acks) {
      client.ack(acks);
    },
  };
}

/** A decision as the pipeline would make it, for `recipient`, with one offered item. */
export function decisionFor(recipient: string, n: number, channel: number, sku = `SKU-${n}`): Decision {
  return {
    decisionId: `dec-${recipient}-${n}`,
    items: [
      {
        sku,
        score: 1,
        rank: 1,
        experienceId: `x1exp-${recipient}-${n}`,
        offer: {
          offerId: "cart_reminder",
          kind: 4,
          value: 0,
          price: 25,
          message: "Still thinking it over?",
          ruleId: "r",
        },
        tags: [],
        parts: null,
        ruleIds: [],
      },
    ],
    treatment: Treatment.PERSONALIZED,
    degradations: [],
    excluded: [],
    catalogVersion: "c1",
    policyVersion: "p1",
    kernelVersion: "k1",
    useCase: "cart_abandonment",
    channel,
    suppression: 0,
    suppressionRuleId: "",
    talkingPoints: [],
  };
}
