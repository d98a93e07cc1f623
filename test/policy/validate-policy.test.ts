import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { Channel } from "../../server/src/gen/relevance/v1/common_pb.js";
import {
  CapRuleSchema,
  CapUnit,
  ConditionSchema,
  Fact,
  OfferKind,
  OfferSchema,
  type Policy as PolicyProto,
  ScoringWeightsSchema,
  TalkingPointSchema,
  UseCaseSchema,
} from "../../server/src/gen/relevance/v1/policy_pb.js";
import { POLICY_LIMITS, validatePolicy } from "../../server/src/policy/validate-policy.js";
import { fixturePolicy } from "./support/fixtures.js";

// Indexes in the fixture (test/policy/fixtures/policy.yaml):
//   offers:     0 ten_off (percent off, two eligibility conditions), 1 free_ship
//   caps:       0 weekly_email, 1 hero_recency (use case homepage_hero)
//   use_cases:  0 homepage_hero (boosts[0] on category affinity),
//               1 cart_abandonment (eligibility[0], offer_rules[0] ten_off and [1] free_ship,
//                 talking_points[0] on a birthday)
const offer = (p: PolicyProto, i: number) => p.offers[i]!;
const useCase = (p: PolicyProto, i: number) => p.useCases[i]!;
const tenOffCondition = (p: PolicyProto) => offer(p, 0).eligibility[0]!;
const x = (n: number) => "x".repeat(n);
const LIFE_EVENTS = "birthday, wedding, anniversary, new_baby, graduation, move";

type Case = [string, (p: PolicyProto) => void, readonly string[]];

function problemsAfter(change: (p: PolicyProto) => void): string[] {
  const p = fixturePolicy();
  change(p);
  return validatePolicy(p);
}

