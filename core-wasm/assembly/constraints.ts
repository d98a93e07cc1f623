/**
 * Hard constraints: the checks 2..6 of the README table, in that order, for an
 * item already known to be in the catalog (check 1, `UNKNOWN_SKU`, is the
 * caller's, since catalog scans never see unknown items).
 */
import { Reason } from "./layout";

/**
 * Returns the reason of the first failing check for `item`, or `KEPT`.
 * `storeIndex` is the store column to check, or any value `>= stores` (the
 * host's -1 read as u32) for none; `marks` holds the request's exclusion marks.
 */
// @ts-ignore: decorator
@inline
export function checkItem(
  item: usize,
  blockReason: u32,
  channels: usize,
  channel: u32,
  stock: usize,
  storeStock: usize,
  stores: u32,
  storeIndex: u32,
  margins: usize,
  marginFloor: f32,
  marks: usize,
): u32 {
  if (blockReason != 0) return blockReason;
  if (((<u32>load<u8>(channels + item) >> channel) & 1) == 0) return Reason.INELIGIBLE;
  if (load<i32>(stock + (item << 2)) <= 0) return Reason.OUT_OF_STOCK;
  if (storeIndex < stores && load<u16>(storeStock + ((item * <usize>stores + <usize>storeIndex) << 1)) == 0) {
    return Reason.OUT_OF_STOCK;
  }
  if (load<f32>(margins + (item << 2)) < marginFloor) return Reason.BELOW_MARGIN_FLOOR;
  return <u32>load<u8>(marks + item);
}

/**
 * Sets `marks[item] = reason` for each exclusion-list entry whose item is in
 * `[0, count)` and not yet marked, so the first listing of an item wins.
 * Called once at the start of a request; `clearExclusions` undoes it.
 */
export function markExclusions(items: usize, reasons: usize, n: u32, count: u32, marks: usize): void {
  for (let e: usize = 0; e < <usize>n; e++) {
    const item = load<u32>(items + (e << 2));
    if (item >= count) continue;
    if (load<u8>(marks + <usize>item) == 0) store<u8>(marks + <usize>item, load<u8>(reasons + e));
  }
}

/**
 * Zeroes the marks `markExclusions` set, so marks are all zero between calls.
 * Called once at the end of a request with the same list.
 */
export function clearExclusions(items: usize, n: u32, count: u32, marks: usize): void {
  for (let e: usize = 0; e < <usize>n; e++) {
    const item = load<u32>(items + (e << 2));
    if (item < count) store<u8>(marks + <usize>item, 0);
  }
}
