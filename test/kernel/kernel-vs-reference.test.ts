import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Mode } from "../../core-wasm/src/layout.js";
import { referenceDecide } from "../../core-wasm/src/reference-kernel.js";
import {
  buildScenario,
  createKernelWorld,
  type DecideOutputs,
  poisonOutputs,
  readMarks,
  readOutputs,
  type Scenario,
  scenarioArb,
} from "./kernel-fixture.js";

const world = createKernelWorld();

interface Run {
  out: DecideOutputs;
  marksClear: boolean;
}

function run(s: Scenario, decide: (req: number) => number): Run {
  poisonOutputs(s.slot);
  const out = readOutputs(s.slot, s.params, decide(s.slot.desc));
  const marksClear = readMarks(world, s.slot, s.region.capacity).every((mark) => mark === 0);
  return { out, marksClear };
}

function relativeDiff(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

function compare(spec: Parameters<typeof buildScenario>[1]): void {
  const s = buildScenario(world, spec);
  const wasm = run(s, (req) => world.kernel.decide(req));
  const ref = run(s, (req) => referenceDecide(world.memory, req));
  expect(wasm.out.returned).toBe(ref.out.returned);
  expect(wasm.out.idx).toEqual(ref.out.idx);
  const worst = wasm.out.scores.reduce(
    (max, score, i) => Math.max(max, relativeDiff(score, ref.out.scores[i]!)),
    0,
  );
  expect(worst).toBeLessThanOrEqual(1e-5);
  expect(wasm.out.scoreBits).toEqual(ref.out.scoreBits);
  expect(wasm.out.reasons).toEqual(ref.out.reasons);
  expect(wasm.out.exclCount).toBe(ref.out.exclCount);
  expect(wasm.out.exclIdx).toEqual(ref.out.exclIdx);
  expect(wasm.out.exclScoreBits).toEqual(ref.out.exclScoreBits);
  expect(wasm.out.exclReasons).toEqual(ref.out.exclReasons);
  expect(wasm.marksClear).toBe(true);
  expect(ref.marksClear).toBe(true);
}

describe("decide()", () => {
  it("should match the reference implementation bit for bit on random scenarios", () => {
    fc.assert(fc.property(scenarioArb, compare), { numRuns: 400 });
  });

  it("should match the reference on catalog scans with explain", () => {
    const arb = scenarioArb.map((spec) => ({ ...spec, mode: Mode.CATALOG, explain: true }));
    fc.assert(fc.property(arb, compare), { numRuns: 150 });
  });

  it("should match the reference with random category boosts, personalised or not, in both modes", () => {
    const arb = scenarioArb.map((spec) => ({ ...spec, categoryBoost: true }));
    fc.assert(fc.property(arb, compare), { numRuns: 300 });
  });

  it("should match the reference on full 64-feature catalogs with many ties", () => {
    const arb = scenarioArb.map((spec) => ({ ...spec, features: 64, count: 300, ties: true }));
    fc.assert(fc.property(arb, compare), { numRuns: 100 });
  });
});
