#!/usr/bin/env node
/**
 * Seeds a Redis with a synthetic catalog and synthetic people:
 *
 *   node dist/server/src/cli/seed.js --items 100000 --profiles 100000 --seed 42 --stores 50 --features 64
 *
 * Redis comes from --redis, else REDIS_URL, else redis://127.0.0.1:6379.
 * Progress goes to stderr; the last line on stdout is one JSON object
 * `{"items":…,"profiles":…,"ms":…}`.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createRedisCatalogStore } from "../catalog/redis-catalog-store.js";
import { generateCatalog, generateProfiles } from "../demo/synthetic.js";
import type { CatalogStore, ProfileStore } from "../domain/stores.js";
import { createRedisProfileStore } from "../profile/redis-profile-store.js";
import { createRedisClient, redactRedisUrl } from "../redis/create-redis-client.js";

/** Options of `seedStores`. */
export interface SeedOptions {
  readonly catalogStore: CatalogStore;
  readonly profileStore: ProfileStore;
  /** @default 100000 */
  readonly items?: number;
  /** @default 100000 */
  readonly profiles?: number;
  /** @default 42 */
  readonly seed?: number;
  /** @default 50 */
  readonly stores?: number;
  /** @default 64 */
  readonly features?: number;
  /**
   * Items or profiles per store call.
   * @default 5000
   */
  readonly chunkSize?: number;
  /**
   * Every `capEvery`-th person gets 1–3 active caps and every
   * `redeemEvery`-th 1–2 redemptions, so exclusions are exercised. 0 disables.
   * @default 50
   */
  readonly capEvery?: number;
  /** @default 80 */
  readonly redeemEvery?: number;
  /** Receives one line per step. @default ignores them */
  readonly onProgress?: (message: string) => void;
}

/** What `seedStores` wrote. */
export interface SeedResult {
  readonly items: number;
  readonly profiles: number;
  /** Caps written. */
  readonly caps: number;
  /** Redemptions written. */
  readonly redemptions: number;
  /** Wall time, ms. */
  readonly ms: number;
}

/** Defaults of `SeedOptions`. */
export const SEED_DEFAULTS = Object.freeze({
  items: 100_000,
  profiles: 100_000,
  seed: 42,
  stores: 50,
  features: 64,
  chunkSize: 5000,
  capEvery: 50,
  redeemEvery: 80,
});

/** Concurrent cap / redemption writes. */
const WRITE_CONCURRENCY = 64;

/**
 * Generates the synthetic catalog and people (`generateCatalog`,
 * `generateProfiles`) and loads them into the given stores in chunks, plus
 * caps and redemptions for some people. Works with any `CatalogStore` and
 * `ProfileStore` (Redis for the seed command, memory for the demo and tests).
 * Person `user-000001`… buys SKUs `SKU-000001`…, all from the same seed.
 */
