import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Mode } from "../../core-wasm/src/layout.js";
import {
  queryVector,
  type ScoreParts,
  type ScorePartsRequest,
  scoreParts,
} from "../../core-wasm/src/score-parts.js";
import {
  buildScenario,
  createKernelWorld,
  poisonOutputs,
  readOutputs,
  type Scenario,
  scenarioArb,
} from "./kernel-fixture.js";

const world = createKernelWorld();

/** The request inputs of a scenario, as the scorer would build them from its job. */
function requestOf(s: Scenario): ScorePartsRequest {
  const { params, slot } = s;
  return {
    wBase: params.wBase,
    wPopularity: params.wPopularity,
    wAffinity: params.wAffinity,
    wPrice: params.wPrice,
    priceScale: params.priceScale,
    wMargin: params.wMargin,
    person: params.personalize
      ? {
          query: queryVector(slot.weights, slot.profile),
          affinity: slot.affinity,
          priceAnchor: params.priceAnchor,
          discountSensitivity: params.discountSensitivity,
        }
      : null,
    categoryBoost: params.categoryBoost ? slot.categoryBoost : null,
  };
}

/** The parts summed in the kernel's f32 order (README "What decide computes"). */
function kernelOrderSum(p: ScoreParts, personalized: boolean): number {
  const f = Math.fround;
  const common = f(f(f(p.base + p.popularity) + p.merchandising) + p.categoryBoost);
  if (!personalized) return common;
  const personal = f(f(f(p.profileMatch + p.affinity) + p.priceFit) + p.margin);
  return f(personal + common);
}

const bitsOf = (x: number): number => new Uint32Array(new Float32Array([x]).buffer)[0]!;

describe("scoreParts()", () => {
  it("should give the kernel's terms: summed in its order they are its score bit for bit", () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => {
        const s = buildScenario(world, spec);
        poisonOutputs(s.slot);
        const out = readOutputs(s.slot, s.params, world.kernel.decide(s.slot.desc));
        const request = requestOf(s);
        const scored = out.idx.map((key, n) => ({
          item: spec.mode === Mode.CATALOG ? key : s.slot.candItems[key]!,
          base: spec.mode === Mode.CATALOG ? 0 : s.slot.candBase[key]!,
          bits: out.scoreBits[n]!,
        }));
        out.exclIdx.forEach((item, n) => {
          scored.push({ item, base: 0, bits: out.exclScoreBits[n]! });
        });
        for (const { item, base, bits } of scored) {
          const parts = scoreParts(s.region, item, base, request);
          expect(bitsOf(kernelOrderSum(parts, spec.personalize))).toBe(bits);
          if (!spec.personalize) {
            expect([parts.profileMatch, parts.affinity, parts.priceFit, parts.margin]).toEqual([0, 0, 0, 0]);
          }
          if (!spec.categoryBoost) expect(parts.categoryBoost).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("should name the item it cannot explain", () => {
    const s = buildScenario(world, { ...fc.sample(scenarioArb, 1)[0]!, count: 3 });
    expect(() => scoreParts(s.region, 3, 0, requestOf(s))).toThrow(
      new RangeError("scoreParts: item 3 is outside the catalog's [0, 3)"),
    );
  });
});

describe("queryVector()", () => {
  it("should round each product to f32", () => {
    expect(Array.from(queryVector([0.1, 3], [0.3, -2]))).toEqual(
      [Math.fround(0.1) * Math.fround(0.3), -6].map(Math.fround),
    );
  });

  it("should refuse vectors of different lengths", () => {
    expect(() => queryVector([1, 2, 3, 4], [1])).toThrow(
      new RangeError("queryVector: weights have 4 features but the profile has 1"),
    );
  });
});
