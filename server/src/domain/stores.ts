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
