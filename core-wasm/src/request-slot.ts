/**
 * A thread's request slot: one RequestDesc plus every input, output and
 * scratch buffer `decide` touches, allocated once and rewritten for every
 * request. Writes and reads go through views made at allocation time, so the
 * per-request path allocates nothing.
 */
import type { Arena } from "./arena.js";
import type { CatalogRegion } from "./catalog-region.js";
import { CATEGORY_SLOTS, MAX_TOP_K, Mode, RequestDesc } from "./layout.js";

/** Capacity of a request slot. */
export interface RequestSlotOptions {
  /** Features per item; must equal the catalog's. */
  features: number;
  /** Most candidates one request may carry. */
  maxCandidates: number;
  /** Largest k, 1..MAX_TOP_K. */
  maxK: number;
  /** Longest exclusion list of one person. */
  maxExclusions: number;
}

/** The scalar fields of a RequestDesc, as `setParams` writes them. */
export interface RequestParams {
  /** `Mode.CANDIDATES` or `Mode.CATALOG`. */
  mode: number;
  /** Candidate count (candidate mode) or first item of the range (catalog mode). */
  countOrLo: number;
  /** End of the item range, exclusive (catalog mode; ignored otherwise). */
  rangeHi: number;
  /** How many results to keep, 1..maxK. */
  k: number;
  /** Catalog mode: also report the best k excluded items. */
  explain: boolean;
  /** Store column to check stock at, or -1 for none. */
  storeIndex: number;
  /** Channel number 1..7. */
  channel: number;
  /** Use the person's profile; false gives the non-personalised ranking. */
  personalize: boolean;
  /** A Reason applied to every known candidate (NO_CONSENT), or 0. */
  blockReason: number;
  marginFloor: number;
  wBase: number;
  wAffinity: number;
  wPrice: number;
  priceScale: number;
  wMargin: number;
  wPopularity: number;
  priceAnchor: number;
  discountSensitivity: number;
  /** Entries written to `exclItems`/`exclReasons`. */
  exclusionCount: number;
  /**
   * True: CATEGORY_BOOST points at the slot's `categoryBoost` buffer, whose
   * values are added to the scores. False: CATEGORY_BOOST is 0 (no boosts;
   * the buffer is not read).
   */
  categoryBoost: boolean;
}

/** A thread's request slot and views of its buffers. */
export interface RequestSlot {
  /** Byte offset of the RequestDesc: the argument of `Kernel.decide`. */
  readonly desc: number;
  readonly features: number;
  readonly maxCandidates: number;
  readonly maxK: number;
  readonly maxExclusions: number;
  /** f32[features]: model weights. */
  readonly weights: Float32Array;
  /** f32[features]: the person's profile vector. */
  readonly profile: Float32Array;
  /** f32[CATEGORY_SLOTS]: the person's category affinities. */
  readonly affinity: Float32Array;
  /** f32[CATEGORY_SLOTS]: this request's boost per top-category slot (read when `params.categoryBoost`). */
  readonly categoryBoost: Float32Array;
  /** i32[maxCandidates]: candidate item indices (UNKNOWN_ITEM for unknown SKUs). */
  readonly candItems: Int32Array;
  /** f32[maxCandidates]: candidate base scores. */
  readonly candBase: Float32Array;
  /** i32[maxExclusions]: items excluded for this person. */
  readonly exclItems: Int32Array;
  /** u8[maxExclusions]: their reasons. */
  readonly exclReasons: Uint8Array;
  /** i32[maxK] out: kept candidate positions (item indices in catalog mode), best first. */
  readonly outIdx: Int32Array;
  /** f32[maxK] out: their scores. */
  readonly outScore: Float32Array;
  /** u8[maxCandidates] out (candidate mode): reason per candidate. */
  readonly outReasons: Uint8Array;
  /** i32[maxK] out (catalog mode + explain): best excluded item indices. */
  readonly outExclIdx: Int32Array;
  /** f32[maxK] out: their scores. */
  readonly outExclScore: Float32Array;
  /** u8[maxK] out: their reasons. */
  readonly outExclReason: Uint8Array;
  /** Excluded items written by the last catalog + explain call (0 otherwise). */
  readonly outExclCount: number;
  /**
   * Points the slot at `region` and makes sure its MARKS buffer covers the
   * region's capacity (allocating a fresh, zeroed one from the slot's arena
   * when it does not). Call on catalog load or swap, not per request.
   */
  setCatalog(region: CatalogRegion): void;
  /** Writes every scalar field of the descriptor. Called once per request. */
  setParams(params: RequestParams): void;
}

