import type { CatalogItem } from "../domain/catalog-item.js";
import type { CatalogStore } from "../domain/stores.js";
import type { PriceChange, ResidentCatalog, StockChange } from "./resident-catalog.js";

/** What the catalog currently serving decisions looks like. */
export interface CatalogInfo {
  readonly version: string;
  readonly items: number;
  readonly stores: number;
  readonly features: number;
}

/**
 * Applies catalog changes to the durable store and to the resident kernel copy,
 * in that order and one change at a time: a change that fails to persist is not
 * applied, and concurrent admin calls cannot leave the store and the resident
 * copy disagreeing about which came last.
 */
export interface CatalogManager {
  /** Loads every stored item into the resident catalog; returns how many. */
  loadFromStore(): Promise<number>;
  upsert(items: readonly CatalogItem[]): Promise<CatalogInfo>;
  setStock(changes: readonly StockChange[]): Promise<CatalogInfo>;
  setPrice(changes: readonly PriceChange[]): Promise<CatalogInfo>;
  info(): CatalogInfo;
}

export function createCatalogManager(options: {
  readonly store: CatalogStore;
  readonly resident: ResidentCatalog;
}): CatalogManager {
  const { store, resident } = options;
  /** Full items by SKU: what a stock or price change is persisted onto. */
  const items = new Map<string, CatalogItem>();
  let tail: Promise<unknown> = Promise.resolve();

  /** Runs mutations one after another, whatever their outcome. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  }

  function info(): CatalogInfo {
    return {
      version: `c${resident.version}`,
      items: resident.size,
      stores: resident.storeCount,
      features: resident.features,
    };
  }

  async function persistThenApply(changed: readonly CatalogItem[], apply: () => void): Promise<CatalogInfo> {
    await store.saveItems(changed);
    apply();
    for (const item of changed) items.set(item.sku, item);
    return info();
  }

  return {
    info,
    loadFromStore: () =>
      serial(async () => {
        const loaded = await store.loadItems();
        if (loaded.length > 0) {
          resident.upsert(loaded);
          for (const item of loaded) items.set(item.sku, item);
        }
        return loaded.length;
      }),
    upsert: (batch) =>
      serial(async () => {
        resident.assertFits(batch);
        return persistThenApply(batch, () => resident.upsert(batch));
      }),
    setStock: (changes) =>
      serial(async () => {
        const changed = new Map<string, CatalogItem>();
        changes.forEach((c, i) => {
          resident.requireRow(c.sku, `updates[${i}].sku`);
          const item = changed.get(c.sku) ?? items.get(c.sku)!;
          changed.set(
            c.sku,
            c.storeId === ""
              ? { ...item, stock: c.quantity }
              : { ...item, storeStock: { ...item.storeStock, [c.storeId]: c.quantity } },
          );
        });
        return persistThenApply([...changed.values()], () => resident.setStock(changes));
      }),
    setPrice: (changes) =>
      serial(async () => {
        const changed = new Map<string, CatalogItem>();
        changes.forEach((c, i) => {
          resident.requireRow(c.sku, `updates[${i}].sku`);
          const item = changed.get(c.sku) ?? items.get(c.sku)!;
          changed.set(c.sku, { ...item, price: c.price, margin: c.margin ?? item.margin });
        });
        return persistThenApply([...changed.values()], () => resident.setPrice(changes));
      }),
  };
}
