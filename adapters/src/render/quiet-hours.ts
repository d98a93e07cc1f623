import { quietUntil, localHour as zoneHour } from "../../../server/src/policy/quiet-hours.js";

/** Local quiet hours: start inclusive, end exclusive, wrapping midnight when end < start. */
export interface QuietWindow {
  readonly startHour: number;
  readonly endHour: number;
}

/**
 * The local hour 0..23 at `atMs` in `timeZone`. "" and zones Intl does not
 * know mean UTC, as the server's quiet hours treat a zone they cannot read.
 */
export function localHour(atMs: number, timeZone: string): number {
  return (timeZone === "" ? undefined : zoneHour(atMs, timeZone)) ?? new Date(atMs).getUTCHours();
}

/** True when `hour` falls in `window`; a window with start == end is empty (the policy validator forbids it). */
export function isQuietHour(hour: number, window: QuietWindow): boolean {
  const { startHour: s, endHour: e } = window;
  if (s === e) return false;
  return s < e ? hour >= s && hour < e : hour >= s || hour < e;
}

/**
 * When quiet hours at `nowMs` end in `timeZone`: the first instant after
 * `nowMs` whose local hour is outside `window`, so the first instant
 * `renderDelivery` would send. That is when the local clock reads
 * `endHour`:00, unless a DST change moves the clock out of the window first:
 * a gap that skips `endHour` (quiet 22–2 in New York on 2026-03-08 ends at
 * 03:00 EDT), or a fall-back to before `startHour` (quiet from 03:00 in
 * Chatham on 2026-04-05, when 03:45 becomes 02:45). Null when `nowMs` is not
 * in quiet hours.
 *
 * Found by the server's `quietUntil` (one scan for server and adapters).
 */
export function quietHoursEnd(nowMs: number, timeZone: string, window: QuietWindow): number | null {
  const quiet = (t: number): boolean => isQuietHour(localHour(t, timeZone), window);
  if (!quiet(nowMs)) return null;
  const end = quietUntil(nowMs, quiet);
  if (end === null) throw new RangeError(`quiet hours in ${timeZone} never end`);
  return end;
}
