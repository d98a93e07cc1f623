/**
 * The candidates of a request, without an object or a string per candidate:
 * SKU i is the UTF-8 bytes `bytes[start[i], end[i])` (usually a view of the
 * request itself) and its base score is `base[i]`. Only the few SKUs that end
 * up in a response are ever turned into strings.
 */
export interface CandidateList {
  readonly count: number;
  readonly bytes: Uint8Array;
  readonly start: readonly number[];
  readonly end: readonly number[];
  /**
   * The caller's base score per candidate (an f32 value), 0 where it gave none.
   * Plain arrays, not typed arrays: each typed array here cost an ArrayBuffer per
   * request, and sweeping those lengthened every scavenge (bench:decide p99).
   */
  readonly base: readonly number[];
}

/** The SKU of candidate i as a string. */
export function candidateSku(list: CandidateList, i: number): string {
  return Buffer.from(list.bytes.buffer, list.bytes.byteOffset, list.bytes.byteLength).toString(
    "utf8",
    list.start[i]!,
    list.end[i]!,
  );
}

/** Every SKU of the list as strings (tests, tools; not the hot path). */
export function candidateSkus(list: CandidateList): string[] {
  return Array.from({ length: list.count }, (_, i) => candidateSku(list, i));
}

/** Builds a CandidateList from strings (tests, benchmarks, tools). */
export function candidatesFromStrings(skus: readonly string[], base: readonly number[] = []): CandidateList {
  const parts = skus.map((s) => Buffer.from(s, "utf8"));
  const bytes = Buffer.concat(parts);
  const start: number[] = new Array(skus.length);
  const end: number[] = new Array(skus.length);
  let pos = 0;
  parts.forEach((p, i) => {
    start[i] = pos;
    pos += p.length;
    end[i] = pos;
  });
  return { count: skus.length, bytes, start, end, base: skus.map((_, i) => Math.fround(base[i] ?? 0)) };
}

/** The empty list: "rank the catalog". */
export const NO_CANDIDATES: CandidateList = Object.freeze({
  count: 0,
  bytes: new Uint8Array(0),
  start: Object.freeze([]) as readonly number[],
  end: Object.freeze([]) as readonly number[],
  base: Object.freeze([]) as readonly number[],
});
