/**
 * Kernel benchmark: the WASM `decide` against the TypeScript reference on the
 * same request — 1000 candidates over a 5000-item catalog, 64 features, k 50,
 * personalised, with a realistic mix of constraint failures; and the kernel
 * again on the same request with per-request category boosts. Rounds alternate
 * which runs first; each figure is the median of its per-round mean. Both
 * implementations' results are compared after warm-up (bit for bit, with and
 * without boosts) and the run fails if they differ.
 *
 * Run after a build: `npm run bench:kernel`. The last line is JSON:
 * `{"n":1000,"features":64,"wasm_us":…,"ts_us":…,"ratio":…,"wasm_boost_us":…,"boost_ratio":…}`
 * (ratio = ts / wasm, both without boosts; boost_ratio = wasm with boosts / without).
 */
import { performance } from "node:perf_hooks";
import { allocateCatalogRegion } from "../../core-wasm/src/catalog-region.js";
import { kernelVersion } from "../../core-wasm/src/kernel.js";
import { CATEGORY_SLOTS, Mode, Reason } from "../../core-wasm/src/layout.js";
import { referenceDecide } from "../../core-wasm/src/reference-kernel.js";
import { allocateRequestSlot } from "../../core-wasm/src/request-slot.js";
import { createRng } from "../../server/src/demo/synthetic.js";
import { createKernelWorld, poisonOutputs, readOutputs } from "../kernel/kernel-fixture.js";

const CATALOG_ITEMS = 5000;
const CANDIDATES = 1000;
const FEATURES = 64;
const STORES = 8;
const K = 50;
const WARMUP_CALLS = 3000;
const ROUNDS = 21;
const CALLS_PER_ROUND = 400;
const CHANNEL = 1;

const world = createKernelWorld();
const rnd = createRng(20_240_601);
const pick = (n: number): number => Math.floor(rnd() * n);

const region = allocateCatalogRegion(world.arena, {
  capacity: CATALOG_ITEMS,
  features: FEATURES,
  stores: STORES,
});
for (let i = 0; i < CATALOG_ITEMS; i++) {
  for (let f = 0; f < FEATURES; f++) region.vectors[i * FEATURES + f] = (rnd() * 2 - 1) / 8;
  region.topCategory[i] = pick(CATEGORY_SLOTS);
  region.popularity[i] = rnd();
  region.logPrice[i] = 1 + rnd() * 5;
  // ~5% below the 0.1 margin floor, ~6% out of stock, ~4% out at the store,
  // ~5% not sellable on the channel, a few boosted.
  region.margin[i] = rnd() < 0.05 ? rnd() * 0.1 : 0.1 + rnd() * 0.5;
  region.stock[i] = rnd() < 0.06 ? 0 : 1 + pick(500);
  for (let s = 0; s < STORES; s++) region.storeStock[i * STORES + s] = rnd() < 0.04 ? 0 : pick(40) + 1;
  region.channels[i] = rnd() < 0.05 ? 0b1111_1100 : 0b1111_1110;
  region.boost[i] = rnd() < 0.05 ? 0.2 : 0;
}
region.count = CATALOG_ITEMS;

const slot = allocateRequestSlot(world.arena, {
  features: FEATURES,
  maxCandidates: CANDIDATES,
  maxK: K,
  maxExclusions: 64,
});
slot.setCatalog(region);
for (let f = 0; f < FEATURES; f++) {
  slot.weights[f] = rnd() * 2 - 1;
  slot.profile[f] = rnd() * 2 - 1;
}
for (let c = 0; c < CATEGORY_SLOTS; c++) slot.affinity[c] = rnd();
for (let j = 0; j < CANDIDATES; j++) {
  // ~1% unknown SKUs.
  slot.candItems[j] = rnd() < 0.01 ? -1 : pick(CATALOG_ITEMS);
  slot.candBase[j] = rnd();
}
const EXCLUSIONS = 40;
for (let e = 0; e < EXCLUSIONS; e++) {
  // Half of them hit candidates, so the exclusion check matters.
  slot.exclItems[e] = e % 2 === 0 ? slot.candItems[pick(CANDIDATES)]! : pick(CATALOG_ITEMS);
  slot.exclReasons[e] = e % 3 === 0 ? Reason.REDEEMED : Reason.CAPPED;
}
const params = {
  mode: Mode.CANDIDATES,
  countOrLo: CANDIDATES,
  rangeHi: 0,
  k: K,
  explain: false,
  storeIndex: 3,
  channel: CHANNEL,
  personalize: true,
  blockReason: 0,
  marginFloor: 0.1,
  wBase: 0.5,
  wAffinity: 0.3,
  wPrice: 0.2,
  priceScale: 1.5,
  wMargin: 0.4,
  wPopularity: 0.25,
  priceAnchor: 3,
  discountSensitivity: 0.3,
  exclusionCount: EXCLUSIONS,
  categoryBoost: false,
};
slot.setParams(params);
// The boosted variant: three categories boosted, as a policy would (one strong
// boost, one mild, one demotion). Same request otherwise.
const boostedParams = { ...params, categoryBoost: true };
slot.categoryBoost[3] = 0.3;
slot.categoryBoost[11] = 0.1;
slot.categoryBoost[20] = -0.2;

