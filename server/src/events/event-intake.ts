import type { PersonEvent } from "../domain/event.js";
import type { PersonStateStore } from "../domain/stores.js";
import { DecisionError } from "../errors/index.js";
import type { IdentifierHasher } from "../identity/identifier-hasher.js";
import type { EventLog } from "./event-log.js";
import { applyConsentUpdate, encodeLoggedEvent } from "./logged-event.js";

/** Options of `createEventIntake`. */
export interface EventIntakeOptions {
  readonly log: EventLog;
  readonly people: PersonStateStore;
  readonly hasher: IdentifierHasher;
  /**
   * Accepted events not yet applied beyond which Track refuses more with
   * RESOURCE_EXHAUSTED, so a stalled consumer slows callers down instead of
   * growing the log without bound. @see ServerOptions.maxEventBacklog
   */
  readonly maxBacklog: number;
  /** How long a backlog reading is reused, in ms. @default 100 */
  readonly backlogCacheMs?: number;
}

/** What Track does with valid events. */
export interface EventIntake {
  /**
   * Appends the events to the log and resolves once they are durable; consent
   * updates are also applied before it resolves, so the next Decide obeys them.
   * Rejects with RESOURCE_EXHAUSTED when the backlog is over its limit.
   */
  accept(events: readonly PersonEvent[]): Promise<void>;
  readonly stats: { accepted: number; refusedBacklog: number };
}

export function createEventIntake(options: EventIntakeOptions): EventIntake {
  const { log, people, hasher, maxBacklog } = options;
  const cacheMs = options.backlogCacheMs ?? 100;
  let backlog = 0;
  let readAt = -Infinity;
  let reading: Promise<void> | null = null;
  const stats = { accepted: 0, refusedBacklog: 0 };

  const refreshBacklog = (): Promise<void> => {
    reading ??= log
      .backlog()
      .then((b) => {
        backlog = b.undelivered + b.pending;
        readAt = performance.now();
      })
      .finally(() => {
        reading = null;
      });
    return reading;
  };

  return {
    stats,
    async accept(events) {
      if (events.length === 0) return;
      if (performance.now() - readAt > cacheMs) {
        try {
          await refreshBacklog();
        } catch (error) {
          throw new DecisionError("UNAVAILABLE", "events: the event log is unavailable; retry", {
            cause: error,
          });
        }
      }
      if (backlog + events.length > maxBacklog) {
        stats.refusedBacklog += events.length;
        throw new DecisionError(
          "OVERLOADED",
          `events: ${backlog} accepted events are waiting to be applied, over the limit of ${maxBacklog} (option maxEventBacklog); retry later`,
        );
      }
      try {
        await log.append(events.map((e) => ({ userId: e.userId, data: encodeLoggedEvent(e) })));
      } catch (error) {
        // Part of a batch may be in the log already: resending all of it is safe,
        // the consumer applies each event id once.
        throw new DecisionError(
          "UNAVAILABLE",
          "events: the event log is unavailable, so the batch may not have been accepted; resend it (event ids make that safe)",
          { cause: error },
        );
      }
      backlog += events.length;
      const consent = events.filter((e) => e.kind === "consent_update");
      if (consent.length > 0) {
        await Promise.all(consent.map((e) => applyConsentUpdate(people, e, hasher.tombstone(e.userId))));
      }
      stats.accepted += events.length;
    },
  };
}
