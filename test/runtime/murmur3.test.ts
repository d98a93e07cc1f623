import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Murmur3Digest, Murmur3Prefix, murmur3x86x128 } from "../../server/src/runtime/murmur3.js";

/** The vectors' input: n bytes, (37 i + 11) mod 256. */
const bytesOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// From Python's mmh3 5.x (a C port of the reference), outside this repository:
//   mmh3.hash_bytes(bytes((i*37+11) & 255 for i in range(n)), seed, x64arch=False).hex()
// Lengths 0..48 cover every tail length, one to three whole blocks and a tail after them.
const SEED_0 = [
  "00000000000000000000000000000000",
  "3c892a1a6bb55d826bb55d826bb55d82",
  "6a085be2e0376694e0376694e0376694",
  "47d55defd3e14f81d3e14f81d3e14f81",
  "70ef21d08e0afabf8e0afabf8e0afabf",
  "f5d9bda19789b5fc03ef3e2503ef3e25",
  "19c60411a21f3a534ef386cf4ef386cf",
  "3f3efbfe4e68f70cde48c0f2de48c0f2",
  "d54101fc67909af83863e1403863e140",
  "385fdd372cc99d0fd92a38dd15e3f0c0",
  "089771be12ff318b228c067f68031e35",
  "b0ddd8b7682cff027c05eb5c3bd76428",
  "8b8bbe6ba2e2dd928a9e7c42c2aafe04",
  "29daedcb2c887c107f08ab3bc3e04514",
  "425dbe3b67293b264d89a8086d80d7f5",
  "3d1634e81c11c188a99f55031c796271",
  "73203aaa4518c4a88241f0ade72356b3",
  "c08d07c51f51e3fbb00bde9e8b53e0ae",
  "6b1ed112e85201ee46446fb051f56389",
  "4a36bd6bda96aa9c96fa98c62c6b5ee4",
  "d8dec8ff23e823694e338059acb58f58",
  "ef44e186ebec85f183d5fa14acc60605",
  "08181ff4798a1eb50515f7f0ecf3872c",
  "030fe46a235b4e2e6775bfafcbfa3f73",
  "b9f9b3f76631022e9abdd5fafc372413",
  "c6eb401506ea5eac0bcdf9cc00a2c635",
  "dffe034858f1a814cf92e990d5a419a6",
  "e7d5f37c59a157b95aee7082ff495581",
  "fe915c3b49b45e3c4d466ee760e523a2",
  "eaed69f5f3883e898ff21a276e99377b",
  "ecd77fdb92705142afcda53da12a1661",
  "16a41f66c469e564a2c5d9c4182fbcae",
  "37f75fce38b3dfe314b3535d3fe9afab",
  "1752cef28f8d7528a592588b9d3f7e88",
  "79851d3a767a63656480b69f15d6c62e",
  "a67006bc141b7e409580aa719a473959",
  "4d24a200edd1dcc1be9d1b5badb2a4f1",
  "2548ad13cfdbf71d13ca421fd86d8b90",
  "c54165bc539b32ec5d44cef0f5ff1d6c",
  "6ddbf14e8453bff3d350d0e7d9043d12",
  "665797eb82c66891cb344b546bf34ed9",
  "ed23f2f8a93940141141c65a29843f07",
  "2aff65be50cc7df582bed3211c3f1e32",
  "f5b4a28800f4abf21988d9c95154a472",
  "5d4bcdb68d04bfeba46c1cdd73f1cea4",
  "b743b4bd733a76cd304e1bcacec4159c",
  "8a1a08e8d9f6ebecde58ba1d6da6e091",
  "e8e7142d8665aaf5445d96feb74af1cb",
  "7364437ff0ce09a3208a1665d37f094a",
];
const SEED_9747B28C: [number, string][] = [
  [0, "a1d5bef71c6a575b1c6a575b1c6a575b"],
  [1, "0969a1d63859e54e3859e54e3859e54e"],
  [15, "73561baa009ed5ecc31f97c92bc062f2"],
  [16, "c8356adb59fb46d0be549ab4b7e06ab0"],
  [17, "281822be13b7081aa5fe8056771fe1e3"],
  [31, "363ada5bc1f7fd1a878b4d9025977671"],
  [32, "5a8040ba3b96a564b00cdd6fb0c617c5"],
  [33, "363474061789fdc8d1fd7a3074793190"],
];

const digestBytes = (d: Murmur3Digest) => {
  const out = Buffer.alloc(16);
  out.writeInt32LE(d.h1, 0);
  out.writeInt32LE(d.h2, 4);
  out.writeInt32LE(d.h3, 8);
  out.writeInt32LE(d.h4, 12);
  return new Uint8Array(out);
};
const fresh = (): Murmur3Digest => ({ h1: 0, h2: 0, h3: 0, h4: 0 });

describe("murmur3x86x128()", () => {
  it.each(SEED_0.map((want, n) => [n, want] as const))(
    "should match the reference for %i bytes, seed 0",
    (n, want) => {
      expect(hex(murmur3x86x128(bytesOf(n)))).toBe(want);
    },
  );

  it.each(SEED_9747B28C)("should match the reference for %i bytes, seed 0x9747b28c", (n, want) => {
    expect(hex(murmur3x86x128(bytesOf(n), 0x9747b28c))).toBe(want);
  });
});

describe("Murmur3Prefix", () => {
  it("should refuse a prefix that is not whole blocks", () => {
    expect(() => new Murmur3Prefix(new Uint8Array(15))).toThrow(/15 bytes, not a multiple of 16/);
  });

  it("should finish a suffix as the one-shot hash does prefix + suffix, the prefix absorbed once", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 3 })
          .chain((blocks) => fc.uint8Array({ minLength: 16 * blocks, maxLength: 16 * blocks })),
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.integer(),
        (prefix, suffixes, seed) => {
          const p = new Murmur3Prefix(prefix, seed);
          const out = fresh();
          for (const suffix of suffixes) {
            const whole = new Uint8Array([...prefix, ...suffix]);
            expect(hex(digestBytes(p.finish(suffix, out)))).toBe(hex(murmur3x86x128(whole, seed)));
          }
        },
      ),
    );
  });

  it("should hash a string's UTF-8 bytes, ASCII or not", () => {
    const prefix = bytesOf(16);
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" })),
        (s) => {
          const viaString = new Murmur3Prefix(prefix).finishString(s, fresh());
          const viaBytes = new Murmur3Prefix(prefix).finish(new TextEncoder().encode(s), fresh());
          expect(viaString).toEqual(viaBytes);
        },
      ),
    );
    // Non-ASCII after ASCII (the scratch already partly written), and long enough to grow the scratch.
    const p = new Murmur3Prefix(prefix);
    for (const s of ["SKU-42-Größe", "é", `${"a".repeat(100)}👟`, "a".repeat(300)])
      expect(p.finishString(s, fresh())).toEqual(p.finish(new TextEncoder().encode(s), fresh()));
  });
});
