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
 *
 * It keeps no item objects: a stock or price change reads the current items
 * from the store. Holding 100k items (each with its own Float32Array) on the JS
 * heap made major GC pauses of 100+ ms under load (bench:decide, --trace-gc).
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
    return info();
  }

  /** The stored items the changes name; every SKU must be in the resident catalog. */
  async function currentItems(skus: readonly string[]): Promise<Map<string, CatalogItem>> {
    skus.forEach((sku, i) => {
      resident.requireRow(sku, `updates[${i}].sku`);
    });
    const stored = await store.getItems([...new Set(skus)]);
    for (const sku of skus) {
      if (!stored.has(sku))
        throw new Error(`catalog store has no item for resident sku ${JSON.stringify(sku)}`);
    }
    return stored;
  }

  return {
    info,
    loadFromStore: () =>
      serial(async () => {
        // Page by page: a whole catalog of item objects at once lands in old space
        // and lengthens every later mark-compact (bench:decide, --trace-gc-nvp).
        let loaded = 0;
        await store.scanItems((page) => {
          resident.upsert(page, { countsAsVersion: false });
          loaded += page.length;
        });
        if (loaded > 0) resident.bumpVersion();
        return resident.size;
      }),
    upsert: (batch) =>
      serial(async () => {
        resident.assertFits(batch);
        return persistThenApply(batch, () => resident.upsert(batch));
      }),
    setStock: (changes) =>
      serial(async () => {
        // Check before persisting: a refused change must not reach the store.
        resident.assertStockFits(changes);
        const changed = await currentItems(changes.map((c) => c.sku));
        changes.forEach((c) => {
          const item = changed.get(c.sku)!;
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
        const changed = await currentItems(changes.map((c) => c.sku));
        changes.forEach((c) => {
          const item = changed.get(c.sku)!;
          changed.set(c.sku, { ...item, price: c.price, margin: c.margin ?? item.margin });
        });
        return persistThenApply([...changed.values()], () => resident.setPrice(changes));
      }),
  };
}
