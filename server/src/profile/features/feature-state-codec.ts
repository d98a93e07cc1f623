import { isUtf8 } from "node:buffer";
import { CATEGORY_SLOTS } from "../../../../core-wasm/src/layout.js";
import { LIFE_EVENT_TYPES } from "../../domain/event.js";
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
import { decodeFeatureStateJson } from "./feature-state-json.js";
import { parseDay } from "./feature-time.js";

/**
 * Version of the stored feature state, its first byte. Version 1 was JSON
 * (`feature-state-json.ts`, still read; its first byte is `{`); version 2 is
 * the binary layout below. A new layout gets a new version, and
 * `decodeFeatureState` rejects versions it does not know.
 */
export const FEATURE_STATE_VERSION = 2;

/** The first byte of a version-1 (JSON) state. */
const JSON_OPENING = 0x7b;

/** Bytes before the variable-length lists: version, feature count, 19 f64 scalars. */
const HEAD_BYTES = 1 + 2 + 19 * 8;

/**
 * The stored form of a feature state (version 2), little-endian binary. The
 * consumer reads and writes one per person and event batch: against the JSON
 * of version 1, this takes no parse or stringify, no base64 and about half
 * the bytes through Redis (bench:ingest, RESULTS.md).
 *
 * ```
 * u8  version (2)                u16 features
 * f64 applied, behaviour, lastEventMs, lastPurchaseMs, orders, promoOrders,
 *     purchaseValue, refMs, affinityEvents, vectorEvents, priceWeight,
 *     priceLogSum, priceEvents
 * f64 session: startMs, lastMs, maxScroll, dwellMs, carts, events
 * f32 × CATEGORY_SLOTS affinity  f32 × features vector
 * u16 n, n × i32                  orderDays (days since the epoch, newest first)
 * u16 n, n × { u16 len, len bytes UTF-8 sku, u16 m, m × i32 days }   skus
 * u16 n, n × { i32 month, f64 value, f64 orders }                    months
 * u16 n, n × { u8 type index, u8 len, len bytes date, u8 recurring 0|1, f64 reportedMs }  life
 * u8  prior 0|1, then f64 events, f64 discountSensitivity, f64 churnRisk,
 *     u8 loyaltyTier, f64 atMs
 * ```
 *
 * The f32 arrays make a round trip lossy once: `decode(encode(s))` holds the
 * sums rounded to f32, and encoding that again gives the same bytes.
 */
export function encodeFeatureState(state: FeatureState): Buffer {
  const skuBytes = state.skus.map((e) => Buffer.byteLength(e.sku, "utf8"));
  let size = HEAD_BYTES + 4 * (CATEGORY_SLOTS + state.features);
  size += 2 + 4 * state.orderDays.length;
  size += 2;
  for (let i = 0; i < state.skus.length; i++) size += 2 + skuBytes[i]! + 2 + 4 * state.skus[i]!.days.length;
  size += 2 + 20 * state.months.length;
  size += 2;
  for (const e of state.lifeEvents) size += 1 + 1 + Buffer.byteLength(e.date, "latin1") + 1 + 8;
  size += 1 + (state.prior === null ? 0 : 8 * 4 + 1);

  const w = new Writer(Buffer.allocUnsafe(size));
  w.u8(FEATURE_STATE_VERSION);
  w.u16(state.features);
  w.f64(state.applied);
  w.f64(state.behaviour);
  w.f64(state.lastEventMs);
  w.f64(state.lastPurchaseMs);
  w.f64(state.orders);
  w.f64(state.promoOrders);
  w.f64(state.purchaseValue);
  w.f64(state.refMs);
  w.f64(state.affinityEvents);
  w.f64(state.vectorEvents);
  w.f64(state.priceWeight);
  w.f64(state.priceLogSum);
  w.f64(state.priceEvents);
  const s = state.session;
  w.f64(s.startMs);
  w.f64(s.lastMs);
  w.f64(s.maxScroll);
  w.f64(s.dwellMs);
  w.f64(s.carts);
  w.f64(s.events);
  for (let i = 0; i < CATEGORY_SLOTS; i++) w.f32(state.affinity[i]!);
  for (let i = 0; i < state.features; i++) w.f32(state.vector[i]!);
  w.u16(state.orderDays.length);
  for (const d of state.orderDays) w.i32(d);
  w.u16(state.skus.length);
  state.skus.forEach((e, i) => {
    w.u16(skuBytes[i]!);
    w.text(e.sku, "utf8");
    w.u16(e.days.length);
    for (const d of e.days) w.i32(d);
  });
  w.u16(state.months.length);
  for (const m of state.months) {
    w.i32(m.month);
    w.f64(m.value);
    w.f64(m.orders);
  }
  w.u16(state.lifeEvents.length);
  for (const e of state.lifeEvents) {
    w.u8(LIFE_EVENT_TYPES.indexOf(e.type));
    w.u8(Buffer.byteLength(e.date, "latin1"));
    w.text(e.date, "latin1");
    w.u8(e.recurring ? 1 : 0);
    w.f64(e.reportedMs);
  }
  if (state.prior === null) {
    w.u8(0);
  } else {
    const p = state.prior;
    w.u8(1);
    w.f64(p.events);
    w.f64(p.discountSensitivity);
    w.f64(p.churnRisk);
    w.u8(p.loyaltyTier);
    w.f64(p.atMs);
  }
  if (w.pos !== size) throw new Error(`encodeFeatureState wrote ${w.pos} bytes, sized ${size}`);
  return w.buf;
}

