/**
 * A decision to deliver, as an adapter sees it: plain values converted from
 * `relevance.v1.Delivery` at the gRPC edge (`subscription.ts`), so renderers,
 * guardrails and sinks never touch generated types.
 */

/** Channel names; the proto enum numbers are mapped at the edge. */
export type ChannelName = "web" | "app" | "email" | "sms" | "push" | "in_store" | "paid_media";

/** Offer kinds, as named in `relevance.v1.OfferKind` without the prefix. */
export type OfferKindName =
  | "percent_off"
  | "amount_off"
  | "free_shipping"
  | "reminder"
  | "urgency"
  | "perk"
  | "service"
  | "unspecified";

export interface DeliveredOffer {
  readonly offerId: string;
  readonly kind: OfferKindName;
  /** Fraction off for percent_off, amount off for amount_off, else as the policy set it. */
  readonly value: number;
  /** Price after the offer (the catalog price when the offer takes nothing off). */
  readonly price: number;
  /** The offer's message from the policy (may be empty). */
  readonly message: string;
}

export interface DeliveredItem {
  readonly sku: string;
  readonly rank: number;
  readonly experienceId: string;
  readonly offer: DeliveredOffer | null;
  /** e.g. "available_here", "low_stock". */
  readonly tags: readonly string[];
}

export interface Delivery {
  /** Names the delivery in acks; the same across redeliveries. */
  readonly deliveryId: string;
  /** Idempotency key: the lead item's experience. */
  readonly experienceId: string;
  readonly channel: ChannelName;
  readonly useCase: string;
  /** What fired it ("cart_abandonment"…), "" when enqueued directly. */
  readonly trigger: string;
  /** Pseudonymous person id. */
  readonly recipient: string;
  readonly decisionId: string;
  readonly items: readonly DeliveredItem[];
  readonly talkingPoints: readonly string[];
  readonly policyVersion: string;
  readonly decidedAtMs: number;
  /** IANA zone; "" means UTC. */
  readonly timeZone: string;
  readonly locale: string;
  /** Personal tokens for templates: tier, life_event, category, brand… */
  readonly tokens: Readonly<Record<string, string>>;
  /** 1 on first delivery, more on redeliveries. */
  readonly attempt: number;
  /** Must not be delivered after this, ms since the epoch; 0 for no limit. */
  readonly expiresAtMs: number;
  /** The channel's quiet hours (local hours, end exclusive, may wrap midnight), or null. */
  readonly quietHours: { readonly startHour: number; readonly endHour: number } | null;
}
