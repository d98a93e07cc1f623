/** Email renderings compared with committed goldens (test/adapters/render/golden/email/). */
import { describe, expect, it } from "vitest";
import type { Delivery } from "../../../adapters/src/delivery.js";
import { renderDelivery } from "../../../adapters/src/render/render-delivery.js";
import { delivery, item, NOON_UTC, offer, options } from "./fixtures.js";
import { expectGolden } from "./golden.js";

const CASES: { name: string; delivery: Delivery }[] = [
  { name: "cart-percent-off", delivery: delivery() },
  {
    name: "cart-untrusted-text-escaped",
    delivery: delivery({
      tokens: { first_name: '<script>alert("x")</script>', tier: "Gold & Silver" },
      items: [
        item("bag-1", 1, { offer: offer("amount_off", 5, 45, `Tom & Jerry's "deal" <b>€5.00 off</b>`) }),
      ],
    }),
  },
  {
    name: "fallback-template-no-name",
    delivery: delivery({
      useCase: "replenishment",
      tokens: {},
      items: [
        item("soap-1", 1, { offer: offer("reminder", 0, 4.5, "Running low? Time to restock") }),
        item("brush-2", 2, { offer: offer("amount_off", 2, 8, "€2.00 off a new brush") }),
        item("towel-3", 3),
      ],
    }),
  },
  {
    name: "life-event-de",
    delivery: delivery({
      useCase: "life_events",
      locale: "de-DE",
      tokens: { first_name: "Jonas", life_event: "your wedding" },
      items: [
        item("vase-1", 1, { offer: offer("percent_off", 0.15, 85, "15% off for the big day") }),
        item("frame-2", 2),
      ],
    }),
  },
  {
    name: "life-event-without-event",
    delivery: delivery({ useCase: "life_events", tokens: { first_name: "Mia" }, items: [item("vase-1", 1)] }),
  },
];

describe("renderDelivery() for email", () => {
  const opts = options();

  it.each(CASES)("should render $name as its golden", ({ name, delivery: d }) => {
    const outcome = renderDelivery(d, opts, NOON_UTC);
    expect(outcome.kind).toBe("send");
    expectGolden(`email/${name}`, outcome);
  });

  it("should escape tokens and offer messages in the HTML part only", () => {
    const outcome = renderDelivery(CASES[1]!.delivery, opts, NOON_UTC);
    if (outcome.kind !== "send") throw new Error(`expected send, got ${outcome.kind}`);
    const { html, text } = outcome.message.body as { html: string; text: string };
    expect(html).toContain("Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,");
    expect(html).toContain("Tom &amp; Jerry&#39;s &quot;deal&quot; &lt;b&gt;€5.00 off&lt;/b&gt;");
    expect(html).not.toContain("<script>");
    expect(text).toContain('Hi <script>alert("x")</script>,');
  });
});
