import { CATEGORY_SLOTS } from "../../../core-wasm/src/layout.js";
import { ALL_CONSENT } from "../domain/consent.js";
import { LIFE_EVENT_TYPES } from "../domain/event.js";
import {
  type ComingLifeEvent,
  type LoyaltyTier,
  MAX_SIGNAL_LIFE_EVENTS,
  MAX_SIGNAL_REPLENISHMENTS,
  NO_SIGNALS,
  type PersonSignals,
  type Profile,
  type ReplenishmentDue,
} from "../domain/profile.js";

/**
 * First byte of every encoded profile: magic in the high nibble (0xA), codec
 * version in the low one. A new layout gets a new version; decoders reject
 * versions they do not know instead of misreading them.
 */
export const PROFILE_CODEC_VERSION = 0xa3;

/**
 * Byte layout, little-endian, one value per person:
 *
 * | offset | type | field |
 * |---|---|---|
 * | 0 | u8 | PROFILE_CODEC_VERSION |
 * | 1 | u8 | loyaltyTier |
 * | 2 | u8 | consent bits (the consent scripts read this byte with GETRANGE: keep it here) |
 * | 3 | u8 | category slots (CATEGORY_SLOTS) |
 * | 4 | u32 | feature count F |
 * | 8 | f64 | updatedAtMs |
 * | 16 | f32 | priceAnchor |
 * | 20 | f32 | discountSensitivity |
 * | 24 | f32 | churnRisk |
 * | 28 | u32 | events |
 * | 32 | f32[F] | vector |
 * | 32 + 4F | f32[CATEGORY_SLOTS] | categoryAffinity |
 * | S = 32 + 4F + 4·CATEGORY_SLOTS | u32 | signals.orders |
 * | S + 4 | f64 | signals.lastPurchaseMs |
 * | S + 12 | f32 | signals.sessionIntent |
 * | S + 16 | u8 | life event count L (≤ MAX_SIGNAL_LIFE_EVENTS) |
 * | S + 17 | u8 | replenishment count R (≤ MAX_SIGNAL_REPLENISHMENTS) |
 * | S + 18 | L × (u8, i32) | per life event: index into LIFE_EVENT_TYPES, nextDay |
 * | then | R × (u8 n, u8[n], i32) | per replenishment: byte length of the SKU's UTF-8, the bytes, dueDay |
 *
 * The value ends right after the last replenishment: decoders reject trailing
 * bytes. The user id is the key, not part of the value. Scalars are f32 like
 * every number the kernel reads, so a decoded scalar equals `Math.fround` of
 * the encoded one (`lastPurchaseMs` is f64 like `updatedAtMs`). Signals
 * without orders, purchase, intent or lists decode to `NO_SIGNALS` itself
 * (−0 is written as 0 for that), so Decide allocates nothing for them.
 *
 * A replenishment whose SKU is longer than 255 bytes in UTF-8 does not fit
 * its length byte and is left out of the value (the next one is not moved up
 * in its place): the rules that test it see no repeat-purchase cycle for it.
 *
 * Versions: 0xa1 had no `events` (a 28-byte header); 0xa2 added it; 0xa3
 * appended the signals block. 0xa2 values still decode, with `NO_SIGNALS`.
 */
const HEADER_BYTES = 32;

/** Bytes of the signals block before its lists: orders, lastPurchaseMs, sessionIntent and the two counts. */
const SIGNALS_FIXED_BYTES = 18;
/** Bytes of one life event in the signals block: type index and nextDay. */
const LIFE_EVENT_BYTES = 5;
/** Longest SKU, in UTF-8 bytes, the signals block can hold. */
const MAX_SIGNAL_SKU_BYTES = 255;

/** The version before `events`, named in the error that rejects it. */
const VERSION_WITHOUT_EVENTS = 0xa1;
/** The version before the signals block: still read, as a profile without signals. */
const VERSION_WITHOUT_SIGNALS = 0xa2;

const I32_MIN = -0x8000_0000;
const I32_MAX = 0x7fff_ffff;

/** Size in bytes of the scoring terms: the header, the vector and the category affinities (all of 0xa2). */
function scoringBytes(features: number): number {
  return HEADER_BYTES + 4 * (features + CATEGORY_SLOTS);
}

