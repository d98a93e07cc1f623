import { CATEGORY_SLOTS } from "../../../core-wasm/src/layout.js";
import type { CatalogItem } from "../domain/catalog-item.js";
import { categorySlot } from "../domain/category-slot.js";
import { ALL_CHANNELS_MASK, Channel } from "../domain/channel.js";
import { Consent } from "../domain/consent.js";
import { LIFE_EVENT_TYPES } from "../domain/event.js";
import {
  type ComingLifeEvent,
  type LoyaltyTier,
  MAX_SIGNAL_LIFE_EVENTS,
  MAX_SIGNAL_REPLENISHMENTS,
  NO_SIGNALS,
  type PersonSignals,
  type Profile,
  type ReplenishmentDue,
} from "../domain/profile.js";

/** Options of `generateCatalog`. */
export interface SyntheticCatalogOptions {
  /** Number of items; SKUs are "SKU-000001"…. */
  readonly items: number;
  /** Number of stores; store ids are "store-001"…. */
  readonly stores: number;
  /** Features per item. */
  readonly features: number;
  /** PRNG seed: the same options give the same catalog. */
  readonly seed: number;
}

/** Options of `generateProfiles`. */
export interface SyntheticProfilesOptions {
  /** Number of profiles; user ids are `${idPrefix}000001`…. */
  readonly count: number;
  /** Features per profile vector; equal to the catalog's. */
  readonly features: number;
  /** PRNG seed: the same options give the same people. */
  readonly seed: number;
  /** @default "user-" */
  readonly idPrefix?: string;
  /**
   * The catalog the people buy from (`generateCatalog`'s, same `features`):
   * repeat buyers' replenishment SKUs are drawn from its everyday categories.
   * Without it nobody has replenishment signals.
   */
  readonly catalog?: readonly CatalogItem[];
}

interface CategorySpec {
  readonly name: string;
  /** Subcategory name, then its leaves (may be empty). */
  readonly subs: readonly (readonly [string, readonly string[]])[];
  /** Median price. */
  readonly price: number;
  /** Spread of log price. */
  readonly sigma: number;
  readonly returns: readonly [number, number];
  /** Share of the assortment. */
  readonly weight: number;
  readonly brands: number;
}

/**
 * The synthetic world's top-level categories. Their names fall in distinct
 * `categorySlot`s, so affinities of different categories never blur.
 */
