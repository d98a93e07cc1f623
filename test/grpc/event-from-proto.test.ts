import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { Consent } from "../../server/src/domain/consent.js";
import { EventSchema, LifeEventType, Purpose } from "../../server/src/gen/relevance/v1/events_pb.js";
import { type EventLimits, eventFromProto } from "../../server/src/grpc/event-from-proto.js";
import { createIdentifierHasher } from "../../server/src/identity/identifier-hasher.js";
import { hiddenClassCount } from "../support/hidden-class.js";

const NOW = Date.UTC(2026, 10, 24, 12);
const LIMITS: EventLimits = {
  maxUserIdLength: 64,
  maxSkuLength: 32,
  maxEventIdLength: 40,
  maxEventTextLength: 100,
  maxOrderLines: 3,
  maxEventFutureMs: 60_000,
  maxEventAgeMs: 30 * 24 * 3600 * 1000,
};
const hasher = createIdentifierHasher("a-test-key-of-at-least-16-bytes");

type Init = MessageInitShape<typeof EventSchema>;
const base: Init = {
  eventId: "e-1",
  subject: { case: "userId", value: "user-1" },
  timestampMs: BigInt(NOW - 1000),
  channel: 1,
  payload: { case: "viewItem", value: { sku: "SKU-1", category: "Shoes > Running", price: 89.5 } },
};
const convert = (init: Init) => eventFromProto(create(EventSchema, init), "events[4]", LIMITS, hasher, NOW);

