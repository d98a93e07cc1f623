/**
 * Plain TypeScript twin of the kernel's `decide`: same memory layout, same
 * checks in the same order, same f32 arithmetic (`Math.fround` after every
 * operation, the dot product in four lanes summed `(l0 + l1) + (l2 + l3)`),
 * same tie-break and the same marks behaviour, so its outputs are bit for bit
 * those of the WASM build. Tests hold the two equal on random inputs, and it is
 * the benchmark baseline, so it is written as fast, idiomatic JS: typed
 * arrays, a bounded heap, no sort, no per-item allocation.
 */
import { CATEGORY_SLOTS, CatalogDesc, MAX_TOP_K, Mode, Reason, RequestDesc } from "./layout.js";

const fround = Math.fround;

interface MemoryViews {
  buffer: ArrayBufferLike;
  u8: Uint8Array;
  u16: Uint16Array;
  i32: Int32Array;
  u32: Uint32Array;
  f32: Float32Array;
}

const viewCache = new WeakMap<WebAssembly.Memory, MemoryViews>();

/** Views over the whole memory, rebuilt only after the memory grew. */
function viewsOf(memory: WebAssembly.Memory): MemoryViews {
  const buffer = memory.buffer;
  let views = viewCache.get(memory);
  if (views === undefined || views.buffer !== buffer) {
    views = {
      buffer,
      u8: new Uint8Array(buffer),
      u16: new Uint16Array(buffer),
      i32: new Int32Array(buffer),
      u32: new Uint32Array(buffer),
      f32: new Float32Array(buffer),
    };
    viewCache.set(memory, views);
  }
  return views;
}

/**
 * Bounded min-heap of (score, key): the root is the worst entry, worse meaning
 * a lower score or an equal score with a larger key (keys follow candidate
 * position or item index, so ties keep the lower one).
 */
class TopK {
  scores: Float32Array;
  keys: Int32Array;
  size = 0;
  cap = 0;

  constructor(capacity: number) {
    this.scores = new Float32Array(capacity);
    this.keys = new Int32Array(capacity);
  }

  reset(cap: number): void {
    if (this.scores.length < cap) {
      this.scores = new Float32Array(cap);
      this.keys = new Int32Array(cap);
    }
    this.size = 0;
    this.cap = cap;
  }

  offer(score: number, key: number): void {
    const scores = this.scores;
    const keys = this.keys;
    if (this.size < this.cap) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        const ps = scores[p]!;
        if (!(score < ps || (score === ps && key > keys[p]!))) break;
        scores[i] = ps;
        keys[i] = keys[p]!;
        i = p;
      }
      scores[i] = score;
      keys[i] = key;
      return;
    }
    if (this.cap === 0) return;
    const rs = scores[0]!;
    if (rs < score || (rs === score && keys[0]! > key)) this.siftDown(this.cap, score, key);
  }

  /** Places (score, key) at the root of the first `n` entries and restores the heap. */
  siftDown(n: number, score: number, key: number): void {
    const scores = this.scores;
    const keys = this.keys;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      const r = l + 1;
      if (r < n && (scores[r]! < scores[l]! || (scores[r] === scores[l] && keys[r]! > keys[l]!))) c = r;
      const cs = scores[c]!;
      if (!(cs < score || (cs === score && keys[c]! > key))) break;
      scores[i] = cs;
      keys[i] = keys[c]!;
      i = c;
    }
    scores[i] = score;
    keys[i] = key;
  }

  /** Pops every entry worst first, so position `n` of the output gets its rank: best first. */
  drain(v: MemoryViews, outKey: number, outScore: number, outReason: number): number {
    const total = this.size;
    for (let n = total - 1; n >= 0; n--) {
      const key = this.keys[0]!;
      if (outReason !== 0) {
        v.i32[(outKey >> 2) + n] = key >>> 3;
        v.u8[outReason + n] = key & 7;
      } else {
        v.i32[(outKey >> 2) + n] = key;
      }
      v.f32[(outScore >> 2) + n] = this.scores[0]!;
      if (n > 0) this.siftDown(n, this.scores[n]!, this.keys[n]!);
    }
    this.size = 0;
    return total;
  }
}

const keptHeap = new TopK(64);
const excludedHeap = new TopK(64);

/**
 * Does exactly what the kernel's `decide(req)` does on `memory` (same inputs
 * read, same outputs and marks written, same return value). The slot at `req`
 * must be set up as for the kernel.
 */
