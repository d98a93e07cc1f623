import { hash } from "node:crypto";
import { type Murmur3Digest, Murmur3Prefix } from "../runtime/murmur3.js";

/**
 * The cross-channel id of one experience: the same person getting the same
 * offer on the same item for the same use case within the offer's validity
 * window gets the same id in every channel, so email and app show one
 * experience, delivery can dedupe on it, and `Redeem` can close it.
 *
 * The channel is deliberately not an input. The validity window is: a new
 * window of a recurring offer is a new experience. Items without an offer use
 * offer "" and an open window, so an item keeps one id per person and use case.
 *
 * Recipe `x2`, 24 characters in all:
 * - key = the first 16 bytes of SHA-256 over person, use case, offer and the
 *   window's two bounds, NUL-separated, UTF-8;
 * - id = `x2` + base64url of MurmurHash3 x86_128 (seed 0) over key ++ the
 *   SKU's UTF-8 bytes.
 *
 * The SHA-256 is made once per person, use case and offer, and the per-SKU
 * part stays in JS: a decision's 20 ids cost one `crypto.hash` call instead of
 * 20. Recipe `x1` (SHA-256 over all six inputs, per SKU) was the largest
 * single cost of a plain re-rank on the server thread (7.8 % of its busy
 * samples at Decide's maximum, 2026-12-07), most of it the call into C++.
 * MurmurHash3 is not collision-resistant against chosen inputs; the inputs
 * here are the retailer's SKUs behind a key derived per person, and 128 bits
 * leave accidental collisions out of reach. An id is an address, not a
 * secret: Redeem checks the person it names.
 *
 * Ids of both recipes stay valid where they were stored (Redeem looks the id
 * up as given). A decision made across an upgrade from `x1` names the same
 * experience with a new id, so delivery's dedupe window restarts once for it.
 */
export function experienceId(
  personId: string,
  useCase: string,
  offerId: string,
  sku: string,
  validFromMs: number,
  validUntilMs: number,
): string {
  return experienceIdsFor(personId, useCase, offerId, validFromMs, validUntilMs)(sku);
}

/**
 * `experienceId` for many SKUs sharing the other inputs (the items of one
 * decision): the key is hashed once. Same ids.
 */
export function experienceIdsFor(
  personId: string,
  useCase: string,
  offerId: string,
  validFromMs: number,
  validUntilMs: number,
): (sku: string) => string {
  const key = hash(
    "sha256",
    `${personId}\0${useCase}\0${offerId}\0${windowBound(validFromMs)}\0${windowBound(validUntilMs)}`,
    "buffer",
  );
  const prefix = new Murmur3Prefix(key.subarray(0, 16));
  const digest: Murmur3Digest = { h1: 0, h2: 0, h3: 0, h4: 0 };
  return (sku) => idText(prefix.finishString(sku, digest));
}

function windowBound(ms: number): string {
  return Number.isFinite(ms) ? String(ms) : ms > 0 ? "+" : "-";
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const CODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const digestBytes = new Uint8Array(16);
const digestWords = new DataView(digestBytes.buffer);
/**
 * The id's character codes: `x2` and 22 base64url characters. A plain array:
 * `String.fromCharCode.apply` over a Uint16Array took 3x as long here.
 */
const idCodes: number[] = Array.from("x2".padEnd(24), (c) => c.charCodeAt(0));

/**
 * `x2` + base64url of the digest's 16 bytes (each word little-endian), built
 * as one flat string without a call out of JS; the response encoder then
 * reads it without first flattening a concatenation.
 */
function idText(d: Murmur3Digest): string {
  digestWords.setInt32(0, d.h1, true);
  digestWords.setInt32(4, d.h2, true);
  digestWords.setInt32(8, d.h3, true);
  digestWords.setInt32(12, d.h4, true);
  const b = digestBytes;
  let at = 2;
  for (let i = 0; i < 15; i += 3) {
    const triple = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    idCodes[at++] = CODE[triple >>> 18]!;
    idCodes[at++] = CODE[(triple >>> 12) & 63]!;
    idCodes[at++] = CODE[(triple >>> 6) & 63]!;
    idCodes[at++] = CODE[triple & 63]!;
  }
  idCodes[22] = CODE[b[15]! >>> 2]!;
  idCodes[23] = CODE[(b[15]! & 3) << 4]!;
  return String.fromCharCode.apply(null, idCodes);
}
