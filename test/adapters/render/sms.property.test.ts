/** SMS layout on random text, offers and tokens: segment limits, encodings, footer, claims kept whole. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findClaims } from "../../../adapters/src/render/find-claims.js";
import { layoutSms, renderSms } from "../../../adapters/src/render/render-sms.js";
import {
  SMS_LIMITS,
  type SmsEncoding,
  segmentSms,
  smsEncoding,
  smsLength,
} from "../../../adapters/src/render/sms-encoding.js";
import { delivery, item, offer, options } from "./fixtures.js";

const GSM = [
  ..."@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
  ..."^{}\\[~]|€",
  "\n",
];
const WORDS = [
  "€12.00",
  "12,00 €",
  "10%",
  "Only 2 left",
  "EUR 3.50",
  "in stock",
  "bag",
  "😊",
  "Zoë",
  "€",
  "[x]",
  " ",
  "  ",
];

/** Text mixing GSM characters, extension characters, any Unicode (emoji included) and price-like words. */
const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(...GSM),
      fc.string({ unit: "grapheme", maxLength: 4 }),
      fc.constantFrom(...WORDS),
      fc.string({ unit: fc.constantFrom(...GSM), minLength: 1, maxLength: 12 }),
    ),
    { maxLength: 160 },
  )
  .map((parts) => parts.join(""));

/** No lone surrogate: no surrogate pair was split at a part boundary. */
function wellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function checkSegments(segments: readonly string[], full: string, encoding: SmsEncoding, max: number): void {
  expect(segments.join("")).toBe(full);
  expect(segments.length).toBeLessThanOrEqual(max);
  const limit = segments.length === 1 ? SMS_LIMITS[encoding].single : SMS_LIMITS[encoding].part;
  for (const s of segments) {
    expect(smsLength(s, encoding)).toBeLessThanOrEqual(limit);
    expect(wellFormed(s)).toBe(true);
  }
}

describe("segmentSms()", () => {
  it("should cut any text into parts that fit the encoding, without splitting a character", () => {
    fc.assert(
      fc.property(text, (t) => {
        const encoding = smsEncoding(t);
        const segments = segmentSms(t, encoding);
        expect(segments.join("")).toBe(t);
        const limit = segments.length === 1 ? SMS_LIMITS[encoding].single : SMS_LIMITS[encoding].part;
        for (const s of segments) {
          expect(smsLength(s, encoding)).toBeLessThanOrEqual(limit);
          expect(wellFormed(s)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ["a".repeat(160), "GSM-7", 1],
    ["a".repeat(161), "GSM-7", 2],
    ["€".repeat(80), "GSM-7", 1],
    ["€".repeat(81), "GSM-7", 2],
    ["ë".repeat(70), "UCS-2", 1],
    ["ë".repeat(71), "UCS-2", 2],
    ["😊".repeat(35), "UCS-2", 1],
  ])("should send %j as %s in %d part(s)", (t, encoding, parts) => {
    expect(smsEncoding(t)).toBe(encoding);
    expect(segmentSms(t).length).toBe(parts);
  });

  it("should not split an extension character's escape pair across parts", () => {
    // 152 septets of "a", then "€" (2 septets) would straddle the first part's 153rd septet.
    const segments = segmentSms(`${"a".repeat(152)}€${"b".repeat(20)}`);
    expect(segments).toEqual(["a".repeat(152), `€${"b".repeat(20)}`]);
  });

  it("should not split a surrogate pair across parts", () => {
    const segments = segmentSms(`${"ë".repeat(66)}😊${"ë".repeat(10)}`);
    expect(segments).toEqual(["ë".repeat(66), `😊${"ë".repeat(10)}`]);
  });
});

describe("layoutSms()", () => {
  it("should fit any body in the segment limit, footer last, claims never cut", () => {
    fc.assert(
      fc.property(
        text,
        fc.constantFrom("", "Acme", "Zoë's"),
        fc.constantFrom("Reply STOP to opt out", "STOP→opt out"),
        fc.integer({ min: 1, max: 5 }),
        (body, sender, footer, max) => {
          const sms = layoutSms(body, sender, footer, max);
          expect(sms.encoding).toBe(smsEncoding(sms.text));
          expect(sms.text.endsWith(`\n${footer}`)).toBe(true);
          checkSegments(sms.segments, sms.text, sms.encoding, max);
          // Every amount left in the text is one the body had, whole.
          const before = new Set(findClaims(body.replace(/[\s\u00a0\u202f]+/g, " ")).map((c) => c.raw));
          for (const c of findClaims(sms.text)) if (c.kind === "amount") expect(before).toContain(c.raw);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("should shorten at a word boundary with an ellipsis, keeping the price whole", () => {
    const body = `Was €100.00, now €90.00 ${"lovely ".repeat(30)}`;
    const sms = layoutSms(body, "Acme", "Reply STOP to opt out", 1);
    expect(sms.text).toBe(
      `Acme: Was €100.00, now €90.00 ${"lovely ".repeat(13)}lovely...\nReply STOP to opt out`,
    );
    expect(sms.segments).toEqual([sms.text]);
  });
});

describe("renderSms()", () => {
  it("should stay in the segment limit for random tokens and offer messages", () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: 1, max: 4 }), (name, message, max) => {
        const d = delivery({
          channel: "sms",
          tokens: { first_name: name },
          items: [item("bag-1", 1, { offer: offer("percent_off", 0.1, 90, message) })],
        });
        const body = renderSms(d, options({ smsMaxSegments: max })).body as {
          text: string;
          encoding: SmsEncoding;
          segments: string[];
        };
        expect(body.text.endsWith("\nReply STOP to opt out")).toBe(true);
        checkSegments(body.segments, body.text, body.encoding, max);
      }),
      { numRuns: 200 },
    );
  });
});
