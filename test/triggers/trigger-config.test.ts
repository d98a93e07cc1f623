import { describe, expect, it } from "vitest";
import { Channel } from "../../server/src/domain/channel.js";
import {
  DEFAULT_TRIGGER_CONFIG,
  resolveTriggerConfig,
  type TriggerOptions,
} from "../../server/src/triggers/trigger-config.js";

describe("resolveTriggerConfig()", () => {
  it("should give the defaults, frozen", () => {
    const c = resolveTriggerConfig();
    expect(c).toEqual(DEFAULT_TRIGGER_CONFIG);
    expect(c.cartIdleMs).toBe(30 * 60_000);
    expect(c.browseIdleMs).toBe(60 * 60_000);
    expect(c.lifeEventLeadDays).toBe(14);
    expect(c.winBackMinMs).toBe(60 * 86_400_000);
    expect(c.kinds.life_event).toEqual({
      enabled: true,
      useCase: "life_events",
      channel: Channel.EMAIL,
      limit: 3,
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.kinds.cart_abandonment)).toBe(true);
  });

  it("should merge per-kind options field by field", () => {
    const c = resolveTriggerConfig({
      cartIdleMs: 50,
      kinds: { cart_abandonment: { channel: Channel.PUSH } },
    });
    expect(c.cartIdleMs).toBe(50);
    expect(c.kinds.cart_abandonment).toEqual({
      enabled: true,
      useCase: "cart_abandonment",
      channel: Channel.PUSH,
      limit: 3,
    });
    expect(c.kinds.win_back).toEqual(DEFAULT_TRIGGER_CONFIG.kinds.win_back);
  });

  it.each<[TriggerOptions, string]>([
    [{ cartIdleMs: 0 }, "triggers.cartIdleMs must be an integer in [1, 315360000000], got 0"],
    [{ browseIdleMs: 1.5 }, "triggers.browseIdleMs must be an integer in [1, 315360000000], got 1.5"],
    [{ lifeEventLeadDays: -1 }, "triggers.lifeEventLeadDays must be an integer in [0, 366], got -1"],
    [{ winBackIntervals: 0.5 }, "triggers.winBackIntervals must be a number in [1, 100], got 0.5"],
    [{ winBackMinMs: Number.NaN }, "triggers.winBackMinMs must be an integer in [1, 315360000000], got NaN"],
    [{ maxSkus: 0 }, "triggers.maxSkus must be an integer in [1, 1000], got 0"],
    [{ maxLateMs: -5 }, "triggers.maxLateMs must be an integer in [0, 315360000000], got -5"],
    [
      { kinds: { win_back: { limit: 0 } } },
      "triggers.kinds.win_back.limit must be an integer in [1, 1000], got 0",
    ],
    [
      { kinds: { replenishment: { useCase: "" } } },
      "triggers.kinds.replenishment.useCase must be a non-empty string, got ",
    ],
    [
      { kinds: { life_event: { channel: 9 as Channel } } },
      "triggers.kinds.life_event.channel must be a Channel number (1..7), got 9",
    ],
    [
      { kinds: { cart_abandonment: { enabled: "yes" as unknown as boolean } } },
      "triggers.kinds.cart_abandonment.enabled must be a boolean, got yes",
    ],
    [
      { kinds: { birthday: {} } } as TriggerOptions,
      "triggers.kinds.birthday is not a trigger kind (one of cart_abandonment, browse_abandonment, replenishment, life_event, win_back)",
    ],
  ])("should reject %j naming the field", (options, message) => {
    expect(() => resolveTriggerConfig(options)).toThrow(new RangeError(message));
  });
});