const CATEGORIES: readonly CategorySpec[] = [
  c("apparel", 35, 0.6, [0.15, 0.35], 14, 20, [
    ["women", ["dresses", "tops", "jeans", "knitwear", "skirts"]],
    ["men", ["shirts", "trousers", "jeans", "knitwear", "suits"]],
    ["kids", ["baby", "girls", "boys"]],
    ["outerwear", ["coats", "jackets", "rainwear"]],
    ["activewear", []],
    ["underwear", []],
  ]),
  c("shoes", 70, 0.5, [0.15, 0.3], 8, 12, [
    ["sneakers", []],
    ["boots", []],
    ["sandals", []],
    ["formal", []],
    ["kids", []],
  ]),
  c("beauty", 22, 0.7, [0.02, 0.06], 9, 16, [
    ["skincare", ["cleansers", "moisturisers", "serums", "sun"]],
    ["makeup", ["face", "eyes", "lips"]],
    ["haircare", []],
    ["fragrance", []],
    ["nails", []],
  ]),
  c("home", 30, 0.9, [0.04, 0.1], 10, 14, [
    ["bedding", []],
    ["bath", []],
    ["decor", []],
    ["lighting", []],
    ["storage", []],
    ["kitchen", ["cookware", "tableware", "small-appliances"]],
  ]),
  c("electronics", 120, 1.1, [0.05, 0.12], 9, 14, [
    ["phones", []],
    ["audio", ["headphones", "speakers", "hifi"]],
    ["computers", ["laptops", "monitors", "peripherals"]],
    ["tv", []],
    ["cameras", []],
    ["gaming", []],
    ["accessories", []],
  ]),
  c("grocery", 5, 0.6, [0, 0.01], 12, 24, [
    ["pantry", []],
    ["snacks", []],
    ["beverages", []],
    ["fresh", ["fruit", "vegetables", "dairy", "bakery"]],
    ["frozen", []],
    ["household", []],
  ]),
  c("toys", 25, 0.7, [0.02, 0.06], 6, 10, [
    ["building", []],
    ["dolls", []],
    ["board-games", []],
    ["outdoor-play", []],
    ["baby", []],
  ]),
  c("sports", 45, 0.9, [0.05, 0.12], 6, 10, [
    ["fitness", []],
    ["cycling", []],
    ["camping", []],
    ["team-sports", []],
    ["running", []],
  ]),
  c("jewelry", 90, 1.0, [0.05, 0.15], 3, 8, [
    ["rings", []],
    ["necklaces", []],
    ["earrings", []],
    ["watches", []],
  ]),
  c("garden", 40, 0.9, [0.03, 0.08], 4, 8, [
    ["plants", []],
    ["tools", []],
    ["outdoor-furniture", []],
    ["bbq", []],
  ]),
  c("pets", 18, 0.7, [0.01, 0.04], 4, 8, [
    ["food", ["dog", "cat", "small-animal"]],
    ["toys", []],
    ["care", []],
    ["beds", []],
  ]),
  c("health", 15, 0.6, [0.01, 0.03], 5, 8, [
    ["vitamins", []],
    ["first-aid", []],
    ["personal-care", []],
    ["mobility", []],
  ]),
  c("automotive", 35, 0.9, [0.03, 0.08], 2, 6, [
    ["parts", []],
    ["car-care", []],
    ["car-electronics", []],
  ]),
  c("furniture", 250, 0.8, [0.05, 0.1], 3, 8, [
    ["sofas", []],
    ["tables", []],
    ["chairs", []],
    ["beds", []],
    ["storage", []],
  ]),
  c("stationery", 8, 0.6, [0.01, 0.03], 2, 6, [
    ["paper", []],
    ["pens", []],
    ["art-supplies", []],
    ["office", []],
  ]),
  c("accessories", 30, 0.6, [0.08, 0.2], 5, 10, [
    ["bags", []],
    ["belts", []],
    ["hats", []],
    ["sunglasses", []],
    ["scarves", []],
  ]),
  c("luggage", 80, 0.7, [0.05, 0.1], 1, 5, [
    ["suitcases", []],
    ["backpacks", []],
    ["travel-accessories", []],
  ]),
  c("crafts", 12, 0.6, [0.01, 0.04], 2, 6, [
    ["yarn", []],
    ["fabric", []],
    ["paint", []],
    ["kits", []],
  ]),
];

/** Names of the synthetic world's top-level categories, in its fixed order. */
export const SYNTHETIC_TOP_CATEGORIES: readonly string[] = Object.freeze(CATEGORIES.map((x) => x.name));

/** Fixed seed of the world (category centroids, brands), shared by items and people of any seed. */
const WORLD_SEED = 0x5eed_c0de;
/** "Now" of the synthetic world, so profiles are deterministic: 2025-01-01T00:00:00Z. */
const WORLD_NOW_MS = Date.UTC(2025, 0, 1);
const DAY_MS = 24 * 3600 * 1000;

/**
 * A small, fast, seedable PRNG (mulberry32) returning floats in [0, 1). For
 * synthetic data and benchmarks; not for anything secret.
 */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The SKU of the i-th synthetic item (0-based): "SKU-000001" for 0. */
export function syntheticSku(i: number): string {
  return `SKU-${String(i + 1).padStart(6, "0")}`;
}

/**
 * Generates a realistic retail catalog, deterministically from `seed`: a
 * category tree (18 top-level categories, subcategories, some leaves), brands
 * per category, log-normal prices around category price levels, margins mostly
 * 0.1–0.6 with ~5 % below 0.05 and ~1 % negative, ~6 % out of stock and ~15 %
 * low stock (1–5 units), per-store stock with many zeros, ~8 % of items barred
 * from paid media and ~3 % web-only, skewed popularity, unit feature vectors
 * clustered by category and subcategory, and ~2 % merchandising boosts.
 * `storeStock` lists the stores that carry the item (0 = carried, none left)
 * and has a null prototype.
 */
