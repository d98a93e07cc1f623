import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createArena, createKernelMemory } from "../../core-wasm/src/arena.js";
import { allocateCatalogRegion } from "../../core-wasm/src/catalog-region.js";
import { KERNEL_WASM_PATH, kernelVersion, loadKernelModule } from "../../core-wasm/src/kernel.js";
import { CATEGORY_SLOTS, CatalogDesc, Mode, RequestDesc } from "../../core-wasm/src/layout.js";
import { allocateRequestSlot, type RequestParams } from "../../core-wasm/src/request-slot.js";

const PARAMS: RequestParams = {
  mode: Mode.CANDIDATES,
  countOrLo: 3,
  rangeHi: 0,
  k: 2,
  explain: true,
  storeIndex: -1,
  channel: 4,
  personalize: true,
  blockReason: 0,
  marginFloor: 0.25,
  wBase: 1,
  wAffinity: 2,
  wPrice: 3,
  priceScale: 4,
  wMargin: 5,
  wPopularity: 6,
  priceAnchor: 7,
  discountSensitivity: 0.5,
  exclusionCount: 1,
  categoryBoost: true,
};

describe("createKernelMemory()", () => {
  it("should create a shared memory of 16 pages that may grow to 32768", () => {
    const memory = createKernelMemory();
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(memory.buffer.byteLength).toBe(16 * 65_536);
    expect(memory.grow(32_768 - 16)).toBe(16);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });

  it("should name the option it rejects", () => {
    expect(() => createKernelMemory({ initialPages: 0 })).toThrow(
      "options.initialPages must be a positive integer, got 0",
    );
  });
});

describe("createArena()", () => {
  it("should hand out aligned, zeroed, non-overlapping blocks from base, growing the memory", () => {
    const memory = createKernelMemory({ initialPages: 1, maximumPages: 8 });
    const arena = createArena(memory);
    const a = arena.alloc(3, 1);
    const b = arena.alloc(100_000);
    const c = arena.alloc(8, 64);
    expect([a, b, c]).toEqual([1024, 1040, 101_056]);
    expect(arena.used).toBe(101_064);
    expect(memory.buffer.byteLength).toBe(2 * 65_536);
    expect(new Uint8Array(memory.buffer, b, 100_000).every((byte) => byte === 0)).toBe(true);
  });

  it("should refuse to grow past the maximum, naming the option", () => {
    const arena = createArena(createKernelMemory({ initialPages: 1, maximumPages: 1 }));
    expect(() => arena.alloc(65_536)).toThrow(
      "alloc: cannot grow kernel memory by 1 pages to hold 65536 bytes (option maximumPages)",
    );
  });

  it("should reject an alignment that is not a power of two", () => {
    const arena = createArena(createKernelMemory());
    expect(() => arena.alloc(4, 12)).toThrow("alloc: align must be a power of two, got 12");
  });
});

describe("loadKernelModule()", () => {
  it("should compile the release build once per path", () => {
    expect(KERNEL_WASM_PATH.endsWith("core-wasm/build/release.wasm")).toBe(true);
    expect(loadKernelModule()).toBe(loadKernelModule(KERNEL_WASM_PATH));
  });

  it("should say how to build a missing kernel", () => {
    expect(() => loadKernelModule("/nonexistent/release.wasm")).toThrow(
      "/nonexistent/release.wasm not found: run `npm run build`",
    );
  });
});

describe("kernelVersion()", () => {
  it("should be the abi and the first 12 hex digits of the wasm's sha-256", () => {
    const digest = createHash("sha256").update(readFileSync(KERNEL_WASM_PATH)).digest("hex");
    expect(kernelVersion()).toBe(`as-simd-abi2-${digest.slice(0, 12)}`);
  });
});

