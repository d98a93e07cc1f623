import type { Metadata } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { createRequestIdSource, requestIdOf } from "../../server/src/grpc/request-id.js";

/** Metadata as grpc-js hands it over, with any value (grpc-js itself drops some of these first). */
const metadata = (value: unknown): Metadata =>
  ({
    get: (key: string) => (key === "x-request-id" && value !== undefined ? [value] : []),
  }) as unknown as Metadata;

describe("requestIdOf()", () => {
  it.each([
    ["a plain id", "checkout-42", true],
    ["spaces and punctuation", "a b!~", true],
    ["128 characters", "x".repeat(128), true],
    ["129 characters", "x".repeat(129), false],
    ["an empty value", "", false],
    ["a tab", "a\tb", false],
    ["a newline", "a\nb", false],
    ["DEL", "a\x7f", false],
    ["a non-ASCII letter", "café", false],
    ["a binary value", Buffer.from("abc"), false],
    ["no header", undefined, false],
  ])("should keep or replace %s", (_what, value, kept) => {
    expect(requestIdOf(metadata(value), () => "generated")).toBe(kept ? value : "generated");
  });
});

describe("createRequestIdSource()", () => {
  it("should give distinct ids of a random prefix and a counter", () => {
    const next = createRequestIdSource();
    const ids = Array.from({ length: 1000 }, next);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{8}-[0-9a-z]+$/);
    expect(ids[0]!.slice(-2)).toBe("-0");
    expect(ids[999]!.endsWith(`-${(999).toString(36)}`)).toBe(true);
  });

  it("should give each source its own prefix", () => {
    const a = createRequestIdSource()();
    const b = createRequestIdSource()();
    expect(a.slice(0, 8)).not.toBe(b.slice(0, 8));
  });
});