const { kernel, memory } = world;
const req = slot.desc;
const runWasm = (): number => kernel.decide(req);
const runTs = (): number => referenceDecide(memory, req);

for (const p of [boostedParams, params]) {
  slot.setParams(p);
  for (let i = 0; i < WARMUP_CALLS; i++) {
    runWasm();
    runTs();
  }
}

/** Runs both implementations on `p` and exits if their outputs differ; returns the kernel's. */
function checkIdentical(p: typeof params): ReturnType<typeof readOutputs> {
  slot.setParams(p);
  poisonOutputs(slot);
  const wasmOut = readOutputs(slot, p, runWasm());
  poisonOutputs(slot);
  const tsOut = readOutputs(slot, p, runTs());
  if (JSON.stringify(wasmOut) !== JSON.stringify(tsOut)) {
    console.error(`kernel bench: wasm and reference results differ (categoryBoost ${p.categoryBoost})`);
    console.error(JSON.stringify({ wasm: wasmOut.idx, ts: tsOut.idx }));
    process.exit(1);
  }
  return wasmOut;
}
const boostedOut = checkIdentical(boostedParams);
const wasmOut = checkIdentical(params);
if (JSON.stringify(boostedOut.idx) === JSON.stringify(wasmOut.idx)) {
  console.error(
    "kernel bench: the category boosts did not change the ranking; the boosted case measures nothing",
  );
  process.exit(1);
}
const reasons = new Map<number, number>();
for (const r of wasmOut.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);

/** Mean µs per call over `calls` calls of `run`. */
function time(run: () => number, calls: number): number {
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < calls; i++) sink += run();
  const elapsed = performance.now() - start;
  if (sink < 0) throw new Error("unreachable");
  return (elapsed * 1000) / calls;
}

const wasmRounds: number[] = [];
const tsRounds: number[] = [];
const boostRounds: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  if (round % 2 === 0) {
    slot.setParams(params);
    wasmRounds.push(time(runWasm, CALLS_PER_ROUND));
    tsRounds.push(time(runTs, CALLS_PER_ROUND));
    slot.setParams(boostedParams);
    boostRounds.push(time(runWasm, CALLS_PER_ROUND));
  } else {
    slot.setParams(boostedParams);
    boostRounds.push(time(runWasm, CALLS_PER_ROUND));
    slot.setParams(params);
    tsRounds.push(time(runTs, CALLS_PER_ROUND));
    wasmRounds.push(time(runWasm, CALLS_PER_ROUND));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

const wasmUs = median(wasmRounds);
const tsUs = median(tsRounds);
const boostUs = median(boostRounds);
const round2 = (x: number): number => Math.round(x * 100) / 100;
const reasonMix = [...reasons.entries()]
  .sort((a, b) => a[0] - b[0])
  .map(([r, n]) => `${r}:${n}`)
  .join(" ");
console.log(`kernel ${kernelVersion()} (node ${process.version})`);
console.log(
  `catalog ${CATALOG_ITEMS} items, ${CANDIDATES} candidates, ${FEATURES} features, k ${K}, personalised; reasons ${reasonMix}`,
);
console.log(
  `wasm decide:      ${wasmUs.toFixed(2)} µs/call (median of ${ROUNDS} rounds × ${CALLS_PER_ROUND})`,
);
console.log(`reference decide: ${tsUs.toFixed(2)} µs/call`);
console.log(
  `wasm decide with category boosts: ${boostUs.toFixed(2)} µs/call (${(boostUs / wasmUs).toFixed(2)}× without)`,
);
console.log(`results identical: ${wasmOut.returned} kept, ratio ${(tsUs / wasmUs).toFixed(2)}×`);
console.log(
  JSON.stringify({
    n: CANDIDATES,
    features: FEATURES,
    wasm_us: round2(wasmUs),
    ts_us: round2(tsUs),
    ratio: round2(tsUs / wasmUs),
    wasm_boost_us: round2(boostUs),
    boost_ratio: round2(boostUs / wasmUs),
  }),
);
