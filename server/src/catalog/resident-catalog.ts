import type { Arena } from "../../../core-wasm/src/arena.js";
import { allocateCatalogRegion, type CatalogRegion } from "../../../core-wasm/src/catalog-region.js";
import type { CatalogItem } from "../domain/catalog-item.js";
import { categorySlot } from "../domain/category-slot.js";
import { DecisionError, exceedsLimit } from "../errors/index.js";
import { type CatalogItemFacts, ItemFactColumns } from "./item-fact-columns.js";
import { SkuIndex, type SkuTableLocation } from "./sku-index.js";

/** A stock change for one SKU, network-wide (`storeId` empty) or at one store. */
export interface StockChange {
  readonly sku: string;
  readonly storeId: string;
  readonly quantity: number;
}

/** A price (and optionally margin) change for one SKU. */
export interface PriceChange {
  readonly sku: string;
  readonly price: number;
  readonly margin?: number;
}

export interface ResidentCatalogOptions {
  readonly arena: Arena;
  readonly features: number;
  /** Rows allocated up front; the region doubles when it fills. */
  readonly initialCapacity: number;
  /** Distinct store ids the catalog can hold stock for (option maxStores). */
  readonly maxStores: number;
}

/**
 * The catalog as the kernel sees it: item columns resident in the shared kernel
 * memory, plus the host-side indexes (SKU → row, store id → column).
 *
 * Writes happen on the main thread only. New SKUs become visible at once when
 * the row count is bumped at the end of `upsert`; changes to existing rows are
 * written in place, each value atomically, so a decision running on a worker at
 * that moment may see part of a batch. Every change bumps `version`.
 *
 * Store column 0 is never written: it stands for "a store the catalog has no
 * stock for", so a request naming an unknown store sees zero stock there.
 */
export class ResidentCatalog {
  private regionValue: CatalogRegion;
  private readonly index: SkuIndex;
  private readonly facts: ItemFactColumns;
  private readonly storeToColumn = new Map<string, number>();
  private versionValue = 0;
  private readonly arena: Arena;
  readonly features: number;
  readonly maxStores: number;

  constructor(options: ResidentCatalogOptions) {
    this.arena = options.arena;
    this.features = options.features;
    this.maxStores = options.maxStores;
    this.index = new SkuIndex(this.arena, Math.max(1, options.initialCapacity));
    this.regionValue = allocateCatalogRegion(this.arena, {
      capacity: Math.max(1, options.initialCapacity),
      features: this.features,
      stores: this.maxStores + 1,
    });
    this.facts = new ItemFactColumns(this.regionValue.capacity);
  }

  /** The region every decision started now reads. Replaced when the catalog grows. */
  get region(): CatalogRegion {
    return this.regionValue;
  }

  /** Monotonic counter of applied changes. */
  get version(): number {
    return this.versionValue;
  }

  get size(): number {
    return this.index.count;
  }

  get storeCount(): number {
    return this.storeToColumn.size;
  }

  /** Row of a SKU, or -1 when it is not in the catalog. */
  rowOf(sku: string): number {
    return this.index.lookup(sku);
  }

  /**
   * Rows of `count` SKUs given as byte ranges of `bytes` (a request's
   * candidates), into `out`; -1 for a SKU not in the catalog (the hot path; see
   * `SkuIndex.lookupMany` for why all at once).
   */
  rowsOfBytes(
    bytes: Uint8Array,
    start: ArrayLike<number>,
    end: ArrayLike<number>,
    count: number,
    out: Int32Array,
  ): void {
    this.index.lookupMany(bytes, start, end, count, out);
  }

  /** Where the SKU index is in kernel memory now, for a scoring worker to read it. */
  get skuLocation(): SkuTableLocation {
    return this.index.location;
  }

  /** SKU of a row. */
  skuAt(row: number): string {
    return this.index.skuAt(row);
  }

