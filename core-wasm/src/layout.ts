/**
 * The kernel's memory contract: byte offsets of the two descriptors the host
 * writes into the shared linear memory and the kernel reads. The AssemblyScript
 * side (`core-wasm/assembly/layout.ts`) repeats these numbers; a test holds the
 * two files equal.
 *
 * All memory is one shared `WebAssembly.Memory` per process. The host owns
 * allocation (see `createArena`); the kernel never allocates. Every pointer is a
 * byte offset into that memory; every field is 4 bytes, little-endian.
 */

/** Number of top-level categories a profile holds an affinity for. */
export const CATEGORY_SLOTS = 32;

/** Largest `limit` (top-k) the kernel accepts. */
export const MAX_TOP_K = 1000;

/**
 * Exclusion reason codes written by the kernel. The numbers equal the proto
 * enum `relevance.v1.ExclusionReason`; they are stable and never reused.
 */
export const Reason = {
  KEPT: 0,
  OUT_OF_STOCK: 1,
  BELOW_MARGIN_FLOOR: 2,
  NO_CONSENT: 3,
  CAPPED: 4,
  INELIGIBLE: 5,
  REDEEMED: 6,
  UNKNOWN_SKU: 7,
} as const;
export type ReasonCode = (typeof Reason)[keyof typeof Reason];

/**
 * The order in which constraints are checked; the first that fails names the
 * candidate's reason. Cheap, request-independent facts come first.
 */
export const REASON_PRECEDENCE: readonly ReasonCode[] = [
  Reason.UNKNOWN_SKU,
  Reason.NO_CONSENT,
  Reason.INELIGIBLE,
  Reason.OUT_OF_STOCK,
  Reason.BELOW_MARGIN_FLOOR,
  Reason.CAPPED,
  Reason.REDEEMED,
];

/** Candidate item index meaning "SKU not in the catalog". */
export const UNKNOWN_ITEM = -1;

/** Catalog descriptor: where each column of the resident catalog lives. */
export const CatalogDesc = {
  /** u32: rows allocated in every column. */
  CAPACITY: 0,
  /** u32: rows in use (items 0..count-1). */
  COUNT: 4,
  /** u32: features per item (multiple of 4). */
  FEATURES: 8,
  /** u32: stores per item in the store-stock matrix. */
  STORES: 12,
  /** ptr f32[capacity * features], row-major, 16-byte aligned. */
  VECTORS: 16,
  /** ptr u8[capacity]: top-level category index, < CATEGORY_SLOTS. */
  TOP_CATEGORY: 20,
  /** ptr f32[capacity]: popularity in [0, 1]. */
  POPULARITY: 24,
  /** ptr f32[capacity]: natural log of price. */
  LOG_PRICE: 28,
  /** ptr f32[capacity]: margin as a fraction of price. */
  MARGIN: 32,
  /** ptr i32[capacity]: network-wide stock. */
  STOCK: 36,
  /** ptr u16[capacity * stores], row-major: stock at each store, saturated at 65535. */
  STORE_STOCK: 40,
  /** ptr u8[capacity]: bit c set when the item may be shown in channel c (1..7). */
  CHANNELS: 44,
  /** ptr f32[capacity]: merchandising boost added to the score. */
  BOOST: 48,
  /** Total size of the descriptor in bytes. */
  SIZE: 64,
} as const;

/** Scoring mode of a request. */
export const Mode = {
  /** Rank the caller's candidates (item indices, with base scores). */
  CANDIDATES: 0,
  /** Rank catalog items [rangeLo, rangeHi) — one shard of a catalog scan. */
  CATALOG: 1,
} as const;