function checkSize(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`request slot: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/**
 * Allocates a request slot in `arena` sized by `options`. One per thread (the
 * kernel writes outputs and scratch into it); call `setCatalog` before the
 * first request.
 */
export function allocateRequestSlot(arena: Arena, options: RequestSlotOptions): RequestSlot {
  const { features, maxCandidates, maxK, maxExclusions } = options;
  checkSize("features", features, 0, 0xffff_fff0);
  if (features % 4 !== 0) {
    throw new RangeError(`request slot: features must be a multiple of 4, got ${features}`);
  }
  checkSize("maxCandidates", maxCandidates, 0, 0x3fff_ffff);
  checkSize("maxK", maxK, 1, MAX_TOP_K);
  checkSize("maxExclusions", maxExclusions, 0, 0x3fff_ffff);

  const desc = arena.alloc(RequestDesc.SIZE, 16);
  const weights = arena.alloc(features * 4, 16);
  const profile = arena.alloc(features * 4, 16);
  const affinity = arena.alloc(CATEGORY_SLOTS * 4, 16);
  const categoryBoost = arena.alloc(CATEGORY_SLOTS * 4, 16);
  const candItems = arena.alloc(maxCandidates * 4, 16);
  const candBase = arena.alloc(maxCandidates * 4, 16);
  const exclItems = arena.alloc(maxExclusions * 4, 16);
  const exclReasons = arena.alloc(maxExclusions, 16);
  const outIdx = arena.alloc(maxK * 4, 16);
  const outScore = arena.alloc(maxK * 4, 16);
  const outReasons = arena.alloc(maxCandidates, 16);
  const outExclIdx = arena.alloc(maxK * 4, 16);
  const outExclScore = arena.alloc(maxK * 4, 16);
  const outExclReason = arena.alloc(maxK, 16);
  const query = arena.alloc(features * 4, 16);
  const heap = arena.alloc(2 * maxK * 8, 16);

  // Views only after every allocation: a grow replaces memory.buffer.
  const buffer = arena.memory.buffer;
  const i32 = new Int32Array(buffer, desc, RequestDesc.SIZE / 4);
  const u32 = new Uint32Array(buffer, desc, RequestDesc.SIZE / 4);
  const f32 = new Float32Array(buffer, desc, RequestDesc.SIZE / 4);
  const put = (offset: number, value: number): void => {
    u32[offset >> 2] = value;
  };
  put(RequestDesc.WEIGHTS, weights);
  put(RequestDesc.PROFILE, profile);
  put(RequestDesc.AFFINITY, affinity);
  put(RequestDesc.CAND_ITEMS, candItems);
  put(RequestDesc.CAND_BASE, candBase);
  put(RequestDesc.EXCL_ITEMS, exclItems);
  put(RequestDesc.EXCL_REASONS, exclReasons);
  put(RequestDesc.OUT_IDX, outIdx);
  put(RequestDesc.OUT_SCORE, outScore);
  put(RequestDesc.OUT_REASONS, outReasons);
  put(RequestDesc.OUT_EXCL_IDX, outExclIdx);
  put(RequestDesc.OUT_EXCL_SCORE, outExclScore);
  put(RequestDesc.OUT_EXCL_REASON, outExclReason);
  put(RequestDesc.SCRATCH_QUERY, query);
  put(RequestDesc.SCRATCH_HEAP, heap);
  put(RequestDesc.K, 1);
  put(RequestDesc.STORE_INDEX, 0xffff_ffff);

  let marksCapacity = 0;

  return {
    desc,
    features,
    maxCandidates,
    maxK,
    maxExclusions,
    weights: new Float32Array(buffer, weights, features),
    profile: new Float32Array(buffer, profile, features),
    affinity: new Float32Array(buffer, affinity, CATEGORY_SLOTS),
    categoryBoost: new Float32Array(buffer, categoryBoost, CATEGORY_SLOTS),
    candItems: new Int32Array(buffer, candItems, maxCandidates),
    candBase: new Float32Array(buffer, candBase, maxCandidates),
    exclItems: new Int32Array(buffer, exclItems, maxExclusions),
    exclReasons: new Uint8Array(buffer, exclReasons, maxExclusions),
    outIdx: new Int32Array(buffer, outIdx, maxK),
    outScore: new Float32Array(buffer, outScore, maxK),
    outReasons: new Uint8Array(buffer, outReasons, maxCandidates),
    outExclIdx: new Int32Array(buffer, outExclIdx, maxK),
    outExclScore: new Float32Array(buffer, outExclScore, maxK),
    outExclReason: new Uint8Array(buffer, outExclReason, maxK),
    get outExclCount(): number {
      return u32[RequestDesc.OUT_EXCL_COUNT >> 2]!;
    },
    setCatalog(region: CatalogRegion): void {
      if (region.features !== features) {
        throw new RangeError(
          `request slot: catalog has ${region.features} features but the slot was sized for ${features} (option features)`,
        );
      }
      if (marksCapacity < region.capacity) {
        // The old buffer is abandoned (the arena never frees); it is all zero.
        put(RequestDesc.MARKS, arena.alloc(region.capacity, 16));
        marksCapacity = region.capacity;
      }
      put(RequestDesc.CATALOG, region.desc);
    },
    setParams(p: RequestParams): void {
      if (!(p.k >= 1 && p.k <= maxK)) {
        throw new RangeError(`request slot: k ${p.k} is outside [1, ${maxK}] (option maxK)`);
      }
      if (p.mode === Mode.CANDIDATES && !(p.countOrLo >= 0 && p.countOrLo <= maxCandidates)) {
        throw new RangeError(
          `request slot: ${p.countOrLo} candidates exceed the limit of ${maxCandidates} (option maxCandidates)`,
        );
      }
      if (!(p.exclusionCount >= 0 && p.exclusionCount <= maxExclusions)) {
        throw new RangeError(
          `request slot: ${p.exclusionCount} exclusions exceed the limit of ${maxExclusions} (option maxExclusions)`,
        );
      }
      i32[RequestDesc.MODE >> 2] = p.mode;
      i32[RequestDesc.COUNT_OR_LO >> 2] = p.countOrLo;
      i32[RequestDesc.RANGE_HI >> 2] = p.rangeHi;
      i32[RequestDesc.K >> 2] = p.k;
      i32[RequestDesc.EXPLAIN >> 2] = p.explain ? 1 : 0;
      i32[RequestDesc.STORE_INDEX >> 2] = p.storeIndex;
      i32[RequestDesc.CHANNEL >> 2] = p.channel;
      i32[RequestDesc.PERSONALIZE >> 2] = p.personalize ? 1 : 0;
      i32[RequestDesc.BLOCK_REASON >> 2] = p.blockReason;
      f32[RequestDesc.MARGIN_FLOOR >> 2] = p.marginFloor;
      f32[RequestDesc.W_BASE >> 2] = p.wBase;
      f32[RequestDesc.W_AFFINITY >> 2] = p.wAffinity;
      f32[RequestDesc.W_PRICE >> 2] = p.wPrice;
      f32[RequestDesc.PRICE_SCALE >> 2] = p.priceScale;
      f32[RequestDesc.W_MARGIN >> 2] = p.wMargin;
      f32[RequestDesc.W_POPULARITY >> 2] = p.wPopularity;
      f32[RequestDesc.PRICE_ANCHOR >> 2] = p.priceAnchor;
      f32[RequestDesc.DISCOUNT_SENSITIVITY >> 2] = p.discountSensitivity;
      i32[RequestDesc.EXCLUSION_COUNT >> 2] = p.exclusionCount;
      put(RequestDesc.CATEGORY_BOOST, p.categoryBoost ? categoryBoost : 0);
    },
  };
}
