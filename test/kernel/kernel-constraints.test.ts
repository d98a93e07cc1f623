import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateCatalogRegion } from "../../core-wasm/src/catalog-region.js";
import { CATEGORY_SLOTS, Mode, Reason } from "../../core-wasm/src/layout.js";
import { allocateRequestSlot, type RequestParams } from "../../core-wasm/src/request-slot.js";
import {
  buildScenario,
  createKernelWorld,
  type DecideOutputs,
  poisonOutputs,
  readMarks,
  readOutputs,
  type Scenario,
  type ScenarioSpec,
  scenarioArb,
} from "./kernel-fixture.js";

const world = createKernelWorld();

function decide(s: Scenario): DecideOutputs {
  poisonOutputs(s.slot);
  return readOutputs(s.slot, s.params, world.kernel.decide(s.slot.desc));
}

/**
 * The README table, written independently of both implementations: the reason
 * of the first failing check, or KEPT.
 */
function expectedReason(s: Scenario, item: number): number {
  const { region, slot, params } = s;
  if (item < 0 || item >= region.count) return Reason.UNKNOWN_SKU;
  if (params.blockReason !== 0) return params.blockReason;
  if (((region.channels[item]! >> params.channel) & 1) === 0) return Reason.INELIGIBLE;
  if (region.stock[item]! <= 0) return Reason.OUT_OF_STOCK;
  if (params.storeIndex >= 0 && region.storeStock[item * region.stores + params.storeIndex] === 0) {
    return Reason.OUT_OF_STOCK;
  }
  if (region.margin[item]! < Math.fround(params.marginFloor)) return Reason.BELOW_MARGIN_FLOOR;
  for (let e = 0; e < params.exclusionCount; e++) {
    if (slot.exclItems[e] === item) return slot.exclReasons[e]!;
  }
  return Reason.KEPT;
}

/** The README score formula in f64 (the kernel's f32 result must be close). */
function expectedScore(s: Scenario, item: number, base: number): number {
  const { region, slot, params } = s;
  const p = Object.fromEntries(
    Object.entries(params).map(([key, value]) => [
      key,
      typeof value === "number" ? Math.fround(value) : value,
    ]),
  ) as unknown as RequestParams;
  const categoryBoost = p.categoryBoost ? slot.categoryBoost[region.topCategory[item]!]! : 0;
  const common =
    p.wBase * base + p.wPopularity * region.popularity[item]! + region.boost[item]! + categoryBoost;
  if (!p.personalize) return common;
  let dot = 0;
  for (let f = 0; f < region.features; f++) {
    dot += slot.weights[f]! * slot.profile[f]! * region.vectors[item * region.features + f]!;
  }
  const pf = 1 / (1 + Math.abs(region.logPrice[item]! - p.priceAnchor) * p.priceScale);
  const personal =
    dot +
    p.wAffinity * slot.affinity[region.topCategory[item]!]! +
    p.wPrice * pf +
    p.wMargin * region.margin[item]! * (1 - p.discountSensitivity);
  return personal + common;
}

/** Item and base score of each result key (candidate position, or item in catalog mode). */
function itemOf(s: Scenario, key: number): { item: number; base: number } {
  return s.params.mode === Mode.CATALOG
    ? { item: key, base: 0 }
    : { item: s.slot.candItems[key]!, base: s.slot.candBase[key]! };
}

/** Items a catalog scan covers: `[lo, min(hi, count))`. */
function scanRange(s: Scenario): number[] {
  const hi = Math.min(s.params.rangeHi, s.region.count);
  const items: number[] = [];
  for (let i = s.params.countOrLo; i < hi; i++) items.push(i);
  return items;
}

const candidatesArb = scenarioArb.map((spec): ScenarioSpec => ({ ...spec, mode: Mode.CANDIDATES }));
const catalogArb = scenarioArb.map((spec): ScenarioSpec => ({ ...spec, mode: Mode.CATALOG }));
const RUNS = { numRuns: 200 };

