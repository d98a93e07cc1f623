/** Milliseconds in a day. */
export const DAY_MS = 24 * 3600 * 1000;

/** The UTC day of a time: whole days since 1970-01-01. Days are UTC throughout the features. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** The UTC month of a time: whole months since 1970-01 (January 1970 is 0). */
export function monthOf(ms: number): number {
  const d = new Date(ms);
  return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
}

/**
 * The factor a decayed sum shrinks by over `dtMs` (≥ 0): 2^(−dt / half-life).
 * Exactly 1 for dt = 0, so aligning a sum to its own reference time is exact.
 */
export function decayFactor(dtMs: number, halfLifeDays: number): number {
  return dtMs === 0 ? 1 : 2 ** (-dtMs / (halfLifeDays * DAY_MS));
}

/** The UTC day of a "YYYY-MM-DD" date, or undefined when it is not a real date. */
export function parseDay(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]) - 1;
  const day = Number(m[3]);
  const ms = Date.UTC(year, month, day);
  // Date.UTC rolls 2025-02-30 over to March: a rolled date is not a real one.
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month || d.getUTCDate() !== day) return undefined;
  return dayOf(ms);
}

/** "YYYY-MM-DD" of a UTC day. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The first day on or after `today` on which a recurring date comes round
 * again (its anniversary). A 29 February falls on 28 February in other years.
 */
export function nextAnniversary(date: string, today: number): number | undefined {
  const day = parseDay(date);
  if (day === undefined) return undefined;
  const d = new Date(day * DAY_MS);
  const month = d.getUTCMonth();
  const dom = d.getUTCDate();
  const year = new Date(today * DAY_MS).getUTCFullYear();
  for (const y of [year, year + 1]) {
    const occurrence = dayOf(Date.UTC(y, month, Math.min(dom, daysInMonth(y, month))));
    if (occurrence >= today) return occurrence;
  }
  return undefined; // unreachable: next year's anniversary is always ahead
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
