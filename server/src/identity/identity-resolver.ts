import type { HashedIdentifier } from "../domain/event.js";
import type { PersonStateStore } from "../domain/stores.js";
import { DecisionError } from "../errors/index.js";
import type { EventLog } from "../events/event-log.js";
import { featureStateOf } from "../profile/feature-state-of.js";
import { deriveProfile } from "../profile/features/derive.js";
import type { FeatureConfig } from "../profile/features/feature-config.js";
import {
  emptyFeatureState,
  encodeFeatureState,
  type FeatureState,
  FeatureStateDecodeError,
} from "../profile/features/feature-state.js";
import { mergeFeatureStates } from "../profile/features/merge-states.js";
import { encodeProfile } from "../profile/profile-codec.js";
import { type IdentifierHasher, identifierKey } from "./identifier-hasher.js";

export interface IdentityResolverOptions {
  readonly people: PersonStateStore;
  readonly log: EventLog;
  readonly hasher: IdentifierHasher;
  readonly features: number;
  readonly featureConfig: FeatureConfig;
  /** Attempts of a merge when the persons change meanwhile. @default 8 */
  readonly maxConflicts?: number;
}

/** Who an id is, linking ids into persons, and erasing persons. */
export interface IdentityResolver {
  /**
   * Links `userId` to the identifiers. When they already belong to other
   * persons, all of them are merged into one: the smallest person id among
   * those the identifiers are linked to (or `userId`'s person when none is),
   * so the outcome does not depend on the order calls arrive in.
   */
  link(
    userId: string,
    identifiers: readonly HashedIdentifier[],
  ): Promise<{ personId: string; mergedIds: string[] }>;
  /**
   * Erases the person `userId` resolves to, every id linked to them and their
   * log entries; `ids` are the ids erased (the person's first), for stores
   * that keep more about them (trigger timers).
   */
  forget(userId: string): Promise<{
    idsForgotten: number;
    keysDeleted: number;
    logEntriesDeleted: number;
    ids: readonly string[];
  }>;
  /** The feature state of the person `userId` resolves to, or null when there is none. */
  read(userId: string): Promise<{ personId: string; state: FeatureState | null; forgotten: boolean }>;
}

export function createIdentityResolver(options: IdentityResolverOptions): IdentityResolver {
  const { people, log, hasher, features, featureConfig } = options;
  const maxConflicts = options.maxConflicts ?? 8;

  const load = (id: string) => people.load(id, hasher.tombstone(id), []);

  const mergeInto = async (into: string, from: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const [a, b] = await Promise.all([load(into), load(from)]);
      if (a.forgotten || b.forgotten) {
        throw new DecisionError(
          "FAILED_PRECONDITION",
          "user_id: the person was forgotten (Forget) and cannot be linked",
        );
      }
      if (b.personId === a.personId) return; // merged meanwhile
      const merged = mergeFeatureStates(
        featureStateOf(a, features) ?? emptyFeatureState(features),
        featureStateOf(b, features) ?? emptyFeatureState(features),
        featureConfig,
      );
      const result = await people.merge({
        into: a.personId,
        from: b.personId,
        intoVersion: a.version,
        fromVersion: b.version,
        state: encodeFeatureState(merged),
        profile: encodeProfile(deriveProfile(a.personId, merged, Date.now(), featureConfig, 0)),
      });
      if (result === "ok") return;
      if (attempt >= maxConflicts) {
        throw new DecisionError("UNAVAILABLE", `user_id: ${attempt} conflicting writes while merging; retry`);
      }
    }
  };

  return {
    async link(userId, identifiers) {
      const self = await people.resolve(userId);
      const keys = identifiers.map(identifierKey);
      const linked = await people.lookupIdentifiers(keys);
      const owners = new Set(linked.values());
      const survivor = owners.size === 0 ? self : [...owners].sort()[0]!;
      const others = [...new Set([self, ...owners])].filter((id) => id !== survivor).sort();
      const mergedIds: string[] = [];
      for (const other of others) {
        await mergeInto(survivor, other);
        mergedIds.push(other);
      }
      if (keys.length > 0) await people.linkIdentifiers(survivor, keys);
      return { personId: survivor, mergedIds };
    },

    async forget(userId) {
      const personId = await people.resolve(userId);
      const ids = new Set([userId, ...(await people.linkedIds(personId))]);
      const keysDeleted = await people.forget(
        personId,
        [...ids].map((id) => hasher.tombstone(id)),
      );
      const logEntriesDeleted = await log.deleteEntriesFor(ids);
      return {
        idsForgotten: ids.size,
        keysDeleted,
        logEntriesDeleted,
        ids: [personId, ...[...ids].filter((id) => id !== personId)],
      };
    },

    async read(userId) {
      const r = await load(userId);
      if (r.forgotten) return { personId: r.personId, state: null, forgotten: true };
      try {
        return { personId: r.personId, state: featureStateOf(r, features), forgotten: false };
      } catch (error) {
        if (!(error instanceof FeatureStateDecodeError)) throw error;
        throw new DecisionError(
          "FAILED_PRECONDITION",
          `user_id: the stored state cannot be read: ${error.message}`,
        );
      }
    },
  };
}