/**
 * Size in bytes of an encoded profile with `features` features and `signals`
 * (none by default), long SKUs left out as `encodeProfile` leaves them out.
 */
export function encodedProfileBytes(features: number, signals: PersonSignals = NO_SIGNALS): number {
  let bytes = scoringBytes(features) + SIGNALS_FIXED_BYTES + LIFE_EVENT_BYTES * signals.lifeEvents.length;
  for (const r of signals.replenishment) {
    const n = Buffer.byteLength(r.sku, "utf8");
    if (n <= MAX_SIGNAL_SKU_BYTES) bytes += 1 + n + 4;
  }
  return bytes;
}

/** A stored profile value that cannot be read: wrong version, wrong size, or corrupt fields. */
export class ProfileDecodeError extends Error {
  override readonly name = "ProfileDecodeError";
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Packs a profile into one binary value (the Redis string of the person), so
 * the hot path reads one GET-sized reply instead of a hash. Throws a
 * `RangeError` naming the field when the profile cannot be represented.
 */
export function encodeProfile(p: Profile): Buffer {
  const features = p.vector.length;
  if (p.categoryAffinity.length !== CATEGORY_SLOTS) {
    throw new RangeError(
      `profile ${JSON.stringify(p.userId)}: categoryAffinity has ${p.categoryAffinity.length} values, expected ${CATEGORY_SLOTS}`,
    );
  }
  if (!Number.isInteger(p.loyaltyTier) || p.loyaltyTier < 0 || p.loyaltyTier > 3) {
    throw new RangeError(
      `profile ${JSON.stringify(p.userId)}: loyaltyTier must be 0..3, got ${p.loyaltyTier}`,
    );
  }
  if (!Number.isInteger(p.consent) || p.consent < 0 || (p.consent & ~ALL_CONSENT) !== 0) {
    throw new RangeError(
      `profile ${JSON.stringify(p.userId)}: consent must be a combination of Consent bits, got ${p.consent}`,
    );
  }
  for (const key of ["updatedAtMs", "priceAnchor", "discountSensitivity", "churnRisk"] as const) {
    if (!Number.isFinite(p[key])) {
      throw new RangeError(`profile ${JSON.stringify(p.userId)}: ${key} must be finite, got ${p[key]}`);
    }
  }
  if (!Number.isInteger(p.events) || p.events < 0 || p.events > 0xffff_ffff) {
    throw new RangeError(
      `profile ${JSON.stringify(p.userId)}: events must be an integer in 0..4294967295, got ${p.events}`,
    );
  }
  for (const key of ["vector", "categoryAffinity"] as const) {
    const at = p[key].findIndex((v) => !Number.isFinite(v));
    if (at >= 0) {
      throw new RangeError(
        `profile ${JSON.stringify(p.userId)}: ${key}[${at}] must be finite, got ${p[key][at]}`,
      );
    }
  }
  checkSignals(p.userId, p.signals);
  const buf = Buffer.allocUnsafe(encodedProfileBytes(features, p.signals));
  buf[0] = PROFILE_CODEC_VERSION;
  buf[1] = p.loyaltyTier;
  buf[2] = p.consent;
  buf[3] = CATEGORY_SLOTS;
  buf.writeUInt32LE(features, 4);
  buf.writeDoubleLE(p.updatedAtMs, 8);
  buf.writeFloatLE(p.priceAnchor, 16);
  buf.writeFloatLE(p.discountSensitivity, 20);
  buf.writeFloatLE(p.churnRisk, 24);
  buf.writeUInt32LE(p.events, 28);
  writeF32s(buf, HEADER_BYTES, p.vector);
  writeF32s(buf, HEADER_BYTES + 4 * features, p.categoryAffinity);
  writeSignals(buf, scoringBytes(features), p.signals);
  return buf;
}

/** Throws a `RangeError` naming the first field of `signals` the signals block cannot hold. */
function checkSignals(userId: string, signals: PersonSignals): void {
  const bad = (field: string, problem: string): RangeError =>
    new RangeError(`profile ${JSON.stringify(userId)}: signals.${field} ${problem}`);
  const { orders, lastPurchaseMs, sessionIntent, lifeEvents, replenishment } = signals;
  if (!Number.isInteger(orders) || orders < 0 || orders > 0xffff_ffff) {
    throw bad("orders", `must be an integer in 0..4294967295, got ${orders}`);
  }
  if (!Number.isFinite(lastPurchaseMs)) throw bad("lastPurchaseMs", `must be finite, got ${lastPurchaseMs}`);
  if (!(sessionIntent >= 0 && sessionIntent <= 1)) {
    throw bad("sessionIntent", `must be in [0, 1], got ${sessionIntent}`);
  }
  if (lifeEvents.length > MAX_SIGNAL_LIFE_EVENTS) {
    throw bad("lifeEvents", `has ${lifeEvents.length} entries, at most ${MAX_SIGNAL_LIFE_EVENTS} fit`);
  }
  if (replenishment.length > MAX_SIGNAL_REPLENISHMENTS) {
    throw bad(
      "replenishment",
      `has ${replenishment.length} entries, at most ${MAX_SIGNAL_REPLENISHMENTS} fit`,
    );
  }
  lifeEvents.forEach((e, i) => {
    if (!LIFE_EVENT_TYPES.includes(e.type)) {
      throw bad(
        `lifeEvents[${i}].type`,
        `must be one of ${LIFE_EVENT_TYPES.join(", ")}, got ${JSON.stringify(e.type)}`,
      );
    }
    checkDay(bad, `lifeEvents[${i}].nextDay`, e.nextDay);
  });
  replenishment.forEach((r, i) => {
    if (typeof r.sku !== "string" || LONE_SURROGATE.test(r.sku)) {
      throw bad(
        `replenishment[${i}].sku`,
        `must be a well-formed Unicode string, got ${JSON.stringify(r.sku)}`,
      );
    }
    checkDay(bad, `replenishment[${i}].dueDay`, r.dueDay);
  });
}

// UTF-8 cannot carry a lone surrogate: it would come back as U+FFFD, another SKU.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkDay(bad: (field: string, problem: string) => RangeError, field: string, day: number): void {
  if (!Number.isInteger(day) || day < I32_MIN || day > I32_MAX) {
    throw bad(field, `must be an integer day in ${I32_MIN}..${I32_MAX}, got ${day}`);
  }
}

