/**
 * One decision as measurement reads it: who got what under which policy, and
 * whether they were held out. Written for every decision, personalised or not,
 * so treatment and control can be compared. Kept lean — arrays, no per-item
 * objects — because it is built and serialised on every decision
 * (bench:decide profiles showed the first, per-item form at a fifth of the
 * policy stages' cost).
 */
export interface DecisionRecord {
  readonly decisionId: string;
  /** When it was decided, ms since the epoch. */
  readonly atMs: number;
  /** The resolved person. */
  readonly personId: string;
  readonly useCase: string;
  readonly channel: number;
  /** Treatment number (proto enum). */
  readonly treatment: number;
  /** "global", "use_case" or "" when not held out. */
  readonly holdout: string;
  readonly policyVersion: string;
  readonly catalogVersion: string;
  readonly suppression: number;
  readonly suppressionRuleId: string;
  readonly degradations: readonly number[];
  /** The items decided, best first. */
  readonly skus: readonly string[];
  /**
   * The offers given, as `[rank, offerId, experienceId]`; undefined (absent from
   * the JSON) when none was.
   * Experience ids are logged only for offers: they are what `Redeem` closes,
   * and an item's id without an offer is `experienceId(person, useCase, "", sku)`.
   */
  readonly offers?: readonly (readonly [number, string, string])[] | undefined;
  /** With explain: `[sku, reason, ruleId]` of each excluded candidate; undefined otherwise. */
  readonly excluded?: readonly (readonly [string, number, string])[] | undefined;
}

/** Counters a test or a metrics endpoint can read. */
export interface DecisionLogStats {
  /** Records handed to the log. */
  appended: number;
  /** Records written to the store. */
  written: number;
  /** Records dropped because the buffer was full (records waiting for a retry count against it) or were unwritten at close. */
  dropped: number;
}

/**
 * The decision log: a bounded stream measurement can read. `append` never
 * blocks or fails a decision: records are buffered and written in batches, and
 * when the store cannot keep up they are dropped and counted, because a
 * decision must not wait for its own audit trail. A failed write is retried.
 */
export interface DecisionLog {
  append(record: DecisionRecord): void;
  /** Writes what is buffered now. */
  flush(): Promise<void>;
  readonly stats: Readonly<DecisionLogStats>;
  close(): Promise<void>;
}
