/** One sellable item as the catalog service receives and stores it. */
export interface CatalogItem {
  readonly sku: string;
  /** Category path from the root; its first element is the top-level category. */
  readonly categoryPath: readonly string[];
  readonly brand: string;
  /** Selling price, > 0. */
  readonly price: number;
  /** Gross margin as a fraction of price, in [-1, 1]. */
  readonly margin: number;
  /** Network-wide units in stock. */
  readonly stock: number;
  /** Units in stock per store id. */
  readonly storeStock: Readonly<Record<string, number>>;
  /** Share of units returned, in [0, 1]. */
  readonly returnRate: number;
  /** Dense item features for the model (length = feature count). */
  readonly features: Float32Array;
  /** Bit c set when the item may be shown in channel c; see ALL_CHANNELS_MASK. */
  readonly channels: number;
  /** Popularity in [0, 1]. */
  readonly popularity: number;
  /** Merchandising boost added to the score. */
  readonly boost: number;
}
