/** SMS renderings compared with committed goldens (test/adapters/render/golden/sms/). */
import { describe, expect, it } from "vitest";
import type { Delivery } from "../../../adapters/src/delivery.js";
import { renderDelivery } from "../../../adapters/src/render/render-delivery.js";
import type { RenderOptions } from "../../../adapters/src/render/render-options.js";
import { delivery, item, NOON_UTC, offer, options } from "./fixtures.js";
import { expectGolden } from "./golden.js";

const LONG =
  "It ships free, comes in three colours, fits a laptop and a weekend of clothes, survives rain, airport carousels and toddlers, and keeps its shape for years, which is why it is our best-selling bag this spring and last autumn and the one before";

const CASES: { name: string; delivery: Delivery; options?: RenderOptions }[] = [
  { name: "cart-gsm7-single", delivery: delivery({ channel: "sms" }) },
  {
    name: "cart-long-truncated",
    delivery: delivery({
      channel: "sms",
      items: [
        item("bag-1", 1, {
          offer: offer(
            "percent_off",
            0.1,
            90,
            `10% off what you left in your cart, now €90.00. ${LONG}. ${LONG}`,
          ),
        }),
      ],
    }),
  },
  {
    name: "cart-ucs2-emoji",
    delivery: delivery({ channel: "sms", tokens: { first_name: "Zoë 😊" } }),
  },
  {
    name: "extension-characters-multipart",
    delivery: delivery({
      channel: "sms",
      items: [
        item("bag-1", 1, {
          offer: offer("amount_off", 5, 45, `[VIP] {members} get €5.00 off | ${LONG.slice(0, 120)} ~ ^ \\`),
        }),
      ],
    }),
  },
  { name: "fr-locale-no-break-space", delivery: delivery({ channel: "sms", locale: "fr-FR" }) },
  {
    name: "default-template-one-segment",
    delivery: delivery({
      channel: "sms",
      useCase: "win_back",
      items: [item("coat-1", 1, { offer: offer("percent_off", 0.15, 170, `We miss you: 15% off. ${LONG}`) })],
    }),
    options: { smsMaxSegments: 1, smsSender: "Acme Outdoor", smsFooter: "Text STOP to end" },
  },
];

describe("renderDelivery() for sms", () => {
  it.each(CASES)("should render $name as its golden", ({ name, delivery: d, options: o }) => {
    const outcome = renderDelivery(d, options(o), NOON_UTC);
    expect(outcome.kind).toBe("send");
    expectGolden(`sms/${name}`, outcome);
  });
});
