import type { Redis } from "ioredis";
import type { CatalogItem } from "../domain/catalog-item.js";
import type { CatalogStore } from "../domain/stores.js";
import { decodeItem, encodeItem } from "./item-codec.js";

/** Options of `createRedisCatalogStore`. */
export interface RedisCatalogStoreOptions {
  /** Connected client (see `createRedisClient`); the caller owns it and closes it. */
  readonly redis: Redis;
  /**
   * Prefix of the catalog key; the items live in the hash `${keyPrefix}catalog:items`.
   * @default "rl:"
   */
  readonly keyPrefix?: string;
}

/** Items per HSET inside one MULTI: keeps each command's argument list bounded. */
const HSET_CHUNK = 1000;
/** HSCAN page size. */
const SCAN_COUNT = 1000;

/**
 * Creates the durable `CatalogStore` on Redis: one hash, field = SKU, value =
 * `encodeItem`. A batch is written in one MULTI/EXEC (split into several HSETs
 * for huge batches), so readers see all of it or none of it. `loadItems` walks
 * the hash with HSCAN and Buffer replies, so it never blocks Redis on a large
 * catalog.
 */
export function createRedisCatalogStore(options: RedisCatalogStoreOptions): CatalogStore {
  const { redis } = options;
  const keyPrefix = options.keyPrefix ?? "rl:";
  if (typeof keyPrefix !== "string") {
    throw new RangeError(`options.keyPrefix must be a string, got ${JSON.stringify(keyPrefix)}`);
  }
  if (redis === null || typeof redis !== "object" || typeof redis.multi !== "function") {
    throw new TypeError("options.redis must be an ioredis client");
  }
  const key = `${keyPrefix}catalog:items`;
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new Error("catalog store is closed");
  };

  return {
    kind: "redis",

    async getItems(skus) {
      assertOpen();
      const found = new Map<string, CatalogItem>();
      if (skus.length === 0) return found;
      const values = await redis.hmgetBuffer(key, ...skus);
      values.forEach((bytes) => {
        if (bytes === null) return;
        const item = decodeItem(bytes);
        found.set(item.sku, item);
      });
      return found;
    },

    async loadItems() {
      // HSCAN may return a field twice while the hash is rehashing: the map keeps one.
      const bySku = new Map<string, CatalogItem>();
      await this.scanItems((page) => {
        for (const item of page) bySku.set(item.sku, item);
      });
      return [...bySku.values()];
    },

    async scanItems(onPage) {
      assertOpen();
      let cursor = "0";
      do {
        const [next, entries] = await redis.hscanBuffer(key, cursor, "COUNT", SCAN_COUNT);
        cursor = next.toString();
        const page: CatalogItem[] = [];
        for (let i = 1; i < entries.length; i += 2) page.push(decodeItem(entries[i]!));
        if (page.length > 0) onPage(page);
      } while (cursor !== "0");
    },

    async countItems() {
      assertOpen();
      return redis.hlen(key);
    },

    async saveItems(items) {
      assertOpen();
      if (items.length === 0) return;
      // Encode everything first: one invalid item rejects the batch before anything is sent.
      const args: (string | Buffer)[] = new Array(items.length * 2);
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        args[2 * i] = item.sku;
        args[2 * i + 1] = encodeItem(item);
      }
      const multi = redis.multi();
      for (let start = 0; start < args.length; start += 2 * HSET_CHUNK) {
        multi.hset(key, ...args.slice(start, start + 2 * HSET_CHUNK));
      }
      const results = await multi.exec();
      if (results === null) throw new Error(`catalog batch of ${items.length} items was discarded by redis`);
      for (const [error] of results) if (error) throw error;
    },

    async close() {
      closed = true;
    },
  };
}
