import { CATEGORY_SLOTS } from "../../../../core-wasm/src/layout.js";
import { LIFE_EVENT_TYPES, type LifeEventType } from "../../domain/event.js";
import type { LoyaltyTier } from "../../domain/profile.js";
import type {
  FeatureState,
  LifeEventRecord,
  MonthBucket,
  ProfilePrior,
  SessionState,
  SkuPurchases,
} from "./feature-state.js";
import { FeatureStateDecodeError } from "./feature-state-error.js";
import { parseDay } from "./feature-time.js";

/**
 * The first stored form of a feature state (version 1), JSON. States are now
 * written in the binary form of `feature-state-codec.ts`; this one is still
 * read, so that people stored before keep their history and move to the
 * binary form on their next commit. `encodeFeatureStateJson` stays to make
 * such states in tests.
 */
export const FEATURE_STATE_JSON_VERSION = 1;

/**
 * The version-1 stored form of a feature state, JSON:
 *
 * - scalars as numbers (counters, times in ms, the price sums);
 * - `affinity` and `vector` as base64 of little-endian f32 (CATEGORY_SLOTS and
 *   `features` values): a third of the size of JSON numbers;
 * - `session` as `[startMs, lastMs, maxScroll, dwellMs, carts, events]`;
 * - day lists (most recent first) as the first day then the gaps to each next
 *   one, all positive: `orderDays` as `[d0, g1, …]`, `skus` as `[sku, d0, g1, …]`;
 * - `months` as `[month, value, orders]`, `life` as `[type, date, recurring 0|1, reportedMs]`;
 * - `prior` as `[events, discountSensitivity, churnRisk, loyaltyTier, atMs]` or null.
 *
 * The f32 arrays make a round trip lossy once: `decode(encode(s))` holds the
 * sums rounded to f32, and encoding that again gives the same text.
 */
export function encodeFeatureStateJson(state: FeatureState): string {
  const s = state.session;
  return JSON.stringify({
    v: FEATURE_STATE_JSON_VERSION,
    features: state.features,
    applied: state.applied,
    behaviour: state.behaviour,
    lastEventMs: state.lastEventMs,
    lastPurchaseMs: state.lastPurchaseMs,
    orders: state.orders,
    promoOrders: state.promoOrders,
    purchaseValue: state.purchaseValue,
    refMs: state.refMs,
    affinity: f32Base64(state.affinity),
    affinityEvents: state.affinityEvents,
    vector: f32Base64(state.vector),
    vectorEvents: state.vectorEvents,
    priceWeight: state.priceWeight,
    priceLogSum: state.priceLogSum,
    priceEvents: state.priceEvents,
    session: [s.startMs, s.lastMs, s.maxScroll, s.dwellMs, s.carts, s.events],
    orderDays: gaps(state.orderDays),
    skus: state.skus.map((e) => [e.sku, ...gaps(e.days)]),
    months: state.months.map((m) => [m.month, m.value, m.orders]),
    life: state.lifeEvents.map((e) => [e.type, e.date, e.recurring ? 1 : 0, e.reportedMs]),
    prior:
      state.prior === null
        ? null
        : [
            state.prior.events,
            state.prior.discountSensitivity,
            state.prior.churnRisk,
            state.prior.loyaltyTier,
            state.prior.atMs,
          ],
  });
}

/**
 * Reads a state written by `encodeFeatureStateJson`. `features` is the server's
 * feature count: a state of another model shape is rejected rather than mixed
 * with other vectors. Throws `FeatureStateDecodeError` naming the bad field.
 */
export function decodeFeatureStateJson(text: string, features: number): FeatureState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FeatureStateDecodeError(`feature state: not JSON (${(error as Error).message})`);
  }
  const o = record(json, "the value");
  if (o.v !== FEATURE_STATE_JSON_VERSION) {
    throw new FeatureStateDecodeError(
      `feature state: unsupported version ${JSON.stringify(o.v)}, expected ${FEATURE_STATE_JSON_VERSION}`,
    );
  }
  const stored = count(o.features, "features");
  if (stored !== features) {
    throw new FeatureStateDecodeError(
      `feature state: has ${stored} features, the server expects ${features} (option features)`,
    );
  }
  return {
    features,
    applied: count(o.applied, "applied"),
    behaviour: count(o.behaviour, "behaviour"),
    lastEventMs: time(o.lastEventMs, "lastEventMs"),
    lastPurchaseMs: time(o.lastPurchaseMs, "lastPurchaseMs"),
    orders: count(o.orders, "orders"),
    promoOrders: count(o.promoOrders, "promoOrders"),
    purchaseValue: nonNegative(o.purchaseValue, "purchaseValue"),
    refMs: time(o.refMs, "refMs"),
    affinity: f32Array(o.affinity, CATEGORY_SLOTS, "affinity"),
    affinityEvents: count(o.affinityEvents, "affinityEvents"),
    vector: f32Array(o.vector, features, "vector"),
    vectorEvents: count(o.vectorEvents, "vectorEvents"),
    priceWeight: nonNegative(o.priceWeight, "priceWeight"),
    priceLogSum: finite(o.priceLogSum, "priceLogSum"),
    priceEvents: count(o.priceEvents, "priceEvents"),
    session: session(o.session),
    orderDays: days(o.orderDays, 0, "orderDays"),
    skus: list(o.skus, "skus").map(skuPurchases),
    months: list(o.months, "months").map(monthBucket),
    lifeEvents: list(o.life, "life").map(lifeEvent),
    prior: o.prior === null ? null : prior(o.prior),
  };
}

