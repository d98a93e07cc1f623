import { describe, expect, it } from "vitest";
import { hiddenClassCount } from "../support/hidden-class.js";

/** The helper itself, and the V8 behaviour the hot path is written around. */
describe("hiddenClassCount", () => {
  const base = { a: 1, b: "x" };
  /**
   * Forty objects from `make`, after ten calls to warm its site up: V8's
   * object-clone IC behaves one way for a site's first few calls, another after.
   */
  const warm = (make: (i: number) => object) => Array.from({ length: 50 }, (_, i) => make(i)).slice(10);

  it("should count objects built by one literal as one hidden class", () => {
    const make = (i: number) => ({ a: i, b: `${i}`, c: [i] });
    expect(hiddenClassCount(warm(make))).toBe(1);
  });

  it("should count a literal with other properties, or another order, as another class", () => {
    expect(
      hiddenClassCount([
        { a: 1, b: "x" },
        { a: 1, b: "x", c: 0 },
        { b: "x", a: 1 },
      ]),
    ).toBe(3);
  });

  it("should see a spread copy given another property get a new hidden class each time (Node 20's V8)", () => {
    const extend = (i: number) => ({ ...base, c: i });
    // If this starts failing, V8 has learnt to share these maps and the
    // literals written out in the hot path could go back to spreads.
    expect(hiddenClassCount(warm(extend))).toBe(40);
  });

  it("should see a spread copy that only overrides existing properties keep one class", () => {
    const override = (i: number) => ({ ...base, a: i });
    expect(hiddenClassCount(warm(override))).toBe(1);
  });
});