/** Writes the signals block at `offset`; `buf` ends exactly where the block does. */
function writeSignals(buf: Buffer, offset: number, signals: PersonSignals): void {
  buf.writeUInt32LE(signals.orders, offset);
  // + 0 turns −0 into 0, so an empty block decodes to NO_SIGNALS itself.
  buf.writeDoubleLE(signals.lastPurchaseMs + 0, offset + 4);
  buf.writeFloatLE(signals.sessionIntent + 0, offset + 12);
  buf[offset + 16] = signals.lifeEvents.length;
  let at = offset + SIGNALS_FIXED_BYTES;
  for (const e of signals.lifeEvents) {
    buf[at] = LIFE_EVENT_TYPES.indexOf(e.type);
    buf.writeInt32LE(e.nextDay, at + 1);
    at += LIFE_EVENT_BYTES;
  }
  let written = 0;
  for (const r of signals.replenishment) {
    const n = Buffer.byteLength(r.sku, "utf8");
    if (n > MAX_SIGNAL_SKU_BYTES) continue; // left out, see the layout
    buf[at] = n;
    buf.write(r.sku, at + 1, n, "utf8");
    buf.writeInt32LE(r.dueDay, at + 1 + n);
    at += 1 + n + 4;
    written++;
  }
  buf[offset + 17] = written;
}

/**
 * Unpacks a value written by `encodeProfile` (0xa3, or 0xa2 with `NO_SIGNALS`).
 * `features` is the server's feature count: a profile of another model shape
 * is rejected rather than scored against the wrong weights. The returned
 * arrays are copies and never alias `buf`; a profile without signals shares
 * the frozen `NO_SIGNALS`. Throws `ProfileDecodeError` with a message naming
 * the user and the field.
 */