  /**
   * The facts of the item at `row` (e.g. a `ScoredItem.itemIndex`), read now:
   * no SKU lookup, one small object. Throws a RangeError for a row not in use.
   */
  itemFacts(row: number): CatalogItemFacts {
    this.checkRow(row, "itemFacts");
    const region = this.regionValue;
    const facts = this.facts;
    return {
      sku: this.index.skuAt(row),
      itemIndex: row,
      price: facts.price(row),
      margin: region.margin[row]!,
      stock: region.stock[row]!,
      returnRate: facts.returnRate(row),
      topCategory: facts.topCategory(row),
      topCategorySlot: region.topCategory[row]!,
      storeStock: (storeId) => this.storeStockAt(row, this.storeColumn(storeId)),
    };
  }

  /**
   * Units of the item at `row` in stock at store column `storeColumn` (from
   * `storeColumn(storeId)`, looked up once per request rather than per item),
   * saturated at 65535; column 0 is the always-empty one. Throws a RangeError
   * for a row not in use or a column outside the store matrix.
   */
  storeStockAt(row: number, storeColumn: number): number {
    this.checkRow(row, "storeStockAt");
    const region = this.regionValue;
    if (!Number.isInteger(storeColumn) || storeColumn < 0 || storeColumn >= region.stores) {
      throw new RangeError(`storeStockAt: store column ${storeColumn} is outside [0, ${region.stores})`);
    }
    return region.storeStock[row * region.stores + storeColumn]!;
  }

  /** Top-category slot of the item at `row` (its index into affinities and category boosts). */
  topCategorySlot(row: number): number {
    this.checkRow(row, "topCategorySlot");
    return this.regionValue.topCategory[row]!;
  }