export function generateCatalog(options: SyntheticCatalogOptions): CatalogItem[] {
  const { items, stores, features, seed } = options;
  positiveInteger("items", items, true);
  positiveInteger("stores", stores, true);
  positiveInteger("features", features, false);
  integer("seed", seed);
  const world = getWorld(features);
  const rand = createRng(seed);
  const gauss = createGauss(rand);
  const storeIds = Array.from({ length: stores }, (_, i) => `store-${String(i + 1).padStart(3, "0")}`);
  const noBuy = ALL_CHANNELS_MASK & ~(1 << Channel.PAID_MEDIA);
  const webOnly = 1 << Channel.WEB;
  const out: CatalogItem[] = new Array(items);

  for (let i = 0; i < items; i++) {
    const cat = world.categories[pickWeighted(world.cumulativeWeights, rand())]!;
    const subIndex = Math.floor(rand() * cat.spec.subs.length);
    const [sub, leaves] = cat.spec.subs[subIndex]!;
    const categoryPath =
      leaves.length > 0
        ? [cat.spec.name, sub, leaves[Math.floor(rand() * leaves.length)]!]
        : [cat.spec.name, sub];
    // Zipf-like: the first brands of a category carry most of its items.
    const brandIndex = Math.floor(cat.brands.length * rand() ** 2);
    const brand = cat.brands[brandIndex]!;
    const premium = 1.5 - brandIndex / cat.brands.length; // leading brands cost more
    const price = roundPrice(Math.exp(Math.log(cat.spec.price * premium) + cat.spec.sigma * gauss()));

    const r = rand();
    const margin =
      r < 0.01 ? -0.3 * rand() - 0.01 : r < 0.05 ? 0.05 * rand() : 0.1 + 0.25 * (rand() + rand());

    const popularity = Math.min(1, rand() ** 3 * (1.2 - brandIndex / cat.brands.length / 2));

    // Null prototype: ~3x faster to fill with many varying keys (dictionary mode).
    const storeStock: Record<string, number> = Object.create(null);
    const s = rand();
    let stock: number;
    const carry = Math.min(0.95, 0.15 + 0.6 * popularity + 0.2 * rand());
    if (s < 0.06) {
      stock = 0;
      for (const id of storeIds) if (rand() < carry) storeStock[id] = 0;
    } else if (s < 0.21) {
      // Low stock: a handful of units, a few of them in stores.
      stock = 1 + Math.floor(rand() * 5);
      const carried: string[] = [];
      for (const id of storeIds) {
        if (rand() < carry) {
          storeStock[id] = 0;
          carried.push(id);
        }
      }
      for (let u = 0; u < stock && carried.length > 0; u++) {
        if (rand() < 0.5) {
          const id = carried[Math.floor(rand() * carried.length)]!;
          storeStock[id] = (storeStock[id] ?? 0) + 1;
        }
      }
    } else {
      let inStores = 0;
      for (const id of storeIds) {
        if (rand() < carry) {
          const n = rand() < 0.4 ? 0 : 1 + Math.floor(rand() ** 2 * 25);
          storeStock[id] = n;
          inStores += n;
        }
      }
      const warehouse = Math.max(6, Math.min(100_000, Math.round(Math.exp(3.5 + 1.2 * gauss()))));
      stock = warehouse + inStores;
    }

    const ch = rand();
    const channels = ch < 0.03 ? webOnly : ch < 0.11 ? noBuy : ALL_CHANNELS_MASK;
    const [lo, hi] = cat.spec.returns;
    const returnRate = lo + (hi - lo) * rand();
    const boost = rand() < 0.02 ? round3(0.05 + 0.25 * rand()) : 0;

    const vec = new Float32Array(features);
    const top = cat.centroid;
    const subC = cat.subCentroids[subIndex]!;
    const noise = 0.4 / Math.sqrt(features);
    for (let f = 0; f < features; f++) vec[f] = 0.75 * top[f]! + 0.45 * subC[f]! + noise * gauss();
    normalize(vec);

    out[i] = {
      sku: syntheticSku(i),
      categoryPath,
      brand,
      price,
      margin: round3(margin),
      stock,
      storeStock,
      returnRate: round3(returnRate),
      features: vec,
      channels,
      popularity: round3(popularity),
      boost,
    };
  }
  return out;
}

