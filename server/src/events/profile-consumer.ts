import type { PersonEvent } from "../domain/event.js";
import type { PersonStateCommit, PersonStateStore } from "../domain/stores.js";
import type { IdentifierHasher } from "../identity/identifier-hasher.js";
import type { IdentityResolver } from "../identity/identity-resolver.js";
import type { Logger } from "../log.js";
import { featureStateOf } from "../profile/feature-state-of.js";
import type { ItemLookup } from "../profile/features/apply-event.js";
import { applyEvent } from "../profile/features/apply-event.js";
import { deriveProfile } from "../profile/features/derive.js";
import type { FeatureConfig } from "../profile/features/feature-config.js";
import {
  emptyFeatureState,
  encodeFeatureState,
  type FeatureState,
} from "../profile/features/feature-state.js";
import { encodeProfile } from "../profile/profile-codec.js";
import type { EventLog, LogEntry } from "./event-log.js";
import { applyConsentUpdate, decodeLoggedEvent, LoggedEventError } from "./logged-event.js";

/** Options of `createProfileConsumer`. */
export interface ProfileConsumerOptions {
  readonly log: EventLog;
  readonly people: PersonStateStore;
  readonly hasher: IdentifierHasher;
  readonly identity: IdentityResolver;
  /** Item features and category of a SKU, from the resident catalog. */
  readonly items: ItemLookup;
  readonly features: number;
  readonly featureConfig: FeatureConfig;
  readonly logger: Logger;
  /** Unique among the consumers of the group (host, pid, random). */
  readonly name: string;
  /** Entries read at once. @default 512 */
  readonly batchSize?: number;
  /** Longest wait for new entries, in ms; also bounds how long `stop` waits. @default 100 */
  readonly blockMs?: number;
  /** Entries pending this long are taken over from their (dead) consumer. @default 10000 */
  readonly claimIdleMs?: number;
  /** How often stale entries are looked for and the log trimmed, in ms. @default 1000 */
  readonly maintenanceMs?: number;
  /** Deliveries after which an entry is dead-lettered instead of retried. @default 5 */
  readonly maxDeliveries?: number;
  /** Attempts of one person's commit when others write the same person meanwhile. @default 8 */
  readonly maxConflicts?: number;
  /** Batches applied at once (one waits for Redis while the next is computed). @default 4 */
  readonly concurrency?: number;
  /** People of a batch loaded, computed and committed together. @default 64 */
  readonly sliceSize?: number;
  /**
   * Slices of one batch in flight at once: one computed here while Redis
   * loads or commits another. Bounded so that a batch read later, with a
   * person's newest event, gets its turn at Redis after a few slices of the
   * batches before it instead of after all of them (freshness, bench:ingest).
   * @default 2
   */
  readonly slicesInFlight?: number;
  /**
   * Called for each person about to be committed, with the events applied for
   * the first time (time ordered) and the feature state after them (not to be
   * kept or changed): the trigger timers (`createTimerHook`). It runs before
   * the commit marks the events applied, and so before their entries are
   * acknowledged: a crash or a failed call anywhere until then redelivers the
   * events and calls it again, so what it does must be idempotent. A rejection
   * fails the batch (its entries are retried). Called again when a conflicting
   * write makes the consumer recompute the person. @default undefined
   */
  readonly onApplied?: (
    personId: string,
    events: readonly PersonEvent[],
    state: FeatureState,
  ) => void | Promise<void>;
  /**
   * Called for each person whose events are dropped because they are
   * forgotten (found so by the load, or by the commit when Forget landed after
   * the load), after the consumer has run the person store's Forget for them
   * again, and before the entries are acknowledged: what `onApplied` wrote
   * for them must go too, as Forget's own clean-up may have run before it
   * wrote (the trigger timers: `createTimerForgetHook`). Called on every
   * delivery that drops them, so a crash before it is redone; it must be
   * idempotent. A rejection fails the batch. @default undefined
   */
  readonly onForgotten?: (personId: string) => void | Promise<void>;
}

