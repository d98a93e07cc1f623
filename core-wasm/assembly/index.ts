/**
 * The scoring and constraint kernel: `decide(req)` ranks one request's
 * candidates (or one shard of the catalog) under the hard constraints and
 * writes the best k, best first. See `core-wasm/README.md` for the arithmetic
 * and `src/layout.ts` for the memory contract.
 *
 * No allocation (runtime stub, no `new`, no strings, no static data): every
 * input, output and scratch buffer is in the request slot the host allocated,
 * so one instance per thread can share one memory with the others.
 */
import { checkItem, clearExclusions, markExclusions } from "./constraints";
import { ENTRY_BYTES, heapDrain, heapOffer } from "./heap";
import { CatalogDesc, CATEGORY_SLOTS, MAX_TOP_K, Mode, Reason, RequestDesc } from "./layout";
import { commonScore, computeQuery, dot1, dot4, personalScore } from "./score";

/**
 * Version of the memory contract this build implements (the layout offsets and
 * the meaning of every field). The host checks it once after instantiating.
 */
export function kernelAbiVersion(): u32 {
  return 2;
}

/**
 * Top-category slot of `item`, masked so a corrupt category byte can only pick
 * a wrong slot, never read outside a CATEGORY_SLOTS buffer; the host writes
 * categories < CATEGORY_SLOTS.
 */
// @ts-ignore: decorator
@inline
function categorySlot(topCategory: usize, item: usize): usize {
  return <usize>(<u32>load<u8>(topCategory + item) & (CATEGORY_SLOTS - 1));
}

/**
 * Score of `item` with base score `base` and precomputed `dot = dot(q, v_item)`:
 * `personal + common` when personalised, else `common` (no person input read).
 * `categoryBoost` is the request's CATEGORY_BOOST pointer; 0 skips the term
 * altogether (no load, no add), so a request without boosts computes exactly
 * what it did before boosts existed.
 */
// @ts-ignore: decorator
@inline
function itemScore(
  item: usize,
  base: f32,
  dot: f32,
  personalize: bool,
  wBase: f32,
  wPop: f32,
  popularity: usize,
  boost: usize,
  categoryBoost: usize,
  wAff: f32,
  affinity: usize,
  topCategory: usize,
  wPrice: f32,
  logPrice: usize,
  anchor: f32,
  priceScale: f32,
  wMargin: f32,
  margins: usize,
  oneMinusDs: f32,
): f32 {
  let common = commonScore(wBase, base, wPop, load<f32>(popularity + (item << 2)), load<f32>(boost + (item << 2)));
  if (categoryBoost != 0) common += load<f32>(categoryBoost + (categorySlot(topCategory, item) << 2));
  if (!personalize) return common;
  const personal = personalScore(
    dot,
    wAff,
    load<f32>(affinity + (categorySlot(topCategory, item) << 2)),
    wPrice,
    load<f32>(logPrice + (item << 2)),
    anchor,
    priceScale,
    wMargin,
    load<f32>(margins + (item << 2)),
    oneMinusDs,
  );
  return personal + common;
}

/** Address of item `item`'s feature row. */
// @ts-ignore: decorator
@inline
function row(vectors: usize, item: u32, rowBytes: usize): usize {
  return vectors + <usize>item * rowBytes;
}

/** Lane `t` (0..3) of a dot4 result; `t` is a loop counter, lanes need constants. */
// @ts-ignore: decorator
@inline
function lane(dots: v128, t: u32): f32 {
  return t == 0
    ? f32x4.extract_lane(dots, 0)
    : t == 1
      ? f32x4.extract_lane(dots, 1)
      : t == 2
        ? f32x4.extract_lane(dots, 2)
        : f32x4.extract_lane(dots, 3);
}

/**
 * Ranks the request whose `RequestDesc` is at `req` and returns how many
 * results it wrote to OUT_IDX/OUT_SCORE (at most k, best first).
 *
 * Calling contract: the host has written every RequestDesc field and input
 * buffer, CATALOG points at a CatalogDesc whose COUNT rows are written, MARKS
 * has at least the catalog's capacity bytes and is all zero, SCRATCH_QUERY has
 * `features` f32 and SCRATCH_HEAP `2 * k * 8` bytes, all of them private to
 * the calling thread for the duration of the call; CATEGORY_BOOST is 0 or
 * points at CATEGORY_SLOTS f32. On return MARKS is all zero again;
 * OUT_EXCL_COUNT is written in every mode (0 unless catalog + explain).
 *
 * - Candidate mode: every candidate gets a reason in OUT_REASONS (KEPT for
 *   those that pass every check, whether or not they made the top k);
 *   OUT_IDX holds candidate positions.
 * - Catalog mode: items of `[lo, min(hi, count))`, base score 0; OUT_IDX holds
 *   item indices; with EXPLAIN the best k excluded items go to OUT_EXCL_*.
 *
 * `k` above MAX_TOP_K is clamped to it; a store index outside `[0, stores)`
 * means no store check.
 */
