/**
 * Bounded min-heap of (score, key) entries in caller-provided scratch memory:
 * the root is the worst entry kept so far, so a new entry only has to beat the
 * root to get in. Each entry is 8 bytes: f32 score at +0, u32 key at +4.
 *
 * Order: an entry is worse when its score is lower, or equal with a larger
 * key. Keys are candidate positions or item indices (possibly packed with a
 * reason in the low bits, which keeps the index order), so equal scores keep
 * the lower position, as the README requires.
 */

/** Byte size of one heap entry. */
export const ENTRY_BYTES: usize = 8;

// @ts-ignore: decorator
@inline
function worse(aScore: f32, aKey: u32, bScore: f32, bKey: u32): bool {
  return aScore < bScore || (aScore == bScore && aKey > bKey);
}

/**
 * Places (score, key) at the root of the first `n` entries and moves it down
 * until both children are no worse. Kept out of line: it runs only when an
 * entry gets in, which after the first few candidates is rare.
 */
function siftDown(heap: usize, n: u32, score: f32, key: u32): void {
  let i: u32 = 0;
  while (true) {
    const l = (i << 1) + 1;
    if (l >= n) break;
    let c = l;
    let cScore = load<f32>(heap + ((<usize>l) << 3));
    let cKey = load<u32>(heap + ((<usize>l) << 3), 4);
    const r = l + 1;
    if (r < n) {
      const rScore = load<f32>(heap + ((<usize>r) << 3));
      const rKey = load<u32>(heap + ((<usize>r) << 3), 4);
      if (worse(rScore, rKey, cScore, cKey)) {
        c = r;
        cScore = rScore;
        cKey = rKey;
      }
    }
    if (!worse(cScore, cKey, score, key)) break;
    store<f32>(heap + ((<usize>i) << 3), cScore);
    store<u32>(heap + ((<usize>i) << 3), cKey, 4);
    i = c;
  }
  store<f32>(heap + ((<usize>i) << 3), score);
  store<u32>(heap + ((<usize>i) << 3), key, 4);
}

/** Appends (score, key) at position `size` and moves it up; out of line like `siftDown`. */
function siftUp(heap: usize, size: u32, score: f32, key: u32): void {
  let i = size;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pScore = load<f32>(heap + ((<usize>p) << 3));
    const pKey = load<u32>(heap + ((<usize>p) << 3), 4);
    if (!worse(score, key, pScore, pKey)) break;
    store<f32>(heap + ((<usize>i) << 3), pScore);
    store<u32>(heap + ((<usize>i) << 3), pKey, 4);
    i = p;
  }
  store<f32>(heap + ((<usize>i) << 3), score);
  store<u32>(heap + ((<usize>i) << 3), key, 4);
}

/**
 * Offers an entry to a heap holding `size` of at most `cap` entries; returns
 * the new size. Called once per scored candidate, so the common case (heap
 * full, entry no better than the root) is inlined: two loads and a compare.
 */
// @ts-ignore: decorator
@inline
export function heapOffer(heap: usize, size: u32, cap: u32, score: f32, key: u32): u32 {
  if (size < cap) {
    siftUp(heap, size, score, key);
    return size + 1;
  }
  if (cap != 0 && worse(load<f32>(heap), load<u32>(heap, 4), score, key)) siftDown(heap, cap, score, key);
  return size;
}

/**
 * Empties a heap of `size` entries best first into `outKey[0..size)` (i32) and
 * `outScore[0..size)` (f32), by repeatedly moving the worst entry to the end.
 * When `outReason` is not 0 the keys are `(index << 3) | reason`: the index
 * goes to `outKey` and the reason to `outReason` (u8).
 */
export function heapDrain(heap: usize, size: u32, outKey: usize, outScore: usize, outReason: usize): void {
  let n = size;
  while (n > 0) {
    n--;
    const score = load<f32>(heap);
    const key = load<u32>(heap, 4);
    if (outReason != 0) {
      store<u32>(outKey + ((<usize>n) << 2), key >> 3);
      store<u8>(outReason + <usize>n, <u8>(key & 7));
    } else {
      store<u32>(outKey + ((<usize>n) << 2), key);
    }
    store<f32>(outScore + ((<usize>n) << 2), score);
    if (n > 0) {
      const lastScore = load<f32>(heap + ((<usize>n) << 3));
      const lastKey = load<u32>(heap + ((<usize>n) << 3), 4);
      siftDown(heap, n, lastScore, lastKey);
    }
  }
}
