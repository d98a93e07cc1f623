import { randomBytes } from "node:crypto";
import type { Metadata } from "@grpc/grpc-js";

/** The metadata key a caller may send its own request id in, and the one the server answers it in. */
export const REQUEST_ID_HEADER = "x-request-id";

/** Printable ASCII (space to tilde), 1 to 128 characters: anything else is ignored and replaced. */
const SANE = /^[\x20-\x7e]{1,128}$/;

/**
 * The request id of a call: the caller's `x-request-id` when it is sane
 * (printable ASCII, at most 128 characters), else `next()`.
 *
 * Decide's `request_id` field is deliberately not used as a fallback: it is
 * an idempotency key, the same on every retry of one decision, while a
 * request id names one call, so two retries must not share a log line's id.
 * Reading it would also mean decoding the request outside the handler.
 */
export function requestIdOf(metadata: Metadata, next: () => string): string {
  const given = metadata.get(REQUEST_ID_HEADER)[0];
  return typeof given === "string" && SANE.test(given) ? given : next();
}

/**
 * Generates request ids unique across processes without per-call entropy: a
 * random per-source prefix (48 bits, base64url) and a counter in base 36,
 * `k3Jq_a9Z-1f`. One string concatenation a call; `randomUUID()` per call
 * costs more and buys nothing here.
 */
export function createRequestIdSource(): () => string {
  const prefix = `${randomBytes(6).toString("base64url")}-`;
  let n = 0;
  return () => prefix + (n++).toString(36);
}
