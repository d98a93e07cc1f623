import { createHash } from "node:crypto";

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
 * `x1` names the recipe; 128 bits of SHA-256, base64url (26 characters in all).
 */
export function experienceId(
  personId: string,
  useCase: string,
  offerId: string,
  sku: string,
  validFromMs: number,
  validUntilMs: number,
): string {
  const h = createHash("sha256")
    .update(personId)
    .update("\0")
    .update(useCase)
    .update("\0")
    .update(offerId)
    .update("\0")
    .update(sku)
    .update("\0")
    .update(windowBound(validFromMs))
    .update("\0")
    .update(windowBound(validUntilMs))
    .digest();
  return `x1${h.subarray(0, 16).toString("base64url")}`;
}

function windowBound(ms: number): string {
  return Number.isFinite(ms) ? String(ms) : ms > 0 ? "+" : "-";
}