describe("validatePolicy()", () => {
  it("should accept the fixture", () => {
    expect(validatePolicy(fixturePolicy())).toEqual([]);
  });

  describe("the policy's own fields", () => {
    it.each<Case>([
      ["no version", (p) => (p.version = ""), ["version: required"]],
      [
        "a version with a blank",
        (p) => (p.version = "v 1"),
        ['version: must contain only A-Z, a-z, 0-9, ".", "_" and "-"'],
      ],
      [
        "a long version",
        (p) => (p.version = x(65)),
        ["version: 65 characters exceeds the limit of 64 characters"],
      ],
      [
        "a long name",
        (p) => (p.name = "é".repeat(129)),
        ["name: 129 characters exceeds the limit of 128 characters"],
      ],
      ["a holdout over half", (p) => (p.holdoutShare = 0.6), ["holdout_share: must be in [0, 0.5], got 0.6"]],
      [
        "a negative holdout",
        (p) => (p.holdoutShare = -0.1),
        ["holdout_share: must be in [0, 0.5], got -0.1"],
      ],
      [
        "a holdout without a salt",
        (p) => (p.holdoutSalt = ""),
        ["holdout_salt: required when a holdout share is set"],
      ],
      [
        "a use case holdout without a salt",
        (p) => {
          p.holdoutShare = 0;
          p.holdoutSalt = "";
        },
        ["holdout_salt: required when a holdout share is set"],
      ],
      [
        "no salt and no holdout",
        (p) => {
          p.holdoutShare = 0;
          useCase(p, 1).holdoutShare = 0;
          p.holdoutSalt = "";
        },
        [],
      ],
      [
        "a long salt",
        (p) => (p.holdoutSalt = x(129)),
        ["holdout_salt: 129 characters exceeds the limit of 128 characters"],
      ],
      [
        "a time zone that is not IANA",
        (p) => (p.defaultTimeZone = "Mars/Olympus"),
        ['default_time_zone: "Mars/Olympus" is not an IANA time zone (for example "Europe/London")'],
      ],
      ["no time zone", (p) => (p.defaultTimeZone = ""), []],
      [
        "a weight over 100",
        (p) => (p.weights!.base = 101),
        ["weights.base: must be in [-100, 100], got 101"],
      ],
      [
        "a weight that is not a number",
        (p) => (p.weights!.popularity = Number.NaN),
        ["weights.popularity: must be in [-100, 100], got NaN"],
      ],
      [
        "a margin floor over 1",
        (p) => (p.weights!.marginFloor = 2),
        ["weights.margin_floor: must be in [-1, 1], got 2"],
      ],
      [
        "a use case weight under -100",
        (p) => (useCase(p, 1).weights = create(ScoringWeightsSchema, { price: -200 })),
        ["use_cases[1].weights.price: must be in [-100, 100], got -200"],
      ],
    ])("should name %s", (_, change, expected) => {
      expect(problemsAfter(change)).toEqual(expected);
    });
  });

  describe("offers", () => {
    it.each<Case>([
      [
        "a percentage over 0.9",
        (p) => (offer(p, 0).value = 0.95),
        ["offers[0].value: must be at most 0.9 for OFFER_KIND_PERCENT_OFF"],
      ],
      [
        "a percentage of 0",
        (p) => (offer(p, 0).value = 0),
        ["offers[0].value: must be greater than 0 for OFFER_KIND_PERCENT_OFF"],
      ],
      [
        "an amount over a million",
        (p) => Object.assign(offer(p, 0), { kind: OfferKind.AMOUNT_OFF, value: 1_000_001 }),
        ["offers[0].value: must be at most 1000000 for OFFER_KIND_AMOUNT_OFF"],
      ],
      [
        "a negative amount",
        (p) => Object.assign(offer(p, 0), { kind: OfferKind.AMOUNT_OFF, value: -5 }),
        ["offers[0].value: must be greater than 0 for OFFER_KIND_AMOUNT_OFF"],
      ],
      [
        "a value on free shipping",
        (p) => (offer(p, 1).value = 5),
        [
          "offers[1].value: must be 0 for OFFER_KIND_FREE_SHIPPING (only percent-off and amount-off offers carry a value)",
        ],
      ],
      [
        "an infinite value",
        (p) => (offer(p, 0).value = Number.POSITIVE_INFINITY),
        ["offers[0].value: must be a finite number, got Infinity"],
      ],
      ["no kind", (p) => (offer(p, 1).kind = OfferKind.UNSPECIFIED), ["offers[1].kind: required"]],
      [
        "an unknown kind",
        (p) => (offer(p, 1).kind = 99 as OfferKind),
        ["offers[1].kind: 99 is not a OfferKind"],
      ],
      [
        "a repeated id",
        (p) => (offer(p, 1).id = "ten_off"),
        [
          'offers[1].id: "ten_off" is already offers[0].id',
          'use_cases[1].offer_rules[1].offer_id: no offer "free_ship"',
        ],
      ],
      [
        "an id with a blank",
        (p) => (offer(p, 1).id = "free ship"),
        [
          'offers[1].id: must match ^[A-Za-z0-9_.-]{1,64}$, got "free ship"',
          'use_cases[1].offer_rules[1].offer_id: no offer "free_ship"',
        ],
      ],
      [
        "no id",
        (p) => (offer(p, 1).id = ""),
        ["offers[1].id: required", 'use_cases[1].offer_rules[1].offer_id: no offer "free_ship"'],
      ],
      [
        "a margin impact over 1",
        (p) => (offer(p, 0).marginImpact = 1.5),
        ["offers[0].margin_impact: must be in [0, 1], got 1.5"],
      ],
      [
        "a window that ends before it starts",
        (p) => (offer(p, 0).validUntil = timestampFromMs(Date.parse("2026-10-01T00:00:00Z"))),
        ["offers[0].valid_until: must be after valid_from"],
      ],
      [
        "a long message",
        (p) => (offer(p, 0).message = x(501)),
        ["offers[0].message: 501 characters exceeds the limit of 500 characters"],
      ],
      [
        "an unspecified channel",
        (p) => (offer(p, 0).channels = [Channel.UNSPECIFIED]),
        ["offers[0].channels[0]: must not be CHANNEL_UNSPECIFIED"],
      ],
      [
        "an unknown channel",
        (p) => (offer(p, 0).channels = [9 as Channel]),
        ["offers[0].channels[0]: 9 is not a Channel"],
      ],
      [
        "a repeated channel",
        (p) => (offer(p, 0).channels = [Channel.EMAIL, Channel.EMAIL]),
        ["offers[0].channels[1]: repeats CHANNEL_EMAIL"],
      ],
    ])("should name %s", (_, change, expected) => {
      expect(problemsAfter(change)).toEqual(expected);
    });
  });

  describe("conditions", () => {
    it.each<Case>([
      [
        "no fact",
        (p) => (tenOffCondition(p).fact = Fact.UNSPECIFIED),
        ["offers[0].eligibility[0].fact: required"],
      ],
      [
        "an unknown fact",
        (p) => (tenOffCondition(p).fact = 99 as Fact),
        ["offers[0].eligibility[0].fact: 99 is not a Fact"],
      ],
      [
        "min above max",
        (p) => Object.assign(tenOffCondition(p), { min: 0.5, max: 0.2 }),
        ["offers[0].eligibility[0]: min 0.5 is greater than max 0.2"],
      ],
      [
        "an infinite bound",
        (p) => (tenOffCondition(p).max = Number.POSITIVE_INFINITY),
        [
          "offers[0].eligibility[0].max: must be a finite number (leave it unset for an open bound), got Infinity",
        ],
      ],
      [
        "an argument on a fact that takes none",
        (p) => (tenOffCondition(p).arg = "shoes"),
        ["offers[0].eligibility[0].arg: must be empty for FACT_DISCOUNT_SENSITIVITY"],
      ],
      [
        "a category affinity without a category",
        (p) => (useCase(p, 0).boosts[0]!.when[0]!.arg = ""),
        ["use_cases[0].boosts[0].when[0].arg: required for FACT_CATEGORY_AFFINITY (a top-level category)"],
      ],
      [
        "an unknown life event",
        (p) => (useCase(p, 1).talkingPoints[0]!.when[0]!.arg = "party"),
        [
          `use_cases[1].talking_points[0].when[0].arg: must be one of ${LIFE_EVENTS} or "" for any, got "party"`,
        ],
      ],
      ["any life event", (p) => (useCase(p, 1).talkingPoints[0]!.when[0]!.arg = ""), []],
      [
        "an item fact in use case eligibility",
        (p) => (useCase(p, 1).eligibility[0]!.when[0]!.fact = Fact.ITEM_PRICE),
        [
          "use_cases[1].eligibility[0].when[0].fact: FACT_ITEM_PRICE is an item fact; use case eligibility may use only person facts",
        ],
      ],
      [
        "nothing for an item fact in an offer rule",
        (p) =>
          useCase(p, 1).offerRules[0]!.when.push(
            create(ConditionSchema, { fact: Fact.ITEM_IN_CART, min: 1 }),
          ),
        [],
      ],
      [
        "too many conditions",
        (p) => {
          offer(p, 0).eligibility = Array.from({ length: 33 }, () =>
            create(ConditionSchema, { fact: Fact.ITEM_STOCK, min: 1 }),
          );
        },
        ["offers[0].eligibility: 33 exceeds the limit of 32 conditions"],
      ],
    ])("should name %s", (_, change, expected) => {
      expect(problemsAfter(change)).toEqual(expected);
    });
  });

  describe("caps and quiet hours", () => {
    it.each<Case>([
      ["no unit", (p) => (p.caps[0]!.unit = CapUnit.UNSPECIFIED), ["caps[0].unit: required"]],
      ["a limit of 0", (p) => (p.caps[0]!.limit = 0), ["caps[0].limit: must be in [1, 1000], got 0"]],
      [
        "a limit over 1000",
        (p) => (p.caps[0]!.limit = 1001),
        ["caps[0].limit: must be in [1, 1000], got 1001"],
      ],
      [
        "a window over a year",
        (p) => (p.caps[0]!.windowSeconds = 31_536_001),
        ["caps[0].window_seconds: must be in [1, 31536000], got 31536001"],
      ],
      [
        "a window of 0",
        (p) => (p.caps[1]!.windowSeconds = 0),
        ["caps[1].window_seconds: must be in [1, 31536000], got 0"],
      ],
      [
        "a repeated id",
        (p) => (p.caps[1]!.id = "weekly_email"),
        ['caps[1].id: "weekly_email" is already caps[0].id'],
      ],
      [
        "an unknown use case",
        (p) => (p.caps[1]!.useCases = ["homepage_hero", "checkout"]),
        ['caps[1].use_cases[1]: no use case "checkout"'],
      ],
      [
        "an unspecified channel",
        (p) => (p.caps[0]!.channels = [Channel.UNSPECIFIED]),
        ["caps[0].channels[0]: must not be CHANNEL_UNSPECIFIED"],
      ],
      [
        "an hour of 24",
        (p) => (p.quietHours[0]!.startHour = 24),
        ["quiet_hours[0].start_hour: must be in [0, 23], got 24"],
      ],
      [
        "an empty quiet time",
        (p) => Object.assign(p.quietHours[0]!, { startHour: 8, endHour: 8 }),
        ["quiet_hours[0].end_hour: must differ from start_hour (both 8)"],
      ],
      [
        "quiet hours without channels",
        (p) => (p.quietHours[0]!.channels = []),
        ["quiet_hours[0].channels: required, at least one channel"],
      ],
    ])("should name %s", (_, change, expected) => {
      expect(problemsAfter(change)).toEqual(expected);
    });
  });

  describe("use cases", () => {
    it.each<Case>([
      [
        "an id with capitals",
        (p) => (useCase(p, 0).id = "Homepage"),
        [
          'caps[1].use_cases[0]: no use case "homepage_hero"',
          'use_cases[0].id: must match ^[a-z0-9_]{1,64}$, got "Homepage"',
        ],
      ],
      [
        "a repeated id",
        (p) => (useCase(p, 1).id = "homepage_hero"),
        ['use_cases[1].id: "homepage_hero" is already use_cases[0].id'],
      ],
      ["no id", (p) => (useCase(p, 1).id = ""), ["use_cases[1].id: required"]],
      [
        "a long description",
        (p) => (useCase(p, 0).description = x(501)),
        ["use_cases[0].description: 501 characters exceeds the limit of 500 characters"],
      ],
      [
        "a repeated channel",
        (p) => (useCase(p, 0).channels = [Channel.WEB, Channel.APP, Channel.WEB]),
        ["use_cases[0].channels[2]: repeats CHANNEL_WEB"],
      ],
      [
        "a holdout over half",
        (p) => (useCase(p, 1).holdoutShare = 0.75),
        ["use_cases[1].holdout_share: must be in [0, 0.5], got 0.75"],
      ],
      [
        "a rule without an id",
        (p) => (useCase(p, 1).eligibility[0]!.id = ""),
        ["use_cases[1].eligibility[0].id: required"],
      ],
      [
        "a rule id used twice in the use case",
        (p) => (useCase(p, 1).talkingPoints[0]!.id = "intends_to_buy"),
        ['use_cases[1].talking_points[0].id: "intends_to_buy" is already use_cases[1].eligibility[0].id'],
      ],
      ["a rule id used in another use case", (p) => (useCase(p, 1).eligibility[0]!.id = "shoe_lovers"), []],
      [
        "an offer rule naming no offer",
        (p) => (useCase(p, 1).offerRules[0]!.offerId = "x"),
        ['use_cases[1].offer_rules[0].offer_id: no offer "x"'],
      ],
      [
        "an offer rule without an offer",
        (p) => (useCase(p, 1).offerRules[0]!.offerId = ""),
        ["use_cases[1].offer_rules[0].offer_id: required"],
      ],
      [
        "a boost over 10",
        (p) => (useCase(p, 0).boosts[0]!.boost = 10.5),
        ["use_cases[0].boosts[0].boost: must be in [-10, 10], got 10.5"],
      ],
      [
        "a boost without categories",
        (p) => (useCase(p, 0).boosts[0]!.categories = []),
        ["use_cases[0].boosts[0].categories: required, at least one category"],
      ],
      [
        "a category named twice",
        (p) => (useCase(p, 0).boosts[0]!.categories = ["shoes", "Shoes"]),
        ['use_cases[0].boosts[0].categories[1]: repeats "Shoes"'],
      ],
      [
        "an empty talking point",
        (p) => (useCase(p, 1).talkingPoints[0]!.text = ""),
        ["use_cases[1].talking_points[0].text: required"],
      ],
      [
        "a long talking point",
        (p) => (useCase(p, 1).talkingPoints[0]!.text = x(301)),
        ["use_cases[1].talking_points[0].text: 301 characters exceeds the limit of 300 characters"],
      ],
      [
        "a repeated fallback channel",
        (p) => (useCase(p, 1).fallbackChannels = [Channel.PUSH, Channel.SMS, Channel.PUSH]),
        ["use_cases[1].fallback_channels[2]: repeats CHANNEL_PUSH"],
      ],
      [
        "an unspecified fallback channel",
        (p) => (useCase(p, 1).fallbackChannels = [Channel.UNSPECIFIED]),
        ["use_cases[1].fallback_channels[0]: must not be CHANNEL_UNSPECIFIED"],
      ],
      [
        "too many rules in a list",
        (p) => {
          useCase(p, 1).talkingPoints = Array.from({ length: 65 }, (_, i) =>
            create(TalkingPointSchema, { id: `t${i}`, text: "hi" }),
          );
        },
        ["use_cases[1].talking_points: 65 exceeds the limit of 64 rules"],
      ],
    ])("should name %s", (_, change, expected) => {
      expect(problemsAfter(change)).toEqual(expected);
    });
  });

  describe("list sizes", () => {
    it.each<Case>([
      [
        "too many offers",
        (p) => {
          for (let i = p.offers.length; i <= POLICY_LIMITS.maxOffers; i++) {
            p.offers.push(create(OfferSchema, { id: `o${i}`, kind: OfferKind.REMINDER }));
          }
        },
        ["offers: 1001 exceeds the limit of 1000 offers"],
      ],
      [
        "too many caps",
        (p) => {
          for (let i = p.caps.length; i <= POLICY_LIMITS.maxCaps; i++) {
            p.caps.push(
              create(CapRuleSchema, { id: `c${i}`, unit: CapUnit.ITEM, limit: 1, windowSeconds: 60 }),
            );
          }
        },
        ["caps: 201 exceeds the limit of 200 caps"],
      ],
      [
        "too many use cases",
        (p) => {
          for (let i = p.useCases.length; i <= POLICY_LIMITS.maxUseCases; i++) {
            p.useCases.push(create(UseCaseSchema, { id: `u${i}` }));
          }
        },
        ["use_cases: 201 exceeds the limit of 200 use cases"],
      ],
    ])("should name %s", (_, change, expected) => {
      expect(problemsAfter(change)).toEqual(expected);
    });
  });

  it("should list every problem, not the first", () => {
    const problems = problemsAfter((p) => {
      p.version = "";
      offer(p, 0).value = 2;
      useCase(p, 1).offerRules[1]!.offerId = "gone";
    });
    expect(problems).toEqual([
      "version: required",
      "offers[0].value: must be at most 0.9 for OFFER_KIND_PERCENT_OFF",
      'use_cases[1].offer_rules[1].offer_id: no offer "gone"',
    ]);
  });
});
