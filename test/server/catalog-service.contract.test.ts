import { status } from "@grpc/grpc-js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryCatalogStore } from "../../server/src/catalog/memory-catalog-store.js";
import { createRedisCatalogStore } from "../../server/src/catalog/redis-catalog-store.js";
import type { ServerParts } from "../../server/src/create-server.js";
import type { CatalogStore, ProfileStore } from "../../server/src/domain/stores.js";
import { CatalogService } from "../../server/src/gen/relevance/v1/catalog_pb.js";
import { Channel } from "../../server/src/gen/relevance/v1/common_pb.js";
import { type DecideResponse, ExclusionReason } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { ALL_SKUS, CATALOG, PEOPLE } from "./support/catalog-fixture.js";
import {
  type DecideInit,
  errorId,
  grpcError,
  looksLikeStack,
  rawClient,
  STORE_KINDS,
  type StoreTarget,
  startTestServer,
  storeTarget,
  type TestServer,
  upsert,
} from "./support/harness.js";
import { CatalogModel, type ItemInit, item } from "./support/model.js";

const OPTIONS = { maxStores: 4, maxUpdates: 5, maxUpsertItems: 50 } as const;
const GHOST = "ghost-admin";

function outcome(r: DecideResponse): {
  items: { sku: string; score: number }[];
  excluded: { sku: string; reason: number }[];
} {
  return {
    items: r.items.map((i) => ({ sku: i.sku, score: i.score })),
    excluded: r.excluded.map((e) => ({ sku: e.sku, reason: e.reason })),
  };
}

