import type { DeliveredOffer } from "../delivery.js";

const MAX_FORMATTERS = 256;
/** One formatter per locale and currency seen; creating one is far dearer than using it. */
const formatters = new Map<string, Intl.NumberFormat>();

/** `locale` when Intl knows it, else `fallback` (deliveries carry whatever the request said). */
export function supportedLocale(locale: string, fallback: string): string {
  if (locale === "") return fallback;
  // supportedLocalesOf costs ~10 µs a call: remember each answer (bounded, locales come from requests).
  const key = `${locale}\t${fallback}`;
  let known = supported.get(key);
  if (known === undefined) {
    try {
      known = Intl.NumberFormat.supportedLocalesOf([locale])[0] ?? fallback;
    } catch {
      known = fallback;
    }
    if (supported.size >= MAX_FORMATTERS) supported.clear();
    supported.set(key, known);
  }
  return known;
}
const supported = new Map<string, string>();

function formatter(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}\t${currency}`;
  let f = formatters.get(key);
  if (f === undefined) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

/** `amount` as people read it in `locale`: "€12.00" (en-GB), "12,00 €" (de-DE). */
export function formatMoney(amount: number, currency: string, locale: string): string {
  return formatter(locale, currency).format(amount);
}

/** `amount` as product feeds want it: "12.00 EUR" (Google Merchant Center's format). */
export function feedPrice(amount: number, currency: string): string {
  const digits = formatter("en", currency).resolvedOptions().maximumFractionDigits ?? 2;
  return `${amount.toFixed(digits)} ${currency}`;
}

/**
 * A percent_off value as a percentage, exact to 1/100 of a percent so the
 * guardrail finds the same number: 0.1 → "10%", 0.125 → "12.5%".
 */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}

/** Rounds an amount to whole cents, the unit prices are compared in. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/**
 * The item's price before the offer: offer.price is the price after it, so a
 * percent_off of v was price / (1 - v) and an amount_off of v was price + v.
 * Rounded to the cent. Other kinds take nothing off.
 */
export function priceBefore(offer: DeliveredOffer): number {
  if (offer.kind === "percent_off" && offer.value > 0 && offer.value < 1) {
    return toCents(offer.price / (1 - offer.value)) / 100;
  }
  if (offer.kind === "amount_off" && offer.value > 0) return toCents(offer.price + offer.value) / 100;
  return offer.price;
}

/** True when the offer lowers the price (percent_off or amount_off with a value). */
export function reducesPrice(offer: DeliveredOffer): boolean {
  return toCents(priceBefore(offer)) > toCents(offer.price);
}
