/**
 * Shared set-up for the kernel tests and the kernel benchmark: one shared
 * memory with a WASM instance on it, and seeded random catalogs and requests
 * written through the real host API (catalog region, request slot). Scenario
 * shapes come from fast-check (so failures shrink to small shapes); the bulk
 * values come from a seeded PRNG so a failing case replays exactly.
 */
import fc from "fast-check";
import { type Arena, createArena, createKernelMemory } from "../../core-wasm/src/arena.js";
import { allocateCatalogRegion, type CatalogRegion } from "../../core-wasm/src/catalog-region.js";
import { instantiateKernel, type Kernel, loadKernelModule } from "../../core-wasm/src/kernel.js";
import { CATEGORY_SLOTS, Mode, Reason, RequestDesc } from "../../core-wasm/src/layout.js";
import {
  allocateRequestSlot,
  type RequestParams,
  type RequestSlot,
} from "../../core-wasm/src/request-slot.js";
import { createRng } from "../../server/src/demo/synthetic.js";

/** One memory, its arena and a kernel instance on it. */
export interface KernelWorld {
  memory: WebAssembly.Memory;
  arena: Arena;
  kernel: Kernel;
}

/** Creates a fresh memory with a kernel instance, as a server thread would. */
export function createKernelWorld(): KernelWorld {
  const memory = createKernelMemory();
  return { memory, arena: createArena(memory), kernel: instantiateKernel(loadKernelModule(), memory) };
}

/** The shape of one random scenario; every bulk value derives from `seed`. */
export interface ScenarioSpec {
  seed: number;
  count: number;
  features: number;
  stores: number;
  k: number;
  mode: number;
  explain: boolean;
  personalize: boolean;
  /** Send the request's random per-category boosts (else CATEGORY_BOOST is 0). */
  categoryBoost: boolean;
  blocked: boolean;
  /** -1 for no store, else taken modulo `stores` (and -1 when there are none). */
  storePick: number;
  channel: number;
  candidateCount: number;
  exclusionCount: number;
  /** Range of a catalog scan, as fractions of `count` (hi may pass `count`). */
  loFraction: number;
  hiFraction: number;
  /** Copy rows between items and draw from few values, to force score ties. */
  ties: boolean;
  /** Rate of each constraint failure, in [0, 0.3]. */
  failRate: number;
}

/** Slot sizes the random scenarios stay within. */
export const SCENARIO_LIMITS = { maxCandidates: 400, maxK: 50, maxExclusions: 32 } as const;

/** fast-check arbitrary for {@link ScenarioSpec}. */
export const scenarioArb: fc.Arbitrary<ScenarioSpec> = fc.record({
  seed: fc.integer(),
  count: fc.integer({ min: 0, max: 300 }),
  features: fc.integer({ min: 1, max: 16 }).map((blocks) => blocks * 4),
  stores: fc.integer({ min: 0, max: 5 }),
  k: fc.integer({ min: 1, max: SCENARIO_LIMITS.maxK }),
  mode: fc.constantFrom(Mode.CANDIDATES, Mode.CATALOG),
  explain: fc.boolean(),
  personalize: fc.boolean(),
  categoryBoost: fc.boolean(),
  blocked: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  storePick: fc.integer({ min: -1, max: 4 }),
  channel: fc.integer({ min: 1, max: 7 }),
  candidateCount: fc.integer({ min: 0, max: SCENARIO_LIMITS.maxCandidates }),
  exclusionCount: fc.integer({ min: 0, max: SCENARIO_LIMITS.maxExclusions }),
  loFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  hiFraction: fc.double({ min: 0, max: 1.2, noNaN: true }),
  ties: fc.boolean(),
  failRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
});

/** A built scenario: region and slot written, params ready for `setParams`. */
export interface Scenario {
  spec: ScenarioSpec;
  region: CatalogRegion;
  slot: RequestSlot;
  params: RequestParams;
}

const FLOOR = 0.15;

/**
 * Allocates a catalog region and a request slot in `world` and fills them from
 * `spec` (the slot is left pointed at the region with its params written).
 */
