/** Push renderings compared with committed goldens (test/adapters/render/golden/push/). */
import { describe, expect, it } from "vitest";
import type { Delivery } from "../../../adapters/src/delivery.js";
import { renderDelivery } from "../../../adapters/src/render/render-delivery.js";
import type { RenderOptions } from "../../../adapters/src/render/render-options.js";
import { delivery, item, NOON_UTC, offer, options } from "./fixtures.js";
import { expectGolden } from "./golden.js";

const CASES: { name: string; delivery: Delivery; options?: RenderOptions }[] = [
  { name: "cart-percent-off", delivery: delivery({ channel: "push" }) },
  {
    name: "cart-truncated",
    delivery: delivery({
      channel: "push",
      tokens: { first_name: "Maximiliane-Josefine Alexandra von Hohenberg-Schwarzenfeld" },
      items: [
        item("bag/1 large", 1, {
          offer: offer(
            "percent_off",
            0.2,
            120,
            "Black Friday: 20% off the bag you left behind, with free returns for 60 days and a lifetime guarantee on every zip and strap",
          ),
        }),
      ],
    }),
  },
  {
    name: "default-template-no-offer",
    delivery: delivery({
      channel: "push",
      useCase: "browse_abandonment",
      tokens: { category: "Running shoes" },
      items: [item("shoe-9", 1), item("sock-2", 2)],
    }),
  },
  {
    name: "custom-limits-emoji",
    delivery: delivery({
      channel: "push",
      tokens: { first_name: "👩‍👩‍👧‍👦 family" },
      items: [
        item("tent-1", 1, {
          offer: offer("amount_off", 30, 270, "€30.00 off the four-person tent 🏕️ this week only"),
        }),
      ],
    }),
    options: { pushTitleMax: 20, pushBodyMax: 40, deepLinkBase: "https://shop.example/p/" },
  },
];

describe("renderDelivery() for push", () => {
  it.each(CASES)("should render $name as its golden", ({ name, delivery: d, options: o }) => {
    const outcome = renderDelivery(d, options(o), NOON_UTC);
    expect(outcome.kind).toBe("send");
    expectGolden(`push/${name}`, outcome);
  });
});