/**
 * Generates people, deterministically from `seed`, who fit `generateCatalog`'s
 * world: 1–3 favourite categories that drive their category affinities, their
 * profile vectors (near those categories' item features) and their price
 * anchors (near those categories' price levels); discount sensitivity spread
 * over [0, 1]; mostly low churn risk; loyalty tiers 55/25/14/6 %; consent of
 * roughly 85 % personalisation, 60 % email, 35 % SMS, 40 % push, 20 % in-store
 * and 50 % ads, with ~5 % granting nothing at all; 5–400 behaviour events
 * each, skewed towards few (median ~30). Signals (see `syntheticSignals`):
 * ~60 % have ordered, ~15 % are in a session, ~15 % have a life event coming,
 * and with `catalog` about half of those with 2 orders or more have
 * replenishment SKUs.
 */
export function generateProfiles(options: SyntheticProfilesOptions): Profile[] {
  const { count, features, seed } = options;
  const idPrefix = options.idPrefix ?? "user-";
  positiveInteger("count", count, true);
  positiveInteger("features", features, false);
  integer("seed", seed);
  const world = getWorld(features);
  const rand = createRng(seed ^ 0x9e37_79b9);
  const gauss = createGauss(rand);
  // A stream of its own for the event counts, added after the rest: drawing
  // them from `rand` would shift every later person's values for a given seed.
  const eventsRand = createRng(seed ^ 0x85eb_ca6b);
  // Signals likewise: streams of their own, so they leave every other value
  // alone, and replenishment one apart, so a catalog changes nothing else.
  const signalsRand = createRng(seed ^ 0xc2b2_ae35);
  const replenishmentRand = createRng(seed ^ 0x27d4_eb2f);
  const everyday = everydayItems(options.catalog ?? []);
  // Shares among the 95 % who consent to something, so the totals match the targets.
  const consentRates: readonly [number, number][] = [
    [Consent.PERSONALIZATION, 0.85 / 0.95],
    [Consent.EMAIL, 0.6 / 0.95],
    [Consent.SMS, 0.35 / 0.95],
    [Consent.PUSH, 0.4 / 0.95],
    [Consent.IN_STORE, 0.2 / 0.95],
    [Consent.ADS, 0.5 / 0.95],
  ];
  const out: Profile[] = new Array(count);
  const favourites: number[] = [];

  for (let i = 0; i < count; i++) {
    const k = rand();
    const nFav = k < 0.5 ? 1 : k < 0.85 ? 2 : 3;
    favourites.length = 0;
    for (let tries = 0; favourites.length < nFav && tries < 20; tries++) {
      const idx = pickWeighted(world.cumulativeWeights, rand());
      if (!favourites.includes(idx)) favourites.push(idx);
    }

    const affinity = new Float32Array(CATEGORY_SLOTS);
    for (const cat of world.categories) affinity[cat.slot] = round3(0.1 * rand() ** 2);
    const vec = new Float32Array(features);
    let logPrice = 0;
    let weightSum = 0;
    for (let j = 0; j < favourites.length; j++) {
      const cat = world.categories[favourites[j]!]!;
      const a = round3(j === 0 ? 0.7 + 0.3 * rand() : 0.4 + 0.4 * rand());
      affinity[cat.slot] = a;
      const sub = cat.subCentroids[Math.floor(rand() * cat.subCentroids.length)]!;
      for (let f = 0; f < features; f++) vec[f]! += a * (cat.centroid[f]! + 0.5 * sub[f]!);
      logPrice += a * Math.log(cat.spec.price);
      weightSum += a;
    }
    const noise = 0.5 / Math.sqrt(features);
    for (let f = 0; f < features; f++) vec[f]! += noise * gauss();
    normalize(vec);

    const t = rand();
    const loyaltyTier: LoyaltyTier = t < 0.55 ? 0 : t < 0.8 ? 1 : t < 0.94 ? 2 : 3;
    const d = rand();
    const discountSensitivity = d < 0.2 ? 0.2 * rand() : d < 0.7 ? 0.2 + 0.4 * rand() : 0.6 + 0.4 * rand();
    let consent = 0;
    if (rand() >= 0.05) {
      for (const [bit, p] of consentRates) if (rand() < p) consent |= bit;
    }

    // Drawn in the order they always were, so a seed still gives the same people.
    // Loyal people pay a little more; the spread is a few tens of percent.
    const priceAnchor = round3(logPrice / weightSum + 0.1 * loyaltyTier + 0.35 * gauss());
    const churnRisk = round3(rand() ** 2.5);
    // Log-uniform over 5..400, bent towards the low end: most people did little.
    const events = Math.round(5 * 80 ** (eventsRand() ** 1.3));
    const updatedAtMs = WORLD_NOW_MS - Math.floor(rand() * 90 * DAY_MS);
    const favouriteNames = favourites.map((f) => world.categories[f]!.spec.name);
    let signals = syntheticSignals(signalsRand, events, loyaltyTier, updatedAtMs);
    const replenishment = syntheticReplenishment(replenishmentRand, signals, favouriteNames, everyday);
    if (replenishment.length > 0) signals = { ...signals, replenishment };
    out[i] = {
      userId: `${idPrefix}${String(i + 1).padStart(6, "0")}`,
      vector: vec,
      categoryAffinity: affinity,
      priceAnchor,
      discountSensitivity: round3(discountSensitivity),
      churnRisk,
      loyaltyTier,
      events,
      consent,
      signals,
      updatedAtMs,
    };
  }
  return out;
}

