import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCatalogStore } from "../../server/src/catalog/redis-catalog-store.js";
import { seedStores } from "../../server/src/cli/seed.js";
import { generateCatalog, generateProfiles } from "../../server/src/demo/synthetic.js";
import type { CatalogItem } from "../../server/src/domain/catalog-item.js";
import { createRedisProfileStore } from "../../server/src/profile/redis-profile-store.js";
import { connectTestRedis, type TestRedis } from "../support/redis.js";

describe("seedStores()", () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await connectTestRedis();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("should load the synthetic catalog, people and some exclusions into redis", async () => {
    const catalogStore = createRedisCatalogStore({ redis: t.redis, keyPrefix: t.keyPrefix });
    const profileStore = createRedisProfileStore({ redis: t.redis, features: 8, keyPrefix: t.keyPrefix });
    const progress: string[] = [];
    const result = await seedStores({
      catalogStore,
      profileStore,
      items: 450,
      profiles: 230,
      seed: 5,
      stores: 7,
      features: 8,
      chunkSize: 100,
      onProgress: (m) => progress.push(m),
    });
    // every 50th person gets 1-3 caps, every 80th 1-2 redemptions
    expect(result).toMatchObject({
      items: 450,
      profiles: 230,
      caps: 1 + 3 + 2 + 1 + 3,
      redemptions: 1 + 1 + 1,
    });
    expect(progress).toContain("items 450/450");
    expect(progress).toContain("profiles 230/230");

    const expected = generateCatalog({ items: 450, stores: 7, features: 8, seed: 5 });
    const loaded = (await catalogStore.loadItems()).sort((a, b) => (a.sku < b.sku ? -1 : 1));
    expect(loaded.map((i) => i.sku)).toEqual(expected.map((i) => i.sku));
    expect(loaded[17]).toEqual(f32(expected[17]!));

    const people = generateProfiles({ count: 230, features: 8, seed: 5 });
    const first = await profileStore.readPerson("user-000001", 2000);
    expect(first).toMatchObject({ kind: "found", capped: expect.any(Array), redeemed: expect.any(Array) });
    if (first.kind !== "found") throw new Error("unreachable");
    expect(first.profile.vector).toEqual(people[0]!.vector);
    expect(first.capped).toHaveLength(1);
    expect(first.redeemed).toHaveLength(1);
    expect(await profileStore.readPerson("user-000230", 2000)).toMatchObject({
      kind: "found",
      capped: [],
      redeemed: [],
    });
    expect(await profileStore.readPerson("user-000231", 2000)).toMatchObject({ kind: "missing" });
  });

  it("should reject invalid sizes, naming the option", async () => {
    const catalogStore = createRedisCatalogStore({ redis: t.redis, keyPrefix: t.keyPrefix });
    const profileStore = createRedisProfileStore({ redis: t.redis, features: 8, keyPrefix: t.keyPrefix });
    await expect(seedStores({ catalogStore, profileStore, items: -1 })).rejects.toThrow(
      new RangeError("options.items must be a non-negative integer, got -1"),
    );
  });
});

function f32(item: CatalogItem): CatalogItem {
  return {
    ...item,
    margin: Math.fround(item.margin),
    returnRate: Math.fround(item.returnRate),
    popularity: Math.fround(item.popularity),
    boost: Math.fround(item.boost),
  };
}
