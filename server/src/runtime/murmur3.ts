/**
 * MurmurHash3 x86_128 (Austin Appleby's public-domain reference,
 * `MurmurHash3_x86_128`), in 32-bit integer arithmetic, split so that a common
 * prefix is absorbed once and many suffixes are finished from it.
 *
 * A `Murmur3Prefix` is the state after whole 16-byte blocks of a prefix; the
 * prefix must be a multiple of 16 bytes long. `finish` then runs the same
 * rounds over a suffix as the reference would over prefix + suffix, so
 * `murmur3x86x128(prefix ++ suffix)` and `prefix.finish(suffix)` agree
 * (test/runtime/murmur3.test.ts pins vectors from Python's `mmh3`).
 *
 * Not a cryptographic hash: it is for ids whose inputs nobody chooses to
 * collide (see policy/experience-id.ts).
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/** The hash as four 32-bit words, h1..h4; the reference's byte output is each word little-endian. */
export interface Murmur3Digest {
  h1: number;
  h2: number;
  h3: number;
  h4: number;
}

export class Murmur3Prefix {
  private h1: number;
  private h2: number;
  private h3: number;
  private h4: number;
  private readonly length: number;

  /** `prefix` (a multiple of 16 bytes) absorbed from `seed`. */
  constructor(prefix: Uint8Array, seed = 0) {
    if (prefix.length % 16 !== 0)
      throw new RangeError(`murmur3 prefix: ${prefix.length} bytes, not a multiple of 16`);
    const state = { h1: seed | 0, h2: seed | 0, h3: seed | 0, h4: seed | 0 };
    absorbBlocks(state, prefix, prefix.length);
    this.h1 = state.h1;
    this.h2 = state.h2;
    this.h3 = state.h3;
    this.h4 = state.h4;
    this.length = prefix.length;
  }

  /** The hash of prefix + `suffix`'s UTF-8 bytes, into `out`. */
  finishString(suffix: string, out: Murmur3Digest): Murmur3Digest {
    const length = utf8IntoScratch(suffix);
    return this.finish(scratch, out, length);
  }

  /** The hash of prefix + `suffix[0, length)`, into `out`. */
  finish(suffix: Uint8Array, out: Murmur3Digest, length = suffix.length): Murmur3Digest {
    out.h1 = this.h1;
    out.h2 = this.h2;
    out.h3 = this.h3;
    out.h4 = this.h4;
    const whole = length & ~15;
    if (whole > 0) absorbBlocks(out, suffix, whole);
    // The state in locals from here: this runs for every item of every decision (experience ids).
    let h1 = out.h1;
    let h2 = out.h2;
    let h3 = out.h3;
    let h4 = out.h4;
    // The last length % 16 bytes, zero-padded; a word is mixed in only when a byte of it is there.
    const rest = length - whole;
    if (rest > 12) h4 ^= mix4(partialWord(suffix, whole + 12, rest - 12));
    if (rest > 8) h3 ^= mix3(partialWord(suffix, whole + 8, rest - 8));
    if (rest > 4) h2 ^= mix2(partialWord(suffix, whole + 4, rest - 4));
    if (rest > 0) h1 ^= mix1(partialWord(suffix, whole, rest));
    const total = this.length + length;
    h1 ^= total;
    h2 ^= total;
    h3 ^= total;
    h4 ^= total;
    h1 = (h1 + h2 + h3 + h4) | 0;
    h2 = (h2 + h1) | 0;
    h3 = (h3 + h1) | 0;
    h4 = (h4 + h1) | 0;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h3 = fmix(h3);
    h4 = fmix(h4);
    h1 = (h1 + h2 + h3 + h4) | 0;
    out.h1 = h1;
    out.h2 = (h2 + h1) | 0;
    out.h3 = (h3 + h1) | 0;
    out.h4 = (h4 + h1) | 0;
    return out;
  }
}

/**
 * A suffix's UTF-8 bytes, grown on demand. One for every prefix: `finishString`
 * fills and reads it synchronously, and a decision makes a prefix per offer, so
 * a prefix of its own cost an allocation (and an encoder) each time.
 */
let scratch = new Uint8Array(64);
const encoder = new TextEncoder();

/** `s` as UTF-8 at the start of `scratch`; returns its byte length. */
function utf8IntoScratch(s: string): number {
  const n = s.length;
  if (scratch.length < 3 * n) scratch = new Uint8Array(3 * n);
  const b = scratch;
  // ASCII, the usual SKU, without a call out of JS; anything else through the encoder.
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return encoder.encodeInto(s, b).written;
    b[i] = c;
  }
  return n;
}

/** MurmurHash3 x86_128 of `bytes` with `seed`, as the reference's 16 output bytes. */
export function murmur3x86x128(bytes: Uint8Array, seed = 0): Uint8Array {
  const whole = bytes.length & ~15;
  const d = new Murmur3Prefix(bytes.subarray(0, whole), seed).finish(bytes.subarray(whole), {
    h1: 0,
    h2: 0,
    h3: 0,
    h4: 0,
  });
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setInt32(0, d.h1, true);
  view.setInt32(4, d.h2, true);
  view.setInt32(8, d.h3, true);
  view.setInt32(12, d.h4, true);
  return out;
}

/** Mixes the whole 16-byte blocks of `bytes[0, end)` into `state` (`end` a multiple of 16). */
function absorbBlocks(state: Murmur3Digest, bytes: Uint8Array, end: number): void {
  let { h1, h2, h3, h4 } = state;
  for (let i = 0; i < end; i += 16) {
    h1 ^= mix1(word(bytes, i));
    h1 = (Math.imul((rotl(h1, 19) + h2) | 0, 5) + 0x561ccd1b) | 0;
    h2 ^= mix2(word(bytes, i + 4));
    h2 = (Math.imul((rotl(h2, 17) + h3) | 0, 5) + 0x0bcaa747) | 0;
    h3 ^= mix3(word(bytes, i + 8));
    h3 = (Math.imul((rotl(h3, 15) + h4) | 0, 5) + 0x96cd1c35) | 0;
    h4 ^= mix4(word(bytes, i + 12));
    h4 = (Math.imul((rotl(h4, 13) + h1) | 0, 5) + 0x32ac3b17) | 0;
  }
  state.h1 = h1;
  state.h2 = h2;
  state.h3 = h3;
  state.h4 = h4;
}

function word(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

/** Bytes [i, i + n) (n ≤ 4) as a little-endian word, zero-padded. */
function partialWord(b: Uint8Array, i: number, n: number): number {
  let k = 0;
  for (let j = Math.min(n, 4) - 1; j >= 0; j--) k = (k << 8) | b[i + j]!;
  return k;
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

const mix1 = (k: number): number => Math.imul(rotl(Math.imul(k, C1), 15), C2);
const mix2 = (k: number): number => Math.imul(rotl(Math.imul(k, C2), 16), C3);
const mix3 = (k: number): number => Math.imul(rotl(Math.imul(k, C3), 17), C4);
const mix4 = (k: number): number => Math.imul(rotl(Math.imul(k, C4), 18), C1);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
