import type { DeliveredItem, Delivery } from "../delivery.js";
import { formatMoney, supportedLocale } from "./format-money.js";
import type { ResolvedRenderOptions } from "./render-options.js";
import type { RenderedMessage } from "./rendered.js";

function storeItem(item: DeliveredItem, currency: string, locale: string): Record<string, unknown> {
  const offer = item.offer;
  const availableHere = item.tags.includes("available_here");
  // Two literals, not `{ ...common, offer }`: a spread copy given more properties
  // gets a new hidden class on every call on Node 20 (test/style/hidden-class.test.ts).
  if (offer === null)
    return { sku: item.sku, rank: item.rank, experienceId: item.experienceId, availableHere };
  return {
    sku: item.sku,
    rank: item.rank,
    experienceId: item.experienceId,
    availableHere,
    offer: {
      kind: offer.kind,
      message: offer.message,
      priceText: formatMoney(offer.price, currency, locale),
    },
  };
}

/**
 * In store (the associate's tablet): `{ talkingPoints, items }`, items the
 * store has (tagged available_here) flagged and listed first, each group in
 * rank order, so the associate starts with what the customer can take home.
 */
export function renderInStore(delivery: Delivery, options: ResolvedRenderOptions): RenderedMessage {
  const locale = supportedLocale(delivery.locale, options.locale);
  const here = (i: DeliveredItem): number => (i.tags.includes("available_here") ? 0 : 1);
  const items = [...delivery.items].sort((a, b) => here(a) - here(b) || a.rank - b.rank);
  return {
    channel: delivery.channel,
    experienceId: delivery.experienceId,
    deliveryId: delivery.deliveryId,
    recipient: delivery.recipient,
    body: {
      talkingPoints: [...delivery.talkingPoints],
      items: items.map((i) => storeItem(i, options.currency, locale)),
    },
  };
}
