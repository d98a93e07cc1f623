import { fromBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Decision } from "../../server/src/domain/decision.js";
import { DecideResponseSchema } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { encodeDecideResponse } from "../../server/src/grpc/encode-decide-response.js";

const text = fc.string({ unit: "grapheme", maxLength: 30 });

const decisionArb: fc.Arbitrary<Decision> = fc.record({
  decisionId: text,
  items: fc.array(
    fc.record({
      sku: text,
      score: fc.float({ noNaN: true }),
      rank: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    }),
    { maxLength: 30 },
  ),
  treatment: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<Decision["treatment"]>,
  degradations: fc.array(fc.constantFrom(1, 2, 3, 4, 5), { maxLength: 5 }) as fc.Arbitrary<
    Decision["degradations"]
  >,
  excluded: fc.array(fc.record({ sku: text, reason: fc.integer({ min: 0, max: 7 }) }), { maxLength: 30 }),
  catalogVersion: text,
  policyVersion: text,
  kernelVersion: text,
});

describe("encodeDecideResponse()", () => {
  it("should produce bytes protobuf-es decodes to the same decision", () => {
    fc.assert(
      fc.property(decisionArb, (d) => {
        const m = fromBinary(DecideResponseSchema, encodeDecideResponse(d));
        expect(m.decisionId).toBe(d.decisionId);
        expect(m.items.map((i) => ({ sku: i.sku, score: i.score, rank: i.rank }))).toEqual(
          d.items.map((i) => ({
            sku: i.sku,
            score: Math.fround(i.score) === 0 ? 0 : Math.fround(i.score),
            rank: i.rank,
          })),
        );
        expect(m.treatment).toBe(d.treatment);
        expect(m.degradations).toEqual(d.degradations);
        expect(m.excluded.map((e) => ({ sku: e.sku, reason: e.reason }))).toEqual(d.excluded);
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
