import type { TriggerKind } from "./trigger-config.js";

/** A SKU a timer keeps, with when it was last touched: a timer's SKUs are kept most recent first. */
export interface TimerSku {
  readonly sku: string;
  readonly atMs: number;
}

/**
 * Sets (creates or changes) one of a person's timers. A timer's SKUs
 * accumulate across event batches, so a change says what to add and remove
 * rather than the whole set; the store merges.
 */
export interface TimerSet {
  readonly kind: TriggerKind;
  readonly op: "set";
  /** When it fires, ms since the epoch. */
  readonly dueMs: number;
  /**
   * "later": keep the later of the live timer's due time and `dueMs` (timers
   * driven by single events: applying batches in any order, or twice, ends the
   * same); "replace": `dueMs` (timers computed from the whole feature state).
   */
  readonly due: "later" | "replace";
  /** Added, or their time raised to `atMs` when later. */
  readonly addSkus: readonly TimerSku[];
  /** Removed (after `replaceSkus`, before `addSkus`). */
  readonly removeSkus: readonly string[];
  /** Drops every SKU kept before this change. */
  readonly replaceSkus: boolean;
  /** SKUs kept after the change: the most recently touched. */
  readonly maxSkus: number;
  /** When no SKU is left after the change, the timer is cancelled instead (a cart emptied). */
  readonly cancelWhenEmpty: boolean;
  /** The change is skipped while the person has a live timer of this kind (browse while a cart waits). */
  readonly unlessLive: TriggerKind | null;
}

/** Cancels a person's timer of one kind (nothing when there is none). */
export interface TimerCancel {
  readonly kind: TriggerKind;
  readonly op: "cancel";
}

/** One change to one of a person's timers; a person's changes are applied in order, atomically. */
export type TimerChange = TimerSet | TimerCancel;

/** A timer waiting to fire. */
export interface LiveTimer {
  readonly kind: TriggerKind;
  readonly dueMs: number;
  /** Most recently touched first. */
  readonly skus: readonly string[];
}

/** A timer that fired: an entry of the fired stream, delivered to one consumer at a time. */
export interface FiredTrigger {
  /** The stream entry id (what `ack` takes). */
  readonly entryId: string;
  /** `<kind>:<personId>:<dueMs>`: the same for every delivery of this firing. */
  readonly triggerId: string;
  readonly kind: TriggerKind;
  readonly personId: string;
  readonly dueMs: number;
  /** The timer's SKUs when it fired, most recently touched first. */
  readonly skus: readonly string[];
  /** How many times the entry was delivered, this delivery included. */
  readonly deliveries: number;
}

/** What `claimStale` took over. */
export interface ClaimResult {
  /** Entries pending longer than the idle time, now this consumer's. */
  readonly claimed: readonly FiredTrigger[];
  /** Entries delivered more than `maxDeliveries` times: moved to the dead-letter stream and acknowledged. */
  readonly deadLettered: readonly FiredTrigger[];
}

/**
 * Per-person timers shared by every server instance, and the stream their
 * firings go to. A timer is (kind, person): at most one of each kind per
 * person. `popDue` moves due timers to the fired stream atomically, so each
 * firing is taken by exactly one poller; the stream's consumer group then
 * gives at-least-once processing (read, claim after a crash, ack).
 */
export interface TimerStore {
  readonly kind: "redis" | "memory";
  /** Applies one person's changes in order, atomically. */
  apply(personId: string, changes: readonly TimerChange[]): Promise<void>;
  /** The person's live timers (tests, inspection). */
  timersOf(personId: string): Promise<LiveTimer[]>;
  /**
   * Takes up to `max` timers due at `nowMs` (soonest first) off the schedule
   * and appends each to the fired stream, atomically; returns how many.
   */
  popDue(nowMs: number, max: number): Promise<number>;
  /** Fired entries never delivered before, now pending for `consumer`. */
  readFired(consumer: string, max: number): Promise<FiredTrigger[]>;
  /**
   * Takes over entries pending (unacknowledged) for at least `minIdleMs`;
   * those delivered more than `maxDeliveries` times are dead-lettered instead.
   */
  claimStale(consumer: string, minIdleMs: number, max: number, maxDeliveries: number): Promise<ClaimResult>;
  /** Acknowledges processed entries (and drops them from the stream). */
  ack(entryIds: readonly string[]): Promise<void>;
  /** Drops every timer of the person (Forget); returns how many. */
  forgetPerson(personId: string): Promise<number>;
  /** Fired entries not acknowledged yet (delivered or not). */
  backlog(): Promise<number>;
}