/** What the consumer has done since it started. */
export interface ConsumerStats {
  /** Events whose effect was committed. */
  applied: number;
  /** Events skipped because their id was applied before (redeliveries, retried Track calls). */
  duplicates: number;
  /** Events for forgotten people, dropped. */
  droppedForgotten: number;
  /** Entries moved to the dead-letter log. */
  deadLettered: number;
  /** Commits retried because another writer changed the person meanwhile. */
  conflicts: number;
  /** Entries taken over from stale consumers. */
  claimed: number;
  batches: number;
}

/** Applies logged events to profiles, at least once and idempotently. */
export interface ProfileConsumer {
  readonly stats: ConsumerStats;
  /** Starts the loop (idempotent). */
  start(): void;
  /** Finishes the batch in hand and stops; resolves when the loop has ended. */
  stop(): Promise<void>;
  /** Applies entries once (tests and the loop itself). */
  applyEntries(entries: readonly LogEntry[]): Promise<void>;
}

/**
 * The consumer of the event log. Each batch: decode entries (poison →
 * dead-letter), group them by id, and for each person load the feature state
 * and the event ids already applied, apply the new events in time order,
 * derive the packed profile Decide reads, and commit both atomically against
 * the version read (a conflicting writer means reload and redo). Entries are
 * acknowledged only after their effect is committed, so a crash anywhere
 * means redelivery, and redelivery means a duplicate that is skipped.
 */
