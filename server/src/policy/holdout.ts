import { hash } from "node:crypto";
import type { Policy, UseCase } from "./policy.js";

/** Which holdout group a person is in for one use case, if any. */
export type HoldoutGroup = "global" | "use_case" | null;

/**
 * The person's position in [0, 1) for one holdout scope: the first 48 bits of
 * SHA-256(salt, scope, personId). Deterministic, so every instance and every
 * request agree without storing anything, and uniform, so a share s holds out
 * s of the persons (test/policy/holdout.test.ts measures it over 100k ids).
 */
export function holdoutPosition(salt: string, scope: string, personId: string): number {
  const hex = hash("sha256", `${salt}\0${scope}\0${personId}`, "hex");
  return Number.parseInt(hex.slice(0, 12), 16) / 2 ** 48;
}

/**
 * The holdout group of the resolved person (`PersonState.personId`) for a use
 * case: the global holdout first, then the use case's own, drawn independently.
 * Hashing the resolved person, not the id in the request, is what keeps a
 * person's group when an anonymous id is stitched to them: every linked id
 * resolves to the same person and so to the same group. When two known
 * persons merge, the merged person keeps the group of the survivor (the
 * smaller person id, see identity-resolver.ts).
 */
export function holdoutGroup(policy: Policy, useCase: UseCase | undefined, personId: string): HoldoutGroup {
  // Order updates and service messages are owed to everyone, not an experiment.
  if (useCase?.transactional === true) return null;
  if (policy.holdoutShare > 0 && holdoutPosition(policy.holdoutSalt, "", personId) < policy.holdoutShare) {
    return "global";
  }
  if (
    useCase !== undefined &&
    useCase.holdoutShare > 0 &&
    holdoutPosition(policy.holdoutSalt, useCase.id, personId) < useCase.holdoutShare
  ) {
    return "use_case";
  }
  return null;
}
