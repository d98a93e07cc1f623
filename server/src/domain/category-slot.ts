import { CATEGORY_SLOTS } from "../../../core-wasm/src/layout.js";

/**
 * The affinity slot of a top-level category: FNV-1a of its lower-cased name,
 * modulo CATEGORY_SLOTS. A hash rather than arrival order, so that every server
 * instance, every catalog reload and every profile writer agree on it without
 * coordination. Two categories may share a slot; that only blurs their affinity.
 */
export function categorySlot(topLevelCategory: string): number {
  const s = topLevelCategory.toLowerCase();
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % CATEGORY_SLOTS;
}