function gaps(days: readonly number[]): number[] {
  return days.map((d, i) => (i === 0 ? d : days[i - 1]! - d));
}

function f32Base64(values: Float64Array): string {
  const buf = Buffer.allocUnsafe(4 * values.length);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i]!, 4 * i);
  return buf.toString("base64");
}

function fail(field: string, problem: string, got: unknown): never {
  const shown =
    typeof got === "number"
      ? String(got)
      : typeof got === "string"
        ? JSON.stringify(got.slice(0, 40))
        : (JSON.stringify(got)?.slice(0, 80) ?? String(got));
  throw new FeatureStateDecodeError(`feature state: ${field} ${problem}, got ${shown}`);
}

function record(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(field, "must be an object", v);
  return v as Record<string, unknown>;
}

function list(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) fail(field, "must be an array", v);
  return v;
}

function finite(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(field, "must be a finite number", v);
  return v;
}

function nonNegative(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) fail(field, "must be a non-negative number", v);
  return v;
}

function count(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    fail(field, "must be a non-negative integer", v);
  }
  return v;
}

/** A time in ms since the epoch: a non-negative finite number (0 for none). */
function time(v: unknown, field: string): number {
  return nonNegative(v, field);
}

function f32Array(v: unknown, length: number, field: string): Float64Array {
  if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) fail(field, "must be base64", v);
  const buf = Buffer.from(v, "base64");
  if (buf.length !== 4 * length) {
    throw new FeatureStateDecodeError(
      `feature state: ${field} holds ${buf.length} bytes, expected ${4 * length} (${length} f32 values)`,
    );
  }
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const x = buf.readFloatLE(4 * i);
    if (!Number.isFinite(x)) fail(`${field}[${i}]`, "must be finite", x);
    out[i] = x;
  }
  return out;
}

function session(v: unknown): SessionState {
  const a = list(v, "session");
  if (a.length !== 6) fail("session", "must have 6 values", v);
  const s: SessionState = {
    startMs: time(a[0], "session[0] (startMs)"),
    lastMs: time(a[1], "session[1] (lastMs)"),
    maxScroll: nonNegative(a[2], "session[2] (maxScroll)"),
    dwellMs: nonNegative(a[3], "session[3] (dwellMs)"),
    carts: count(a[4], "session[4] (carts)"),
    events: count(a[5], "session[5] (events)"),
  };
  if (s.maxScroll > 1) fail("session[2] (maxScroll)", "must be at most 1", s.maxScroll);
  if (s.lastMs < s.startMs) fail("session[1] (lastMs)", "must not be before startMs", s.lastMs);
  return s;
}

/** A gap-encoded day list starting at index `from` of `v`: first day, then positive gaps. */
function days(v: unknown, from: number, field: string): number[] {
  const a = list(v, field);
  const out: number[] = [];
  for (let i = from; i < a.length; i++) {
    const x = count(a[i], `${field}[${i}]`);
    if (i === from) out.push(x);
    else {
      if (x === 0) fail(`${field}[${i}]`, "must be a positive gap to the previous day", x);
      if (x > out[out.length - 1]!) fail(`${field}[${i}]`, "must not go before day 0", x);
      out.push(out[out.length - 1]! - x);
    }
  }
  return out;
}

function skuPurchases(v: unknown, i: number): SkuPurchases {
  const a = list(v, `skus[${i}]`);
  if (typeof a[0] !== "string") fail(`skus[${i}][0]`, "must be a SKU string", a[0]);
  if (a.length < 2) fail(`skus[${i}]`, "must hold at least one day", v);
  return { sku: a[0], days: days(a, 1, `skus[${i}]`) };
}

function monthBucket(v: unknown, i: number): MonthBucket {
  const a = list(v, `months[${i}]`);
  if (a.length !== 3) fail(`months[${i}]`, "must have 3 values", v);
  return {
    month: count(a[0], `months[${i}][0]`),
    value: nonNegative(a[1], `months[${i}][1]`),
    orders: count(a[2], `months[${i}][2]`),
  };
}

function lifeEvent(v: unknown, i: number): LifeEventRecord {
  const a = list(v, `life[${i}]`);
  if (a.length !== 4) fail(`life[${i}]`, "must have 4 values", v);
  if (!(LIFE_EVENT_TYPES as readonly unknown[]).includes(a[0])) {
    fail(`life[${i}][0]`, `must be one of ${LIFE_EVENT_TYPES.join(", ")}`, a[0]);
  }
  if (typeof a[1] !== "string" || parseDay(a[1]) === undefined) {
    fail(`life[${i}][1]`, "must be a date YYYY-MM-DD", a[1]);
  }
  if (a[2] !== 0 && a[2] !== 1) fail(`life[${i}][2]`, "must be 0 or 1", a[2]);
  return {
    type: a[0] as LifeEventType,
    date: a[1],
    recurring: a[2] === 1,
    reportedMs: time(a[3], `life[${i}][3]`),
  };
}

function prior(v: unknown): ProfilePrior {
  const a = list(v, "prior");
  if (a.length !== 5) fail("prior", "must be null or have 5 values", v);
  const tier = count(a[3], "prior[3] (loyaltyTier)");
  if (tier > 3) fail("prior[3] (loyaltyTier)", "must be 0..3", tier);
  return {
    events: count(a[0], "prior[0] (events)"),
    discountSensitivity: finite(a[1], "prior[1] (discountSensitivity)"),
    churnRisk: finite(a[2], "prior[2] (churnRisk)"),
    loyaltyTier: tier as LoyaltyTier,
    atMs: finite(a[4], "prior[4] (atMs)"),
  };
}
