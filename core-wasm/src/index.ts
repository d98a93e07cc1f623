/**
 * What server code needs from the kernel package: the memory contract, the
 * arena, the loader, the catalog region and request slot, the reference
 * implementation (the fallback and the tests' oracle) and the score parts
 * behind `explain`.
 */
export type { Arena, ArenaOptions, KernelMemoryOptions } from "./arena.js";
export { createArena, createKernelMemory, KERNEL_MEMORY_DEFAULTS } from "./arena.js";
export type { CatalogRegion, CatalogRegionOptions } from "./catalog-region.js";
export { allocateCatalogRegion } from "./catalog-region.js";
export type { Kernel } from "./kernel.js";
export {
  instantiateKernel,
  KERNEL_ABI_VERSION,
  KERNEL_WASM_PATH,
  kernelVersion,
  loadKernelModule,
} from "./kernel.js";
export type { ReasonCode } from "./layout.js";
export {
  CATEGORY_SLOTS,
  CatalogDesc,
  MAX_TOP_K,
  Mode,
  REASON_PRECEDENCE,
  Reason,
  RequestDesc,
  UNKNOWN_ITEM,
} from "./layout.js";
export { referenceDecide } from "./reference-kernel.js";
export type { RequestParams, RequestSlot, RequestSlotOptions } from "./request-slot.js";
export { allocateRequestSlot } from "./request-slot.js";
export type { ScoreParts, ScorePartsPerson, ScorePartsRequest } from "./score-parts.js";
export { queryVector, scoreParts } from "./score-parts.js";
