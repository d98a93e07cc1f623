/**
 * The resident catalog in kernel memory: one CatalogDesc plus one column per
 * attribute (struct of arrays), exposed to the host as typed-array views so
 * loaders and stock updates write in place and every thread's next `decide`
 * sees the change.
 */
import type { Arena } from "./arena.js";
import { CatalogDesc } from "./layout.js";

/** Shape of a catalog region. */
export interface CatalogRegionOptions {
  /** Rows allocated in every column; items 0..capacity-1 can ever exist. */
  capacity: number;
  /** Features per item; a multiple of 4 (the kernel's SIMD block). */
  features: number;
  /** Stores in the store-stock matrix; 0 for none. */
  stores: number;
}

/** A catalog region: its descriptor address and views of its columns. */
export interface CatalogRegion {
  /** Byte offset of the CatalogDesc, for `RequestSlot.setCatalog`. */
  readonly desc: number;
  readonly capacity: number;
  readonly features: number;
  readonly stores: number;
  /** Rows in use (items 0..count-1); read from and written to the descriptor's COUNT. */
  count: number;
  /** f32[capacity * features], row-major. */
  readonly vectors: Float32Array;
  /** u8[capacity]: top-level category index, < CATEGORY_SLOTS. */
  readonly topCategory: Uint8Array;
  /** f32[capacity]: popularity in [0, 1]. */
  readonly popularity: Float32Array;
  /** f32[capacity]: natural log of price. */
  readonly logPrice: Float32Array;
  /** f32[capacity]: margin as a fraction of price. */
  readonly margin: Float32Array;
  /** f32[capacity]: merchandising boost. */
  readonly boost: Float32Array;
  /** i32[capacity]: network-wide stock. */
  readonly stock: Int32Array;
  /** u16[capacity * stores] (at least 1 element), row-major: stock per store, saturated at 65535. */
  readonly storeStock: Uint16Array;
  /** u8[capacity]: bit c set when the item may be shown in channel c. */
  readonly channels: Uint8Array;
}

function checkCount(name: string, value: number, multipleOf = 1): void {
  if (!Number.isInteger(value) || value < 0 || value % multipleOf !== 0 || value > 0xffff_ffff) {
    const what = multipleOf > 1 ? `a non-negative multiple of ${multipleOf}` : "a non-negative integer";
    throw new RangeError(`catalog region: ${name} must be ${what}, got ${value}`);
  }
}

/**
 * Allocates a catalog region of `capacity` rows in `arena` and writes its
 * descriptor (COUNT starts at 0). Columns start zero-filled. Called once per
 * catalog generation on the main thread; the views stay valid for the life of
 * the memory.
 */
export function allocateCatalogRegion(arena: Arena, options: CatalogRegionOptions): CatalogRegion {
  const { capacity, features, stores } = options;
  checkCount("capacity", capacity);
  checkCount("features", features, 4);
  checkCount("stores", stores);

  const desc = arena.alloc(CatalogDesc.SIZE, 16);
  const vectors = arena.alloc(capacity * features * 4, 16);
  const topCategory = arena.alloc(capacity, 16);
  const popularity = arena.alloc(capacity * 4, 16);
  const logPrice = arena.alloc(capacity * 4, 16);
  const margin = arena.alloc(capacity * 4, 16);
  const stock = arena.alloc(capacity * 4, 16);
  const storeStockLength = Math.max(1, capacity * stores);
  const storeStock = arena.alloc(storeStockLength * 2, 16);
  const channels = arena.alloc(capacity, 16);
  const boost = arena.alloc(capacity * 4, 16);

  // Views only after every allocation: a grow replaces memory.buffer.
  const buffer = arena.memory.buffer;
  const u32 = new Uint32Array(buffer, desc, CatalogDesc.SIZE / 4);
  const put = (offset: number, value: number): void => {
    u32[offset >> 2] = value;
  };
  put(CatalogDesc.CAPACITY, capacity);
  put(CatalogDesc.COUNT, 0);
  put(CatalogDesc.FEATURES, features);
  put(CatalogDesc.STORES, stores);
  put(CatalogDesc.VECTORS, vectors);
  put(CatalogDesc.TOP_CATEGORY, topCategory);
  put(CatalogDesc.POPULARITY, popularity);
  put(CatalogDesc.LOG_PRICE, logPrice);
  put(CatalogDesc.MARGIN, margin);
  put(CatalogDesc.STOCK, stock);
  put(CatalogDesc.STORE_STOCK, storeStock);
  put(CatalogDesc.CHANNELS, channels);
  put(CatalogDesc.BOOST, boost);

  const countIndex = CatalogDesc.COUNT >> 2;
  return {
    desc,
    capacity,
    features,
    stores,
    get count(): number {
      return u32[countIndex]!;
    },
    set count(value: number) {
      if (!Number.isInteger(value) || value < 0 || value > capacity) {
        throw new RangeError(`catalog region: count must be an integer in [0, ${capacity}], got ${value}`);
      }
      u32[countIndex] = value;
    },
    vectors: new Float32Array(buffer, vectors, capacity * features),
    topCategory: new Uint8Array(buffer, topCategory, capacity),
    popularity: new Float32Array(buffer, popularity, capacity),
    logPrice: new Float32Array(buffer, logPrice, capacity),
    margin: new Float32Array(buffer, margin, capacity),
    boost: new Float32Array(buffer, boost, capacity),
    stock: new Int32Array(buffer, stock, capacity),
    storeStock: new Uint16Array(buffer, storeStock, storeStockLength),
    channels: new Uint8Array(buffer, channels, capacity),
  };
}