export async function seedStores(options: SeedOptions): Promise<SeedResult> {
  const o = { ...SEED_DEFAULTS, ...definedOnly(options) };
  for (const key of ["items", "profiles", "stores", "capEvery", "redeemEvery"] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 0) {
      throw new RangeError(`options.${key} must be a non-negative integer, got ${o[key]}`);
    }
  }
  for (const key of ["features", "chunkSize"] as const) {
    if (!Number.isInteger(o[key]) || o[key] <= 0) {
      throw new RangeError(`options.${key} must be a positive integer, got ${o[key]}`);
    }
  }
  const progress = options.onProgress ?? (() => {});
  const started = performance.now();

  const catalog = generateCatalog({ items: o.items, stores: o.stores, features: o.features, seed: o.seed });
  progress(`generated ${catalog.length} items in ${elapsed(started)} ms`);
  await inChunks(
    catalog,
    o.chunkSize,
    (chunk) => options.catalogStore.saveItems(chunk),
    (done) => progress(`items ${done}/${catalog.length}`),
  );

  const people = generateProfiles({ count: o.profiles, features: o.features, seed: o.seed, catalog });
  progress(`generated ${people.length} profiles at ${elapsed(started)} ms`);
  await inChunks(
    people,
    o.chunkSize,
    (chunk) => options.profileStore.putProfiles(chunk),
    (done) => progress(`profiles ${done}/${people.length}`),
  );

  // Deterministic exclusions: which SKUs depends on the person's index.
  const now = Date.now();
  const writes: (() => Promise<void>)[] = [];
  let caps = 0;
  let redemptions = 0;
  if (catalog.length > 0) {
    for (let i = 0; i < people.length; i++) {
      const userId = people[i]!.userId;
      if (o.capEvery > 0 && i % o.capEvery === 0) {
        for (let j = 0; j < 1 + (i % 3); j++) {
          const sku = catalog[(i * 7919 + j * 104_729) % catalog.length]!.sku;
          const until = now + 3_600_000 * (1 + ((i + j) % 168)); // 1 h .. 7 days
          writes.push(() => options.profileStore.capItem(userId, sku, until));
          caps++;
        }
      }
      if (o.redeemEvery > 0 && i % o.redeemEvery === 0) {
        for (let j = 0; j < 1 + (i % 2); j++) {
          const sku = catalog[(i * 15_485_863 + j * 32_452_843) % catalog.length]!.sku;
          writes.push(() => options.profileStore.markRedeemed(userId, sku));
          redemptions++;
        }
      }
    }
  }
  await runConcurrently(writes, WRITE_CONCURRENCY);
  progress(`caps ${caps}, redemptions ${redemptions}`);
  return { items: catalog.length, profiles: people.length, caps, redemptions, ms: elapsed(started) };
}

async function inChunks<T>(
  list: readonly T[],
  size: number,
  write: (chunk: readonly T[]) => Promise<void>,
  onDone: (done: number) => void,
): Promise<void> {
  // Two chunks in flight: the next one is encoded and sent while Redis applies the previous.
  let pending: Promise<void> | undefined;
  for (let start = 0; start < list.length; start += size) {
    const end = Math.min(start + size, list.length);
    const current = write(list.slice(start, end)).then(() => onDone(end));
    current.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled
    if (pending !== undefined) await pending;
    pending = current;
  }
  if (pending !== undefined) await pending;
}

async function runConcurrently(tasks: readonly (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The command: reads argv and the environment, seeds, prints the JSON line. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      items: { type: "string" },
      profiles: { type: "string" },
      seed: { type: "string" },
      stores: { type: "string" },
      features: { type: "string" },
      redis: { type: "string" },
      "key-prefix": { type: "string" },
    },
    strict: true,
  });
  const num = (name: keyof typeof values, fallback: number): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(n))
      throw new RangeError(`--${name} must be an integer, got "${raw}"`);
    return n;
  };
  const url = values.redis ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const features = num("features", SEED_DEFAULTS.features);
  const keyPrefix = values["key-prefix"];
  const redis = await createRedisClient(url, { commandTimeoutMs: 60_000, connectionName: "relevance-seed" });
  try {
    const log = (message: string): void => {
      process.stderr.write(`[seed] ${message}\n`);
    };
    log(`seeding ${redactRedisUrl(url)}`);
    const result = await seedStores({
      catalogStore: createRedisCatalogStore(keyPrefix === undefined ? { redis } : { redis, keyPrefix }),
      profileStore: createRedisProfileStore(
        keyPrefix === undefined ? { redis, features } : { redis, features, keyPrefix },
      ),
      items: num("items", SEED_DEFAULTS.items),
      profiles: num("profiles", SEED_DEFAULTS.profiles),
      seed: num("seed", SEED_DEFAULTS.seed),
      stores: num("stores", SEED_DEFAULTS.stores),
      features,
      onProgress: log,
    });
    process.stdout.write(
      `${JSON.stringify({ items: result.items, profiles: result.profiles, ms: result.ms })}\n`,
    );
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