export function referenceDecide(memory: WebAssembly.Memory, req: number): number {
  const v = viewsOf(memory);
  const { u8, u16, i32, u32, f32 } = v;
  const r = req >> 2;
  const cat = u32[r + (RequestDesc.CATALOG >> 2)]!;
  const c = cat >> 2;
  const count = u32[c + (CatalogDesc.COUNT >> 2)]!;
  const features = u32[c + (CatalogDesc.FEATURES >> 2)]!;
  const stores = u32[c + (CatalogDesc.STORES >> 2)]!;
  const vectors = u32[c + (CatalogDesc.VECTORS >> 2)]! >> 2;
  const topCategory = u32[c + (CatalogDesc.TOP_CATEGORY >> 2)]!;
  const popularity = u32[c + (CatalogDesc.POPULARITY >> 2)]! >> 2;
  const logPrice = u32[c + (CatalogDesc.LOG_PRICE >> 2)]! >> 2;
  const margins = u32[c + (CatalogDesc.MARGIN >> 2)]! >> 2;
  const stock = u32[c + (CatalogDesc.STOCK >> 2)]! >> 2;
  const storeStock = u32[c + (CatalogDesc.STORE_STOCK >> 2)]! >> 1;
  const channels = u32[c + (CatalogDesc.CHANNELS >> 2)]!;
  const boost = u32[c + (CatalogDesc.BOOST >> 2)]! >> 2;

  const mode = u32[r + (RequestDesc.MODE >> 2)]!;
  const k = Math.min(u32[r + (RequestDesc.K >> 2)]!, MAX_TOP_K);
  const explain = u32[r + (RequestDesc.EXPLAIN >> 2)] !== 0;
  const storeIndex = u32[r + (RequestDesc.STORE_INDEX >> 2)]!;
  const channel = u32[r + (RequestDesc.CHANNEL >> 2)]!;
  const personalize = u32[r + (RequestDesc.PERSONALIZE >> 2)] !== 0;
  const blockReason = u32[r + (RequestDesc.BLOCK_REASON >> 2)]!;
  const marginFloor = f32[r + (RequestDesc.MARGIN_FLOOR >> 2)]!;
  const wBase = f32[r + (RequestDesc.W_BASE >> 2)]!;
  const wAff = f32[r + (RequestDesc.W_AFFINITY >> 2)]!;
  const wPrice = f32[r + (RequestDesc.W_PRICE >> 2)]!;
  const priceScale = f32[r + (RequestDesc.PRICE_SCALE >> 2)]!;
  const wMargin = f32[r + (RequestDesc.W_MARGIN >> 2)]!;
  const wPop = f32[r + (RequestDesc.W_POPULARITY >> 2)]!;
  const anchor = f32[r + (RequestDesc.PRICE_ANCHOR >> 2)]!;
  const oneMinusDs = fround(1 - f32[r + (RequestDesc.DISCOUNT_SENSITIVITY >> 2)]!);
  const exclCount = u32[r + (RequestDesc.EXCLUSION_COUNT >> 2)]!;
  const exclItems = u32[r + (RequestDesc.EXCL_ITEMS >> 2)]! >> 2;
  const exclReasons = u32[r + (RequestDesc.EXCL_REASONS >> 2)]!;
  const affinity = u32[r + (RequestDesc.AFFINITY >> 2)]! >> 2;
  const categoryBoostPtr = u32[r + (RequestDesc.CATEGORY_BOOST >> 2)]!;
  const categoryBoost = categoryBoostPtr >> 2;
  const marks = u32[r + (RequestDesc.MARKS >> 2)]!;
  const query = u32[r + (RequestDesc.SCRATCH_QUERY >> 2)]! >> 2;
  // Whole blocks of four features, as the kernel.
  const dotFeatures = features & ~3;

  if (personalize) {
    const weights = u32[r + (RequestDesc.WEIGHTS >> 2)]! >> 2;
    const profile = u32[r + (RequestDesc.PROFILE >> 2)]! >> 2;
    for (let f = 0; f < dotFeatures; f++) f32[query + f] = fround(f32[weights + f]! * f32[profile + f]!);
  }
  for (let e = 0; e < exclCount; e++) {
    const item = u32[exclItems + e]!;
    if (item < count && u8[marks + item] === 0) u8[marks + item] = u8[exclReasons + e]!;
  }

  const reasonOf = (item: number): number => {
    if (blockReason !== 0) return blockReason;
    if (((u8[channels + item]! >>> channel) & 1) === 0) return Reason.INELIGIBLE;
    if (i32[stock + item]! <= 0) return Reason.OUT_OF_STOCK;
    if (storeIndex < stores && u16[storeStock + item * stores + storeIndex] === 0) return Reason.OUT_OF_STOCK;
    if (f32[margins + item]! < marginFloor) return Reason.BELOW_MARGIN_FLOOR;
    return u8[marks + item]!;
  };

  const scoreOf = (item: number, base: number): number => {
    let common = fround(
      fround(fround(wBase * base) + fround(wPop * f32[popularity + item]!)) + f32[boost + item]!,
    );
    // Pointer 0: no boosts, and no add at all, as in the kernel.
    if (categoryBoostPtr !== 0) {
      common = fround(common + f32[categoryBoost + (u8[topCategory + item]! & (CATEGORY_SLOTS - 1))]!);
    }
    if (!personalize) return common;
    const row = vectors + item * features;
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    let l3 = 0;
    for (let f = 0; f < dotFeatures; f += 4) {
      l0 = fround(l0 + fround(f32[query + f]! * f32[row + f]!));
      l1 = fround(l1 + fround(f32[query + f + 1]! * f32[row + f + 1]!));
      l2 = fround(l2 + fround(f32[query + f + 2]! * f32[row + f + 2]!));
      l3 = fround(l3 + fround(f32[query + f + 3]! * f32[row + f + 3]!));
    }
    const dot = fround(fround(l0 + l1) + fround(l2 + l3));
    const aff = f32[affinity + (u8[topCategory + item]! & (CATEGORY_SLOTS - 1))]!;
    const pf = fround(1 / fround(1 + fround(Math.abs(fround(f32[logPrice + item]! - anchor)) * priceScale)));
    const personal = fround(
      fround(fround(dot + fround(wAff * aff)) + fround(wPrice * pf)) +
        fround(fround(wMargin * f32[margins + item]!) * oneMinusDs),
    );
    return fround(personal + common);
  };

  keptHeap.reset(k);
  excludedHeap.reset(k);
  if (mode === Mode.CATALOG) {
    const lo = u32[r + (RequestDesc.COUNT_OR_LO >> 2)]!;
    const hi = Math.min(u32[r + (RequestDesc.RANGE_HI >> 2)]!, count);
    for (let item = lo; item < hi; item++) {
      const reason = reasonOf(item);
      if (reason === Reason.KEPT) keptHeap.offer(scoreOf(item, 0), item);
      else if (explain) excludedHeap.offer(scoreOf(item, 0), (item << 3) | (reason & 7));
    }
  } else {
    const n = u32[r + (RequestDesc.COUNT_OR_LO >> 2)]!;
    const candItems = u32[r + (RequestDesc.CAND_ITEMS >> 2)]! >> 2;
    const candBase = u32[r + (RequestDesc.CAND_BASE >> 2)]! >> 2;
    const outReasons = u32[r + (RequestDesc.OUT_REASONS >> 2)]!;
    for (let j = 0; j < n; j++) {
      const item = u32[candItems + j]!;
      const reason = item < count ? reasonOf(item) : Reason.UNKNOWN_SKU;
      u8[outReasons + j] = reason;
      if (reason === Reason.KEPT) keptHeap.offer(scoreOf(item, f32[candBase + j]!), j);
    }
  }

  const explained = explain && mode === Mode.CATALOG;
  u32[r + (RequestDesc.OUT_EXCL_COUNT >> 2)] = explained ? excludedHeap.size : 0;
  if (explained) {
    excludedHeap.drain(
      v,
      u32[r + (RequestDesc.OUT_EXCL_IDX >> 2)]!,
      u32[r + (RequestDesc.OUT_EXCL_SCORE >> 2)]!,
      u32[r + (RequestDesc.OUT_EXCL_REASON >> 2)]!,
    );
  }
  const kept = keptHeap.drain(
    v,
    u32[r + (RequestDesc.OUT_IDX >> 2)]!,
    u32[r + (RequestDesc.OUT_SCORE >> 2)]!,
    0,
  );
  for (let e = 0; e < exclCount; e++) {
    const item = u32[exclItems + e]!;
    if (item < count) u8[marks + item] = 0;
  }
  return kept;
}
