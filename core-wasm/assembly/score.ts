/**
 * The score arithmetic of the README, every operation in f32 and in the
 * documented order, so the TypeScript reference (`src/reference-kernel.ts`)
 * reproduces the bits with `Math.fround`.
 */

/**
 * Writes `q = weights ⊙ profile` for `bytes / 16` blocks of four features.
 * Called once per personalised request, before any dot product.
 */
export function computeQuery(weights: usize, profile: usize, query: usize, bytes: usize): void {
  for (let o: usize = 0; o < bytes; o += 16) {
    v128.store(query + o, f32x4.mul(v128.load(weights + o), v128.load(profile + o)));
  }
}

// @ts-ignore: decorator
@inline
function laneSum(a: v128): f32 {
  return (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1)) + (f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3));
}

/**
 * `dot(q, v)` over `bytes / 16` blocks: four f32 lanes, each accumulated from
 * 0 in block order, summed as `(l0 + l1) + (l2 + l3)`.
 */
// @ts-ignore: decorator
@inline
export function dot1(query: usize, vec: usize, bytes: usize): f32 {
  let acc = f32x4.splat(0);
  for (let o: usize = 0; o < bytes; o += 16) {
    acc = f32x4.add(acc, f32x4.mul(v128.load(query + o), v128.load(vec + o)));
  }
  return laneSum(acc);
}

/**
 * Four dot products at once, lane `n` of the result being `dot1(query, vn)`
 * bit for bit. The four accumulators are independent, so the adds of four
 * items overlap instead of waiting on one dependency chain, and each block of
 * `q` is loaded once for all four.
 */
// @ts-ignore: decorator
@inline
export function dot4(query: usize, v0: usize, v1: usize, v2: usize, v3: usize, bytes: usize): v128 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  for (let o: usize = 0; o < bytes; o += 16) {
    const q = v128.load(query + o);
    a0 = f32x4.add(a0, f32x4.mul(q, v128.load(v0 + o)));
    a1 = f32x4.add(a1, f32x4.mul(q, v128.load(v1 + o)));
    a2 = f32x4.add(a2, f32x4.mul(q, v128.load(v2 + o)));
    a3 = f32x4.add(a3, f32x4.mul(q, v128.load(v3 + o)));
  }
  // Transpose-and-add: [a0.0+a0.1, a0.2+a0.3, a1.0+a1.1, a1.2+a1.3] and the
  // same for a2/a3, then pair those halves: lane n = (ln0 + ln1) + (ln2 + ln3).
  const s01 = f32x4.add(f32x4.shuffle(a0, a1, 0, 2, 4, 6), f32x4.shuffle(a0, a1, 1, 3, 5, 7));
  const s23 = f32x4.add(f32x4.shuffle(a2, a3, 0, 2, 4, 6), f32x4.shuffle(a2, a3, 1, 3, 5, 7));
  return f32x4.add(f32x4.shuffle(s01, s23, 0, 2, 4, 6), f32x4.shuffle(s01, s23, 1, 3, 5, 7));
}

/** `common = (w_base·b + w_pop·popularity) + boost`. */
// @ts-ignore: decorator
@inline
export function commonScore(wBase: f32, base: f32, wPop: f32, popularity: f32, boost: f32): f32 {
  return (wBase * base + wPop * popularity) + boost;
}

/**
 * `personal = ((dot + w_aff·affinity) + w_price·pf) + (w_margin·margin)·(1 − ds)`
 * with `pf = 1 / (1 + |logPrice − anchor|·priceScale)`; `oneMinusDs` is
 * `1 − ds`, computed once per request.
 */
// @ts-ignore: decorator
@inline
export function personalScore(
  dot: f32,
  wAff: f32,
  affinity: f32,
  wPrice: f32,
  logPrice: f32,
  anchor: f32,
  priceScale: f32,
  wMargin: f32,
  margin: f32,
  oneMinusDs: f32,
): f32 {
  const pf: f32 = <f32>1 / (<f32>1 + abs<f32>(logPrice - anchor) * priceScale);
  return ((dot + wAff * affinity) + wPrice * pf) + wMargin * margin * oneMinusDs;
}
