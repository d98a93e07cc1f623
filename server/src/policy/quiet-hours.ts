import type { Channel } from "../domain/channel.js";
import type { Policy } from "./policy.js";

const MAX_ZONES = 1_000;
/** One formatter per time zone seen (null: not a zone Intl knows); creating one costs ~50 µs. */
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f !== undefined) return f;
  try {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "numeric", hourCycle: "h23" });
  } catch {
    f = null;
  }
  // Zones come from requests: bound the cache so odd input cannot grow it.
  if (formatters.size >= MAX_ZONES) formatters.clear();
  formatters.set(timeZone, f);
  return f;
}

/** The hour 0..23 at `atMs` in `timeZone`, or undefined when the zone is unknown. */
export function localHour(atMs: number, timeZone: string): number | undefined {
  const f = formatterFor(timeZone);
  if (f === null) return undefined;
  const hour = Number(f.format(atMs));
  return Number.isInteger(hour) ? hour % 24 : undefined;
}

/**
 * True when a marketing decision in `channel` at `atMs` falls in the policy's
 * quiet hours in the person's time zone: the request's, else the policy's
 * default, else UTC. A request naming a zone Intl does not know is treated as
 * not naming one.
 */
export function inQuietHours(
  policy: Policy,
  channel: Channel,
  atMs: number,
  requestTimeZone: string,
): boolean {
  if (policy.quietHours.length === 0) return false;
  const bit = 1 << channel;
  let hour: number | undefined;
  for (const q of policy.quietHours) {
    if ((q.channelMask & bit) === 0) continue;
    hour ??=
      (requestTimeZone !== "" ? localHour(atMs, requestTimeZone) : undefined) ??
      (policy.defaultTimeZone !== "" ? localHour(atMs, policy.defaultTimeZone) : undefined) ??
      new Date(atMs).getUTCHours();
    const quiet =
      q.startHour < q.endHour
        ? hour >= q.startHour && hour < q.endHour
        : hour >= q.startHour || hour < q.endHour;
    if (quiet) return true;
  }
  return false;
}

/** Every zone's offset from UTC is a multiple of 15 minutes, so local hours change on UTC quarter hours. */
const QUARTER_HOUR_MS = 15 * 60_000;
/** Quiet hours are at most 23 hours long; two days cover any DST change on the way. */
const LONGEST_QUIET_MS = 48 * 3600_000;

/**
 * The first instant after `atMs` at which `quiet` no longer holds, or `atMs`
 * itself when it does not hold then; null when it still holds 48 hours on.
 * Computed through Intl-backed predicates, never with fixed offsets: the scan
 * steps UTC quarter hours (where every zone's local hour changes) to the first
 * one outside, then a binary search pins the exact millisecond in case a zone
 * ever changes off that grid. So the end is exact across DST gaps and
 * fall-backs and in half- and quarter-hour zones.
 */
export function quietUntil(atMs: number, quiet: (t: number) => boolean): number | null {
  if (!quiet(atMs)) return atMs;
  let low = atMs;
  let high = Math.floor(atMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS;
  while (quiet(high)) {
    if (high - atMs > LONGEST_QUIET_MS) return null;
    low = high;
    high += QUARTER_HOUR_MS;
  }
  // Invariant: quiet(low), !quiet(high).
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (quiet(mid)) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * When a marketing decision in `channel` at `atMs` may next go out: `atMs`
 * itself when it is not in quiet hours (see `inQuietHours`), else the local
 * end of the policy's quiet hours (see `quietUntil`); 48 hours on when the
 * channel's windows together never end.
 */
export function quietHoursEnd(policy: Policy, channel: Channel, atMs: number, timeZone: string): number {
  return quietUntil(atMs, (t) => inQuietHours(policy, channel, t, timeZone)) ?? atMs + LONGEST_QUIET_MS;
}
