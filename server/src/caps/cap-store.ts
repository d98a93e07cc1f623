/** One sliding-window counter of a cap rule for one person. */
export interface CapCounter {
  /** The policy cap rule id. No `:` or `}` (it becomes part of a Redis key). */
  readonly ruleId: string;
  /** "" for a decision-level cap, else the offer id or SKU it counts. No `}`. */
  readonly scope: string;
  /** At most this many reservations in any window, >= 1. */
  readonly limit: number;
  /** Sliding window length in ms, >= 1000. */
  readonly windowMs: number;
}

/** An experience (an offer given to a person) a decision handed out, kept so `redeem` can close it. */
export interface ExperienceRecord {
  readonly experienceId: string;
  readonly useCase: string;
  /** "" for an item without an offer. */
  readonly offerId: string;
  readonly sku: string;
  /**
   * Keep the record at least until then (ms since the epoch), e.g. the end of
   * the offer's validity; `Infinity` keeps it for the store's
   * `experienceRetentionMs`. Never longer than `MAX_EXPERIENCE_RETENTION_MS`.
   */
  readonly untilMs: number;
}

/** One ranked item of a reservation: the counters it consumes and the experience it hands out. */
export interface ReservationItem {
  /** Every counter must have room, or the item is skipped; none means always granted. */
  readonly counters: readonly CapCounter[];
  /** Stored when the item is granted; null when the item is not an experience. */
  readonly experience: ExperienceRecord | null;
}

/** What one decision asks the cap store for. */
export interface ReservationRequest {
  /** The resolved person (not an id merged into another). */
  readonly personId: string;
  /** Unique per decision; `release` names it. */
  readonly decisionId: string;
  /**
   * Decision-level counters: all must have room, or nothing is reserved. They
   * are consumed once per decision, and only when at least one item is granted.
   */
  readonly decision: readonly CapCounter[];
  /** Candidate items in rank order. */
  readonly items: readonly ReservationItem[];
  /** Grant at most this many items (a non-negative integer). */
  readonly want: number;
}

/** What the cap store decided, atomically, for one `ReservationRequest`. */
export interface ReservationResult {
  /** The store's clock when it decided (Redis `TIME`), in ms since the epoch: every reservation's timestamp. */
  readonly atMs: number;
  /** The first decision-level counter that was full; then nothing was reserved. */
  readonly deniedBy: CapCounter | null;
  /** Indexes into `items` of the granted items, in order, at most `want`. */
  readonly granted: readonly number[];
  /** Items tried and skipped, each with the first of its counters that was full. */
  readonly itemDenials: readonly { readonly index: number; readonly counter: CapCounter }[];
}

/** What `redeem` found: the experience it closed, or nothing under that id. */
export type RedeemOutcome =
  | { kind: "redeemed" | "already_redeemed"; useCase: string; offerId: string; sku: string }
  | { kind: "unknown" };

/**
 * Per-person frequency caps across channels and linked identities: sliding
 * window counters reserved atomically by Decide, given back by Release, and
 * the experience records Redeem closes. Two implementations keep one contract
 * (`test/caps/cap-store.contract.test.ts`): Redis (`createRedisCapStore`) and
 * in-process (`createMemoryCapStore`).
 *
 * A reservation is made in one atomic step per decision: the decision-level
 * counters are checked first (one full: nothing is reserved); then items are
 * tried in rank order, each granted when all its counters have room, until
 * `want` are granted. Counters count the grants made earlier in the same call,
 * so two items sharing a counter of limit 1 get one grant.
 */
export interface CapStore {
  /**
   * Reserves what `req` asks for, as described on `CapStore`, and stores the
   * experience record of each granted item. Rejects with a `RangeError`
   * naming the field for a malformed request, before touching the store, and
   * with `CapStoreTimeoutError` after `timeoutMs` (no limit when omitted;
   * `<= 0` rejects at once and reserves nothing). A reservation that timed
   * out may still be applied: `release(personId, decisionId)` on the same
   * client runs after it and gives it back.
   */
  reserve(req: ReservationRequest, timeoutMs?: number): Promise<ReservationResult>;
  /**
   * Gives back every reservation of the decision; returns how many counter
   * entries were given back (0 when none, or when released before). Experience
   * records stay.
   */
  release(personId: string, decisionId: string): Promise<number>;
  /**
   * True while the decision still holds a reservation: it consumed counters,
   * and neither `release` nor the end of its longest window has given them
   * back. Delivery checks it again at send time.
   */
  isHeld(personId: string, decisionId: string): Promise<boolean>;
  /**
   * Marks the person's experience redeemed and adds `<useCase>\t<sku>` to
   * their redeemed set (which Decide reads). Reports `already_redeemed` on
   * every later call, `unknown` when no record of the id is kept.
   */
  redeem(personId: string, experienceId: string): Promise<RedeemOutcome>;
}

/** What `CapStore.reserve` rejects with when its `timeoutMs` passes before the store answers. */
export class CapStoreTimeoutError extends Error {
  override readonly name = "CapStoreTimeoutError";
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`cap store: no answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}
