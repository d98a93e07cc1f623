import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createArena, createKernelMemory } from "../../core-wasm/src/arena.js";
import { SkuIndex } from "../../server/src/catalog/sku-index.js";

function newIndex(initialRows: number): SkuIndex {
  return new SkuIndex(createArena(createKernelMemory()), initialRows);
}

describe("SkuIndex", () => {
  it("should find every inserted SKU, by string and by bytes, through table, key and row growth", () => {
    const index = newIndex(4);
    const skus = Array.from({ length: 5000 }, (_, i) => `SKU-${i.toString(36)}-${"x".repeat(i % 17)}`);
    skus.forEach((s, row) => {
      index.insert(s, row);
    });
    expect(index.count).toBe(skus.length);
    skus.forEach((s, row) => {
      expect(index.lookup(s)).toBe(row);
      expect(index.skuAt(row)).toBe(s);
      const framed = Buffer.concat([Buffer.from("##"), Buffer.from(s), Buffer.from("!!")]);
      expect(index.lookupBytes(framed, 2, framed.length - 2)).toBe(row);
    });
  });

  it.each([["missing"], [""], ["SKU-0"], ["SKU-1-x "]])(
    "should answer -1 for %j when it was never inserted",
    (s) => {
      const index = newIndex(16);
      index.insert("SKU-1-x", 0);
      index.insert("SKU-00", 1);
      expect(index.lookup(s)).toBe(-1);
    },
  );

  it("should agree with a Map on arbitrary unicode SKUs", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }), { maxLength: 200 }),
        fc.array(fc.string({ unit: "grapheme", maxLength: 20 }), { maxLength: 50 }),
        (inserted, probes) => {
          const index = newIndex(8);
          const map = new Map<string, number>();
          inserted.forEach((s, row) => {
            index.insert(s, row);
            map.set(s, row);
          });
          for (const s of [...inserted, ...probes]) expect(index.lookup(s)).toBe(map.get(s) ?? -1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
