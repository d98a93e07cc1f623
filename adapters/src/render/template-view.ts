import type { DeliveredItem, Delivery } from "../delivery.js";
import type { View } from "./compile-template.js";
import { formatMoney, formatPercent, priceBefore, reducesPrice, supportedLocale } from "./format-money.js";

/** What renderers need besides the delivery: resolved once from the options. */
export interface ViewSettings {
  readonly currency: string;
  /** Used when the delivery's locale is empty or unknown to Intl. */
  readonly locale: string;
  readonly deepLinkBase: string;
}

/** The item a channel leads with: the first with an offer, else the first (the delivery's experience). */
export function leadItem(delivery: Delivery): DeliveredItem | undefined {
  return delivery.items.find((i) => i.offer !== null) ?? delivery.items[0];
}

/** The app deep link to an item: `deepLinkBase` + the URL-encoded SKU. */
export function deepLink(base: string, sku: string): string {
  return `${base}${encodeURIComponent(sku)}`;
}

/**
 * One item as templates see it: `sku`, `rank`, `link`, `available_here`,
 * `low_stock`, and when it has an offer `offer` (true), `offer_message`,
 * `price` (after the offer, formatted), and when the offer lowers the price
 * `was_price`, plus `percent_off` ("10%") or `amount_off` ("€5.00").
 */
export function itemView(item: DeliveredItem, settings: ViewSettings, locale: string): View {
  const offer = item.offer;
  const money = (amount: number): string => formatMoney(amount, settings.currency, locale);
  const view: Record<string, View[string]> = {
    sku: item.sku,
    rank: item.rank,
    link: deepLink(settings.deepLinkBase, item.sku),
    available_here: item.tags.includes("available_here"),
    low_stock: item.tags.includes("low_stock"),
  };
  if (offer !== null) {
    view.offer = true;
    view.offer_message = offer.message;
    view.price = money(offer.price);
    if (reducesPrice(offer)) view.was_price = money(priceBefore(offer));
    if (offer.kind === "percent_off") view.percent_off = formatPercent(offer.value);
    if (offer.kind === "amount_off") view.amount_off = money(offer.value);
  }
  return view;
}

/**
 * The view a delivery's templates render against: the personal tokens
 * (`first_name`, `tier`, `life_event`, `category`, `brand`…) and, taking
 * precedence over a token of the same name, `use_case`, `trigger`, `items`
 * (best first) and `lead` (the lead item).
 */
export function templateView(delivery: Delivery, settings: ViewSettings): View {
  const locale = supportedLocale(delivery.locale, settings.locale);
  const items = delivery.items.map((i) => itemView(i, settings, locale));
  const lead = leadItem(delivery);
  return {
    ...delivery.tokens,
    use_case: delivery.useCase,
    trigger: delivery.trigger,
    items,
    lead: lead === undefined ? null : itemView(lead, settings, locale),
  };
}
