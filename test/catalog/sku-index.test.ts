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

  it("should answer lookupMany as a Map would, for a request's SKUs back to back in one buffer", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 }), { maxLength: 300 }),
        fc.array(fc.string({ unit: "grapheme", maxLength: 24 }), { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 120 }),
        (inserted, absent, picks) => {
          const index = newIndex(8);
          const map = new Map<string, number>();
          inserted.forEach((s, row) => {
            index.insert(s, row);
            map.set(s, row);
          });
          const pool = [...inserted, ...absent];
          const asked = pool.length === 0 ? [] : picks.map((p) => pool[p % pool.length]!);
          // Framed like a request: other bytes before, between and after the SKUs.
          const parts: Buffer[] = [Buffer.from("##")];
          const start: number[] = [];
          const end: number[] = [];
          let at = 2;
          for (const s of asked) {
            const b = Buffer.from(s, "utf8");
            start.push(at);
            end.push(at + b.length);
            parts.push(b, Buffer.from("|"));
            at += b.length + 1;
          }
          const out = new Int32Array(asked.length + 3).fill(77);
          index.lookupMany(Buffer.concat(parts), start, end, asked.length, out);
          expect(Array.from(out.subarray(0, asked.length))).toEqual(asked.map((s) => map.get(s) ?? -1));
          expect(Array.from(out.subarray(asked.length))).toEqual([77, 77, 77]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("should tell apart SKUs that share the bytes kept in the table slot (16) and differ after them", () => {
    const index = newIndex(4);
    const head = "0123456789abcdef";
    const skus = [head, `${head}x`, `${head}y`, `${head}xy`, head.slice(0, 15), `${head.slice(0, 15)}é`];
    skus.forEach((s, row) => {
      index.insert(s, row);
    });
    skus.forEach((s, row) => {
      expect(index.lookup(s)).toBe(row);
      expect(index.skuAt(row)).toBe(s);
    });
    for (const absent of [`${head}z`, `${head}yx`, `${head.slice(0, 15)}e`, `1${head.slice(1)}`]) {
      expect(index.lookup(absent)).toBe(-1);
    }
  });

  it("should tell apart SKUs whose 32-bit hashes collide", () => {
    // FNV-1a, as the index hashes: find colliding pairs by brute force (a
    // birthday search over 200k keys finds a few).
    const fnv = (s: string) => {
      let h = 0x811c9dc5;
      for (const b of Buffer.from(s)) h = Math.imul(h ^ b, 0x01000193);
      return h;
    };
    const seen = new Map<number, string>();
    const pairs: [string, string][] = [];
    for (let i = 0; pairs.length < 2 && i < 2_000_000; i++) {
      const s = `S${i.toString(36)}`;
      const other = seen.get(fnv(s));
      if (other !== undefined) pairs.push([other, s]);
      else seen.set(fnv(s), s);
    }
    expect(pairs.length).toBe(2);
    const [[a, b], [c, d]] = pairs as [[string, string], [string, string]];
    const index = newIndex(4);
    index.insert(a, 0);
    index.insert(b, 1);
    index.insert(c, 2);
    expect([index.lookup(a), index.lookup(b), index.lookup(c), index.lookup(d)]).toEqual([0, 1, 2, -1]);
  });
});