export function buildScenario(world: KernelWorld, spec: ScenarioSpec): Scenario {
  const rnd = createRng(spec.seed);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const chance = (p: number): boolean => rnd() < p;
  const { count, features, stores, failRate } = spec;
  const region = allocateCatalogRegion(world.arena, { capacity: count + 8, features, stores });
  const slot = allocateRequestSlot(world.arena, { features, ...SCENARIO_LIMITS });
  slot.setCatalog(region);
  region.count = count;

  const few = [0, 0.25, 0.5, 1];
  const value = (lo: number, hi: number): number =>
    spec.ties ? few[pick(4)]! * (hi - lo) + lo : rnd() * (hi - lo) + lo;
  for (let i = 0; i < count; i++) {
    const source = spec.ties && i >= 7 && chance(0.3) ? i % 7 : -1;
    if (source >= 0) {
      region.vectors.copyWithin(i * features, source * features, (source + 1) * features);
      region.storeStock.copyWithin(i * stores, source * stores, (source + 1) * stores);
      for (const column of [region.popularity, region.logPrice, region.margin, region.boost])
        column[i] = column[source]!;
      region.topCategory[i] = region.topCategory[source]!;
      region.stock[i] = region.stock[source]!;
      region.channels[i] = region.channels[source]!;
      continue;
    }
    for (let f = 0; f < features; f++) region.vectors[i * features + f] = value(-1, 1);
    region.topCategory[i] = pick(CATEGORY_SLOTS);
    region.popularity[i] = value(0, 1);
    region.logPrice[i] = value(0, 7);
    region.margin[i] = chance(failRate) ? FLOOR - rnd() * 0.1 : chance(0.1) ? FLOOR : FLOOR + rnd() * 0.3;
    region.boost[i] = chance(0.2) ? value(-0.5, 0.5) : 0;
    region.stock[i] = chance(failRate) ? -pick(3) : 1 + pick(100);
    for (let s = 0; s < stores; s++)
      region.storeStock[i * stores + s] = chance(failRate) ? 0 : 1 + pick(65_535);
    const mask = pick(256);
    region.channels[i] = chance(failRate) ? mask & ~(1 << spec.channel) : mask | (1 << spec.channel);
  }

  for (let f = 0; f < features; f++) {
    slot.weights[f] = rnd() * 2 - 1;
    slot.profile[f] = rnd() * 2 - 1;
  }
  for (let c = 0; c < CATEGORY_SLOTS; c++) slot.affinity[c] = rnd();
  // Drawn whether or not the request sends them, so toggling `categoryBoost`
  // leaves every other value of the scenario unchanged.
  for (let c = 0; c < CATEGORY_SLOTS; c++) slot.categoryBoost[c] = chance(0.3) ? 0 : value(-1, 1);
  const bases = [0, 0.5, 1];
  for (let j = 0; j < spec.candidateCount; j++) {
    const roll = rnd();
    let item: number;
    if (count === 0 || roll < failRate / 3) item = -1;
    else if (roll < failRate / 2) item = count + pick(3);
    else if (roll < (failRate * 2) / 3) item = 0x7fff_ffff;
    else item = pick(count);
    slot.candItems[j] = item;
    slot.candBase[j] = spec.ties ? bases[pick(3)]! : rnd();
  }
  for (let e = 0; e < spec.exclusionCount; e++) {
    const roll = rnd();
    slot.exclItems[e] = roll < 0.1 ? -1 : roll < 0.2 ? count + pick(5) : pick(Math.max(count, 1));
    slot.exclReasons[e] = chance(0.5) ? Reason.CAPPED : Reason.REDEEMED;
  }

  const lo = Math.floor(spec.loFraction * count);
  const params: RequestParams = {
    mode: spec.mode,
    countOrLo: spec.mode === Mode.CATALOG ? lo : spec.candidateCount,
    rangeHi: Math.floor(spec.hiFraction * count),
    k: spec.k,
    explain: spec.explain,
    storeIndex: stores === 0 || spec.storePick < 0 ? -1 : spec.storePick % stores,
    channel: spec.channel,
    personalize: spec.personalize,
    blockReason: spec.blocked ? Reason.NO_CONSENT : 0,
    marginFloor: FLOOR,
    wBase: rnd(),
    wAffinity: rnd(),
    wPrice: rnd(),
    priceScale: rnd() * 2,
    wMargin: rnd(),
    wPopularity: rnd(),
    priceAnchor: rnd() * 7,
    discountSensitivity: rnd(),
    exclusionCount: spec.exclusionCount,
    categoryBoost: spec.categoryBoost,
  };
  slot.setParams(params);
  return { spec, region, slot, params };
}

/** Everything `decide` wrote, copied out of the slot (scores as raw bits). */
export interface DecideOutputs {
  returned: number;
  idx: number[];
  scoreBits: number[];
  scores: number[];
  /** Candidate mode: one reason per candidate. */
  reasons: number[];
  exclCount: number;
  exclIdx: number[];
  exclScoreBits: number[];
  exclReasons: number[];
}

const SENTINEL = 0xa5;

/** Fills every output buffer with a sentinel, so unwritten outputs show up. */
export function poisonOutputs(slot: RequestSlot): void {
  for (const view of [slot.outIdx, slot.outScore, slot.outReasons, slot.outExclIdx, slot.outExclScore]) {
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength).fill(SENTINEL);
  }
  slot.outExclReason.fill(SENTINEL);
}

/** Copies the outputs of the call that returned `returned` out of `slot`. */
export function readOutputs(slot: RequestSlot, params: RequestParams, returned: number): DecideOutputs {
  const bits = (view: Float32Array, n: number): number[] =>
    Array.from(new Uint32Array(view.buffer, view.byteOffset, n));
  const exclCount = slot.outExclCount;
  const candidates = params.mode === Mode.CANDIDATES ? params.countOrLo : 0;
  return {
    returned,
    idx: Array.from(slot.outIdx.subarray(0, returned)),
    scoreBits: bits(slot.outScore, returned),
    scores: Array.from(slot.outScore.subarray(0, returned)),
    reasons: Array.from(slot.outReasons.subarray(0, candidates)),
    exclCount,
    exclIdx: Array.from(slot.outExclIdx.subarray(0, Math.min(exclCount, slot.maxK))),
    exclScoreBits: bits(slot.outExclScore, Math.min(exclCount, slot.maxK)),
    exclReasons: Array.from(slot.outExclReason.subarray(0, Math.min(exclCount, slot.maxK))),
  };
}

/** Reads the slot's MARKS buffer (region capacity bytes) through the descriptor. */
export function readMarks(world: KernelWorld, slot: RequestSlot, capacity: number): Uint8Array {
  const marks = new Uint32Array(world.memory.buffer, slot.desc + RequestDesc.MARKS, 1)[0]!;
  return new Uint8Array(world.memory.buffer, marks, capacity);
}
