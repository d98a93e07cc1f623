import type { Delivery } from "../delivery.js";
import { type Claim, findClaims } from "./find-claims.js";
import { priceBefore, toCents } from "./format-money.js";
import type { RenderedMessage } from "./rendered.js";

/** The guardrail's verdict: null when every claim holds, else why not. */
export type GuardrailFailure = string | null;

/**
 * Keys whose values are identifiers or derived copies, never claims: SKUs and
 * experience ids may contain anything, and SMS segments are the text cut in
 * pieces (a cut through "€12.00" would read as "€12.").
 */
const NOT_TEXT = new Set([
  "sku",
  "id",
  "experienceId",
  "offerId",
  "deepLink",
  "slot",
  "encoding",
  "kind",
  "segments",
  "custom_label_0",
]);

const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  euro: "€",
  pound: "£",
  yen: "¥",
  cent: "¢",
};

/** HTML as a reader sees it: tags dropped, entities decoded, so "&euro;<b>12</b>" is still "€12". */
function htmlText(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code =
        name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Every text a message shows, walking its body; HTML under the key "html" is read as text. */
export function messageTexts(body: unknown, key = ""): string[] {
  if (typeof body === "string") return NOT_TEXT.has(key) ? [] : [key === "html" ? htmlText(body) : body];
  if (Array.isArray(body)) return body.flatMap((v) => messageTexts(v, key));
  if (body !== null && typeof body === "object") {
    return Object.entries(body).flatMap(([k, v]) => messageTexts(v, k));
  }
  return [];
}

const MAX_SIGN_SETS = 256;
/** Sign sets by currency and locale: building one creates three formatters. */
const signSets = new Map<string, ReadonlySet<string>>();

/** The symbols and codes that write `currency`, as Intl writes them in a few locales, plus the code. */
function currencySigns(currency: string, locale: string): ReadonlySet<string> {
  const key = `${currency}\t${locale}`;
  const cached = signSets.get(key);
  if (cached !== undefined) return cached;
  const signs = new Set([currency]);
  for (const [l, display] of [
    [locale, "symbol"],
    ["en", "symbol"],
    ["en", "narrowSymbol"],
  ] as const) {
    try {
      const parts = new Intl.NumberFormat(l, {
        style: "currency",
        currency,
        currencyDisplay: display,
      }).formatToParts(1);
      for (const p of parts) if (p.type === "currency") signs.add(p.value);
    } catch {
      // A locale Intl does not know adds nothing.
    }
  }
  // Locales come from deliveries: bound the cache so odd input cannot grow it.
  if (signSets.size >= MAX_SIGN_SETS) signSets.clear();
  signSets.set(key, signs);
  return signs;
}

/** What the decision backs: amounts in cents, percentages, and which availability it may state. */
interface Backing {
  readonly cents: ReadonlySet<number>;
  readonly percents: readonly number[];
  readonly availableHere: boolean;
  readonly lowStock: boolean;
  readonly inStock: boolean;
}

function backing(delivery: Delivery): Backing {
  const cents = new Set<number>();
  const percents: number[] = [];
  let availableHere = false;
  let lowStock = false;
  for (const item of delivery.items) {
    if (item.tags.includes("available_here")) availableHere = true;
    if (item.tags.includes("low_stock")) lowStock = true;
    const offer = item.offer;
    if (offer === null) continue;
    cents.add(toCents(offer.price));
    cents.add(toCents(priceBefore(offer)));
    if (offer.kind === "amount_off") cents.add(toCents(offer.value));
    if (offer.kind === "percent_off") percents.push(Number((offer.value * 100).toFixed(2)));
    if (offer.kind === "urgency") lowStock = true;
  }
  // The kernel never decides an out-of-stock item: any delivered item is in stock.
  return { cents, percents, availableHere, lowStock, inStock: delivery.items.length > 0 };
}

function failure(claim: Claim, b: Backing, signs: ReadonlySet<string>, currency: string): GuardrailFailure {
  const quoted = JSON.stringify(claim.raw.replace(/[\u00a0\u202f]/g, " "));
  switch (claim.kind) {
    case "amount":
      if (!signs.has(claim.currency))
        return `guardrail: ${quoted} is not in the currency ${currency} (option currency)`;
      return b.cents.has(claim.cents)
        ? null
        : `guardrail: ${quoted} is not a price or discount in the decision`;
    case "percent":
      return b.percents.some((p) => Math.abs(p - claim.percent) < 0.005)
        ? null
        : `guardrail: ${quoted} is not a percent_off offer in the decision`;
    case "availability":
      if (claim.availability === "available_here" && !b.availableHere) {
        return `guardrail: ${quoted} but no item is tagged available_here`;
      }
      if (claim.availability === "low_stock" && !b.lowStock) {
        return `guardrail: ${quoted} needs an urgency offer or an item tagged low_stock`;
      }
      if (claim.availability === "in_stock" && !b.inStock)
        return `guardrail: ${quoted} but no item is in the decision`;
      return null;
  }
}

/**
 * Holds every claim a rendered message makes to the delivery it came from:
 * an amount must be in `currency` and equal, to the cent, some item's price
 * after its offer, its price before (derived from a percent_off or amount_off)
 * or an amount_off value; a percentage must be some percent_off value;
 * "available here" needs an item tagged available_here; "only N left" and other
 * scarcity needs an urgency offer or an item tagged low_stock. Claims are
 * checked against the whole delivery, not the item they sit beside.
 *
 * Exists because offer messages and talking points are free text from the
 * policy and templates are edited by hand: nothing the decision did not
 * decide may reach a customer. Returns the first failure, or null.
 */
export function checkGuardrail(
  message: RenderedMessage,
  delivery: Delivery,
  currency: string,
): GuardrailFailure {
  const b = backing(delivery);
  const signs = currencySigns(currency, delivery.locale);
  for (const text of messageTexts(message.body)) {
    for (const claim of findClaims(text)) {
      const f = failure(claim, b, signs, currency);
      if (f !== null) return f;
    }
  }
  return null;
}
