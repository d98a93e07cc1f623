/**
 * The durable log accepted events wait in until the profile consumer has
 * applied them. Redis Streams in production (`redis-event-log.ts`), an
 * in-process log for the embedded mode (`memory-event-log.ts`); both keep the
 * same contract (test/events/event-log.contract.test.ts).
 *
 * Delivery is at least once: an entry stays pending until acknowledged, a
 * consumer that dies leaves its entries pending, and `claimStale` hands them
 * to a live consumer. Applying an entry twice must be harmless (the consumer
 * deduplicates on event id).
 */
export interface EventLog {
  readonly kind: "redis" | "memory";
  /** Appends entries durably, in order; resolves once all of them are stored. */
  append(entries: readonly LogAppend[]): Promise<void>;
  /**
   * Up to `count` entries never delivered to any consumer, now pending for
   * `consumer`; waits up to `blockMs` when there are none.
   */
  read(consumer: string, count: number, blockMs: number): Promise<LogEntry[]>;
  /**
   * Entries pending for longer than `minIdleMs` (their consumer died or hangs),
   * now pending for `consumer`. Entries delivered `maxDeliveries` times already
   * come back in `poison` instead: the caller dead-letters them.
   */
  claimStale(
    consumer: string,
    minIdleMs: number,
    count: number,
    maxDeliveries: number,
  ): Promise<{ entries: LogEntry[]; poison: LogEntry[] }>;
  /** Marks entries done. */
  ack(ids: readonly string[]): Promise<void>;
  /** Moves an entry to the dead-letter log with the reason, and acknowledges it. */
  deadLetter(entry: LogEntry, reason: string): Promise<void>;
  /** Accepted but not yet applied: never delivered plus pending. */
  backlog(): Promise<{ undelivered: number; pending: number }>;
  /** Drops entries every consumer is done with; returns how many. */
  trim(): Promise<number>;
  /** Deletes every entry (live and dead-lettered) sent for one of `userIds`; returns how many. */
  deleteEntriesFor(userIds: ReadonlySet<string>): Promise<number>;
  /** The dead-lettered entries, oldest first (operators and tests). */
  deadLetters(count: number): Promise<{ entry: LogEntry; reason: string }[]>;
  close(): Promise<void>;
}

/** What `append` stores for one event. */
export interface LogAppend {
  /** The id the event was sent for, kept beside the data so Forget can find it. */
  readonly userId: string;
  /** The event, encoded (JSON of a `PersonEvent`). */
  readonly data: string;
}

/** One entry read back. */
export interface LogEntry extends LogAppend {
  /** The log's id of the entry (Redis stream id), ordered by append time. */
  readonly id: string;
}
