import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeItem,
  encodeItem,
  ITEM_CODEC_VERSION,
  ItemDecodeError,
} from "../../server/src/catalog/item-codec.js";
import { generateCatalog } from "../../server/src/demo/synthetic.js";
import type { CatalogItem } from "../../server/src/domain/catalog-item.js";

const finiteF32 = { noNaN: true, noDefaultInfinity: true } as const;
const text = (minLength: number, maxLength: number) => fc.string({ unit: "grapheme", minLength, maxLength });

const itemArb: fc.Arbitrary<CatalogItem> = fc.record({
  sku: text(1, 30),
  categoryPath: fc.array(text(0, 20), { minLength: 1, maxLength: 5 }),
  brand: text(0, 30),
  price: fc.double({ min: Number.MIN_VALUE, max: 1e9, noNaN: true }),
  margin: fc.float({ ...finiteF32, min: -1, max: 1 }),
  stock: fc.integer({ min: 0, max: 0x7fff_ffff }),
  storeStock: fc.dictionary(text(1, 12), fc.integer({ min: 0, max: 0xffff_ffff }), { maxKeys: 60 }),
  returnRate: fc.float({ ...finiteF32, min: 0, max: 1 }),
  features: fc.float32Array({ ...finiteF32, maxLength: 128 }),
  channels: fc.integer({ min: 0, max: 255 }),
  popularity: fc.float({ ...finiteF32, min: 0, max: 1 }),
  boost: fc.float(finiteF32),
});

/** What the codec keeps: fractions as f32, everything else exact. */
function asStored(item: CatalogItem): CatalogItem {
  return {
    ...item,
    margin: Math.fround(item.margin),
    returnRate: Math.fround(item.returnRate),
    popularity: Math.fround(item.popularity),
    boost: Math.fround(item.boost),
  };
}

describe("encodeItem() / decodeItem()", () => {
  it("should round-trip any valid item", () => {
    fc.assert(
      fc.property(itemArb, (item) => {
        expect(decodeItem(encodeItem(item))).toEqual(item);
      }),
      { numRuns: 300 },
    );
  });

  it("should round-trip synthetic items, keeping the price exact and fractions as f32", () => {
    for (const item of generateCatalog({ items: 200, stores: 20, features: 16, seed: 7 })) {
      const back = decodeItem(encodeItem(item));
      expect(back).toEqual(asStored(item));
      expect(back.price).toBe(item.price);
    }
  });

  it("should keep a store called __proto__ as an own property", () => {
    const storeStock = JSON.parse('{"__proto__": 3, "store-001": 0}') as Record<string, number>;
    const item = { ...generateCatalog({ items: 1, stores: 0, features: 4, seed: 1 })[0]!, storeStock };
    const back = decodeItem(encodeItem(item));
    expect(Object.keys(back.storeStock)).toEqual(["__proto__", "store-001"]);
    expect(Object.getOwnPropertyDescriptor(back.storeStock, "__proto__")?.value).toBe(3);
  });

  it("should decode from a plain, unaligned Uint8Array into features that do not alias it", () => {
    const item = generateCatalog({ items: 1, stores: 3, features: 8, seed: 3 })[0]!;
    const encoded = encodeItem(item);
    const padded = new Uint8Array(encoded.length + 1);
    padded.set(encoded, 1);
    const view = padded.subarray(1);
    const back = decodeItem(view);
    expect(back).toEqual(asStored(item));
    view.fill(0, 32);
    expect(back.features).toEqual(item.features);
  });

  it("should be compact: a 64-feature item with 10 stores fits in under 500 bytes", () => {
    const item = generateCatalog({ items: 1, stores: 10, features: 64, seed: 1 })[0]!;
    expect(encodeItem(item)[0]).toBe(ITEM_CODEC_VERSION);
    expect(encodeItem(item).length).toBeLessThan(500);
  });
});

describe("decodeItem() on corrupt values", () => {
  const good = encodeItem(generateCatalog({ items: 1, stores: 5, features: 8, seed: 11 })[0]!);

  it("should reject a wrong version", () => {
    expect(() => decodeItem(Uint8Array.from([0x01, ...good.subarray(1)]))).toThrow(
      new ItemDecodeError("item: unsupported codec version 0x01, expected 0xc1"),
    );
  });

  it("should reject a value shorter than the header", () => {
    expect(() => decodeItem(good.subarray(0, 10))).toThrow(
      new ItemDecodeError("item: truncated value of 10 bytes, shorter than the 32-byte header"),
    );
  });

  it("should reject every strict prefix of a valid value", () => {
    for (let len = 0; len < good.length; len++) {
      expect(() => decodeItem(good.subarray(0, len))).toThrow(ItemDecodeError);
    }
  });

  it("should reject trailing bytes", () => {
    expect(() => decodeItem(Uint8Array.from([...good, 1, 2]))).toThrow(
      new ItemDecodeError('item "SKU-000001": 2 trailing bytes after the value'),
    );
  });

  it("should throw nothing but ItemDecodeError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeItem(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ItemDecodeError);
        }
      }),
    );
  });
});

describe("encodeItem() on invalid items", () => {
  const base = generateCatalog({ items: 1, stores: 2, features: 4, seed: 5 })[0]!;

  it.each([
    ["an empty sku", { sku: "" }, 'item "": sku must be 1..65535 bytes'],
    ["a zero price", { price: 0 }, 'item "SKU-000001": price must be a finite number > 0, got 0'],
    ["a margin above 1", { margin: 1.5 }, 'item "SKU-000001": margin must be in [-1, 1], got 1.5'],
    [
      "a NaN popularity",
      { popularity: Number.NaN },
      'item "SKU-000001": popularity must be in [0, 1], got NaN',
    ],
    [
      "a fractional stock",
      { stock: 1.5 },
      'item "SKU-000001": stock must be an integer in 0..2147483647, got 1.5',
    ],
    [
      "an empty category path",
      { categoryPath: [] },
      'item "SKU-000001": categoryPath must have 1..255 elements, got 0',
    ],
    [
      "a channel mask above 255",
      { channels: 256 },
      'item "SKU-000001": channels must be an integer bit mask in 0..255, got 256',
    ],
    [
      "a negative store count",
      { storeStock: { "store-001": -1 } },
      'item "SKU-000001": storeStock["store-001"] must be an integer in 0..4294967295, got -1',
    ],
    [
      "an empty store id",
      { storeStock: { "": 1 } },
      'item "SKU-000001": storeStock store id "" must be 1..255 bytes',
    ],
    [
      "a NaN feature",
      { features: Float32Array.of(0, Number.NaN) },
      'item "SKU-000001": features[1] must be finite, got NaN',
    ],
  ])("should throw a RangeError on %s", (_name, overrides, message) => {
    expect(() => encodeItem({ ...base, ...overrides })).toThrow(new RangeError(message));
  });
});