describe("decide()", () => {
  it("should give every candidate the reason of the first failing check in README order", () => {
    fc.assert(
      fc.property(candidatesArb, (spec) => {
        const s = buildScenario(world, spec);
        const out = decide(s);
        const expected = Array.from(s.slot.candItems.subarray(0, spec.candidateCount), (item) =>
          expectedReason(s, item),
        );
        expect(out.reasons).toEqual(expected);
      }),
      RUNS,
    );
  });

  it("should keep only candidates that pass every check, k of them when enough pass", () => {
    fc.assert(
      fc.property(candidatesArb, (spec) => {
        const s = buildScenario(world, spec);
        const out = decide(s);
        const passing = out.reasons.filter((reason) => reason === Reason.KEPT).length;
        expect(out.returned).toBe(Math.min(spec.k, passing));
        for (const position of out.idx) {
          expect(expectedReason(s, s.slot.candItems[position]!)).toBe(Reason.KEPT);
        }
        if (spec.blocked) expect(out.returned).toBe(0);
      }),
      RUNS,
    );
  });

  it("should keep only items that pass every check in a catalog scan, and explain the best excluded", () => {
    fc.assert(
      fc.property(catalogArb, (spec) => {
        const s = buildScenario(world, spec);
        const out = decide(s);
        const range = scanRange(s);
        const excluded = range.filter((item) => expectedReason(s, item) !== Reason.KEPT);
        expect(out.returned).toBe(Math.min(spec.k, range.length - excluded.length));
        for (const item of out.idx) {
          expect(range).toContain(item);
          expect(expectedReason(s, item)).toBe(Reason.KEPT);
        }
        expect(out.exclCount).toBe(spec.explain ? Math.min(spec.k, excluded.length) : 0);
        out.exclIdx.forEach((item, n) => {
          expect(excluded).toContain(item);
          expect(out.exclReasons[n]).toBe(expectedReason(s, item));
        });
        if (spec.blocked) expect(out.returned).toBe(0);
      }),
      RUNS,
    );
  });

  it("should sort results by score, higher first, equal scores by lower position", () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => {
        const s = buildScenario(world, spec);
        const out = decide(s);
        for (let n = 1; n < out.returned; n++) {
          const [prev, next] = [out.scores[n - 1]!, out.scores[n]!];
          expect(prev > next || (prev === next && out.idx[n - 1]! < out.idx[n]!)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("should return the top k: a prefix of the k = 50 result, which holds every passing candidate when few pass", () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => {
        const s = buildScenario(world, spec);
        const out = decide(s);
        s.slot.setParams({ ...s.params, k: 50 });
        const wide = decide(s);
        expect(wide.idx.slice(0, out.returned)).toEqual(out.idx);
        expect(wide.scoreBits.slice(0, out.returned)).toEqual(out.scoreBits);
        if (spec.mode === Mode.CANDIDATES) {
          const passing = wide.reasons.flatMap((reason, j) => (reason === Reason.KEPT ? [j] : []));
          if (passing.length <= 50) expect([...wide.idx].sort((a, b) => a - b)).toEqual(passing);
        }
      }),
      RUNS,
    );
  });

  it("should score by the README formula (within f32 rounding of an f64 evaluation)", () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => {
        const s = buildScenario(world, spec);
        const out = decide(s);
        out.idx.forEach((key, n) => {
          const { item, base } = itemOf(s, key);
          const expected = expectedScore(s, item, base);
          expect(Math.abs(out.scores[n]! - expected)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(expected)));
        });
        out.exclIdx.forEach((item, n) => {
          const expected = expectedScore(s, item, 0);
          const score = new Float32Array(new Uint32Array([out.exclScoreBits[n]!]).buffer)[0]!;
          expect(Math.abs(score - expected)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(expected)));
        });
      }),
      RUNS,
    );
  });

  it("should not let person inputs change a non-personalised ranking", () => {
    const arb = fc.tuple(
      scenarioArb.map((spec): ScenarioSpec => ({ ...spec, personalize: false })),
      fc.float({ min: -4, max: 4, noNaN: true }),
    );
    fc.assert(
      fc.property(arb, ([spec, x]) => {
        const s = buildScenario(world, spec);
        const before = decide(s);
        s.slot.weights.fill(x);
        s.slot.profile.fill(-x);
        s.slot.affinity.fill(x * 3);
        s.slot.setParams({
          ...s.params,
          priceAnchor: x,
          discountSensitivity: x / 4,
          wAffinity: x,
          wPrice: -x,
          wMargin: x * 2,
          priceScale: x,
        });
        expect(decide(s)).toEqual(before);
      }),
      RUNS,
    );
  });

  it("should leave every mark zero after the call", () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => {
        const s = buildScenario(world, spec);
        decide(s);
        expect(readMarks(world, s.slot, s.region.capacity).every((mark) => mark === 0)).toBe(true);
      }),
      RUNS,
    );
  });

  describe("on a hand-made catalog", () => {
    // Item 0 fine; 1 not on channel 1; 2 out of stock; 3 out at store 0; 4 below the
    // margin floor; 5 capped; 6 redeemed then capped (first listing wins); 7 fine.
    const region = allocateCatalogRegion(world.arena, { capacity: 8, features: 4, stores: 1 });
    const slot = allocateRequestSlot(world.arena, {
      features: 4,
      maxCandidates: 16,
      maxK: 8,
      maxExclusions: 4,
    });
    slot.setCatalog(region);
    region.count = 8;
    region.channels.fill(0b10);
    region.channels[1] = 0b100;
    region.stock.fill(5);
    region.stock[2] = 0;
    region.storeStock.fill(3);
    region.storeStock[3] = 0;
    region.margin.fill(0.3);
    region.margin[4] = 0.1;
    region.popularity.set([0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5]);
    slot.exclItems.set([5, 6, 6, 42]);
    slot.exclReasons.set([Reason.CAPPED, Reason.REDEEMED, Reason.CAPPED, Reason.CAPPED]);
    const params: RequestParams = {
      mode: Mode.CANDIDATES,
      countOrLo: 10,
      rangeHi: 0,
      k: 8,
      explain: false,
      storeIndex: 0,
      channel: 1,
      personalize: false,
      blockReason: 0,
      marginFloor: 0.2,
      wBase: 0,
      wAffinity: 0,
      wPrice: 0,
      priceScale: 0,
      wMargin: 0,
      wPopularity: 1,
      priceAnchor: 0,
      discountSensitivity: 0,
      exclusionCount: 4,
      categoryBoost: false,
    };
    const run = (overrides: Partial<RequestParams>): DecideOutputs => {
      const p = { ...params, ...overrides };
      slot.setParams(p);
      poisonOutputs(slot);
      return readOutputs(slot, p, world.kernel.decide(slot.desc));
    };
    slot.candItems.set([0, 1, 2, 3, 4, 5, 6, 7, -1, 8]);
    slot.candBase.fill(0);

    it.each([
      ["store 0", { storeIndex: 0 }, [0, 5, 1, 1, 2, 4, 6, 0, 7, 7], [7, 0]],
      ["no store", { storeIndex: -1 }, [0, 5, 1, 0, 2, 4, 6, 0, 7, 7], [3, 7, 0]],
      ["no consent", { blockReason: Reason.NO_CONSENT }, [3, 3, 3, 3, 3, 3, 3, 3, 7, 7], []],
    ] as const)("should explain each candidate with %s", (_name, overrides, reasons, kept) => {
      const out = run(overrides);
      expect(out.reasons).toEqual(reasons);
      expect(out.idx).toEqual(kept);
      expect(out.scores).toEqual(kept.map((position) => Math.fround(region.popularity[position]!)));
    });

    it("should keep the lower position among equal scores", () => {
      slot.candItems.set([7, 0, 7, 0, 7]);
      const out = run({ countOrLo: 5, storeIndex: -1, k: 4 });
      expect(out.idx).toEqual([0, 2, 4, 1]);
      slot.candItems.set([0, 1, 2, 3, 4, 5, 6, 7, -1, 8]);
    });

    it("should explain the best excluded items of a catalog scan with their reasons", () => {
      const out = run({ mode: Mode.CATALOG, countOrLo: 1, rangeHi: 100, explain: true, k: 3 });
      expect(out.idx).toEqual([7]);
      expect(out.exclCount).toBe(3);
      expect(out.exclIdx).toEqual([1, 2, 3]);
      expect(out.exclReasons).toEqual([Reason.INELIGIBLE, Reason.OUT_OF_STOCK, Reason.OUT_OF_STOCK]);
    });

    it("should score the affinity of the item's top category", () => {
      region.topCategory[7] = CATEGORY_SLOTS - 1;
      slot.affinity.fill(0);
      slot.affinity[CATEGORY_SLOTS - 1] = 2;
      const out = run({ personalize: true, wAffinity: 0.5, wPopularity: 0, storeIndex: -1 });
      expect(out.idx[0]).toBe(7);
      expect(out.scores[0]).toBe(1);
    });

    it.each([
      ["non-personalised", false],
      ["personalised", true],
    ] as const)(
      "should add the request's category boost to %s scores, reordering items",
      (_name, personalize) => {
        region.topCategory.fill(0);
        region.topCategory[0] = 5;
        region.topCategory[3] = 6;
        slot.categoryBoost.fill(0);
        slot.categoryBoost[5] = 1;
        slot.categoryBoost[6] = -0.5;
        const plain = run({ storeIndex: -1, personalize });
        expect(plain.idx).toEqual([3, 7, 0]);
        const boosted = run({ storeIndex: -1, personalize, categoryBoost: true });
        expect(boosted.idx).toEqual([0, 7, 3]);
        const pop = region.popularity;
        expect(boosted.scores).toEqual([Math.fround(pop[0]! + 1), pop[7], Math.fround(pop[3]! - 0.5)]);
        expect(boosted.reasons).toEqual(plain.reasons);
      },
    );
  });
});
