import type { CatalogItem } from "../domain/catalog-item.js";
import type { CatalogStore } from "../domain/stores.js";
import { decodeItem, encodeItem } from "./item-codec.js";

/**
 * Creates the embedded `CatalogStore`: a Map of SKU to encoded item in this
 * process. Items are kept encoded, so a save validates them like the Redis
 * store does and a load returns fresh copies that share nothing with the saved
 * objects.
 */
export function createMemoryCatalogStore(): CatalogStore {
  const items = new Map<string, Buffer>();
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new Error("catalog store is closed");
  };

  return {
    kind: "memory",

    async loadItems() {
      assertOpen();
      return Array.from(items.values(), decodeItem);
    },

    async scanItems(onPage) {
      assertOpen();
      let page: CatalogItem[] = [];
      for (const bytes of items.values()) {
        page.push(decodeItem(bytes));
        if (page.length === 1000) {
          onPage(page);
          page = [];
        }
      }
      if (page.length > 0) onPage(page);
    },

    async countItems() {
      assertOpen();
      return items.size;
    },

    async getItems(skus) {
      assertOpen();
      const found = new Map<string, CatalogItem>();
      for (const sku of skus) {
        const bytes = items.get(sku);
        if (bytes !== undefined) found.set(sku, decodeItem(bytes));
      }
      return found;
    },

    async saveItems(batch) {
      assertOpen();
      // Encode everything first: one invalid item rejects the batch before anything is stored.
      const encoded = batch.map(encodeItem);
      for (let i = 0; i < batch.length; i++) items.set(batch[i]!.sku, encoded[i]!);
    },

    async close() {
      closed = true;
      items.clear();
    },
  };
}