/** Top-level categories people buy again and again. */
const EVERYDAY_CATEGORIES: readonly string[] = ["grocery", "beauty", "pets", "health"];
/** Repeat-purchase intervals in days, as people keep them. */
const REPLENISHMENT_DAYS: readonly number[] = [7, 14, 14, 21, 28, 30, 45, 60, 90];

/** The SKUs of `catalog` in each everyday category. */
function everydayItems(catalog: readonly CatalogItem[]): Map<string, string[]> {
  const out = new Map<string, string[]>(EVERYDAY_CATEGORIES.map((c) => [c, []]));
  for (const item of catalog) out.get(item.categoryPath[0] ?? "")?.push(item.sku);
  for (const [c, skus] of out) if (skus.length === 0) out.delete(c);
  return out;
}

/**
 * The policy signals of one synthetic person at `updatedAtMs`, but for
 * replenishment (`syntheticReplenishment`): ~60 % have orders (about one per
 * 15 events, more for loyal tiers), the last one within 120 days; ~15 % are
 * in a session (intent in steps of 1/64, exact in f32); ~15 % have one or two
 * life events coming within 60 days.
 */
function syntheticSignals(
  rand: () => number,
  events: number,
  tier: LoyaltyTier,
  updatedAtMs: number,
): PersonSignals {
  const today = Math.floor(updatedAtMs / DAY_MS);
  const orders = rand() < 0.4 ? 0 : Math.max(1, Math.round(events * (0.03 + 0.07 * rand()) + 2 * tier));
  const lastPurchaseMs = orders === 0 ? 0 : updatedAtMs - Math.floor(rand() ** 2 * 120 * DAY_MS);
  const sessionIntent = rand() < 0.15 ? Math.round(rand() * 64) / 64 : 0;
  const lifeEvents: ComingLifeEvent[] = [];
  const l = rand();
  const lifeCount = Math.min(MAX_SIGNAL_LIFE_EVENTS, l < 0.03 ? 2 : l < 0.15 ? 1 : 0);
  for (let k = 0; k < lifeCount; k++) {
    const type = pick(LIFE_EVENT_TYPES, rand);
    const nextDay = today + Math.floor(rand() * 61);
    if (!lifeEvents.some((e) => e.type === type && e.nextDay === nextDay)) lifeEvents.push({ type, nextDay });
  }
  lifeEvents.sort((x, y) => x.nextDay - y.nextDay || compare(x.type, y.type));
  if (orders === 0 && sessionIntent === 0 && lifeEvents.length === 0) return NO_SIGNALS;
  return { orders, lastPurchaseMs, sessionIntent, lifeEvents, replenishment: [] };
}

/**
 * About half of those with 2 orders or more buy 1–4 everyday SKUs (of their
 * favourite everyday category when they have one) on a cycle of 7–90 days,
 * bought last up to 60 days before their last order, so some are overdue.
 * Soonest due first.
 */
