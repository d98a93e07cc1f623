import { describe, expect, it } from "vitest";
import { createArena, createKernelMemory } from "../../core-wasm/src/arena.js";
import { createResidentCatalog } from "../../server/src/catalog/resident-catalog.js";
import type { CatalogItem } from "../../server/src/domain/catalog-item.js";
import { categorySlot } from "../../server/src/domain/category-slot.js";

function item(sku: string, overrides: Partial<CatalogItem> = {}): CatalogItem {
  return {
    sku,
    categoryPath: ["Gifts", "Candles"],
    brand: "acme",
    price: 19.99,
    margin: 0.3,
    stock: 12,
    storeStock: { "store-a": 2, "store-b": 70_000 },
    returnRate: 0.04,
    features: new Float32Array(4),
    channels: 0xff,
    popularity: 0.5,
    boost: 0,
    ...overrides,
  };
}

function newCatalog(initialCapacity: number) {
  return createResidentCatalog({
    arena: createArena(createKernelMemory()),
    features: 4,
    initialCapacity,
    maxStores: 4,
  });
}

describe("ResidentCatalog.itemFacts()", () => {
  it("should read a row's facts, exact price included, through catalog growth", () => {
    const catalog = newCatalog(1);
    catalog.upsert([item("a"), item("b", { categoryPath: [], price: 1234.56, returnRate: 0.5, stock: 0 })]);
    catalog.upsert([item("c", { categoryPath: ["Beauty"], margin: 0.125 })]);
    const b = catalog.itemFacts(catalog.rowOf("b"));
    expect({ ...b, storeStock: undefined }).toEqual({
      sku: "b",
      itemIndex: 1,
      price: 1234.56,
      margin: Math.fround(0.3),
      stock: 0,
      returnRate: 0.5,
      topCategory: "",
      topCategorySlot: categorySlot(""),
      storeStock: undefined,
    });
    const c = catalog.itemFacts(2);
    expect([c.sku, c.topCategory, c.topCategorySlot, c.margin]).toEqual([
      "c",
      "Beauty",
      categorySlot("Beauty"),
      0.125,
    ]);
    expect(catalog.itemFacts(0).price).toBe(19.99);
  });

  it("should give stock per store, saturated, and 0 for a store it does not know", () => {
    const catalog = newCatalog(4);
    catalog.upsert([item("a")]);
    const facts = catalog.itemFacts(0);
    expect([facts.storeStock("store-a"), facts.storeStock("store-b"), facts.storeStock("store-z")]).toEqual([
      2, 65_535, 0,
    ]);
  });

  it("should read stock by store column and the category slot without building facts", () => {
    const catalog = newCatalog(4);
    catalog.upsert([item("a"), item("b", { categoryPath: ["Beauty"] })]);
    expect(catalog.storeStockAt(0, catalog.storeColumn("store-b"))).toBe(65_535);
    expect(catalog.storeStockAt(1, catalog.storeColumn("store-a"))).toBe(2);
    expect(catalog.storeStockAt(1, catalog.storeColumn("store-z"))).toBe(0);
    expect(() => catalog.storeStockAt(0, 5)).toThrow(
      new RangeError("storeStockAt: store column 5 is outside [0, 5)"),
    );
    expect([catalog.topCategorySlot(0), catalog.topCategorySlot(1)]).toEqual([
      categorySlot("Gifts"),
      categorySlot("Beauty"),
    ]);
  });

  it("should follow price and stock changes", () => {
    const catalog = newCatalog(4);
    catalog.upsert([item("a")]);
    catalog.setPrice([{ sku: "a", price: 7.5, margin: 0.25 }]);
    catalog.setStock([{ sku: "a", storeId: "store-a", quantity: 9 }]);
    const facts = catalog.itemFacts(0);
    expect([facts.price, facts.margin, facts.storeStock("store-a")]).toEqual([7.5, 0.25, 9]);
  });

  it.each([-1, 1, 0.5])("should refuse row %d of a one-item catalog", (row) => {
    const catalog = newCatalog(4);
    catalog.upsert([item("a")]);
    expect(() => catalog.itemFacts(row)).toThrow(
      new RangeError(`itemFacts: row ${row} is outside the catalog's [0, 1)`),
    );
  });
});
