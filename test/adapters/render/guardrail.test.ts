/** The guardrail: every price, percentage and availability claim must be backed by the decision. */
import { describe, expect, it } from "vitest";
import type { ChannelName, Delivery } from "../../../adapters/src/delivery.js";
import { findClaims, parseAmount } from "../../../adapters/src/render/find-claims.js";
import { checkGuardrail } from "../../../adapters/src/render/guardrail.js";
import { renderDelivery } from "../../../adapters/src/render/render-delivery.js";
import type { RenderedMessage } from "../../../adapters/src/render/rendered.js";
import { delivery, item, NOON_UTC, offer, options } from "./fixtures.js";

const opts = options();

function withMessage(channel: ChannelName, message: string, extra: Partial<Delivery> = {}): Delivery {
  return delivery({
    channel,
    talkingPoints: channel === "in_store" ? [message] : [],
    items: [item("bag-1", 1, { offer: offer("percent_off", 0.1, 90, message) }), item("shoe-2", 2)],
    ...extra,
  });
}

describe("findClaims()", () => {
  it.each([
    ["Now €12.00!", "€12.00", "€", 1200],
    ["Jetzt 12,00 € statt", "12,00 €", "€", 1200],
    ["only $5", "$5", "$", 500],
    ["EUR 3.50 off", "EUR 3.50", "EUR", 350],
    ["3.50 EUR off", "3.50 EUR", "EUR", 350],
    ["£1,234.56 total", "£1,234.56", "£", 123456],
    ["1.234,56\u00a0€ total", "1.234,56\u00a0€", "€", 123456],
    ["12\u202f345,00\u00a0€", "12\u202f345,00\u00a0€", "€", 1234500],
    ["US$19.99 each", "US$19.99", "US$", 1999],
    ["¥1,234", "¥1,234", "¥", 123400],
    ["ends with €12.00.", "€12.00", "€", 1200],
  ])("should read %j as the amount %j", (text, raw, currency, cents) => {
    expect(findClaims(text)).toEqual([
      { kind: "amount", raw, start: text.indexOf(raw), end: text.indexOf(raw) + raw.length, currency, cents },
    ]);
  });

  it.each([
    ["10% off", 10],
    ["12,5 % Rabatt", 12.5],
    ["save 15 percent", 15],
  ])("should read %j as the percentage %d", (text, percent) => {
    expect(findClaims(text).map((c) => (c.kind === "percent" ? c.percent : null))).toEqual([percent]);
  });

  it.each([
    ["In stock now", "in_stock"],
    ["availability: in_stock", "in_stock"],
    ["Available here today", "available_here"],
    ["pick it up in this store", "available_here"],
    ["Only 3 left", "low_stock"],
    ["Only a few left", "low_stock"],
    ["Selling fast", "low_stock"],
  ])("should read %j as the availability claim %s", (text, availability) => {
    expect(findClaims(text).map((c) => (c.kind === "availability" ? c.availability : null))).toEqual([
      availability,
    ]);
  });

  it.each(["TOP 10 picks", "SKU 123", "Free delivery", "Running low? Time to restock", "bag-1 in 3 colours"])(
    "should find no claim in %j",
    (text) => {
      expect(findClaims(text)).toEqual([]);
    },
  );

  it.each([
    ["1,234.56", 1234.56],
    ["1.234,56", 1234.56],
    ["12,00", 12],
    ["1,234", 1234],
    ["12.5", 12.5],
    ["1'234.50", 1234.5],
  ])("parseAmount(%j) should be %d", (text, amount) => {
    expect(parseAmount(text)).toBe(amount);
  });
});