describe.each(STORE_KINDS)("CatalogService on the %s store", (kind) => {
  let target: StoreTarget;
  let t: TestServer;
  let model: CatalogModel;
  const extra: TestServer[] = [];
  const ownedStores: (CatalogStore | ProfileStore)[] = [];

  beforeEach(async () => {
    target = await storeTarget(kind);
    t = await startTestServer(target, OPTIONS);
    model = new CatalogModel();
  });
  afterEach(async () => {
    const errors = [...t.errors, ...extra.flatMap((s) => s.errors)];
    await t.close();
    for (const s of extra.splice(0)) await s.close();
    for (const s of ownedStores.splice(0)) await s.close();
    await target.cleanup();
    expect(errors).toEqual([]);
  });

  const loadCatalog = async (s: TestServer = t) => {
    await upsert(s, CATALOG, 5);
    model.upsert(CATALOG);
    await s.server.profiles.putProfiles([PEOPLE.all]);
  };
  /** Decide over `skus` for a person without a profile, on web, explained. */
  const decide = (skus: readonly string[], over: Partial<DecideInit> = {}, s: TestServer = t) =>
    s.decision.decide({
      userId: GHOST,
      channel: Channel.WEB,
      useCase: "admin",
      candidates: skus.map((sku) => ({ sku })),
      limit: 50,
      explain: true,
      ...over,
    } as DecideInit);
  const reasonOf = (r: DecideResponse, sku: string) => r.excluded.find((e) => e.sku === sku)?.reason ?? 0;

  describe("UpsertItems", () => {
    const fresh = (n: number, prefix = "new") =>
      Array.from({ length: n }, (_, i) =>
        item(`${prefix}-${i}`, { storeStock: { s1: 1 + i, s2: i }, popularity: ((i % 10) + 1) / 10 }),
      );

    it("should apply a whole stream as one catalog version", async () => {
      expect(await t.catalog.getCatalogInfo({})).toMatchObject({
        catalogVersion: "c0",
        items: 0,
        stores: 0,
        features: 8,
        categories: 32,
      });
      const items = fresh(6);
      const res = await t.catalog.upsertItems([
        { items: items.slice(0, 2) },
        { items: items.slice(2, 4) },
        { items: items.slice(4) },
      ]);
      model.upsert(items);
      expect(res).toMatchObject({ upserted: 6, catalogVersion: "c1" });
      expect(await t.catalog.getCatalogInfo({})).toMatchObject({ catalogVersion: "c1", items: 6, stores: 2 });
      const r = await decide(items.map((i) => i.sku!));
      expect(r.catalogVersion).toBe("c1");
      const want = model.decide({
        channel: Channel.WEB,
        candidates: items.map((i) => ({ sku: i.sku! })),
        limit: 50,
        explain: true,
        person: null,
      });
      expect(outcome(r)).toEqual({ items: want.items, excluded: want.excluded });
      expect(r.items).toHaveLength(6);
    });

    it("should replace items by sku and add new ones in the next version", async () => {
      await loadCatalog();
      const res = await upsert(t, [
        item("shoe-run", { stock: 0, category: ["shoes"] }),
        item("brand-new", { popularity: 0.7 }),
      ]);
      expect(res).toMatchObject({ upserted: 2, catalogVersion: "c2" });
      expect(await t.catalog.getCatalogInfo({})).toMatchObject({
        catalogVersion: "c2",
        items: CATALOG.length + 1,
      });
      const r = await decide(["shoe-run", "brand-new"]);
      expect(outcome(r).excluded).toEqual([{ sku: "shoe-run", reason: ExclusionReason.OUT_OF_STOCK }]);
      expect(r.items.map((i) => i.sku)).toEqual(["brand-new"]);
    });

    it("should keep the last of a sku repeated in one stream", async () => {
      await upsert(t, [item("twice", { stock: 0 }), item("other"), item("twice", { stock: 4 })], 2);
      expect(await t.catalog.getCatalogInfo({})).toMatchObject({ catalogVersion: "c1", items: 2 });
      const r = await decide(["twice"]);
      expect(r.items.map((i) => i.sku)).toEqual(["twice"]);
    });

    it("should take as a Decide candidate the longest multi-byte sku it accepts", async () => {
      // maxSkuLength counts UTF-8 bytes on both sides: 64 "é" are 128 bytes, the limit.
      const sku = "é".repeat(64);
      await expect(upsert(t, [item("é".repeat(65))])).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: "items[0].sku: 130 bytes exceeds the limit of 128 bytes (option maxSkuLength)",
      });
      expect(await upsert(t, [item(sku)])).toMatchObject({ upserted: 1 });
      const fromCatalog = await decide([]);
      expect(fromCatalog.items.map((i) => i.sku)).toEqual([sku]);
      const asCandidate = await decide([sku]);
      expect(asCandidate.items.map((i) => i.sku)).toEqual([sku]);
    });

    const bad: [string, Partial<ItemInit>, string][] = [
      ["a zero price", { price: 0 }, "items[3].price: must be a finite number > 0"],
      ["a NaN price", { price: Number.NaN }, "items[3].price: must be a finite number > 0"],
      [
        "features of the wrong length",
        { features: [1, 2, 3, 4, 5, 6, 7] },
        "items[3].features: has 7 values, the server's model needs 8 (option features)",
      ],
      [
        "a NaN feature",
        { features: [0, 0, Number.NaN, 0, 0, 0, 0, 0] },
        "items[3].features[2]: must be a finite number",
      ],
      ["margin 2", { margin: 2 }, "items[3].margin: must be in [-1, 1]"],
      ["negative stock", { stock: -1 }, "items[3].stock: must not be negative"],
      [
        "negative store stock",
        { storeStock: { s1: -1 } },
        'items[3].store_stock["s1"]: must not be negative',
      ],
      [
        "an empty store id",
        { storeStock: { "": 1 } },
        "items[3].store_stock: store ids must be 1-128 characters",
      ],
      [
        "unknown channel 99",
        { channels: [Channel.WEB, 99 as Channel] },
        "items[3].channels[1]: 99 is not a known channel",
      ],
      ["channel 0", { channels: [Channel.UNSPECIFIED] }, "items[3].channels[0]: 0 is not a known channel"],
      ["an empty sku", { sku: "" }, "items[3].sku: required"],
      [
        "no category",
        { categoryPath: [] },
        "items[3].category_path: required, at least the top-level category",
      ],
      ["popularity 1.5", { popularity: 1.5 }, "items[3].popularity: must be in [0, 1]"],
      ["a negative return rate", { returnRate: -0.25 }, "items[3].return_rate: must be in [0, 1]"],
      ["boost 1001", { boost: 1001 }, "items[3].boost: must be within ±1000"],
    ];

    it.each(bad)(
      "should reject a stream with %s at items[3] and apply none of it",
      async (_, fault, details) => {
        await loadCatalog();
        const before = await t.catalog.getCatalogInfo({});
        const items = fresh(5);
        items[3] = { ...items[3]!, ...fault } as ItemInit;
        // A replacement of shoe-run (out of stock) rides after the bad item: it must not be applied either.
        const e = await grpcError(
          t.catalog.upsertItems([
            { items: [items[0]!, items[1]!] },
            { items: [items[2]!, items[3]!, item("shoe-run", { stock: 0 })] },
            { items: [items[4]!] },
          ]),
        );
        expect({ code: e.code, details: e.details, id: errorId(e) }).toEqual({
          code: status.INVALID_ARGUMENT,
          details,
          id: "RL1001",
        });
        expect(looksLikeStack(e.details)).toBe(false);
        expect(await t.catalog.getCatalogInfo({})).toEqual(before);
        const r = await decide(["new-0", "new-1", "new-2", "new-4", "shoe-run"]);
        expect(outcome(r).excluded).toEqual(
          ["new-0", "new-1", "new-2", "new-4"].map((sku) => ({ sku, reason: ExclusionReason.UNKNOWN_SKU })),
        );
        expect(r.items.map((i) => i.sku)).toEqual(["shoe-run"]);
        expect(r.catalogVersion).toBe("c1");
      },
    );

    it.each([
      ["no message", []],
      ["only empty messages", [{ items: [] }, { items: [] }]],
    ])("should reject a stream with %s", async (_, messages) => {
      const e = await grpcError(t.catalog.upsertItems(messages));
      expect({ code: e.code, details: e.details, id: errorId(e) }).toEqual({
        code: status.INVALID_ARGUMENT,
        details: "items: required, at least one item",
        id: "RL1001",
      });
      expect(await t.catalog.getCatalogInfo({})).toMatchObject({ catalogVersion: "c0", items: 0 });
    });

    it("should reject a stream over maxUpsertItems and apply none of it", async () => {
      const e = await grpcError(upsert(t, fresh(51), 20));
      expect({ code: e.code, details: e.details, id: errorId(e) }).toEqual({
        code: status.INVALID_ARGUMENT,
        details: "items: 51 exceeds the limit of 50 per stream (option maxUpsertItems)",
        id: "RL1003",
      });
      expect(await t.catalog.getCatalogInfo({})).toMatchObject({ catalogVersion: "c0", items: 0 });
    });

    it("should reject items at more stores than maxStores with FAILED_PRECONDITION and apply none of them", async () => {
      await loadCatalog();
      const before = await t.catalog.getCatalogInfo({});
      const e = await grpcError(
        upsert(t, [item("ok-item"), item("many-stores", { storeStock: { s3: 1, s4: 1, s5: 1 } })]),
      );
      expect({ code: e.code, details: e.details, id: errorId(e) }).toEqual({
        code: status.FAILED_PRECONDITION,
        details: "store ids: 5 exceeds the limit of 4 (option maxStores)",
        id: "RL1010",
      });
      expect(await t.catalog.getCatalogInfo({})).toEqual(before);
      const r = await decide(["ok-item", "many-stores"]);
      expect(r.excluded.map((x) => x.reason)).toEqual([
        ExclusionReason.UNKNOWN_SKU,
        ExclusionReason.UNKNOWN_SKU,
      ]);
    });
  });

  describe("SetStock", () => {
    beforeEach(() => loadCatalog());

    it("should exclude an item set to zero stock at once, and keep it again when restocked", async () => {
      const res = await t.catalog.setStock({ updates: [{ sku: "shirt-oxford", quantity: 0 }] });
      expect(res.catalogVersion).toBe("c2");
      const r = await decide(["shirt-oxford", "cream-day"]);
      expect(reasonOf(r, "shirt-oxford")).toBe(ExclusionReason.OUT_OF_STOCK);
      expect(r.catalogVersion).toBe("c2");
      const catalogMode = await decide([], { limit: 50 });
      expect(catalogMode.items.map((i) => i.sku)).not.toContain("shirt-oxford");
      await t.catalog.setStock({ updates: [{ sku: "shirt-oxford", quantity: 3 }] });
      const again = await decide(["shirt-oxford"]);
      expect(again.items.map((i) => i.sku)).toEqual(["shirt-oxford"]);
      expect(again.catalogVersion).toBe("c3");
    });

    it("should change stock at one store only", async () => {
      await t.catalog.setStock({ updates: [{ sku: "shirt-oxford", storeId: "s1", quantity: 0 }] });
      const atS1 = await decide(["shirt-oxford"], { context: { storeId: "s1" } });
      const atS2 = await decide(["shirt-oxford"], { context: { storeId: "s2" } });
      const anywhere = await decide(["shirt-oxford"]);
      expect(reasonOf(atS1, "shirt-oxford")).toBe(ExclusionReason.OUT_OF_STOCK);
      expect(atS2.items.map((i) => i.sku)).toEqual(["shirt-oxford"]);
      expect(anywhere.items.map((i) => i.sku)).toEqual(["shirt-oxford"]);
    });

    it("should add stock at a store the catalog did not know", async () => {
      await t.catalog.setStock({ updates: [{ sku: "cream-day", storeId: "s9", quantity: 4 }] });
      expect(await t.catalog.getCatalogInfo({})).toMatchObject({ stores: 3 });
      const r = await decide(["cream-day", "shirt-oxford"], { context: { storeId: "s9" } });
      expect(r.items.map((i) => i.sku)).toEqual(["cream-day"]);
      expect(reasonOf(r, "shirt-oxford")).toBe(ExclusionReason.OUT_OF_STOCK);
    });

    it("should apply a batch in one version, the last update of a sku winning", async () => {
      const res = await t.catalog.setStock({
        updates: [
          { sku: "cream-day", quantity: 0 },
          { sku: "shoe-run", storeId: "s1", quantity: 0 },
          { sku: "cream-day", quantity: 7 },
        ],
      });
      expect(res.catalogVersion).toBe("c2");
      const r = await decide(["cream-day", "shoe-run"], { context: { storeId: "s1" } });
      expect(r.items.map((i) => i.sku)).toEqual(["cream-day"]);
      expect(reasonOf(r, "shoe-run")).toBe(ExclusionReason.OUT_OF_STOCK);
    });

    it.each([
      ["first", [{ sku: "nope", quantity: 1 }], 'updates[0].sku: sku "nope" is not in the catalog'],
      [
        "second",
        [
          { sku: "cream-day", quantity: 0 },
          { sku: "nope", quantity: 1 },
        ],
        'updates[1].sku: sku "nope" is not in the catalog',
      ],
    ])(
      "should answer NOT_FOUND for an unknown sku as the %s update and apply nothing",
      async (_, updates, details) => {
        const e = await grpcError(t.catalog.setStock({ updates }));
        expect({ code: e.code, details: e.details, id: errorId(e) }).toEqual({
          code: status.NOT_FOUND,
          details,
          id: "RL1009",
        });
        expect(await t.catalog.getCatalogInfo({})).toMatchObject({ catalogVersion: "c1" });
        const r = await decide(["cream-day"]);
        expect(r.items.map((i) => i.sku)).toEqual(["cream-day"]);
      },
    );

    it.each([
      [
        "a negative quantity",
        [{ sku: "cream-day", quantity: -1 }],
        "updates[0].quantity: must not be negative",
        "RL1001",
      ],
      [
        "an empty sku",
        [
          { sku: "cream-day", quantity: 0 },
          { sku: "", quantity: 1 },
        ],
        "updates[1].sku: required",
        "RL1001",
      ],
      ["no update", [], "updates: required, at least one update", "RL1001"],
      [
        "more updates than maxUpdates",
        Array.from({ length: 6 }, () => ({ sku: "cream-day", quantity: 0 })),
        "updates: 6 exceeds the limit of 5 (option maxUpdates)",
        "RL1003",
      ],
    ])("should reject %s with INVALID_ARGUMENT and apply nothing", async (_, updates, details, id) => {
      const e = await grpcError(t.catalog.setStock({ updates }));
      expect({ code: e.code, details: e.details, id: errorId(e) }).toEqual({
        code: status.INVALID_ARGUMENT,
        details,
        id,
      });
      expect(await t.catalog.getCatalogInfo({})).toMatchObject({ catalogVersion: "c1" });
      expect((await decide(["cream-day"])).items).toHaveLength(1);
    });

    it("should reject malformed bytes with INVALID_ARGUMENT", async () => {
      const raw = rawClient(t.server.address, CatalogService, "setStock");
      try {
        const e = await grpcError(raw.call(Buffer.from([0x0a, 0x05])));
        expect({ code: e.code, details: e.details, id: errorId(e) }).toEqual({
          code: status.INVALID_ARGUMENT,
          details: "request is not a valid relevance.v1.SetStockRequest",
          id: "RL1002",
        });
      } finally {
        raw.close();
      }
    });
  });

  describe("SetPrice", () => {
    beforeEach(() => loadCatalog());

    it("should exclude an item whose new margin is below the floor, and keep the margin when none is given", async () => {
      const res = await t.catalog.setPrice({ updates: [{ sku: "cream-day", price: 14, margin: 0.01 }] });
      expect(res.catalogVersion).toBe("c2");
      expect(reasonOf(await decide(["cream-day"]), "cream-day")).toBe(ExclusionReason.BELOW_MARGIN_FLOOR);
      await t.catalog.setPrice({ updates: [{ sku: "cream-day", price: 16 }] });
      expect(reasonOf(await decide(["cream-day"]), "cream-day")).toBe(ExclusionReason.BELOW_MARGIN_FLOOR);
      await t.catalog.setPrice({ updates: [{ sku: "cream-day", price: 16, margin: 0.3 }] });
      expect((await decide(["cream-day"])).items.map((i) => i.sku)).toEqual(["cream-day"]);
    });

    it("should score a personalised decision with the new price", async () => {
      await t.catalog.setPrice({
        updates: [
          { sku: "shoe-run", price: 300 },
          { sku: "dress-silk", price: 49, margin: 0.1 },
        ],
      });
      model.setPrice("shoe-run", 300);
      model.setPrice("dress-silk", 49, 0.1);
      const candidates = ALL_SKUS.map((sku) => ({ sku }));
      const r = await decide(ALL_SKUS, { userId: PEOPLE.all.userId });
      const want = model.decide({
        channel: Channel.WEB,
        candidates,
        limit: 50,
        explain: true,
        person: PEOPLE.all,
      });
      expect(outcome(r)).toEqual({ items: want.items, excluded: want.excluded });
    });

    it.each([
      [
        "a zero price",
        [{ sku: "cream-day", price: 0 }],
        status.INVALID_ARGUMENT,
        "updates[0].price: must be a finite number > 0",
      ],
      [
        "an infinite price",
        [{ sku: "cream-day", price: Number.POSITIVE_INFINITY }],
        status.INVALID_ARGUMENT,
        "updates[0].price: must be a finite number > 0",
      ],
      [
        "margin 1.5",
        [{ sku: "cream-day", price: 10, margin: 1.5 }],
        status.INVALID_ARGUMENT,
        "updates[0].margin: must be in [-1, 1]",
      ],
      ["an empty sku", [{ sku: "", price: 10 }], status.INVALID_ARGUMENT, "updates[0].sku: required"],
      [
        "an unknown sku after a known one",
        [
          { sku: "cream-day", price: 10, margin: 0 },
          { sku: "nope", price: 10 },
        ],
        status.NOT_FOUND,
        'updates[1].sku: sku "nope" is not in the catalog',
      ],
    ])("should reject %s and apply nothing", async (_, updates, code, details) => {
      const e = await grpcError(t.catalog.setPrice({ updates }));
      expect({ code: e.code, details: e.details }).toEqual({ code, details });
      expect(await t.catalog.getCatalogInfo({})).toMatchObject({ catalogVersion: "c1" });
      expect((await decide(["cream-day"])).items.map((i) => i.sku)).toEqual(["cream-day"]);
    });
  });

  describe("restart", () => {
    /** A second server on the same stores as `first` (Redis: same prefix; memory: the same store objects). */
    const second = async (parts: ServerParts): Promise<TestServer> => {
      const s = await startTestServer(target, OPTIONS, parts);
      extra.push(s);
      return s;
    };
    const sharedParts = (): ServerParts => {
      if (kind === "redis") return {};
      const catalogStore = createMemoryCatalogStore();
      const profileStore = target.profileStore();
      ownedStores.push(catalogStore, profileStore);
      return { catalogStore, profileStore };
    };

    it("should load the same catalog into a second server on the same store and decide the same", async () => {
      const parts = sharedParts();
      const a = await startTestServer(target, OPTIONS, parts);
      extra.push(a);
      await loadCatalog(a);
      await a.catalog.setStock({
        updates: [
          { sku: "shoe-trail", quantity: 0 },
          { sku: "shirt-oxford", storeId: "s1", quantity: 0 },
          { sku: "cream-day", storeId: "s9", quantity: 4 },
        ],
      });
      await a.catalog.setPrice({
        updates: [
          { sku: "dress-silk", price: 150, margin: 0.01 },
          { sku: "shoe-run", price: 55 },
        ],
      });
      const b = await second(parts);
      const infoA = await a.catalog.getCatalogInfo({});
      const infoB = await b.catalog.getCatalogInfo({});
      expect(infoB).toMatchObject({
        catalogVersion: "c1",
        items: infoA.items,
        stores: infoA.stores,
        features: 8,
      });
      const requests: Partial<DecideInit>[] = [
        {},
        { context: { storeId: "s1" } },
        { context: { storeId: "s9" } },
        { userId: PEOPLE.all.userId },
        { userId: PEOPLE.all.userId, candidates: [], context: { storeId: "s2" } },
        { userId: PEOPLE.all.userId, candidates: [], channel: Channel.APP },
      ];
      for (const over of requests) {
        const ra = await decide(ALL_SKUS, over, a);
        const rb = await decide(ALL_SKUS, over, b);
        expect(outcome(rb)).toEqual(outcome(ra));
        expect(rb.treatment).toBe(ra.treatment);
      }
      const r = await decide(["shoe-trail", "dress-silk"], {}, b);
      expect(outcome(r).excluded).toEqual([
        { sku: "shoe-trail", reason: ExclusionReason.OUT_OF_STOCK },
        { sku: "dress-silk", reason: ExclusionReason.BELOW_MARGIN_FLOOR },
      ]);
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
    });

    const refuseStores = async (parts: ServerParts) => {
      const a = await startTestServer(target, OPTIONS, parts);
      extra.push(a);
      await loadCatalog(a);
      const before = await a.catalog.getCatalogInfo({});
      const e = await grpcError(
        a.catalog.setStock({
          updates: [
            { sku: "cream-day", storeId: "s3", quantity: 1 },
            { sku: "cream-day", storeId: "s4", quantity: 1 },
            { sku: "cream-day", storeId: "s5", quantity: 1 },
          ],
        }),
      );
      expect({ code: e.code, details: e.details }).toEqual({
        code: status.FAILED_PRECONDITION,
        details: "store ids: 5 exceeds the limit of 4 (option maxStores)",
      });
      expect(await a.catalog.getCatalogInfo({})).toEqual(before);
      return before;
    };

    it("should not persist stock at more stores than maxStores when it refuses it", async () => {
      const parts = sharedParts();
      await refuseStores(parts);
      const durable =
        kind === "redis"
          ? createRedisCatalogStore({ redis: target.redis!.redis, keyPrefix: target.redis!.keyPrefix })
          : parts.catalogStore!;
      const cream = (await durable.loadItems()).find((i) => i.sku === "cream-day")!;
      expect(Object.keys(cream.storeStock).sort()).toEqual(["s1", "s2"]);
    });

    it("should restart on the catalog a server left after refusing stock at more stores than maxStores", async () => {
      const parts = sharedParts();
      const before = await refuseStores(parts);
      const b = await second(parts);
      expect(await b.catalog.getCatalogInfo({})).toMatchObject({
        items: before.items,
        stores: before.stores,
      });
    });
  });
});