/** Request descriptor: one per thread slot, rewritten for every request. */
export const RequestDesc = {
  /** ptr: CatalogDesc to read. */
  CATALOG: 0,
  /** u32: Mode. */
  MODE: 4,
  /** u32: candidate count (Mode.CANDIDATES) or first item of the range (Mode.CATALOG). */
  COUNT_OR_LO: 8,
  /** u32: end of the item range, exclusive (Mode.CATALOG). */
  RANGE_HI: 12,
  /** u32: k, how many items to keep, 1..MAX_TOP_K. */
  K: 16,
  /** u32: 1 to also report excluded items (catalog mode: the best k of them). */
  EXPLAIN: 20,
  /** i32: store column to check stock at, or -1 for none. */
  STORE_INDEX: 24,
  /** u32: channel number 1..7; the item's CHANNELS bit to test. */
  CHANNEL: 28,
  /** u32: 1 to use the profile (personalised), 0 for the non-personalised ranking. */
  PERSONALIZE: 32,
  /** u32: a Reason applied to every known candidate (NO_CONSENT), or 0. */
  BLOCK_REASON: 36,
  /** f32: items with margin below this are excluded. */
  MARGIN_FLOOR: 40,
  /** f32: weight of the caller's base score. */
  W_BASE: 44,
  /** f32: weight of the person's affinity for the item's top category. */
  W_AFFINITY: 48,
  /** f32: weight of price fit. */
  W_PRICE: 52,
  /** f32: how sharply price fit falls with log-price distance. */
  PRICE_SCALE: 56,
  /** f32: weight of margin for people who are not discount-sensitive. */
  W_MARGIN: 60,
  /** f32: weight of popularity. */
  W_POPULARITY: 64,
  /** f32: the person's preferred log price. */
  PRICE_ANCHOR: 68,
  /** f32: the person's discount sensitivity in [0, 1]. */
  DISCOUNT_SENSITIVITY: 72,
  /** u32: entries in the person's exclusion list. */
  EXCLUSION_COUNT: 76,
  /** ptr f32[features]: model weights, one per item feature. */
  WEIGHTS: 80,
  /** ptr f32[features]: the person's profile vector. */
  PROFILE: 84,
  /** ptr f32[CATEGORY_SLOTS]: the person's category affinities. */
  AFFINITY: 88,
  /** ptr i32[count]: candidate item indices (UNKNOWN_ITEM for unknown SKUs). */
  CAND_ITEMS: 92,
  /** ptr f32[count]: candidate base scores (0 when the caller gave none). */
  CAND_BASE: 96,
  /** ptr i32[exclusionCount]: item indices excluded for this person. */
  EXCL_ITEMS: 100,
  /** ptr u8[exclusionCount]: their reasons (CAPPED, REDEEMED). */
  EXCL_REASONS: 104,
  /** ptr i32[k] out: kept results, best first — candidate positions, or item indices in catalog mode. */
  OUT_IDX: 108,
  /** ptr f32[k] out: their scores. */
  OUT_SCORE: 112,
  /** ptr u8[count] out (Mode.CANDIDATES): reason per candidate, KEPT for kept ones. */
  OUT_REASONS: 116,
  /** ptr i32[k] out (Mode.CATALOG + EXPLAIN): best-scoring excluded item indices, best first. */
  OUT_EXCL_IDX: 120,
  /** ptr f32[k] out (Mode.CATALOG + EXPLAIN): their scores. */
  OUT_EXCL_SCORE: 124,
  /** ptr u8[k] out (Mode.CATALOG + EXPLAIN): their reasons. */
  OUT_EXCL_REASON: 128,
  /** u32 out (Mode.CATALOG + EXPLAIN): how many excluded items were written. */
  OUT_EXCL_COUNT: 132,
  /** ptr u8[catalog capacity]: per-item scratch marks, all zero between calls. */
  MARKS: 136,
  /** ptr f32[features]: scratch for the per-request query vector. */
  SCRATCH_QUERY: 140,
  /** ptr: scratch for two heaps, 2 * k * 8 bytes. */
  SCRATCH_HEAP: 144,
  /**
   * ptr f32[CATEGORY_SLOTS], or 0 for none: a per-request boost per top-level
   * category slot, added to the score of every item in that slot, personalised
   * or not. Placed after the older fields so their offsets did not move.
   */
  CATEGORY_BOOST: 148,
  /** Total size of the descriptor in bytes. */
  SIZE: 160,
} as const;
