import type { PersonStateRead } from "../domain/stores.js";
import { decodeFeatureState, type FeatureState, featureStateFromProfile } from "./features/feature-state.js";
import { decodeProfile } from "./profile-codec.js";

/**
 * The feature state a person read stands for: the stored state; else, for a
 * profile loaded in bulk, that profile as the prior; else null (nothing known,
 * or a bulk profile that does not decode and is replaced by what events say).
 * A stored state that does not decode throws `FeatureStateDecodeError`.
 */
export function featureStateOf(
  read: Pick<PersonStateRead, "personId" | "state" | "profile">,
  features: number,
): FeatureState | null {
  if (read.state !== null) return decodeFeatureState(read.state, features);
  if (read.profile === null) return null;
  try {
    return featureStateFromProfile(decodeProfile(read.personId, read.profile, features));
  } catch {
    return null;
  }
}
