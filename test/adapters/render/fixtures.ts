/** Deliveries and options for the renderer tests: plain values, every field set, nothing random. */
import type {
  DeliveredItem,
  DeliveredOffer,
  Delivery,
  OfferKindName,
} from "../../../adapters/src/delivery.js";
import {
  type ResolvedRenderOptions,
  resolveRenderOptions,
} from "../../../adapters/src/render/render-options.js";

/** 2026-03-10T12:00:00Z: a Tuesday, noon in London, after the US changed to summer time. */
export const NOON_UTC = Date.UTC(2026, 2, 10, 12);

/** An offer of `kind`: `price` is the price after it, as the server sends it. */
export function offer(kind: OfferKindName, value: number, price: number, message: string): DeliveredOffer {
  return { offerId: `${kind}_offer`, kind, value, price, message };
}

/** An item at `rank`; its experience id is derived from the SKU so goldens stay readable. */
export function item(
  sku: string,
  rank: number,
  spec: { offer?: DeliveredOffer; tags?: readonly string[] } = {},
): DeliveredItem {
  return { sku, rank, experienceId: `exp-${sku}`, offer: spec.offer ?? null, tags: spec.tags ?? [] };
}

/** A cart-abandonment email for "p-42" in London, one 10%-off bag and two plain items, unless overridden. */
export function delivery(overrides: Partial<Delivery> = {}): Delivery {
  const items = overrides.items ?? [
    item("bag-1", 1, { offer: offer("percent_off", 0.1, 90, "10% off what you left in your cart") }),
    item("shoe-2", 2),
    item("belt-3", 3),
  ];
  return {
    deliveryId: "d-1",
    experienceId: items[0]?.experienceId ?? "",
    channel: "email",
    useCase: "cart_abandonment",
    trigger: "cart_abandonment",
    recipient: "p-42",
    decisionId: "dec-1",
    talkingPoints: [],
    policyVersion: "demo-1",
    decidedAtMs: NOON_UTC - 60_000,
    timeZone: "Europe/London",
    locale: "en-GB",
    tokens: { first_name: "Ana", tier: "Gold" },
    attempt: 1,
    expiresAtMs: 0,
    quietHours: null,
    ...overrides,
    items,
  };
}

/** The options every test renders with: the repository's templates, an "Acme" SMS sender. */
export function options(overrides: Parameters<typeof resolveRenderOptions>[0] = {}): ResolvedRenderOptions {
  return resolveRenderOptions({ smsSender: "Acme", ...overrides });
}
