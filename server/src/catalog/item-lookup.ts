import type { ItemLookup } from "../profile/features/apply-event.js";
import type { ResidentCatalog } from "./resident-catalog.js";

/**
 * What the event consumer needs of an item — feature vector, category slot,
 * price — read from the resident catalog by SKU. The vector is a copy: the
 * catalog's memory may be replaced when it grows.
 */
export function residentItemLookup(catalog: ResidentCatalog): ItemLookup {
  return (sku) => {
    const row = catalog.rowOf(sku);
    if (row < 0) return undefined;
    const region = catalog.region;
    const f = region.features;
    return {
      categorySlot: region.topCategory[row]!,
      features: region.vectors.slice(row * f, (row + 1) * f),
      price: Math.exp(region.logPrice[row]!),
    };
  };
}
