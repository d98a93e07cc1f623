/** Web, app, in-store and paid-media renderings compared with committed goldens. */
import { describe, expect, it } from "vitest";
import type { Delivery } from "../../../adapters/src/delivery.js";
import { renderDelivery } from "../../../adapters/src/render/render-delivery.js";
import type { RenderOptions } from "../../../adapters/src/render/render-options.js";
import { delivery, item, NOON_UTC, offer, options } from "./fixtures.js";
import { expectGolden } from "./golden.js";

const MIXED = [
  item("bag-1", 1, { offer: offer("percent_off", 0.1, 90, "10% off what you left in your cart") }),
  item("shoe-2", 2, { offer: offer("amount_off", 15, 64.99, "€15.00 off these") }),
  item("scarf-3", 3, { offer: offer("urgency", 0, 25, "Only a few left"), tags: ["low_stock"] }),
  item("hat-4", 4, { offer: offer("free_shipping", 0, 19.5, "Free delivery") }),
  item("belt-5", 5),
];

const CASES: { name: string; delivery: Delivery; options?: RenderOptions }[] = [
  {
    name: "web/mixed-offers",
    delivery: delivery({ channel: "web", useCase: "homepage_hero", items: MIXED }),
  },
  {
    name: "web/custom-slot",
    delivery: delivery({ channel: "web", useCase: "search", items: MIXED.slice(3) }),
    options: { webSlot: "search_results" },
  },
  {
    name: "app/mixed-offers",
    delivery: delivery({ channel: "app", useCase: "homepage_hero", items: MIXED }),
  },
  {
    name: "in-store/available-here-first",
    delivery: delivery({
      channel: "in_store",
      useCase: "clienteling",
      talkingPoints: [
        "Gold member since 2021",
        "Bought hiking boots in May",
        "Ask about the 10% off the bag",
      ],
      items: [
        item("bag-1", 1, { offer: offer("percent_off", 0.1, 90, "10% off today") }),
        item("boot-2", 2, { tags: ["available_here"] }),
        item("sock-3", 3),
        item("jacket-4", 4, { tags: ["available_here", "low_stock"] }),
      ],
    }),
  },
  {
    name: "in-store/nothing-here",
    delivery: delivery({
      channel: "in_store",
      useCase: "clienteling",
      talkingPoints: [],
      items: MIXED.slice(4),
    }),
  },
  {
    name: "paid-media/feed-rows",
    delivery: delivery({ channel: "paid_media", useCase: "paid_media", items: MIXED }),
  },
  {
    name: "paid-media/usd",
    delivery: delivery({
      channel: "paid_media",
      useCase: "paid_media",
      locale: "en-US",
      items: MIXED.slice(0, 2),
    }),
    options: { currency: "USD" },
  },
];

describe("renderDelivery() for web, app, in_store and paid_media", () => {
  it.each(CASES)("should render $name as its golden", ({ name, delivery: d, options: o }) => {
    const outcome = renderDelivery(d, options(o), NOON_UTC);
    expect(outcome.kind).toBe("send");
    expectGolden(name, outcome);
  });
});
