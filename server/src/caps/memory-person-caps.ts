// The in-process stand-in for one person's cap keys in Redis, used by
// createMemoryCapStore and its merge and Forget hooks.

/** A counter key: member (`<decisionId>#<tag>`) → reserved-at ms. */
export interface Counter {
  readonly entries: Map<string, number>;
  expiresAtMs: number;
}

/** A reservation record: `<tag>|<counter suffix>` of every reservation the decision made. */
export interface Reservation {
  readonly pairs: Set<string>;
  expiresAtMs: number;
}

/** A field of the experience hash (`exp`). */
export interface Experience {
  readonly useCase: string;
  readonly offerId: string;
  readonly sku: string;
  redeemed: boolean;
}

/** The keys of one person, by suffix; Redis's rule applies: a key is gone once now > its expiry. */
export interface PersonCaps {
  readonly counters: Map<string, Counter>;
  /** By decision id. */
  readonly reservations: Map<string, Reservation>;
  readonly experiences: Map<string, Experience>;
  experiencesExpireAtMs: number;
  /** When the Redis index (`capkeys`) would expire: the latest expiry of a counter or record written. */
  indexExpiresAtMs: number;
}

/**
 * The cap part of a merge, as `mergeCaps` in the Redis merge script: `f`'s
 * counters and records are unioned into `i`'s of the same name (each keeps
 * the later expiry), experiences `i` lacks are copied (a redeemed flag on
 * either side wins). `f` must hold live keys only and is not used after.
 */
export function mergePersonCaps(i: PersonCaps, f: PersonCaps): void {
  for (const [suffix, c] of f.counters) {
    const mine = i.counters.get(suffix);
    if (mine === undefined) {
      i.counters.set(suffix, c);
      continue;
    }
    for (const [member, at] of c.entries)
      mine.entries.set(member, Math.max(mine.entries.get(member) ?? 0, at));
    mine.expiresAtMs = Math.max(mine.expiresAtMs, c.expiresAtMs);
  }
  for (const [decisionId, r] of f.reservations) {
    const mine = i.reservations.get(decisionId);
    if (mine === undefined) {
      i.reservations.set(decisionId, r);
      continue;
    }
    for (const pair of r.pairs) mine.pairs.add(pair);
    mine.expiresAtMs = Math.max(mine.expiresAtMs, r.expiresAtMs);
  }
  if (f.experiences.size > 0) {
    for (const [id, e] of f.experiences) {
      const mine = i.experiences.get(id);
      if (mine === undefined) i.experiences.set(id, e);
      else if (e.redeemed) mine.redeemed = true;
    }
    i.experiencesExpireAtMs = Math.max(i.experiencesExpireAtMs, f.experiencesExpireAtMs);
  }
  i.indexExpiresAtMs = Math.max(i.indexExpiresAtMs, f.indexExpiresAtMs);
}

/** How many Redis keys `p` stands for: live counters, reservation records, the index, the experience hash. */
export function keyCount(p: PersonCaps): number {
  return (
    p.counters.size +
    p.reservations.size +
    (p.indexExpiresAtMs > 0 ? 1 : 0) +
    (p.experiences.size > 0 ? 1 : 0)
  );
}
