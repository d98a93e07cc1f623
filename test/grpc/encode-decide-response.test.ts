import { fromBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Decision } from "../../server/src/domain/decision.js";
import { DecideResponseSchema } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { encodeDecideResponse } from "../../server/src/grpc/encode-decide-response.js";

// Short and long, ASCII and not: the encoder writes short ASCII strings itself
// and hands the rest to Buffer (its SHORT_STRING is 64 chars).
const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: "grapheme-ascii", minLength: 60, maxLength: 70 }),
  fc.string({ unit: "grapheme", minLength: 60, maxLength: 90 }),
);

const decisionArb: fc.Arbitrary<Decision> = fc.record({
  decisionId: text,
  items: fc.array(
    fc.record({
      sku: text,
      score: fc.float({ noNaN: true }),
      rank: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      experienceId: text,
      offer: fc.option(
        fc.record({
          offerId: text,
          kind: fc.integer({ min: 0, max: 7 }),
          value: fc.double({ noNaN: true }),
          price: fc.double({ noNaN: true }),
          message: text,
          ruleId: text,
        }),
      ),
      tags: fc.array(text, { maxLength: 3 }),
      parts: fc.option(
        fc.record({
          base: fc.float({ noNaN: true }),
          popularity: fc.float({ noNaN: true }),
          merchandising: fc.float({ noNaN: true }),
          profileMatch: fc.float({ noNaN: true }),
          affinity: fc.float({ noNaN: true }),
          priceFit: fc.float({ noNaN: true }),
          margin: fc.float({ noNaN: true }),
          categoryBoost: fc.float({ noNaN: true }),
        }),
      ),
      ruleIds: fc.array(text, { maxLength: 3 }),
    }),
    { maxLength: 30 },
  ),
  treatment: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<Decision["treatment"]>,
  degradations: fc.array(fc.constantFrom(1, 2, 3, 4, 5), { maxLength: 5 }) as fc.Arbitrary<
    Decision["degradations"]
  >,
  excluded: fc.array(fc.record({ sku: text, reason: fc.integer({ min: 0, max: 8 }), ruleId: text }), {
    maxLength: 30,
  }),
  catalogVersion: text,
  policyVersion: text,
  kernelVersion: text,
  useCase: text,
  channel: fc.integer({ min: 0, max: 7 }),
  suppression: fc.integer({ min: 0, max: 5 }),
  suppressionRuleId: text,
  talkingPoints: fc.array(text, { maxLength: 4 }),
});

const f32 = (v: number) => (Math.fround(v) === 0 ? 0 : Math.fround(v));

describe("encodeDecideResponse()", () => {
  it("should produce bytes protobuf-es decodes to the same decision", () => {
    fc.assert(
      fc.property(decisionArb, (d) => {
        const m = fromBinary(DecideResponseSchema, encodeDecideResponse(d));
        expect(m.decisionId).toBe(d.decisionId);
        expect(
          m.items.map((i) => ({
            sku: i.sku,
            score: i.score,
            rank: i.rank,
            experienceId: i.experienceId,
            offer:
              i.offer === undefined
                ? null
                : {
                    offerId: i.offer.offerId,
                    kind: i.offer.kind,
                    value: i.offer.value,
                    price: i.offer.price,
                    message: i.offer.message,
                    ruleId: i.offer.ruleId,
                  },
            tags: i.tags,
            parts:
              i.scoreParts === undefined
                ? null
                : {
                    base: i.scoreParts.base,
                    popularity: i.scoreParts.popularity,
                    merchandising: i.scoreParts.merchandising,
                    profileMatch: i.scoreParts.profileMatch,
                    affinity: i.scoreParts.affinity,
                    priceFit: i.scoreParts.priceFit,
                    margin: i.scoreParts.margin,
                    categoryBoost: i.scoreParts.categoryBoost,
                  },
            ruleIds: i.ruleIds,
          })),
        ).toEqual(
          d.items.map((i) => ({
            ...i,
            score: f32(i.score),
            offer:
              i.offer === null ? null : { ...i.offer, value: i.offer.value || 0, price: i.offer.price || 0 },
            parts:
              i.parts === null
                ? null
                : Object.fromEntries(Object.entries(i.parts).map(([k, v]) => [k, f32(v)])),
          })),
        );
        expect(m.treatment).toBe(d.treatment);
        expect(m.degradations).toEqual(d.degradations);
        expect(m.excluded.map((e) => ({ sku: e.sku, reason: e.reason, ruleId: e.ruleId }))).toEqual(
          d.excluded,
        );
        expect([m.useCase, m.channel, m.suppression, m.suppressionRuleId, m.talkingPoints]).toEqual([
          d.useCase,
          d.channel,
          d.suppression,
          d.suppressionRuleId,
          d.talkingPoints,
        ]);
        expect([m.catalogVersion, m.policyVersion, m.kernelVersion]).toEqual([
          d.catalogVersion,
          d.policyVersion,
          d.kernelVersion,
        ]);
      }),
      { numRuns: 500 },
    );
  });
});
