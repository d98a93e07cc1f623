import { nextPowerOfTwo } from "../catalog/sku-index.js";

/**
 * Finds repeated catalog rows among one request's candidates: a set of rows,
 * each with the candidate position that named it first, emptied per request
 * by a generation stamp instead of a clear.
 *
 * Sized to the request (twice its candidates, rounded up to a power of two),
 * not to the catalog: arrays indexed by catalog row put two cache misses per
 * candidate on the hot path (a 100k-row catalog's stamps are 400 KB), while a
 * 200-candidate request's set is a few kilobytes that stay in L1.
 */
export class DuplicateRows {
  private stamp = new Uint32Array(0);
  private rows = new Int32Array(0);
  private positions = new Int32Array(0);
  private mask = 0;
  private shift = 32;
  private generation = 0;
  /** After `firstRepeat` found one: the position of the earlier candidate naming the same row. */
  repeatOf = -1;

  /** Empties the set for a request of `candidates` candidates. */
  begin(candidates: number): void {
    const slots = Math.max(64, nextPowerOfTwo(candidates * 2));
    if (slots > this.stamp.length) {
      this.stamp = new Uint32Array(slots);
      this.rows = new Int32Array(slots);
      this.positions = new Int32Array(slots);
      this.mask = slots - 1;
      this.shift = 32 - Math.log2(slots);
      this.generation = 0;
    }
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stamp.fill(0);
      this.generation = 1;
    }
  }

  /**
   * The position of the first candidate among `rows[0, count)` whose row (≥ 0;
   * negative rows are unknown SKUs, never repeats) an earlier one named, with
   * that earlier position in `repeatOf`; -1 when there is none. Starts a new
   * request (`begin`).
   */
  firstRepeat(rows: ArrayLike<number>, count: number): number {
    this.begin(count);
    for (let i = 0; i < count; i++) {
      const row = rows[i]!;
      if (row < 0) continue;
      const first = this.firstPosition(row, i);
      if (first >= 0) {
        this.repeatOf = first;
        return i;
      }
    }
    return -1;
  }

  /**
   * Records that candidate `position` names `row` (≥ 0) and returns -1, or,
   * when an earlier candidate named it, returns that candidate's position.
   */
  firstPosition(row: number, position: number): number {
    const stamp = this.stamp;
    const generation = this.generation;
    const mask = this.mask;
    // Fibonacci hashing: catalog rows are dense, the product's high bits spread them.
    for (let slot = Math.imul(row, 0x9e3779b1) >>> this.shift; ; slot = (slot + 1) & mask) {
      if (stamp[slot] !== generation) {
        stamp[slot] = generation;
        this.rows[slot] = row;
        this.positions[slot] = position;
        return -1;
      }
      if (this.rows[slot] === row) return this.positions[slot]!;
    }
  }
}
