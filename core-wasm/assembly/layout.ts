/**
 * The kernel's memory contract, AssemblyScript side: the same numbers as
 * `core-wasm/src/layout.ts` (the source of truth, with the field docs). The
 * test `test/kernel/layout.test.ts` parses this file and holds every constant
 * equal to its TypeScript twin, so edit both together.
 *
 * Everything here is a compile-time constant: the kernel has no static data.
 */

/** Number of top-level categories a profile holds an affinity for. */
export const CATEGORY_SLOTS: u32 = 32;

/** Largest `k` (top-k) the kernel accepts; larger values are clamped. */
export const MAX_TOP_K: u32 = 1000;

/** Candidate item index meaning "SKU not in the catalog". */
export const UNKNOWN_ITEM: i32 = -1;

/** Exclusion reason codes (proto enum `relevance.v1.ExclusionReason`). */
export namespace Reason {
  export const KEPT: u32 = 0;
  export const OUT_OF_STOCK: u32 = 1;
  export const BELOW_MARGIN_FLOOR: u32 = 2;
  export const NO_CONSENT: u32 = 3;
  export const CAPPED: u32 = 4;
  export const INELIGIBLE: u32 = 5;
  export const REDEEMED: u32 = 6;
  export const UNKNOWN_SKU: u32 = 7;
}

/** Scoring mode of a request. */
export namespace Mode {
  export const CANDIDATES: u32 = 0;
  export const CATALOG: u32 = 1;
}

/** Catalog descriptor: byte offsets of its fields. */
export namespace CatalogDesc {
  export const CAPACITY: usize = 0;
  export const COUNT: usize = 4;
  export const FEATURES: usize = 8;
  export const STORES: usize = 12;
  export const VECTORS: usize = 16;
  export const TOP_CATEGORY: usize = 20;
  export const POPULARITY: usize = 24;
  export const LOG_PRICE: usize = 28;
  export const MARGIN: usize = 32;
  export const STOCK: usize = 36;
  export const STORE_STOCK: usize = 40;
  export const CHANNELS: usize = 44;
  export const BOOST: usize = 48;
  export const SIZE: usize = 64;
}

/** Request descriptor: byte offsets of its fields. */
export namespace RequestDesc {
  export const CATALOG: usize = 0;
  export const MODE: usize = 4;
  export const COUNT_OR_LO: usize = 8;
  export const RANGE_HI: usize = 12;
  export const K: usize = 16;
  export const EXPLAIN: usize = 20;
  export const STORE_INDEX: usize = 24;
  export const CHANNEL: usize = 28;
  export const PERSONALIZE: usize = 32;
  export const BLOCK_REASON: usize = 36;
  export const MARGIN_FLOOR: usize = 40;
  export const W_BASE: usize = 44;
  export const W_AFFINITY: usize = 48;
  export const W_PRICE: usize = 52;
  export const PRICE_SCALE: usize = 56;
  export const W_MARGIN: usize = 60;
  export const W_POPULARITY: usize = 64;
  export const PRICE_ANCHOR: usize = 68;
  export const DISCOUNT_SENSITIVITY: usize = 72;
  export const EXCLUSION_COUNT: usize = 76;
  export const WEIGHTS: usize = 80;
  export const PROFILE: usize = 84;
  export const AFFINITY: usize = 88;
  export const CAND_ITEMS: usize = 92;
  export const CAND_BASE: usize = 96;
  export const EXCL_ITEMS: usize = 100;
  export const EXCL_REASONS: usize = 104;
  export const OUT_IDX: usize = 108;
  export const OUT_SCORE: usize = 112;
  export const OUT_REASONS: usize = 116;
  export const OUT_EXCL_IDX: usize = 120;
  export const OUT_EXCL_SCORE: usize = 124;
  export const OUT_EXCL_REASON: usize = 128;
  export const OUT_EXCL_COUNT: usize = 132;
  export const MARKS: usize = 136;
  export const SCRATCH_QUERY: usize = 140;
  export const SCRATCH_HEAP: usize = 144;
  export const CATEGORY_BOOST: usize = 148;
  export const SIZE: usize = 160;
}
