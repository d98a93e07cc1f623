import type { ResidentCatalog } from "../catalog/resident-catalog.js";
import type { ItemFacts } from "../policy/conditions.js";

/**
 * What policy rules may ask about a ranked item, read from the resident
 * catalog row: price, margin, stock at the store in context (network-wide
 * without one), return rate, and whether it is in the cart.
 */
export function itemFactsOf(
  catalog: ResidentCatalog,
  row: number,
  sku: string,
  storeColumn: number,
  cart: readonly string[],
): ItemFacts {
  const f = catalog.itemFacts(row);
  return {
    sku,
    price: f.price,
    margin: f.margin,
    stock: storeColumn < 0 ? f.stock : catalog.storeStockAt(row, storeColumn),
    returnRate: f.returnRate,
    inCart: cart.includes(sku),
  };
}