export function createProfileConsumer(options: ProfileConsumerOptions): ProfileConsumer {
  const { log, people, hasher, identity, items, features, featureConfig, logger, name } = options;
  const batchSize = options.batchSize ?? 512;
  const blockMs = options.blockMs ?? 100;
  const claimIdleMs = options.claimIdleMs ?? 10_000;
  const maintenanceMs = options.maintenanceMs ?? 1000;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const maxConflicts = options.maxConflicts ?? 8;
  const concurrency = options.concurrency ?? 4;
  const sliceSize = options.sliceSize ?? 64;
  const slicesInFlight = options.slicesInFlight ?? 2;
  if (!(Number.isInteger(slicesInFlight) && slicesInFlight >= 1))
    throw new RangeError(`options.slicesInFlight must be an integer ≥ 1, got ${slicesInFlight}`);
  const onApplied = options.onApplied;
  const onForgotten = options.onForgotten;
  const stats: ConsumerStats = {
    applied: 0,
    duplicates: 0,
    droppedForgotten: 0,
    deadLettered: 0,
    conflicts: 0,
    claimed: 0,
    batches: 0,
  };
  let running: Promise<void> | null = null;
  let stopping = false;
  /** People whose events a batch in flight is applying, and that batch's work. */
  const busy = new Map<string, Promise<unknown>>();

  /** One id's events in a batch, and the log entries that carried them. */
  interface Group {
    readonly userId: string;
    readonly tombstone: string;
    readonly events: PersonEvent[];
    readonly entries: LogEntry[];
  }

  /**
   * For a person found forgotten (by the load, or by the commit because Forget
   * landed after the load): Forget again, and `onForgotten`. The consent and
   * identity writes and `onApplied` in `applyGroups` run between the load and the
   * commit, so they can land after Forget cleared the person; a crash before
   * the commit leaves them for the redelivery, whose load finds the person
   * forgotten. Both calls are idempotent, and cheap for a person with no keys.
   */
  const dropForgotten = async (f: { personId: string; tombstone: string }): Promise<void> => {
    await people.forget(f.personId, [f.tombstone]);
    await onForgotten?.(f.personId);
  };

  /**
   * Applies the groups of a batch: one `loadMany`, the features computed here,
   * one `commitMany`; groups whose person changed meanwhile (a conflict) are
   * loaded and computed again. Returns the groups that are done (committed,
   * duplicates or dropped); the rest stay pending and come back later.
   */
  const applyGroups = async (groups: readonly Group[]): Promise<Group[]> => {
    const done: Group[] = [];
    let todo = groups;
    for (let attempt = 1; todo.length > 0; attempt++) {
      const reads = await people.loadMany(
        todo.map((g) => ({
          userId: g.userId,
          tombstone: g.tombstone,
          eventIds: g.events.map((e) => e.eventId),
        })),
      );
      const commits: PersonStateCommit[] = [];
      const committing: { group: Group; applied: number }[] = [];
      const hooks: (void | Promise<void>)[] | undefined = onApplied === undefined ? undefined : [];
      /** People found forgotten, with their tombstone: see `dropForgotten`. */
      const forgotten: { personId: string; tombstone: string }[] = [];
      for (let i = 0; i < todo.length; i++) {
        const group = todo[i]!;
        const read = reads[i]!;
        if (read.forgotten) {
          stats.droppedForgotten += group.events.length;
          // Only the id's own tombstone is known here: an id merged into someone
          // else is left to the Forget of that person.
          if (read.personId === group.userId)
            forgotten.push({ personId: group.userId, tombstone: group.tombstone });
          done.push(group);
          continue;
        }
        // Not applied before, and each id once (a batch may carry a retried event twice).
        const taken = new Set<string>();
        const fresh = group.events.filter((e) => {
          if (read.seen.has(e.eventId) || taken.has(e.eventId)) return false;
          taken.add(e.eventId);
          return true;
        });
        if (attempt === 1) stats.duplicates += group.events.length - fresh.length;
        if (fresh.length === 0) {
          done.push(group);
          continue;
        }
        // Effects beyond the feature state first, all idempotent: consent (latest
        // timestamp wins) and identity links. Done before the commit marks the
        // events applied, so a crash in between redoes them rather than losing them.
        for (const e of fresh) {
          if (e.kind === "consent_update") {
            await applyConsentUpdate(people, e, group.tombstone);
          } else if (e.kind === "identify") {
            await identity.link(e.userId, e.identifiers);
          }
        }
        const state = featureStateOf(read, features) ?? emptyFeatureState(features);
        for (const e of fresh) applyEvent(state, e, items, featureConfig);
        commits.push({
          personId: read.personId,
          expectedVersion: read.version,
          state: encodeFeatureState(state),
          profile: encodeProfile(deriveProfile(read.personId, state, Date.now(), featureConfig, 0)),
          eventIds: fresh.map((e) => e.eventId),
          tombstone: read.personId === group.userId ? group.tombstone : hasher.tombstone(read.personId),
        });
        committing.push({ group, applied: fresh.length });
        hooks?.push(onApplied!(read.personId, fresh, state));
      }
      // The hook goes before the commit: once committed, the events count as
      // applied and a redelivery would skip them (and the hook with them).
      if (hooks !== undefined && hooks.length > 0) await Promise.all(hooks);
      const results = commits.length === 0 ? [] : await people.commitMany(commits);
      const retry: Group[] = [];
      results.forEach((result, j) => {
        const { group, applied } = committing[j]!;
        if (result === "ok") {
          stats.applied += applied;
          done.push(group);
        } else if (result === "forgotten") {
          stats.droppedForgotten += applied;
          forgotten.push({ personId: commits[j]!.personId, tombstone: commits[j]!.tombstone });
          done.push(group);
        } else {
          stats.conflicts++;
          retry.push(group);
        }
      });
      if (forgotten.length > 0) await Promise.all(forgotten.map(dropForgotten));
      if (retry.length > 0 && attempt >= maxConflicts) {
        // Left pending: redelivered after claimIdleMs, dead-lettered after maxDeliveries.
        logger.warn("events not applied after repeated conflicting writes; they will be retried", {
          people: retry.length,
          attempts: attempt,
        });
        break;
      }
      todo = retry;
    }
    return done;
  };

  const applyEntries = async (entries: readonly LogEntry[]): Promise<void> => {
    if (entries.length === 0) return;
    const byUser = new Map<string, Group>();
    for (const entry of entries) {
      let event: PersonEvent;
      try {
        event = decodeLoggedEvent(entry.data);
      } catch (error) {
        const reason = error instanceof LoggedEventError ? error.message : `undecodable: ${String(error)}`;
        await log.deadLetter(entry, reason);
        stats.deadLettered++;
        continue;
      }
      let group = byUser.get(event.userId);
      if (group === undefined) {
        group = { userId: event.userId, tombstone: hasher.tombstone(event.userId), events: [], entries: [] };
        byUser.set(event.userId, group);
      }
      group.events.push(event);
      group.entries.push(entry);
    }
    // Time order makes session features natural; every other feature is order-insensitive.
    for (const g of byUser.values()) g.events.sort((a, b) => a.timestampMs - b.timestampMs);
    // Slices of people go through load, compute and commit on their own, so
    // this thread computes one slice while Redis loads or commits the next;
    // at most `slicesInFlight` of them, so Redis takes the batches in flight
    // in turns rather than one whole batch after another.
    const run = async (groups: readonly Group[]): Promise<Group[]> => {
      const slices: Group[][] = [];
      for (let i = 0; i < groups.length; i += sliceSize) slices.push(groups.slice(i, i + sliceSize));
      const done: Group[][] = [];
      let next = 0;
      let failed = false;
      const lane = async (): Promise<void> => {
        while (next < slices.length && !failed) {
          const i = next++;
          try {
            done[i] = await applyGroups(slices[i]!);
          } catch (error) {
            failed = true; // the batch fails (its entries come back): no more slices of it
            throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(slicesInFlight, slices.length) }, lane));
      return done.flat();
    };
    // A person whose events an earlier batch still applies waits for it here:
    // two batches writing one person would conflict and redo each other's work
    // (measured: with 8 batches in flight, thousands of conflicts for the few
    // people in nearly every batch, and some left for the claim timeout).
    const groups = [...byUser.values()];
    const free = groups.filter((g) => !busy.has(g.userId));
    const blocked = groups.filter((g) => busy.has(g.userId));
    const waits = [...new Set(blocked.map((g) => busy.get(g.userId)!))];
    const work = Promise.all([
      run(free),
      blocked.length === 0 ? [] : Promise.allSettled(waits).then(() => run(blocked)),
    ]);
    for (const g of groups) busy.set(g.userId, work);
    let done: Group[];
    try {
      done = (await work).flat();
    } finally {
      for (const g of groups) if (busy.get(g.userId) === work) busy.delete(g.userId);
    }
    await log.ack(done.flatMap((g) => g.entries.map((e) => e.id)));
    stats.batches++;
  };

  const maintain = async (): Promise<void> => {
    const { entries, poison } = await log.claimStale(name, claimIdleMs, batchSize, maxDeliveries);
    for (const entry of poison) {
      await log.deadLetter(entry, `not applied after ${maxDeliveries} deliveries`);
      stats.deadLettered++;
    }
    stats.claimed += entries.length;
    await applyEntries(entries);
    await log.trim();
  };

  // Batches in flight at once: while one waits for Redis, the next is decoded
  // and computed. A person in two of them is safe (the commit compares versions).
  const loop = async (): Promise<void> => {
    let lastMaintenance = 0;
    let failures = 0;
    const inFlight = new Set<Promise<void>>();
    const backOff = (error: unknown) => {
      failures++;
      if (failures === 1 || failures % 100 === 0)
        logger.warn("event consumer error; retrying", { err: error });
      return new Promise((r) => setTimeout(r, Math.min(1000, 10 * 2 ** Math.min(failures, 7))));
    };
    while (!stopping) {
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      try {
        if (performance.now() - lastMaintenance >= maintenanceMs) {
          lastMaintenance = performance.now();
          await maintain();
        }
        const entries = await log.read(name, batchSize, blockMs);
        if (entries.length === 0) continue;
        const batch: Promise<void> = applyEntries(entries).then(
          () => {
            failures = 0;
            inFlight.delete(batch);
          },
          async (error: unknown) => {
            await backOff(error);
            inFlight.delete(batch);
          },
        );
        inFlight.add(batch);
      } catch (error) {
        await backOff(error);
      }
    }
    await Promise.all(inFlight);
  };

  return {
    stats,
    applyEntries,
    start() {
      stopping = false;
      running ??= loop().finally(() => {
        running = null;
      });
    },
    async stop() {
      stopping = true;
      await running;
      logger.info("event consumer stopped", { ...stats });
    },
  };
}
