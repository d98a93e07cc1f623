import type { CatalogItem } from "../domain/catalog-item.js";

/**
 * What the resident catalog knows of one item, read by its row
 * (`ScoredItem.itemIndex`) without a SKU lookup, for the decision pipeline
 * after scoring. Values are read when the facts are taken; later catalog
 * changes do not alter them.
 */
export interface CatalogItemFacts {
  readonly sku: string;
  /** The item's catalog row. */
  readonly itemIndex: number;
  /** Selling price as last upserted or priced (exact, not the kernel's f32 log price). */
  readonly price: number;
  /** Margin as a fraction of price, as the kernel sees it (an f32 value). */
  readonly margin: number;
  /** Network-wide units in stock. */
  readonly stock: number;
  /** Share of units returned, in [0, 1]. */
  readonly returnRate: number;
  /** The top-level category (first element of the category path), as upserted; "" for none. */
  readonly topCategory: string;
  /** Its slot, `categorySlot(topCategory)`: the index into affinities and category boosts. */
  readonly topCategorySlot: number;
  /** Units at `storeId` (saturated at 65535); 0 for a store the catalog has no stock for. */
  storeStock(storeId: string): number;
}

/**
 * The item facts the kernel does not need, kept on the host beside the kernel
 * columns: exact price, return rate and top-level category name, by row.
 * Grown and written by `ResidentCatalog` with its region.
 */
export class ItemFactColumns {
  private priceColumn: Float64Array;
  private returnRateColumn: Float64Array;
  private topCategoryColumn: string[];

  constructor(capacity: number) {
    this.priceColumn = new Float64Array(capacity);
    this.returnRateColumn = new Float64Array(capacity);
    this.topCategoryColumn = new Array<string>(capacity).fill("");
  }

  /** Grows to `capacity` rows, keeping the first `count`. */
  grow(capacity: number, count: number): void {
    if (capacity <= this.priceColumn.length) return;
    const price = new Float64Array(capacity);
    price.set(this.priceColumn.subarray(0, count));
    const returnRate = new Float64Array(capacity);
    returnRate.set(this.returnRateColumn.subarray(0, count));
    this.priceColumn = price;
    this.returnRateColumn = returnRate;
    while (this.topCategoryColumn.length < capacity) this.topCategoryColumn.push("");
  }

  write(row: number, item: CatalogItem): void {
    this.priceColumn[row] = item.price;
    this.returnRateColumn[row] = item.returnRate;
    this.topCategoryColumn[row] = item.categoryPath[0] ?? "";
  }

  setPrice(row: number, price: number): void {
    this.priceColumn[row] = price;
  }

  price(row: number): number {
    return this.priceColumn[row]!;
  }

  returnRate(row: number): number {
    return this.returnRateColumn[row]!;
  }

  topCategory(row: number): string {
    return this.topCategoryColumn[row]!;
  }
}