describe("allocateCatalogRegion()", () => {
  it("should write the descriptor and expose 16-byte aligned columns", () => {
    const arena = createArena(createKernelMemory());
    const region = allocateCatalogRegion(arena, { capacity: 10, features: 8, stores: 0 });
    const desc = new Uint32Array(arena.memory.buffer, region.desc, CatalogDesc.SIZE / 4);
    expect(desc[CatalogDesc.CAPACITY / 4]).toBe(10);
    expect(desc[CatalogDesc.FEATURES / 4]).toBe(8);
    expect(desc[CatalogDesc.STORES / 4]).toBe(0);
    expect(desc[CatalogDesc.VECTORS / 4]).toBe(region.vectors.byteOffset);
    expect(desc[CatalogDesc.STORE_STOCK / 4]).toBe(region.storeStock.byteOffset);
    expect(desc[CatalogDesc.BOOST / 4]).toBe(region.boost.byteOffset);
    expect(region.vectors.byteOffset % 16).toBe(0);
    expect(region.vectors.length).toBe(80);
    expect(region.storeStock.length).toBe(1);
    region.count = 7;
    expect(desc[CatalogDesc.COUNT / 4]).toBe(7);
    expect(region.count).toBe(7);
    expect(() => {
      region.count = 11;
    }).toThrow("catalog region: count must be an integer in [0, 10], got 11");
  });

  it("should reject features that are not a multiple of 4", () => {
    const arena = createArena(createKernelMemory());
    expect(() => allocateCatalogRegion(arena, { capacity: 1, features: 6, stores: 0 })).toThrow(
      "catalog region: features must be a non-negative multiple of 4, got 6",
    );
  });
});

describe("allocateRequestSlot()", () => {
  const arena = createArena(createKernelMemory());
  const slot = allocateRequestSlot(arena, { features: 8, maxCandidates: 4, maxK: 2, maxExclusions: 2 });
  const u32 = new Uint32Array(arena.memory.buffer, slot.desc, RequestDesc.SIZE / 4);
  const f32 = new Float32Array(arena.memory.buffer, slot.desc, RequestDesc.SIZE / 4);

  it("should point the descriptor at its buffers", () => {
    expect(u32[RequestDesc.WEIGHTS / 4]).toBe(slot.weights.byteOffset);
    expect(u32[RequestDesc.OUT_EXCL_REASON / 4]).toBe(slot.outExclReason.byteOffset);
    expect(u32[RequestDesc.SCRATCH_QUERY / 4]).not.toBe(0);
    expect(u32[RequestDesc.SCRATCH_HEAP / 4]).not.toBe(0);
  });

  it("should write every scalar field", () => {
    slot.setParams(PARAMS);
    expect(Array.from(u32.subarray(RequestDesc.MODE / 4, RequestDesc.MARGIN_FLOOR / 4))).toEqual([
      0, 3, 0, 2, 1, 0xffff_ffff, 4, 1, 0,
    ]);
    expect(Array.from(f32.subarray(RequestDesc.MARGIN_FLOOR / 4, RequestDesc.EXCLUSION_COUNT / 4))).toEqual([
      0.25, 1, 2, 3, 4, 5, 6, 7, 0.5,
    ]);
    expect(u32[RequestDesc.EXCLUSION_COUNT / 4]).toBe(1);
  });

  it("should point CATEGORY_BOOST at the slot's boosts only when the request sends them", () => {
    slot.setParams(PARAMS);
    expect(u32[RequestDesc.CATEGORY_BOOST / 4]).toBe(slot.categoryBoost.byteOffset);
    expect(slot.categoryBoost).toHaveLength(CATEGORY_SLOTS);
    slot.setParams({ ...PARAMS, categoryBoost: false });
    expect(u32[RequestDesc.CATEGORY_BOOST / 4]).toBe(0);
  });

  it("should refuse a k or a candidate count the slot cannot hold, naming the option", () => {
    expect(() => slot.setParams({ ...PARAMS, k: 3 })).toThrow(
      "request slot: k 3 is outside [1, 2] (option maxK)",
    );
    expect(() => slot.setParams({ ...PARAMS, countOrLo: 5 })).toThrow(
      "request slot: 5 candidates exceed the limit of 4 (option maxCandidates)",
    );
  });

  it("should give the slot marks covering the catalog, reallocating only for a larger one", () => {
    const small = allocateCatalogRegion(arena, { capacity: 100, features: 8, stores: 1 });
    const large = allocateCatalogRegion(arena, { capacity: 5000, features: 8, stores: 1 });
    slot.setCatalog(small);
    const first = u32[RequestDesc.MARKS / 4];
    expect(u32[RequestDesc.CATALOG / 4]).toBe(small.desc);
    slot.setCatalog(small);
    expect(u32[RequestDesc.MARKS / 4]).toBe(first);
    slot.setCatalog(large);
    const second = u32[RequestDesc.MARKS / 4]!;
    expect(second).not.toBe(first);
    expect(new Uint8Array(arena.memory.buffer, second, 5000).every((mark) => mark === 0)).toBe(true);
  });

  it("should refuse a catalog with other features", () => {
    const other = allocateCatalogRegion(arena, { capacity: 1, features: 4, stores: 0 });
    expect(() => slot.setCatalog(other)).toThrow(
      "request slot: catalog has 4 features but the slot was sized for 8 (option features)",
    );
  });
});