describe("renderDelivery() guardrail", () => {
  const CHANNELS: ChannelName[] = ["email", "sms", "push", "web", "app", "in_store"];

  it.each(CHANNELS)("should reject an invented price in %s", (channel) => {
    const outcome = renderDelivery(withMessage(channel, "Now only €12.00"), opts, NOON_UTC);
    expect(outcome).toEqual({
      kind: "reject",
      reason: 'guardrail: "€12.00" is not a price or discount in the decision',
    });
  });

  it.each(CHANNELS)("should send the decided price and catalog price in %s", (channel) => {
    const outcome = renderDelivery(withMessage(channel, "Was €100.00, now €90.00, 10% off"), opts, NOON_UTC);
    expect(outcome.kind).toBe("send");
  });

  it.each(CHANNELS)("should reject an invented percentage in %s", (channel) => {
    const outcome = renderDelivery(withMessage(channel, "25% off everything"), opts, NOON_UTC);
    expect(outcome).toEqual({
      kind: "reject",
      reason: 'guardrail: "25%" is not a percent_off offer in the decision',
    });
  });

  it("should reject an invented price in paid_media feed rows", () => {
    const d = withMessage("paid_media", "10% off");
    const outcome = renderDelivery(d, opts, NOON_UTC);
    if (outcome.kind !== "send") throw new Error(`expected send, got ${outcome.reason}`);
    const rows = outcome.message.body.rows as Record<string, unknown>[];
    expect(rows[0]).toMatchObject({ price: "100.00 EUR", sale_price: "90.00 EUR" });
    const forged: RenderedMessage = {
      ...outcome.message,
      body: { rows: [{ ...rows[0], sale_price: "89.00 EUR" }, ...rows.slice(1)] },
    };
    expect(checkGuardrail(forged, d, "EUR")).toBe(
      'guardrail: "89.00 EUR" is not a price or discount in the decision',
    );
  });

  it("should reject an amount in another currency", () => {
    const outcome = renderDelivery(withMessage("email", "Now $90.00"), opts, NOON_UTC);
    expect(outcome).toEqual({
      kind: "reject",
      reason: 'guardrail: "$90.00" is not in the currency EUR (option currency)',
    });
  });

  it("should allow an amount_off value, and reject the price a cent away", () => {
    const items = [
      item("bag-1", 1, { offer: offer("amount_off", 5, 45, "€5.00 off, now €45.00, was €50.00") }),
    ];
    expect(renderDelivery(delivery({ channel: "sms", items }), opts, NOON_UTC).kind).toBe("send");
    const off = [item("bag-1", 1, { offer: offer("amount_off", 5, 45, "now €45.01") })];
    expect(renderDelivery(delivery({ channel: "sms", items: off }), opts, NOON_UTC)).toEqual({
      kind: "reject",
      reason: 'guardrail: "€45.01" is not a price or discount in the decision',
    });
  });

  it("should find a price hidden behind HTML entities in an email template", () => {
    const d = withMessage("email", "10% off");
    const message: RenderedMessage = {
      channel: "email",
      experienceId: d.experienceId,
      deliveryId: d.deliveryId,
      recipient: d.recipient,
      body: { subject: "", text: "", html: "<p>&euro;<b>7</b>.00 &#8364;90.00</p>" },
    };
    expect(checkGuardrail(message, d, "EUR")).toBe(
      'guardrail: "€7.00" is not a price or discount in the decision',
    );
  });

  it.each([
    [[], "reject"],
    [["available_here"], "send"],
  ] as const)('should treat "available here" with tags %j as %s', (tags, kind) => {
    const d = delivery({
      channel: "in_store",
      talkingPoints: ["Available here in size 42"],
      items: [item("boot-1", 1, { tags })],
    });
    const outcome = renderDelivery(d, opts, NOON_UTC);
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === "reject") {
      expect(outcome.reason).toBe('guardrail: "Available here" but no item is tagged available_here');
    }
  });

  it.each([
    ["reminder", [], "reject"],
    ["urgency", [], "send"],
    ["reminder", ["low_stock"], "send"],
  ] as const)('should treat "only 2 left" with a %s offer and tags %j as %s', (kind, tags, outcomeKind) => {
    const items = [item("scarf-1", 1, { offer: offer(kind, 0, 25, "Only 2 left"), tags })];
    const outcome = renderDelivery(delivery({ channel: "push", items }), opts, NOON_UTC);
    expect(outcome.kind).toBe(outcomeKind);
    if (outcome.kind === "reject") {
      expect(outcome.reason).toBe(
        'guardrail: "Only 2 left" needs an urgency offer or an item tagged low_stock',
      );
    }
  });

  it("should not read SKUs and experience ids as claims", () => {
    const items = [item("€99-bag", 1, { offer: offer("reminder", 0, 90, "Still thinking it over?") })];
    expect(renderDelivery(delivery({ channel: "web", items }), opts, NOON_UTC).kind).toBe("send");
  });
});