/**
 * Reads a stored feature state: the binary form of `encodeFeatureState`, or
 * the JSON of version 1 (as bytes starting with `{`, or as text). `features`
 * is the server's feature count: a state of another model shape is rejected
 * rather than mixed with other vectors. Throws `FeatureStateDecodeError`
 * naming the bad field.
 */
export function decodeFeatureState(stored: Uint8Array | string, features: number): FeatureState {
  if (typeof stored === "string") return decodeFeatureStateJson(stored, features);
  if (stored.length > 0 && stored[0] === JSON_OPENING) {
    return decodeFeatureStateJson(
      Buffer.from(stored.buffer, stored.byteOffset, stored.length).toString("utf8"),
      features,
    );
  }
  const r = new Reader(stored);
  const version = r.u8("version");
  if (version !== FEATURE_STATE_VERSION) {
    throw new FeatureStateDecodeError(
      `feature state: unsupported version ${version}, expected ${FEATURE_STATE_VERSION} (or 1, JSON)`,
    );
  }
  const storedFeatures = r.u16("features");
  if (storedFeatures !== features) {
    throw new FeatureStateDecodeError(
      `feature state: has ${storedFeatures} features, the server expects ${features} (option features)`,
    );
  }
  const applied = r.count("applied");
  const behaviour = r.count("behaviour");
  const lastEventMs = r.time("lastEventMs");
  const lastPurchaseMs = r.time("lastPurchaseMs");
  const orders = r.count("orders");
  const promoOrders = r.count("promoOrders");
  const purchaseValue = r.nonNegative("purchaseValue");
  const refMs = r.time("refMs");
  const affinityEvents = r.count("affinityEvents");
  const vectorEvents = r.count("vectorEvents");
  const priceWeight = r.nonNegative("priceWeight");
  const priceLogSum = r.finite("priceLogSum");
  const priceEvents = r.count("priceEvents");
  const session = readSession(r);
  const affinity = r.f32Array(CATEGORY_SLOTS, "affinity");
  const vector = r.f32Array(features, "vector");
  const orderDays = r.days("orderDays");
  const skus: SkuPurchases[] = [];
  for (let i = 0, n = r.u16("skus (count)"); i < n; i++) {
    const sku = r.text(r.u16(`skus[${i}] (length)`), "utf8", `skus[${i}] (sku)`);
    if (sku === "") fail(`skus[${i}] (sku)`, "must not be empty", sku);
    const days = r.days(`skus[${i}] (days)`);
    if (days.length === 0) fail(`skus[${i}]`, "must hold at least one day", 0);
    skus.push({ sku, days });
  }
  const months: MonthBucket[] = [];
  for (let i = 0, n = r.u16("months (count)"); i < n; i++) {
    const month = r.i32(`months[${i}] (month)`);
    if (month < 0) fail(`months[${i}] (month)`, "must be a non-negative integer", month);
    months.push({
      month,
      value: r.nonNegative(`months[${i}] (value)`),
      orders: r.count(`months[${i}] (orders)`),
    });
  }
  const lifeEvents: LifeEventRecord[] = [];
  for (let i = 0, n = r.u16("life (count)"); i < n; i++) {
    const typeIndex = r.u8(`life[${i}] (type)`);
    const type = LIFE_EVENT_TYPES[typeIndex];
    if (type === undefined)
      fail(`life[${i}] (type)`, `must index one of ${LIFE_EVENT_TYPES.join(", ")}`, typeIndex);
    const date = r.text(r.u8(`life[${i}] (date length)`), "latin1", `life[${i}] (date)`);
    if (parseDay(date) === undefined) fail(`life[${i}] (date)`, "must be a date YYYY-MM-DD", date);
    const recurring = r.u8(`life[${i}] (recurring)`);
    if (recurring > 1) fail(`life[${i}] (recurring)`, "must be 0 or 1", recurring);
    lifeEvents.push({
      type,
      date,
      recurring: recurring === 1,
      reportedMs: r.time(`life[${i}] (reportedMs)`),
    });
  }
  const prior = readPrior(r);
  if (r.pos !== stored.length) {
    throw new FeatureStateDecodeError(
      `feature state: ${stored.length - r.pos} bytes after the end of the state (${stored.length} in all)`,
    );
  }
  return {
    features,
    applied,
    behaviour,
    lastEventMs,
    lastPurchaseMs,
    orders,
    promoOrders,
    purchaseValue,
    refMs,
    affinity,
    affinityEvents,
    vector,
    vectorEvents,
    priceWeight,
    priceLogSum,
    priceEvents,
    session,
    orderDays,
    skus,
    months,
    lifeEvents,
    prior,
  };
}