describe("eventFromProto", () => {
  it("turns a valid view into the domain event", () => {
    expect(convert(base)).toEqual({
      ok: true,
      event: {
        kind: "view_item",
        eventId: "e-1",
        userId: "user-1",
        anonymous: false,
        timestampMs: NOW - 1000,
        channel: 1,
        sku: "SKU-1",
        category: "Shoes > Running",
        price: 89.5,
      },
    });
  });

  it.each<[string, Init, string, RegExp]>([
    ["missing event id", { ...base, eventId: "" }, "events[4].event_id", /required/],
    ["missing subject", { ...base, subject: { case: undefined } }, "events[4].user_id", /required/],
    ["unknown type", { ...base, payload: { case: undefined } }, "events[4].payload", /one event type/],
    ["no timestamp", { ...base, timestampMs: 0n }, "events[4].timestamp_ms", /required/],
    [
      "timestamp too far in the future",
      { ...base, timestampMs: BigInt(NOW + 120_000) },
      "events[4].timestamp_ms",
      /120000 ms in the future exceeds the limit of 60000 ms \(option maxEventFutureMs\)/,
    ],
    [
      "too old",
      { ...base, timestampMs: BigInt(NOW - 31 * 24 * 3600 * 1000) },
      "events[4].timestamp_ms",
      /option maxEventAgeMs/,
    ],
    ["no channel", { ...base, channel: 0 }, "events[4].channel", /required/],
    [
      "negative price",
      { ...base, payload: { case: "viewItem", value: { sku: "S", price: -1 } } },
      "events[4].view_item.price",
      /finite number ≥ 0, got -1/,
    ],
    [
      "long sku",
      { ...base, payload: { case: "viewItem", value: { sku: "S".repeat(33) } } },
      "events[4].view_item.sku",
      /33 characters exceeds the limit of 32 characters \(option maxSkuLength\)/,
    ],
    [
      "cart quantity 0",
      { ...base, payload: { case: "addToCart", value: { sku: "S", quantity: 0 } } },
      "events[4].add_to_cart.quantity",
      /1\.\.10000/,
    ],
    [
      "purchase without lines",
      { ...base, payload: { case: "purchase", value: { orderId: "o1" } } },
      "events[4].purchase.lines",
      /at least one line/,
    ],
    [
      "purchase line with negative price",
      {
        ...base,
        payload: {
          case: "purchase",
          value: { orderId: "o1", lines: [{ sku: "S", quantity: 1, unitPrice: -5 }] },
        },
      },
      "events[4].purchase.lines[0].unit_price",
      /finite number ≥ 0/,
    ],
    [
      "too many lines",
      {
        ...base,
        payload: {
          case: "purchase",
          value: {
            orderId: "o1",
            lines: Array.from({ length: 4 }, () => ({ sku: "S", quantity: 1, unitPrice: 1 })),
          },
        },
      },
      "events[4].purchase.lines",
      /4 exceeds the limit of 3 \(option maxOrderLines\)/,
    ],
    [
      "scroll depth above 1",
      { ...base, payload: { case: "sessionSignal", value: { scrollDepth: 1.5 } } },
      "events[4].session_signal.scroll_depth",
      /\[0, 1\]/,
    ],
    [
      "life event without a day",
      {
        ...base,
        payload: { case: "lifeEvent", value: { type: LifeEventType.BIRTHDAY, date: "2026-02-30" } },
      },
      "events[4].life_event.date",
      /YYYY-MM-DD/,
    ],
    [
      "consent without changes",
      { ...base, payload: { case: "consentUpdate", value: {} } },
      "events[4].consent_update.changes",
      /at least one change/,
    ],
    [
      "identify with a bad e-mail",
      { ...base, payload: { case: "identify", value: { identifiers: { email: "not-an-address" } } } },
      "events[4].identify.identifiers.email",
      /e-mail address/,
    ],
  ])("rejects %s naming the field", (_what, init, field, message) => {
    const r = convert(init);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe(field);
    expect(r.message).toMatch(message);
    expect(r.message.startsWith(field)).toBe(true);
  });

  it("never repeats a raw identifier, in the event or in an error", () => {
    const ok = convert({
      ...base,
      payload: {
        case: "identify",
        value: { identifiers: { email: " Ada@Example.com ", phone: "+44 (20) 7946-0000" } },
      },
    });
    expect(ok.ok).toBe(true);
    const text = JSON.stringify(ok);
    expect(text).not.toMatch(/ada|example|7946/i);
    const again = convert({
      ...base,
      payload: {
        case: "identify",
        value: { identifiers: { email: "ada@example.com", phone: "+442079460000" } },
      },
    });
    // Normalised spellings hash alike.
    expect(again).toEqual(ok);
    const bad = convert({
      ...base,
      payload: { case: "identify", value: { identifiers: { email: "secret@@x" } } },
    });
    expect(JSON.stringify(bad)).not.toContain("secret");
  });

  it("maps consent purposes to bits; a purpose granted and withdrawn at once is withdrawn", () => {
    const r = convert({
      ...base,
      payload: {
        case: "consentUpdate",
        value: {
          changes: [
            { purpose: Purpose.EMAIL, granted: true },
            { purpose: Purpose.SMS, granted: true },
            { purpose: Purpose.SMS, granted: false },
          ],
          globalOptOut: true,
        },
      },
    });
    expect(r).toMatchObject({
      ok: true,
      event: { kind: "consent_update", granted: Consent.EMAIL, denied: Consent.SMS, globalOptOut: true },
    });
  });

  it("builds every event of one type with one hidden class (monomorphic for the consumer)", () => {
    const payloads: NonNullable<Init["payload"]>[] = [
      { case: "viewItem", value: { sku: "S", category: "Shoes", price: 10 } },
      { case: "addToCart", value: { sku: "S", quantity: 1 } },
      { case: "removeFromCart", value: { sku: "S", quantity: 1 } },
      { case: "purchase", value: { orderId: "o1", lines: [{ sku: "S", quantity: 1, unitPrice: 5 }] } },
      { case: "search", value: { query: "boots", resultCount: 3 } },
      { case: "sessionSignal", value: { sku: "S", scrollDepth: 0.5, dwellMs: 900 } },
      { case: "storeVisit", value: { storeId: "store-1" } },
      { case: "lifeEvent", value: { type: LifeEventType.BIRTHDAY, date: "2027-02-01", recurring: true } },
      { case: "consentUpdate", value: { changes: [{ purpose: Purpose.EMAIL, granted: true }] } },
      { case: "identify", value: { identifiers: { email: "a@example.com" } } },
    ];
    for (const payload of payloads) {
      // Thirty of a kind; the first ten warm the literals up (test/style/hidden-class.test.ts).
      const events = Array.from({ length: 30 }, (_, i) => {
        const r = convert({ ...base, eventId: `e-${i}`, payload });
        if (!r.ok) throw new Error(`${payload.case}: ${JSON.stringify(r)}`);
        return r.event;
      });
      expect([payload.case, hiddenClassCount(events.slice(10))]).toEqual([payload.case, 1]);
    }
  });
});
