/** A stored feature state that cannot be read: unknown version, wrong shape or size, corrupt fields. */
export class FeatureStateDecodeError extends Error {
  override readonly name = "FeatureStateDecodeError";
}
