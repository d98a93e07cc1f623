/**
 * The candidates of a request, without an object or a string per candidate:
 * SKU i is the UTF-8 bytes `bytes[start[i], end[i])` (usually a view of the
 * request itself) and its base score is `base[i]`. Only the few SKUs that end
 * up in a response are ever turned into strings.
 */
export interface CandidateList {
  readonly count: number;
  readonly bytes: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** The caller's base score per candidate, 0 where it gave none. */
  readonly base: Float32Array;
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
  const start = new Int32Array(skus.length);
  const end = new Int32Array(skus.length);
  let pos = 0;
  parts.forEach((p, i) => {
    start[i] = pos;
    pos += p.length;
    end[i] = pos;
  });
  return { count: skus.length, bytes, start, end, base: Float32Array.from(skus, (_, i) => base[i] ?? 0) };
}

/** The empty list: "rank the catalog". */
export const NO_CANDIDATES: CandidateList = Object.freeze({
  count: 0,
  bytes: new Uint8Array(0),
  start: new Int32Array(0),
  end: new Int32Array(0),
  base: new Float32Array(0),
});