function syntheticReplenishment(
  rand: () => number,
  signals: PersonSignals,
  favourites: readonly string[],
  everyday: ReadonlyMap<string, readonly string[]>,
): ReplenishmentDue[] {
  const out: ReplenishmentDue[] = [];
  if (signals.orders < 2 || everyday.size === 0 || rand() >= 0.5) return out;
  const own = favourites.filter((c) => everyday.has(c));
  const categories = own.length > 0 ? own : [...everyday.keys()];
  const lastDay = Math.floor(signals.lastPurchaseMs / DAY_MS);
  const count = Math.min(MAX_SIGNAL_REPLENISHMENTS, 1 + Math.floor(rand() * 4));
  for (let k = 0; k < count; k++) {
    const sku = pick(everyday.get(pick(categories, rand))!, rand);
    if (out.some((r) => r.sku === sku)) continue;
    const boughtDay = lastDay - Math.floor(rand() * 60);
    out.push({ sku, dueDay: boughtDay + pick(REPLENISHMENT_DAYS, rand) });
  }
  return out.sort((x, y) => x.dueDay - y.dueDay || compare(x.sku, y.sku));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface WorldCategory {
  readonly spec: CategorySpec;
  readonly slot: number;
  readonly centroid: Float32Array;
  readonly subCentroids: readonly Float32Array[];
  readonly brands: readonly string[];
}

interface World {
  readonly categories: readonly WorldCategory[];
  readonly cumulativeWeights: Float64Array;
}

const worlds = new Map<number, World>();

/** The fixed world for a feature count: the same for every seed, so people and items agree. */
function getWorld(features: number): World {
  const cached = worlds.get(features);
  if (cached !== undefined) return cached;
  const rand = createRng(WORLD_SEED ^ features);
  const gauss = createGauss(rand);
  const unit = (): Float32Array => {
    const v = new Float32Array(features);
    for (let f = 0; f < features; f++) v[f] = gauss();
    return normalize(v);
  };
  const usedBrands = new Set<string>();
  const categories = CATEGORIES.map((spec): WorldCategory => {
    const brands: string[] = [];
    while (brands.length < spec.brands) {
      const name = brandName(rand);
      if (!usedBrands.has(name)) {
        usedBrands.add(name);
        brands.push(name);
      }
    }
    return {
      spec,
      slot: categorySlot(spec.name),
      centroid: unit(),
      subCentroids: spec.subs.map(unit),
      brands,
    };
  });
  const cumulativeWeights = new Float64Array(categories.length);
  let total = 0;
  for (const cat of CATEGORIES) total += cat.weight;
  let acc = 0;
  CATEGORIES.forEach((cat, i) => {
    acc += cat.weight / total;
    cumulativeWeights[i] = acc;
  });
  cumulativeWeights[categories.length - 1] = 1;
  const world = { categories, cumulativeWeights };
  worlds.set(features, world);
  return world;
}

const ONSETS = [
  "b",
  "c",
  "d",
  "f",
  "g",
  "k",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "v",
  "z",
  "br",
  "st",
  "tr",
  "kl",
];
const VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io"];
const CODAS = ["", "", "n", "r", "s", "x", "l", "nd", "rk"];

function brandName(rand: () => number): string {
  const syllables = 2 + Math.floor(rand() * 2);
  let name = "";
  for (let s = 0; s < syllables; s++) {
    name += pick(ONSETS, rand) + pick(VOWELS, rand);
    if (s === syllables - 1) name += pick(CODAS, rand);
  }
  return name[0]!.toUpperCase() + name.slice(1);
}

function pick<T>(list: readonly T[], rand: () => number): T {
  return list[Math.floor(rand() * list.length)]!;
}

function c(
  name: string,
  price: number,
  sigma: number,
  returns: readonly [number, number],
  weight: number,
  brands: number,
  subs: readonly (readonly [string, readonly string[]])[],
): CategorySpec {
  return { name, subs, price, sigma, returns, weight, brands };
}

function createGauss(rand: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - rand(); // (0, 1]: log is finite
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function pickWeighted(cumulative: Float64Array, u: number): number {
  for (let i = 0; i < cumulative.length; i++) if (u < cumulative[i]!) return i;
  return cumulative.length - 1;
}

function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

function roundPrice(p: number): number {
  if (p < 2) return Math.max(0.29, Math.round(p * 100) / 100);
  if (p < 20) return Math.round(p * 2) / 2 - 0.01; // 4.49, 4.99, ...
  return Math.round(p) - 0.01; // 34.99, ...
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function positiveInteger(name: string, v: number, allowZero: boolean): void {
  if (!Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
    throw new RangeError(
      `options.${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got ${v}`,
    );
  }
}

function integer(name: string, v: number): void {
  if (!Number.isInteger(v)) throw new RangeError(`options.${name} must be an integer, got ${v}`);
}
