import { CATEGORY_SLOTS } from "../../../core-wasm/src/layout.js";
import { ALL_CONSENT } from "../domain/consent.js";
import type { LoyaltyTier, Profile } from "../domain/profile.js";

/**
 * First byte of every encoded profile: magic in the high nibble (0xA), codec
 * version in the low one. A new layout gets a new version; decoders reject
 * versions they do not know instead of misreading them.
 */
export const PROFILE_CODEC_VERSION = 0xa2;

/**
 * Byte layout, little-endian, one value per person:
 *
 * | offset | type | field |
 * |---|---|---|
 * | 0 | u8 | PROFILE_CODEC_VERSION |
 * | 1 | u8 | loyaltyTier |
 * | 2 | u8 | consent bits |
 * | 3 | u8 | category slots (CATEGORY_SLOTS) |
 * | 4 | u32 | feature count F |
 * | 8 | f64 | updatedAtMs |
 * | 16 | f32 | priceAnchor |
 * | 20 | f32 | discountSensitivity |
 * | 24 | f32 | churnRisk |
 * | 28 | u32 | events |
 * | 32 | f32[F] | vector |
 * | 32 + 4F | f32[CATEGORY_SLOTS] | categoryAffinity |
 *
 * The user id is the key, not part of the value. Scalars are f32 like every
 * number the kernel reads, so a decoded scalar equals `Math.fround` of the
 * encoded one.
 *
 * Versions: 0xa1 had no `events` (a 28-byte header); 0xa2 added it.
 */
const HEADER_BYTES = 32;

/** The version before `events`, named in the error that rejects it. */
const VERSION_WITHOUT_EVENTS = 0xa1;

/** Size in bytes of an encoded profile with `features` features. */
export function encodedProfileBytes(features: number): number {
  return HEADER_BYTES + 4 * (features + CATEGORY_SLOTS);
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
  const buf = Buffer.allocUnsafe(encodedProfileBytes(features));
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
  return buf;
}

/**
 * Unpacks a value written by `encodeProfile`. `features` is the server's
 * feature count: a profile of another model shape is rejected rather than
 * scored against the wrong weights. The returned arrays are copies and never
 * alias `buf`. Throws `ProfileDecodeError` with a message naming the user.
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
  if (version !== PROFILE_CODEC_VERSION) {
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
  const expected = encodedProfileBytes(features);
  if (buf.length !== expected) {
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
    updatedAtMs: view.getFloat64(8, true),
  };
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
