/**
 * The scorer's tests' fixtures: a scorer over a synthetic resident catalog,
 * a plain catalog-scan job, and random jobs over that catalog
 * (`generateCatalog`, `syntheticSku` rows).
 */
import fc from "fast-check";
import { createArena, createKernelMemory } from "../../core-wasm/src/arena.js";
import { loadKernelModule } from "../../core-wasm/src/kernel.js";
import { CATEGORY_SLOTS } from "../../core-wasm/src/layout.js";
import { createResidentCatalog, type ResidentCatalog } from "../../server/src/catalog/resident-catalog.js";
import { createRng, generateCatalog, syntheticSku } from "../../server/src/demo/synthetic.js";
import { candidatesFromStrings, NO_CANDIDATES } from "../../server/src/domain/candidate-list.js";
import type { CatalogItem } from "../../server/src/domain/catalog-item.js";
import { Channel } from "../../server/src/domain/channel.js";
import { createScorer, type ScoreJob, type Scorer } from "../../server/src/scoring/scorer.js";
import { defaultScoringModel } from "../../server/src/scoring/scoring-model.js";

export interface TestScorerShape {
  readonly features: number;
  /** Rows loaded into the catalog before the scorer starts. */
  readonly items: number;
  /** Items generated (the first `items` loaded); the rest are for the test to add. @default items */
  readonly generate?: number;
  readonly threads: number;
  readonly inlineMaxCandidates: number;
  /** The scorer's option of that name. @default true */
  readonly serverShard?: boolean;
  /** The scorer's option of that name. @default the scorer's */
  readonly laneBatch?: number;
}

/** Fresh kernel memory, a resident catalog of synthetic items (seed 11, 4 stores) and a real scorer over it. */
export function createTestScorer(shape: TestScorerShape): {
  readonly catalog: ResidentCatalog;
  readonly generated: readonly CatalogItem[];
  readonly scorer: Scorer;
} {
  const { features, items } = shape;
  const arena = createArena(createKernelMemory());
  const catalog = createResidentCatalog({ arena, features, initialCapacity: items, maxStores: 8 });
  const generated = generateCatalog({ items: shape.generate ?? items, stores: 4, features, seed: 11 });
  catalog.upsert(generated.slice(0, items));
  const scorer = createScorer({
    memory: arena.memory,
    arena,
    module: loadKernelModule(),
    catalog,
    features,
    threads: shape.threads,
    inlineMaxCandidates: shape.inlineMaxCandidates,
    inlineMaxCatalogItems: 0,
    serverShard: shape.serverShard ?? true,
    ...(shape.laneBatch !== undefined ? { laneBatch: shape.laneBatch } : {}),
    maxCandidates: 500,
    maxLimit: 100,
    maxExclusions: 16,
    maxPoolQueue: 1000,
  });
  return { catalog, generated, scorer };
}

/** Ranks the whole catalog, top 10, with explain, nobody personalised. */
export function baseScoreJob(features: number): ScoreJob {
  return {
    candidates: NO_CANDIDATES,
    k: 10,
    explain: true,
    storeId: "",
    channel: Channel.WEB,
    blockReason: 0,
    model: defaultScoringModel(features, 0.05),
    person: null,
    capped: [],
    redeemed: [],
    categoryBoost: null,
  };
}

export interface ScoreJobShape {
  readonly features: number;
  /** Rows in the catalog; candidates also name up to 20 SKUs past it (unknown). */
  readonly items: number;
  /** Only candidate jobs, never a catalog scan. @default false */
  readonly candidatesOnly?: boolean;
}

/**
 * Random jobs: the shape from fast-check (so failures shrink), the bulk values
 * uniform from a seeded PRNG (fast-check's numbers cluster on 0 and ±1, which
 * hides terms that are dropped or misweighted).
 */
export function scoreJobArb(options: ScoreJobShape): fc.Arbitrary<ScoreJob> {
  const { features, items } = options;
  return fc
    .record({
      seed: fc.integer(),
      catalogScan: options.candidatesOnly === true ? fc.constant(false) : fc.boolean(),
      candidates: fc.integer({ min: 1, max: 400 }),
      k: fc.integer({ min: 1, max: 100 }),
      storeId: fc.constantFrom("", "store-001", "store-404"),
      channel: fc.constantFrom(Channel.WEB, Channel.PAID_MEDIA),
      personalized: fc.boolean(),
      boosted: fc.boolean(),
      exclusions: fc.integer({ min: 0, max: 8 }),
    })
    .map((shape): ScoreJob => {
      const rnd = createRng(shape.seed);
      const uniform = (min: number, max: number): number => min + (max - min) * rnd();
      const floats = (n: number, min: number, max: number) =>
        Float32Array.from({ length: n }, () => uniform(min, max));
      const rows = new Set<number>();
      // Rows past the catalog are unknown SKUs.
      while (!shape.catalogScan && rows.size < shape.candidates) rows.add(Math.floor(uniform(0, items + 20)));
      const skus = (n: number) =>
        Array.from({ length: n }, () => syntheticSku(Math.floor(uniform(0, items))));
      return {
        candidates: shape.catalogScan
          ? NO_CANDIDATES
          : candidatesFromStrings(
              [...rows].map((row) => syntheticSku(row)),
              [...rows].map(() => uniform(-1, 1)),
            ),
        k: shape.k,
        explain: true,
        storeId: shape.storeId,
        channel: shape.channel,
        blockReason: 0,
        model: {
          version: "random",
          weights: floats(features, -2, 2),
          wBase: uniform(-1, 2),
          wAffinity: uniform(-1, 2),
          wPrice: uniform(-1, 2),
          priceScale: uniform(0, 3),
          wMargin: uniform(-1, 2),
          wPopularity: uniform(-1, 2),
          marginFloor: uniform(-0.5, 0.3),
        },
        person: shape.personalized
          ? {
              vector: floats(features, -1, 1),
              categoryAffinity: floats(CATEGORY_SLOTS, 0, 1),
              priceAnchor: uniform(0, 7),
              discountSensitivity: uniform(0, 1),
            }
          : null,
        capped: skus(shape.exclusions),
        redeemed: skus(shape.exclusions >> 1),
        categoryBoost: shape.boosted ? floats(CATEGORY_SLOTS, -1, 1) : null,
      };
    });
}
