import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryCatalogStore } from "../../server/src/catalog/memory-catalog-store.js";
import { createRedisCatalogStore } from "../../server/src/catalog/redis-catalog-store.js";
import { generateCatalog } from "../../server/src/demo/synthetic.js";
import type { CatalogItem } from "../../server/src/domain/catalog-item.js";
import type { CatalogStore } from "../../server/src/domain/stores.js";
import { connectTestRedis, type TestRedis } from "../support/redis.js";

interface Harness {
  readonly store: CatalogStore;
  cleanup(): Promise<void>;
}

const harnesses: [string, () => Promise<Harness>][] = [
  [
    "memory",
    async () => {
      const store = createMemoryCatalogStore();
      return { store, cleanup: () => store.close() };
    },
  ],
  [
    "redis",
    async () => {
      const t = await connectTestRedis();
      const store = createRedisCatalogStore({ redis: t.redis, keyPrefix: t.keyPrefix });
      return {
        store,
        cleanup: async () => {
          await store.close();
          await t.cleanup();
        },
      };
    },
  ],
];

/** The item as the codec returns it: fractions as f32. */
function stored(item: CatalogItem): CatalogItem {
  return {
    ...item,
    margin: Math.fround(item.margin),
    returnRate: Math.fround(item.returnRate),
    popularity: Math.fround(item.popularity),
    boost: Math.fround(item.boost),
  };
}

function bySku(items: readonly CatalogItem[]): CatalogItem[] {
  return [...items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

describe.each(harnesses)("%s CatalogStore contract", (kind, create) => {
  let h: Harness;
  beforeAll(async () => {
    h = await create();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  it("should report its kind", () => {
    expect(h.store.kind).toBe(kind);
  });

  it("should load nothing from an empty store and accept an empty batch", async () => {
    const empty = await create();
    try {
      await empty.store.saveItems([]);
      expect(await empty.store.loadItems()).toEqual([]);
      expect(await empty.store.countItems()).toBe(0);
      const pages: CatalogItem[][] = [];
      await empty.store.scanItems((page) => pages.push(page));
      expect(pages).toEqual([]);
    } finally {
      await empty.cleanup();
    }
  });

  it("should load exactly what was saved", async () => {
    const items = generateCatalog({ items: 300, stores: 12, features: 16, seed: 1 });
    await h.store.saveItems(items);
    expect(bySku(await h.store.loadItems())).toEqual(items.map(stored));
  });

  it("should replace items by SKU and keep the others", async () => {
    const before = await h.store.loadItems();
    const target = before.find((i) => i.sku === "SKU-000007")!;
    const changed: CatalogItem = { ...target, price: 12.34, stock: 0, storeStock: { "store-001": 0 } };
    await h.store.saveItems([changed]);
    const after = bySku(await h.store.loadItems());
    expect(after).toHaveLength(before.length);
    expect(after.find((i) => i.sku === "SKU-000007")).toEqual(changed);
    expect(after.filter((i) => i.sku !== "SKU-000007")).toEqual(
      bySku(before).filter((i) => i.sku !== "SKU-000007"),
    );
  });

  it("should save and load a batch larger than one HSET chunk and one HSCAN page", async () => {
    const big = await create();
    try {
      const items = generateCatalog({ items: 2600, stores: 3, features: 8, seed: 2 });
      await big.store.saveItems(items);
      expect(bySku(await big.store.loadItems())).toEqual(items.map(stored));
      expect(await big.store.countItems()).toBe(2600);
      const pages: number[] = [];
      const scanned = new Map<string, CatalogItem>();
      await big.store.scanItems((page) => {
        pages.push(page.length);
        for (const item of page) scanned.set(item.sku, item);
      });
      expect(pages.length).toBeGreaterThan(1);
      expect(Math.max(...pages)).toBeLessThanOrEqual(1100);
      expect(bySku([...scanned.values()])).toEqual(items.map(stored));
    } finally {
      await big.cleanup();
    }
  });

  it("should reject a batch with an invalid item and store none of it", async () => {
    const fresh = await create();
    try {
      const [good, other] = generateCatalog({ items: 2, stores: 2, features: 4, seed: 3 });
      await expect(fresh.store.saveItems([good!, { ...other!, price: -1 }])).rejects.toThrow(
        new RangeError('item "SKU-000002": price must be a finite number > 0, got -1'),
      );
      expect(await fresh.store.loadItems()).toEqual([]);
    } finally {
      await fresh.cleanup();
    }
  });

  it("should return copies that share nothing with the saved items", async () => {
    const fresh = await create();
    try {
      const [item] = generateCatalog({ items: 1, stores: 2, features: 4, seed: 4 });
      await fresh.store.saveItems([item!]);
      const [first] = await fresh.store.loadItems();
      first!.features[0] = 42;
      const [second] = await fresh.store.loadItems();
      expect(second).toEqual(stored(item!));
    } finally {
      await fresh.cleanup();
    }
  });

  it("should reject calls once closed", async () => {
    const closing = await create();
    await closing.store.close();
    await expect(closing.store.loadItems()).rejects.toThrow("catalog store is closed");
    await expect(closing.store.saveItems([])).rejects.toThrow("catalog store is closed");
    await closing.cleanup();
  });
});

describe("redis CatalogStore layout", () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await connectTestRedis();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("should keep the catalog in one hash, field = SKU", async () => {
    const store = createRedisCatalogStore({ redis: t.redis, keyPrefix: t.keyPrefix });
    await store.saveItems(generateCatalog({ items: 5, stores: 2, features: 4, seed: 9 }));
    expect(await t.redis.keys(`${t.keyPrefix}*`)).toEqual([`${t.keyPrefix}catalog:items`]);
    expect((await t.redis.hkeys(`${t.keyPrefix}catalog:items`)).sort()).toEqual([
      "SKU-000001",
      "SKU-000002",
      "SKU-000003",
      "SKU-000004",
      "SKU-000005",
    ]);
  });
});