export function decide(req: usize): u32 {
  const cat = <usize>load<u32>(req, RequestDesc.CATALOG);
  const count = load<u32>(cat, CatalogDesc.COUNT);
  const features = load<u32>(cat, CatalogDesc.FEATURES);
  const stores = load<u32>(cat, CatalogDesc.STORES);
  const vectors = <usize>load<u32>(cat, CatalogDesc.VECTORS);
  const topCategory = <usize>load<u32>(cat, CatalogDesc.TOP_CATEGORY);
  const popularity = <usize>load<u32>(cat, CatalogDesc.POPULARITY);
  const logPrice = <usize>load<u32>(cat, CatalogDesc.LOG_PRICE);
  const margins = <usize>load<u32>(cat, CatalogDesc.MARGIN);
  const stock = <usize>load<u32>(cat, CatalogDesc.STOCK);
  const storeStock = <usize>load<u32>(cat, CatalogDesc.STORE_STOCK);
  const channels = <usize>load<u32>(cat, CatalogDesc.CHANNELS);
  const boost = <usize>load<u32>(cat, CatalogDesc.BOOST);

  const mode = load<u32>(req, RequestDesc.MODE);
  const k = min<u32>(load<u32>(req, RequestDesc.K), MAX_TOP_K);
  const explain = load<u32>(req, RequestDesc.EXPLAIN) != 0;
  const storeIndex = load<u32>(req, RequestDesc.STORE_INDEX);
  const channel = load<u32>(req, RequestDesc.CHANNEL);
  const personalize = load<u32>(req, RequestDesc.PERSONALIZE) != 0;
  const blockReason = load<u32>(req, RequestDesc.BLOCK_REASON);
  const marginFloor = load<f32>(req, RequestDesc.MARGIN_FLOOR);
  const wBase = load<f32>(req, RequestDesc.W_BASE);
  const wAff = load<f32>(req, RequestDesc.W_AFFINITY);
  const wPrice = load<f32>(req, RequestDesc.W_PRICE);
  const priceScale = load<f32>(req, RequestDesc.PRICE_SCALE);
  const wMargin = load<f32>(req, RequestDesc.W_MARGIN);
  const wPop = load<f32>(req, RequestDesc.W_POPULARITY);
  const anchor = load<f32>(req, RequestDesc.PRICE_ANCHOR);
  const oneMinusDs: f32 = <f32>1 - load<f32>(req, RequestDesc.DISCOUNT_SENSITIVITY);
  const exclCount = load<u32>(req, RequestDesc.EXCLUSION_COUNT);
  const exclItems = <usize>load<u32>(req, RequestDesc.EXCL_ITEMS);
  const affinity = <usize>load<u32>(req, RequestDesc.AFFINITY);
  const categoryBoost = <usize>load<u32>(req, RequestDesc.CATEGORY_BOOST);
  const outIdx = <usize>load<u32>(req, RequestDesc.OUT_IDX);
  const outScore = <usize>load<u32>(req, RequestDesc.OUT_SCORE);
  const marks = <usize>load<u32>(req, RequestDesc.MARKS);
  const query = <usize>load<u32>(req, RequestDesc.SCRATCH_QUERY);
  const heap = <usize>load<u32>(req, RequestDesc.SCRATCH_HEAP);
  const excludedHeap = heap + <usize>k * ENTRY_BYTES;

  const rowBytes = <usize>features << 2;
  // Whole blocks of four features; the layout makes FEATURES a multiple of 4.
  const dotBytes = (<usize>features >> 2) << 4;

  if (personalize) {
    computeQuery(<usize>load<u32>(req, RequestDesc.WEIGHTS), <usize>load<u32>(req, RequestDesc.PROFILE), query, dotBytes);
  }
  markExclusions(exclItems, <usize>load<u32>(req, RequestDesc.EXCL_REASONS), exclCount, count, marks);

  let kept: u32 = 0;
  let excluded: u32 = 0;
  // Scored items wait in a batch of four so their dot products run
  // interleaved (dot4); p0..p2 are the pending keys, `pending` how many.
  let pending: u32 = 0;
  let p0: u32 = 0;
  let p1: u32 = 0;
  let p2: u32 = 0;

  if (mode == Mode.CATALOG) {
    // Keys are `(item << 3) | reason`: item order is kept, and the reason of an
    // excluded item rides along to OUT_EXCL_REASON (reasons fit in 3 bits).
    // Items stay below 2^28: at 20+ bytes of columns each, more cannot fit in
    // a 2 GiB memory.
    const lo = load<u32>(req, RequestDesc.COUNT_OR_LO);
    const hi = min<u32>(load<u32>(req, RequestDesc.RANGE_HI), count);
    for (let i = lo; i < hi; i++) {
      const reason = checkItem(
        <usize>i, blockReason, channels, channel, stock, storeStock, stores, storeIndex, margins, marginFloor, marks,
      );
      if (reason != Reason.KEPT && !explain) continue;
      const key = (i << 3) | (reason & 7);
      if (pending < 3) {
        if (pending == 0) p0 = key;
        else if (pending == 1) p1 = key;
        else p2 = key;
        pending++;
        continue;
      }
      const dots = personalize
        ? dot4(query, row(vectors, p0 >> 3, rowBytes), row(vectors, p1 >> 3, rowBytes),
            row(vectors, p2 >> 3, rowBytes), row(vectors, i, rowBytes), dotBytes)
        : f32x4.splat(0);
      for (let t: u32 = 0; t < 4; t++) {
        const tk = t == 0 ? p0 : t == 1 ? p1 : t == 2 ? p2 : key;
        const item = <usize>(tk >> 3);
        const s = itemScore(
          item, 0, lane(dots, t), personalize, wBase, wPop, popularity, boost, categoryBoost, wAff, affinity,
          topCategory, wPrice, logPrice, anchor, priceScale, wMargin, margins, oneMinusDs,
        );
        if ((tk & 7) == Reason.KEPT) kept = heapOffer(heap, kept, k, s, tk >> 3);
        else excluded = heapOffer(excludedHeap, excluded, k, s, tk);
      }
      pending = 0;
    }
    for (let t: u32 = 0; t < pending; t++) {
      const tk = t == 0 ? p0 : t == 1 ? p1 : p2;
      const item = <usize>(tk >> 3);
      const s = itemScore(
        item, 0, personalize ? dot1(query, row(vectors, tk >> 3, rowBytes), dotBytes) : 0, personalize,
        wBase, wPop, popularity, boost, categoryBoost, wAff, affinity, topCategory,
        wPrice, logPrice, anchor, priceScale, wMargin, margins, oneMinusDs,
      );
      if ((tk & 7) == Reason.KEPT) kept = heapOffer(heap, kept, k, s, tk >> 3);
      else excluded = heapOffer(excludedHeap, excluded, k, s, tk);
    }
    if (explain) {
      heapDrain(
        excludedHeap,
        excluded,
        <usize>load<u32>(req, RequestDesc.OUT_EXCL_IDX),
        <usize>load<u32>(req, RequestDesc.OUT_EXCL_SCORE),
        <usize>load<u32>(req, RequestDesc.OUT_EXCL_REASON),
      );
    }
  } else {
    // Keys are candidate positions.
    const n = load<u32>(req, RequestDesc.COUNT_OR_LO);
    const candItems = <usize>load<u32>(req, RequestDesc.CAND_ITEMS);
    const candBase = <usize>load<u32>(req, RequestDesc.CAND_BASE);
    const outReasons = <usize>load<u32>(req, RequestDesc.OUT_REASONS);
    for (let j: u32 = 0; j < n; j++) {
      // -1 (UNKNOWN_ITEM) read as u32 is >= count, like any index past the end.
      const item = load<u32>(candItems + (<usize>j << 2));
      const reason = item < count
        ? checkItem(
          <usize>item, blockReason, channels, channel, stock, storeStock, stores, storeIndex, margins, marginFloor, marks,
        )
        : Reason.UNKNOWN_SKU;
      store<u8>(outReasons + <usize>j, <u8>reason);
      if (reason != Reason.KEPT) continue;
      if (pending < 3) {
        if (pending == 0) p0 = j;
        else if (pending == 1) p1 = j;
        else p2 = j;
        pending++;
        continue;
      }
      const dots = personalize
        ? dot4(query, row(vectors, load<u32>(candItems + (<usize>p0 << 2)), rowBytes),
            row(vectors, load<u32>(candItems + (<usize>p1 << 2)), rowBytes),
            row(vectors, load<u32>(candItems + (<usize>p2 << 2)), rowBytes), row(vectors, item, rowBytes), dotBytes)
        : f32x4.splat(0);
      for (let t: u32 = 0; t < 4; t++) {
        const pos = t == 0 ? p0 : t == 1 ? p1 : t == 2 ? p2 : j;
        const s = itemScore(
          <usize>load<u32>(candItems + (<usize>pos << 2)), load<f32>(candBase + (<usize>pos << 2)), lane(dots, t),
          personalize, wBase, wPop, popularity, boost, categoryBoost, wAff, affinity, topCategory,
          wPrice, logPrice, anchor, priceScale, wMargin, margins, oneMinusDs,
        );
        kept = heapOffer(heap, kept, k, s, pos);
      }
      pending = 0;
    }
    for (let t: u32 = 0; t < pending; t++) {
      const pos = t == 0 ? p0 : t == 1 ? p1 : p2;
      const item = load<u32>(candItems + (<usize>pos << 2));
      const s = itemScore(
        <usize>item, load<f32>(candBase + (<usize>pos << 2)),
        personalize ? dot1(query, row(vectors, item, rowBytes), dotBytes) : 0, personalize,
        wBase, wPop, popularity, boost, categoryBoost, wAff, affinity, topCategory,
        wPrice, logPrice, anchor, priceScale, wMargin, margins, oneMinusDs,
      );
      kept = heapOffer(heap, kept, k, s, pos);
    }
  }

  store<u32>(req, explain && mode == Mode.CATALOG ? excluded : 0, RequestDesc.OUT_EXCL_COUNT);
  heapDrain(heap, kept, outIdx, outScore, 0);
  clearExclusions(exclItems, exclCount, count, marks);
  return kept;
}
