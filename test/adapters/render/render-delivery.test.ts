/** renderDelivery(): expiry, empty deliveries, push limits and deep links, option validation. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderDelivery } from "../../../adapters/src/render/render-delivery.js";
import { resolveRenderOptions } from "../../../adapters/src/render/render-options.js";
import { fitPushText } from "../../../adapters/src/render/render-push.js";
import { delivery, item, NOON_UTC, offer, options } from "./fixtures.js";

const opts = options();

describe("renderDelivery()", () => {
  it("should reject an expired delivery before anything else", () => {
    const d = delivery({ expiresAtMs: NOON_UTC, quietHours: { startHour: 0, endHour: 23 } });
    expect(renderDelivery(d, opts, NOON_UTC)).toEqual({ kind: "reject", reason: "expired" });
  });

  it("should send a delivery that has not expired yet", () => {
    expect(renderDelivery(delivery({ expiresAtMs: NOON_UTC + 1 }), opts, NOON_UTC).kind).toBe("send");
  });

  it("should reject a delivery without items", () => {
    expect(renderDelivery(delivery({ items: [] }), opts, NOON_UTC)).toEqual({
      kind: "reject",
      reason: "no items",
    });
  });

  it("should carry the delivery's ids into the message", () => {
    const outcome = renderDelivery(delivery({ channel: "web", deliveryId: "d-9" }), opts, NOON_UTC);
    expect(outcome).toMatchObject({
      kind: "send",
      message: { channel: "web", experienceId: "exp-bag-1", deliveryId: "d-9", recipient: "p-42" },
    });
  });

  it("should deep-link push to the first item with an offer", () => {
    const items = [item("sock-1", 1), item("bag 2", 2, { offer: offer("percent_off", 0.1, 90, "10% off") })];
    const outcome = renderDelivery(delivery({ channel: "push", items }), opts, NOON_UTC);
    expect(outcome).toMatchObject({
      kind: "send",
      message: { body: { deepLink: "app://product/bag%202", sku: "bag 2" } },
    });
  });
});

describe("fitPushText()", () => {
  it("should keep any text within the limit, cut at a word when it can, ending in …", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.integer({ min: 1, max: 150 }),
        (text, max) => {
          const fitted = fitPushText(text, max);
          expect(fitted.length).toBeLessThanOrEqual(max);
          const flat = text.replace(/\s+/g, " ").trim();
          if (flat.length <= max) expect(fitted).toBe(flat);
          else if (fitted !== "") {
            expect(fitted.endsWith("…")).toBe(true);
            expect(flat.startsWith(fitted.slice(0, -1))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("should cut at a word boundary", () => {
    expect(fitPushText("Your cart is waiting for you", 16)).toBe("Your cart is…");
  });

  it("should not cut inside a grapheme cluster", () => {
    expect(fitPushText("👩‍👩‍👧‍👦👩‍👩‍👧‍👦", 15)).toBe("👩‍👩‍👧‍👦…");
  });
});

describe("resolveRenderOptions()", () => {
  it.each([
    [{ currency: "eur" }, 'options.currency must be an upper-case ISO 4217 code, got "eur"'],
    [{ currency: "EURO" }, 'options.currency must be an ISO 4217 code, got "EURO"'],
    [{ smsMaxSegments: 0 }, "options.smsMaxSegments must be an integer in 1..10, got 0"],
    [{ pushTitleMax: 1.5 }, "options.pushTitleMax must be an integer in 1..1000, got 1.5"],
    [{ smsFooter: " " }, "options.smsFooter must not be empty: every SMS needs an opt-out"],
    [{ smsSender: "x".repeat(150) }, "options.smsSender and options.smsFooter must fit in one SMS together"],
    [{ templatesDir: "/nonexistent" }, "templates: cannot read /nonexistent/email (option templatesDir)"],
  ])("should reject %j with %j", (o, message) => {
    expect(() => resolveRenderOptions(o)).toThrow(message);
  });

  it("should apply the documented defaults and freeze the result", () => {
    const r = resolveRenderOptions();
    expect(r).toMatchObject({
      currency: "EUR",
      smsFooter: "Reply STOP to opt out",
      smsMaxSegments: 3,
      pushTitleMax: 50,
    });
    expect(r.templates.has("email/default.subject")).toBe(true);
    expect(Object.isFrozen(r)).toBe(true);
  });
});