function readSession(r: Reader): SessionState {
  const s: SessionState = {
    startMs: r.time("session.startMs"),
    lastMs: r.time("session.lastMs"),
    maxScroll: r.nonNegative("session.maxScroll"),
    dwellMs: r.nonNegative("session.dwellMs"),
    carts: r.count("session.carts"),
    events: r.count("session.events"),
  };
  if (s.maxScroll > 1) fail("session.maxScroll", "must be at most 1", s.maxScroll);
  if (s.lastMs < s.startMs) fail("session.lastMs", "must not be before startMs", s.lastMs);
  return s;
}

function readPrior(r: Reader): ProfilePrior | null {
  const present = r.u8("prior (present)");
  if (present === 0) return null;
  if (present !== 1) fail("prior (present)", "must be 0 or 1", present);
  const events = r.count("prior.events");
  const discountSensitivity = r.finite("prior.discountSensitivity");
  const churnRisk = r.finite("prior.churnRisk");
  const tier = r.u8("prior.loyaltyTier");
  if (tier > 3) fail("prior.loyaltyTier", "must be 0..3", tier);
  return {
    events,
    discountSensitivity,
    churnRisk,
    loyaltyTier: tier as LoyaltyTier,
    atMs: r.finite("prior.atMs"),
  };
}

function fail(field: string, problem: string, got: number | string): never {
  const shown = typeof got === "string" ? JSON.stringify(got.slice(0, 40)) : String(got);
  throw new FeatureStateDecodeError(`feature state: ${field} ${problem}, got ${shown}`);
}

class Writer {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  u8(v: number): void {
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.pos = this.buf.writeUInt16LE(v, this.pos);
  }
  i32(v: number): void {
    this.pos = this.buf.writeInt32LE(v, this.pos);
  }
  f32(v: number): void {
    this.pos = this.buf.writeFloatLE(v, this.pos);
  }
  f64(v: number): void {
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }
  text(v: string, encoding: "utf8" | "latin1"): void {
    this.pos += this.buf.write(v, this.pos, encoding);
  }
}

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number, field: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new FeatureStateDecodeError(
        `feature state: truncated at ${field} (byte ${this.pos} of ${this.bytes.length}, ${n} more needed)`,
      );
    }
  }
  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++]!;
  }
  u16(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i32(field: string): number {
    this.need(4, field);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  finite(field: string): number {
    this.need(8, field);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    if (!Number.isFinite(v)) fail(field, "must be a finite number", v);
    return v;
  }
  nonNegative(field: string): number {
    const v = this.finite(field);
    if (v < 0) fail(field, "must be a non-negative number", v);
    return v;
  }
  /** A time in ms since the epoch: non-negative (0 for none). */
  time(field: string): number {
    return this.nonNegative(field);
  }
  count(field: string): number {
    const v = this.finite(field);
    if (!Number.isSafeInteger(v) || v < 0) fail(field, "must be a non-negative integer", v);
    return v;
  }
  f32Array(length: number, field: string): Float64Array {
    this.need(4 * length, field);
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const x = this.view.getFloat32(this.pos, true);
      this.pos += 4;
      if (!Number.isFinite(x)) fail(`${field}[${i}]`, "must be finite", x);
      out[i] = x;
    }
    return out;
  }
  /** A day list: newest first, each day a non-negative integer before the one ahead of it. */
  days(field: string): number[] {
    const n = this.u16(`${field} (count)`);
    this.need(4 * n, field);
    const out: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const d = this.view.getInt32(this.pos, true);
      this.pos += 4;
      if (d < 0) fail(`${field}[${i}]`, "must be a non-negative day", d);
      if (i > 0 && d >= out[i - 1]!) fail(`${field}[${i}]`, "must be before the day ahead of it", d);
      out[i] = d;
    }
    return out;
  }
  text(length: number, encoding: "utf8" | "latin1", field: string): string {
    this.need(length, field);
    const slice = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    const buf = Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength);
    if (encoding === "utf8" && !isUtf8(buf)) fail(field, "must be UTF-8", buf.toString("latin1"));
    return buf.toString(encoding);
  }
}
