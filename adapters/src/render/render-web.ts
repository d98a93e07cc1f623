import type { DeliveredItem, Delivery } from "../delivery.js";
import { formatMoney, reducesPrice, supportedLocale } from "./format-money.js";
import type { ResolvedRenderOptions } from "./render-options.js";
import type { RenderedMessage } from "./rendered.js";

/** One item of a slot, as the page or app shows it. */
export interface SlotItem {
  readonly sku: string;
  readonly rank: number;
  readonly experienceId: string;
  readonly offer?: {
    readonly offerId: string;
    readonly kind: string;
    readonly message: string;
    /** After the offer. */
    readonly price: number;
    readonly priceText: string;
  };
  /** The item's tags, plus "sale" when its offer lowers the price and "urgency" for an urgency offer. */
  readonly badges: readonly string[];
}

function slotItem(item: DeliveredItem, currency: string, locale: string): SlotItem {
  const offer = item.offer;
  const badges = [...item.tags];
  if (offer !== null && reducesPrice(offer)) badges.push("sale");
  if (offer?.kind === "urgency") badges.push("urgency");
  // Two literals, not `{ ...common, badges }`: a spread copy given more properties
  // gets a new hidden class on every call on Node 20 (test/style/hidden-class.test.ts).
  if (offer === null) return { sku: item.sku, rank: item.rank, experienceId: item.experienceId, badges };
  return {
    sku: item.sku,
    rank: item.rank,
    experienceId: item.experienceId,
    offer: {
      offerId: offer.offerId,
      kind: offer.kind,
      message: offer.message,
      price: offer.price,
      priceText: formatMoney(offer.price, currency, locale),
    },
    badges,
  };
}

/**
 * Web and app: slot JSON, `{ slot, items: [{ sku, rank, experienceId,
 * offer?, badges }] }`, best first. The app channel is in-app placements
 * (home screen, product pages), so it renders like web under `appSlot`;
 * messages to the lock screen are the push channel.
 */
export function renderWeb(delivery: Delivery, options: ResolvedRenderOptions): RenderedMessage {
  const locale = supportedLocale(delivery.locale, options.locale);
  return {
    channel: delivery.channel,
    experienceId: delivery.experienceId,
    deliveryId: delivery.deliveryId,
    recipient: delivery.recipient,
    body: {
      slot: delivery.channel === "app" ? options.appSlot : options.webSlot,
      items: delivery.items.map((i) => slotItem(i, options.currency, locale)),
    },
  };
}
