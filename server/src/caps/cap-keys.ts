/**
 * The suffixes of the cap store's per-person keys, after the person's
 * `{u:<personId>}:` tag (see `server/src/profile/README.md`). The Redis cap
 * store and the person store's merge and Forget scripts build key names from
 * them. No suffix contains `}` (rule ids, scopes and decision ids are checked
 * not to), so two people can never share a key; `counter` and `reservation`
 * are followed by names, and no other per-person suffix starts with them.
 */
export const CAP_KEY_SUFFIXES = Object.freeze({
  /** Sorted set: member = suffix of a counter or reservation key, score = when that key expires (ms). */
  index: "capkeys",
  /** Hash: experience id → `useCase\tofferId\tsku\t0|1` (redeemed flag). */
  experiences: "exp",
  /** Sorted set per counter, `cap:<ruleId>:<scope>`: member = reservation, score = reserved-at ms. */
  counter: "cap:",
  /** Set per decision, `resv:<decisionId>`: `<tag>|<counter suffix>` of every reservation it made. */
  reservation: "resv:",
} as const);

/** The tag of a decision-level reservation; item reservations are tagged with the item's index. */
export const DECISION_TAG = "d";

/** Suffix of a counter's key: `cap:<ruleId>:<scope>`. */
export function counterSuffix(ruleId: string, scope: string): string {
  return `${CAP_KEY_SUFFIXES.counter}${ruleId}:${scope}`;
}

/** Suffix of a decision's reservation record: `resv:<decisionId>`. */
export function reservationSuffix(decisionId: string): string {
  return `${CAP_KEY_SUFFIXES.reservation}${decisionId}`;
}

/**
 * The member a reservation adds to a counter: `<decisionId>#<tag>`, unique
 * per decision and item (the tag is `d` or a decimal index, and has no `#`).
 */
export function reservationMember(decisionId: string, tag: string): string {
  return `${decisionId}#${tag}`;
}

/** The prefix every key of one person starts with: `<keyPrefix>{u:<personId>}:`. */
export function personKeyBase(keyPrefix: string, personId: string): string {
  return `${keyPrefix}{u:${personId}}:`;
}
