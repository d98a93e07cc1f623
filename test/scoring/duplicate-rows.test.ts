import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DuplicateRows } from "../../server/src/scoring/duplicate-rows.js";

describe("DuplicateRows", () => {
  it("should find the first repeated candidate and its earlier twin, skipping unknown rows, like a Map", () => {
    const set = new DuplicateRows();
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -1, max: 40 }), { maxLength: 60 }), { maxLength: 6 }),
        (requests) => {
          for (const rows of requests) {
            const first = new Map<number, number>();
            const at = rows.findIndex((row, i) => {
              if (row < 0) return false;
              if (first.has(row)) return true;
              first.set(row, i);
              return false;
            });
            expect(set.firstRepeat(Int32Array.from(rows), rows.length)).toBe(at);
            if (at >= 0) expect(set.repeatOf).toBe(first.get(rows[at]!));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("should report each repeated row's first position, like a Map, across requests of any size", () => {
    const set = new DuplicateRows();
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 3_000_000 }), { maxLength: 600 }), { maxLength: 6 }),
        (requests) => {
          for (const rows of requests) {
            set.begin(rows.length);
            const first = new Map<number, number>();
            rows.forEach((row, i) => {
              expect(set.firstPosition(row, i)).toBe(first.get(row) ?? -1);
              if (!first.has(row)) first.set(row, i);
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("should forget the previous request's rows, also when the generation counter wraps", () => {
    const set = new DuplicateRows();
    set.begin(2);
    expect(set.firstPosition(7, 0)).toBe(-1);
    set.begin(2);
    expect(set.firstPosition(7, 0)).toBe(-1);
    // Drive the 32-bit generation round: a stale stamp must not read as current.
    const internals = set as unknown as { generation: number };
    internals.generation = 0xffff_ffff;
    set.begin(2);
    expect(set.firstPosition(7, 1)).toBe(-1);
    expect(set.firstPosition(7, 2)).toBe(1);
  });

  it("should keep working when a request outgrows the set (rows clustered on one slot)", () => {
    const set = new DuplicateRows();
    set.begin(4);
    set.begin(5_000);
    // Rows that are multiples of a large power of two land on few home slots.
    const rows = Array.from({ length: 5_000 }, (_, i) => i * 65_536);
    rows.forEach((row, i) => {
      expect(set.firstPosition(row, i)).toBe(-1);
    });
    rows.forEach((row, i) => {
      expect(set.firstPosition(row, 9_999)).toBe(i);
    });
  });
});
