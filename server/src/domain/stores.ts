import type { CatalogItem } from "./catalog-item.js";
import type { PersonRead, Profile } from "./profile.js";

/**
 * Where people live between requests. Two implementations keep one contract:
 * Redis (production) and an in-process map (the embedded default); the same
 * contract tests run against both.
 */
export interface ProfileStore {
  /** "redis" or "memory", for start-up logs and the health of the process. */
  readonly kind: "redis" | "memory";
  /**
   * Reads profile, active caps and redemptions of one person in one round trip.
   * Never rejects: a slow store resolves `{ kind: "timeout" }` after `timeoutMs`,
   * a failing one `{ kind: "unavailable" }`.
   */
  readPerson(userId: string, timeoutMs: number): Promise<PersonRead>;
  /** Writes (replaces) whole profiles. */
  putProfiles(profiles: readonly Profile[]): Promise<void>;
  /** Caps an item for a person until `untilMs` (ms since the epoch). */
  capItem(userId: string, sku: string, untilMs: number): Promise<void>;
  /** Records that the person redeemed the item's offer. */
  markRedeemed(userId: string, sku: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Durable copy of the catalog, so a restarted or added server instance serves
 * the same items. The resident copy in kernel memory is built from it.
 */
export interface CatalogStore {
  readonly kind: "redis" | "memory";
  /** Every stored item, in no particular order. */
  loadItems(): Promise<CatalogItem[]>;
  /**
   * Every stored item, page by page (about 1000 items a page), so a large catalog
   * is never held whole on the JS heap. A page may repeat an item of an earlier
   * page (Redis HSCAN while rehashing); applying an item twice is harmless.
   */
  scanItems(onPage: (items: CatalogItem[]) => void): Promise<void>;
  /** How many items are stored. */
  countItems(): Promise<number>;
  /** The stored items with these SKUs; absent SKUs are absent from the map. */
  getItems(skus: readonly string[]): Promise<Map<string, CatalogItem>>;
  /** Inserts or replaces items by SKU, atomically for the whole batch. */
  saveItems(items: readonly CatalogItem[]): Promise<void>;
  close(): Promise<void>;
}

/** A person's accumulated feature state as the event consumer reads it. */
export interface PersonStateRead {
  /** The person the id resolves to (itself unless merged into another by Identify). */
  readonly personId: string;
  /** True when the person was erased by Forget: events for them must be dropped. */
  readonly forgotten: boolean;
  /** The encoded feature state (`encodeFeatureState`), or null when none was stored yet. */
  readonly state: Buffer | null;
  /**
   * The stored packed profile (`encodeProfile`) when there is no feature state
   * yet: a profile loaded in bulk, to start the feature state from.
   */
  readonly profile: Buffer | null;
  /** Version of the feature state, 0 when none; a commit must name it. */
  readonly version: number;
  /** Which of the asked event ids were applied to this person before. */
  readonly seen: ReadonlySet<string>;
}

/** What the consumer writes for one person after applying events. */
export interface PersonStateCommit {
  readonly personId: string;
  /** The version read; the commit fails with "conflict" when it changed meanwhile. */
  readonly expectedVersion: number;
  /** The new encoded feature state (`encodeFeatureState`). */
  readonly state: Buffer;
  /** The new packed profile Decide reads (`encodeProfile`). */
  readonly profile: Buffer;
  /** Event ids applied by this commit, remembered for deduplication. */
  readonly eventIds: readonly string[];
  /** Keyed hash of the person id, naming their tombstone (see `PersonKeys`). */
  readonly tombstone: string;
}

/** A person's consent records as kept apart from the profile. */
export interface ConsentRecord {
  /** `Consent` bits in force now. */
  readonly granted: number;
  /** `Consent` bits explicitly withdrawn (the rest of the unset bits are unknown). */
  readonly denied: number;
  readonly globalOptOut: boolean;
}

/**
 * The writable side of people, used by the event consumer, Track (consent),
 * Identify and Forget. Decide keeps reading through `ProfileStore.readPerson`.
 * Two implementations keep one contract: Redis and in-process.
 */
export interface PersonStateStore {
  readonly kind: "redis" | "memory";
  /**
   * Reads the feature state of the person `userId` resolves to, which of
   * `eventIds` were applied before, and whether the id is forgotten
   * (`tombstone`: the keyed hash of `userId`).
   */
  load(userId: string, tombstone: string, eventIds: readonly string[]): Promise<PersonStateRead>;
  /**
   * Atomically writes feature state and profile, remembers the event ids and
   * refreshes every key's expiry — only if the version is still the one read
   * and the person is not forgotten.
   */
  commit(commit: PersonStateCommit): Promise<"ok" | "conflict" | "forgotten">;
  /**
   * `load` for many ids at once, results in request order: what the event
   * consumer calls once per batch instead of once per person. Redis answers
   * it with one script call per chunk of people, not one per person. A
   * repeated id is read twice, with the same result.
   */
  loadMany(
    requests: readonly { userId: string; tombstone: string; eventIds: readonly string[] }[],
  ): Promise<PersonStateRead[]>;
  /**
   * `commit` for many people at once, results in commit order. Each person's
   * commit is atomic on its own and applied in order: one person's conflict
   * or tombstone leaves the others alone, and a second commit of the same
   * person in one call sees the version the first one wrote (so it conflicts
   * unless it names it). When the call rejects (Redis down), some of the
   * commits may have been applied: reload before retrying.
   */
  commitMany(commits: readonly PersonStateCommit[]): Promise<("ok" | "conflict" | "forgotten")[]>;
  /**
   * Applies a consent change at `atMs` for the person `userId` resolves to.
   * Per purpose, the latest change by timestamp wins, whatever order changes
   * arrive in. Decide sees the result on its next read. A forgotten id
   * (`tombstone` set) is left alone and its record comes back all zero.
   */
  updateConsent(
    userId: string,
    tombstone: string,
    change: { granted: number; denied: number; globalOptOut: boolean },
    atMs: number,
  ): Promise<ConsentRecord>;
  /**
   * The consent in force for a person: their consent records, or the consent
   * of a bulk-loaded profile when they have none; null when neither exists.
   */
  readConsent(personId: string): Promise<ConsentRecord | null>;
  /** The person an id resolves to (itself when not linked), without reading state. */
  resolve(userId: string): Promise<string>;
  /**
   * Persons linked to identifier keys ("<kind>:<hex hmac>", see
   * `identifierKey`); absent when not linked.
   */
  lookupIdentifiers(hashes: readonly string[]): Promise<Map<string, string>>;
  /**
   * Merges person `from` into person `into` in one atomic step: writes the
   * merged state and profile (built by the caller from both states), unions
   * caps, redemptions and applied event ids, keeps the stricter consent, makes
   * `from` and every id that resolved to it resolve to `into`, and deletes the
   * rest of `from`'s keys. Fails with "conflict" when either version changed.
   */
  merge(merge: {
    readonly into: string;
    readonly from: string;
    readonly intoVersion: number;
    readonly fromVersion: number;
    readonly state: Buffer;
    readonly profile: Buffer;
  }): Promise<"ok" | "conflict">;
  /** Links identifier keys to a person (replacing earlier links of those keys). */
  linkIdentifiers(personId: string, hashes: readonly string[]): Promise<void>;
  /** Every id that resolves to the person, the person first. */
  linkedIds(personId: string): Promise<string[]>;
  /**
   * Deletes every key of the person and of the ids and identifiers linked to
   * them, and leaves tombstones (keyed hashes of the ids, `tombstones`) that
   * make `load` report them forgotten. Returns how many keys were deleted.
   */
  forget(personId: string, tombstones: readonly string[]): Promise<number>;
  close(): Promise<void>;
}