  private checkRow(row: number, method: string): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.index.count) {
      throw new RangeError(`${method}: row ${row} is outside the catalog's [0, ${this.index.count})`);
    }
  }

  /** Store column for a store id, or 0 (the always-empty column) when unknown. */
  storeColumn(storeId: string): number {
    return this.storeToColumn.get(storeId) ?? 0;
  }

  /**
   * Inserts or replaces items. Items must already be validated. The whole batch
   * is checked against the store limit before anything is written.
   */
  upsert(items: readonly CatalogItem[], options: { countsAsVersion?: boolean } = {}): void {
    const { newRows, newStores } = this.assertFits(items);
    for (const id of newStores) this.storeToColumn.set(id, this.storeToColumn.size + 1);
    this.ensureCapacity(this.index.count + newRows);

    const region = this.regionValue;
    let count = this.index.count;
    for (const item of items) {
      let row = this.index.lookup(item.sku);
      if (row < 0) {
        row = count++;
        this.index.insert(item.sku, row);
      }
      this.writeRow(region, row, item);
    }
    // Publishing the count last makes new rows visible only once fully written.
    region.count = count;
    if (options.countsAsVersion !== false) this.versionValue++;
  }

  /** Counts one change that was applied in several upserts (loading the catalog page by page). */
  bumpVersion(): void {
    this.versionValue++;
  }

  /**
   * Checks that the items fit the store limit, without writing anything, and
   * says how many rows and which store ids they would add.
   */
  assertFits(items: readonly CatalogItem[]): { newRows: number; newStores: Set<string> } {
    const newStores = new Set<string>();
    let newRows = 0;
    const seen = new Set<string>();
    for (const item of items) {
      if (!seen.has(item.sku) && this.index.lookup(item.sku) < 0) newRows++;
      seen.add(item.sku);
      for (const id of Object.keys(item.storeStock)) if (!this.storeToColumn.has(id)) newStores.add(id);
    }
    this.assertStoreRoom(newStores.size);
    return { newRows, newStores };
  }

  /**
   * Checks that stock changes fit the store limit, without writing anything,
   * and returns the store ids they would add.
   */
  assertStockFits(changes: readonly StockChange[]): Set<string> {
    const unknownStores = new Set<string>();
    for (const c of changes)
      if (c.storeId !== "" && !this.storeToColumn.has(c.storeId)) unknownStores.add(c.storeId);
    this.assertStoreRoom(unknownStores.size);
    return unknownStores;
  }

  /** Row of a SKU; throws NOT_FOUND naming `field` when it is not in the catalog. */
  requireRow(sku: string, field: string): number {
    const row = this.index.lookup(sku);
    if (row < 0)
      throw new DecisionError("NOT_FOUND", `${field}: sku ${JSON.stringify(sku)} is not in the catalog`);
    return row;
  }

  private assertStoreRoom(added: number): void {
    if (this.storeToColumn.size + added <= this.maxStores) return;
    throw new DecisionError(
      "FAILED_PRECONDITION",
      exceedsLimit("store ids", this.storeToColumn.size + added, this.maxStores, "maxStores"),
    );
  }

  /** Applies stock changes; every SKU must exist (checked before any write). */
  setStock(changes: readonly StockChange[]): void {
    const rows = changes.map((c, i) => this.requireRow(c.sku, `updates[${i}].sku`));
    const unknownStores = new Set<string>();
    for (const c of changes)
      if (c.storeId !== "" && !this.storeToColumn.has(c.storeId)) unknownStores.add(c.storeId);
    this.assertStoreRoom(unknownStores.size);
    for (const id of unknownStores) this.storeToColumn.set(id, this.storeToColumn.size + 1);
    const region = this.regionValue;
    const stride = region.stores;
    changes.forEach((c, i) => {
      const row = rows[i]!;
      if (c.storeId === "") region.stock[row] = c.quantity;
      else
        region.storeStock[row * stride + this.storeToColumn.get(c.storeId)!] = Math.min(c.quantity, 0xffff);
    });
    this.versionValue++;
  }

  /** Applies price changes; every SKU must exist (checked before any write). */
  setPrice(changes: readonly PriceChange[]): void {
    const rows = changes.map((c, i) => this.requireRow(c.sku, `updates[${i}].sku`));
    const region = this.regionValue;
    changes.forEach((c, i) => {
      const row = rows[i]!;
      region.logPrice[row] = Math.log(c.price);
      this.facts.setPrice(row, c.price);
      if (c.margin !== undefined) region.margin[row] = c.margin;
    });
    this.versionValue++;
  }

  private writeRow(region: CatalogRegion, row: number, item: CatalogItem): void {
    const f = this.features;
    region.vectors.set(item.features, row * f);
    region.topCategory[row] = categorySlot(item.categoryPath[0] ?? "");
    region.popularity[row] = item.popularity;
    region.logPrice[row] = Math.log(item.price);
    region.margin[row] = item.margin;
    region.stock[row] = item.stock;
    region.channels[row] = item.channels;
    region.boost[row] = item.boost;
    this.facts.write(row, item);
    const stride = region.stores;
    region.storeStock.fill(0, row * stride, (row + 1) * stride);
    for (const [id, n] of Object.entries(item.storeStock)) {
      region.storeStock[row * stride + this.storeToColumn.get(id)!] = Math.min(Math.max(n, 0), 0xffff);
    }
  }

  /**
   * Grows by allocating a region twice as large and copying the columns. The old
   * region stays intact (kernel memory is never freed) so decisions in flight on
   * it finish correctly.
   */
  private ensureCapacity(rows: number): void {
    const old = this.regionValue;
    if (rows <= old.capacity) return;
    let capacity = old.capacity;
    while (capacity < rows) capacity *= 2;
    const next = allocateCatalogRegion(this.arena, { capacity, features: this.features, stores: old.stores });
    const n = this.index.count;
    next.vectors.set(old.vectors.subarray(0, n * this.features));
    next.topCategory.set(old.topCategory.subarray(0, n));
    next.popularity.set(old.popularity.subarray(0, n));
    next.logPrice.set(old.logPrice.subarray(0, n));
    next.margin.set(old.margin.subarray(0, n));
    next.stock.set(old.stock.subarray(0, n));
    next.storeStock.set(old.storeStock.subarray(0, n * old.stores));
    next.channels.set(old.channels.subarray(0, n));
    next.boost.set(old.boost.subarray(0, n));
    next.count = n;
    this.facts.grow(capacity, n);
    this.regionValue = next;
  }
}

/** Creates the resident catalog for one process's kernel memory. */
export function createResidentCatalog(options: ResidentCatalogOptions): ResidentCatalog {
  return new ResidentCatalog(options);
}