export function decodeProfile(userId: string, buf: Uint8Array, features: number): Profile {
  const who = JSON.stringify(userId);
  if (buf.length < HEADER_BYTES) {
    throw new ProfileDecodeError(
      `profile ${who}: truncated value of ${buf.length} bytes, shorter than the ${HEADER_BYTES}-byte header`,
    );
  }
  const version = buf[0]!;
  if (version === VERSION_WITHOUT_EVENTS) {
    throw new ProfileDecodeError(
      `profile ${who}: codec version 0x${hex(version)} predates the events count, expected 0x${hex(PROFILE_CODEC_VERSION)}; write the profile again (seed or event consumer)`,
    );
  }
  if (version !== PROFILE_CODEC_VERSION && version !== VERSION_WITHOUT_SIGNALS) {
    throw new ProfileDecodeError(
      `profile ${who}: unsupported codec version 0x${hex(version)}, expected 0x${hex(PROFILE_CODEC_VERSION)}`,
    );
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const slots = buf[3]!;
  if (slots !== CATEGORY_SLOTS) {
    throw new ProfileDecodeError(
      `profile ${who}: has ${slots} category slots, the server has ${CATEGORY_SLOTS}`,
    );
  }
  const stored = view.getUint32(4, true);
  if (stored !== features) {
    throw new ProfileDecodeError(
      `profile ${who}: has ${stored} features, the server expects ${features} (option features)`,
    );
  }
  const scoring = scoringBytes(features);
  if (version === VERSION_WITHOUT_SIGNALS ? buf.length !== scoring : buf.length < scoring) {
    const expected =
      version === VERSION_WITHOUT_SIGNALS ? `${scoring}` : `at least ${scoring + SIGNALS_FIXED_BYTES}`;
    throw new ProfileDecodeError(
      `profile ${who}: value is ${buf.length} bytes, expected ${expected} for ${features} features`,
    );
  }
  const loyaltyTier = buf[1]!;
  if (loyaltyTier > 3) {
    throw new ProfileDecodeError(`profile ${who}: loyaltyTier ${loyaltyTier} is out of range 0..3`);
  }
  const consent = buf[2]!;
  if ((consent & ~ALL_CONSENT) !== 0) {
    throw new ProfileDecodeError(`profile ${who}: consent 0x${hex(consent)} has unknown bits`);
  }
  const signals = version === VERSION_WITHOUT_SIGNALS ? NO_SIGNALS : readSignals(who, buf, view, scoring);
  // One copy into one ArrayBuffer for both vectors: every ArrayBuffer allocated
  // per request lengthens the next scavenge (bench:decide p99).
  const floats = readF32s(buf, view, HEADER_BYTES, features + CATEGORY_SLOTS);
  return {
    userId,
    vector: floats.subarray(0, features),
    categoryAffinity: floats.subarray(features),
    priceAnchor: view.getFloat32(16, true),
    discountSensitivity: view.getFloat32(20, true),
    churnRisk: view.getFloat32(24, true),
    loyaltyTier: loyaltyTier as LoyaltyTier,
    events: view.getUint32(28, true),
    consent,
    signals,
    updatedAtMs: view.getFloat64(8, true),
  };
}

// fatal: a SKU that is not UTF-8 is corrupt, not something to patch with U+FFFD;
// ignoreBOM: a SKU may start with U+FEFF, which must not be stripped.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The fixed fields of the signals block and the offset each ends at, for naming a truncated one. */
const SIGNALS_FIXED_FIELDS: readonly (readonly [string, number])[] = [
  ["orders", 4],
  ["lastPurchaseMs", 12],
  ["sessionIntent", 16],
  ["lifeEventCount", 17],
  ["replenishmentCount", 18],
];

/**
 * Reads the signals block at `offset` (where the scoring terms end); the block
 * must end where `buf` does. Nothing is allocated for a person without
 * signals: that is every person the consumer has seen no purchase, session or
 * life event of, and every 0xa2 value.
 */
function readSignals(who: string, buf: Uint8Array, view: DataView, offset: number): PersonSignals {
  if (buf.length < offset + SIGNALS_FIXED_BYTES) {
    const [field] = SIGNALS_FIXED_FIELDS.find(([, ends]) => offset + ends > buf.length)!;
    throw truncatedSignal(who, field, buf.length);
  }
  const orders = view.getUint32(offset, true);
  const lastPurchaseMs = view.getFloat64(offset + 4, true);
  const sessionIntent = view.getFloat32(offset + 12, true);
  const lifeCount = buf[offset + 16]!;
  const replenishmentCount = buf[offset + 17]!;
  if (
    orders === 0 &&
    lastPurchaseMs === 0 &&
    sessionIntent === 0 &&
    lifeCount === 0 &&
    replenishmentCount === 0 &&
    buf.length === offset + SIGNALS_FIXED_BYTES
  ) {
    return NO_SIGNALS;
  }
  if (!Number.isFinite(lastPurchaseMs))
    throw badSignal(who, "lastPurchaseMs", `${lastPurchaseMs} is not finite`);
  if (!(sessionIntent >= 0 && sessionIntent <= 1)) {
    throw badSignal(who, "sessionIntent", `${sessionIntent} is out of range [0, 1]`);
  }
  if (lifeCount > MAX_SIGNAL_LIFE_EVENTS) {
    throw badSignal(who, "lifeEventCount", `${lifeCount} exceeds the maximum of ${MAX_SIGNAL_LIFE_EVENTS}`);
  }
  if (replenishmentCount > MAX_SIGNAL_REPLENISHMENTS) {
    throw badSignal(
      who,
      "replenishmentCount",
      `${replenishmentCount} exceeds the maximum of ${MAX_SIGNAL_REPLENISHMENTS}`,
    );
  }
  let at = offset + SIGNALS_FIXED_BYTES;
  let lifeEvents: readonly ComingLifeEvent[] = NO_SIGNALS.lifeEvents;
  if (lifeCount > 0) {
    const list: ComingLifeEvent[] = new Array(lifeCount);
    for (let i = 0; i < lifeCount; i++, at += LIFE_EVENT_BYTES) {
      if (at + LIFE_EVENT_BYTES > buf.length) throw truncatedSignal(who, `lifeEvents[${i}]`, buf.length);
      const type = LIFE_EVENT_TYPES[buf[at]!];
      if (type === undefined) {
        throw badSignal(
          who,
          `lifeEvents[${i}].type`,
          `index ${buf[at]} is not one of 0..${LIFE_EVENT_TYPES.length - 1}`,
        );
      }
      list[i] = { type, nextDay: view.getInt32(at + 1, true) };
    }
    lifeEvents = list;
  }
  let replenishment: readonly ReplenishmentDue[] = NO_SIGNALS.replenishment;
  if (replenishmentCount > 0) {
    const list: ReplenishmentDue[] = new Array(replenishmentCount);
    for (let i = 0; i < replenishmentCount; i++) {
      if (at >= buf.length || at + 1 + buf[at]! > buf.length) {
        throw truncatedSignal(who, `replenishment[${i}].sku`, buf.length);
      }
      const n = buf[at]!;
      let sku: string;
      try {
        sku = UTF8.decode(buf.subarray(at + 1, at + 1 + n));
      } catch {
        throw badSignal(who, `replenishment[${i}].sku`, "is not valid UTF-8");
      }
      at += 1 + n;
      if (at + 4 > buf.length) throw truncatedSignal(who, `replenishment[${i}].dueDay`, buf.length);
      list[i] = { sku, dueDay: view.getInt32(at, true) };
      at += 4;
    }
    replenishment = list;
  }
  if (at !== buf.length) {
    throw new ProfileDecodeError(
      `profile ${who}: value is ${buf.length} bytes, but its signals block ends at byte ${at}`,
    );
  }
  return { orders, lastPurchaseMs, sessionIntent, lifeEvents, replenishment };
}

function badSignal(who: string, field: string, problem: string): ProfileDecodeError {
  return new ProfileDecodeError(`profile ${who}: signals.${field} ${problem}`);
}

function truncatedSignal(who: string, field: string, length: number): ProfileDecodeError {
  return badSignal(who, field, `is truncated: the value ends at byte ${length}`);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}

function writeF32s(buf: Buffer, offset: number, values: Float32Array): void {
  if (LITTLE_ENDIAN) {
    buf.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return;
  }
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i]!, offset + 4 * i);
}

function readF32s(buf: Uint8Array, view: DataView, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(buf.subarray(offset, offset + 4 * count));
    return out;
  }
  // Big-endian hosts only.
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, true);
  return out;
}

/**
 * Throws a `RangeError` when `p.vector` does not have `features` values. Stores
 * call it before writing, so a profile of another model shape is never stored.
 */
export function assertProfileFeatures(p: Profile, features: number): void {
  if (p.vector.length !== features) {
    throw new RangeError(
      `profile ${JSON.stringify(p.userId)}: vector has ${p.vector.length} values, expected ${features} (option features)`,
    );
  }
}
