import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CATEGORY_SLOTS } from "../../core-wasm/src/layout.js";
import type { ScoreParts } from "../../core-wasm/src/score-parts.js";
import { candidatesFromStrings } from "../../server/src/domain/candidate-list.js";
import type { ScoredItem, ScoreJob, ScoreResult } from "../../server/src/scoring/scorer.js";
import { baseScoreJob, createTestScorer, scoreJobArb } from "./score-job-fixture.js";

const FEATURES = 16;
// Large enough that a pooled catalog scan is split into two shards (one per 1024 items, at most one per thread).
const ITEMS = 3000;
const THREADS = 2;

const { catalog, scorer } = createTestScorer({
  features: FEATURES,
  items: ITEMS,
  threads: THREADS,
  inlineMaxCandidates: 0,
});
afterAll(() => scorer.close());

const BASE_JOB = baseScoreJob(FEATURES);
const jobArb = scoreJobArb({ features: FEATURES, items: ITEMS });

/** Sum of the parts in plain f64, in declaration order — not the kernel's order. */
function sumOf(p: ScoreParts): number {
  return (
    p.base +
    p.popularity +
    p.merchandising +
    p.profileMatch +
    p.affinity +
    p.priceFit +
    p.margin +
    p.categoryBoost
  );
}

/**
 * Sum of the parts equals the score within 1e-4 relative. Relative to the size of
 * the terms, not of the score alone: terms of opposite signs may cancel to a score
 * near 0, and the f32 rounding of the kernel's sum scales with the terms.
 */
function expectPartsSumToScore(item: ScoredItem): void {
  expect(item.parts).not.toBeNull();
  const parts = item.parts!;
  const scale = Math.max(Math.abs(item.score), ...Object.values(parts).map(Math.abs));
  expect(Math.abs(sumOf(parts) - item.score)).toBeLessThanOrEqual(1e-4 * scale);
}

function expectConsistent(result: ScoreResult): void {
  result.items.forEach((item, i) => {
    expect(item.rank).toBe(i + 1);
    expect(item.itemIndex).toBe(catalog.rowOf(item.sku));
    expectPartsSumToScore(item);
  });
}

describe("createScorer()", () => {
  it("should return parts that sum to each score, inline, pooled and in catalog shards, split or not", async () => {
    let sharded = 0;
    await fc.assert(
      fc.asyncProperty(jobArb, async (job) => {
        const inline = scorer.scoreInline(job);
        const pooled = await scorer.scorePooled(job);
        const split = await scorer.scoreSplit(job);
        expect(pooled.ran).toBe("pool");
        expect(split.ran).toBe(job.candidates.count === 0 ? "split" : "pool");
        if (job.candidates.count === 0) sharded++;
        expectConsistent(inline);
        expectConsistent(pooled);
        expectConsistent(split);
        // Shards merge to the inline ranking; parts are computed the same way whichever thread scored.
        expect(pooled.items).toEqual(inline.items);
        expect(split.items).toEqual(inline.items);
        expect(split.excluded).toEqual(inline.excluded);
      }),
      { numRuns: 60 },
    );
    expect(sharded).toBeGreaterThan(0);
  });

  it("should leave parts null without explain, and give every item its catalog row", async () => {
    const job: ScoreJob = {
      ...BASE_JOB,
      explain: false,
      candidates: candidatesFromStrings(["SKU-000010", "SKU-000003"]),
    };
    for (const result of [scorer.scoreInline(job), await scorer.scorePooled(job)]) {
      expect(result.items.length).toBeGreaterThan(0);
      for (const item of result.items) {
        expect(item.parts).toBeNull();
        expect(item.itemIndex).toBe(catalog.rowOf(item.sku));
      }
    }
  });

  it("should let a category boost reorder items, in every mode, and report it as a part", async () => {
    const plain = scorer.scoreInline({ ...BASE_JOB, k: 20 });
    const last = plain.items.at(-1)!;
    const slot = catalog.itemFacts(last.itemIndex).topCategorySlot;
    const categoryBoost = new Float32Array(CATEGORY_SLOTS);
    categoryBoost[slot] = 10;
    const job: ScoreJob = { ...BASE_JOB, k: 20, categoryBoost };
    for (const result of [scorer.scoreInline(job), await scorer.scorePooled(job)]) {
      const first = result.items[0]!;
      expect(catalog.itemFacts(first.itemIndex).topCategorySlot).toBe(slot);
      expect(first.parts!.categoryBoost).toBe(10);
      expect(first.score).toBeGreaterThan(plain.items[0]!.score);
      expect(result.items.map((i) => i.sku)).not.toEqual(plain.items.map((i) => i.sku));
      expectConsistent(result);
    }
  });

  it.each([
    [
      "a wrong length",
      new Float32Array(CATEGORY_SLOTS - 1),
      "job.categoryBoost: length 31 must equal CATEGORY_SLOTS (32)",
    ],
    [
      "a non-finite value",
      Float32Array.from({ length: CATEGORY_SLOTS }, (_, c) => (c === 4 ? Number.NaN : 0)),
      "job.categoryBoost[4]: NaN is not finite",
    ],
  ])("should refuse a category boost with %s", async (_name, categoryBoost, message) => {
    const job: ScoreJob = { ...BASE_JOB, categoryBoost };
    expect(() => scorer.scoreInline(job)).toThrow(new RangeError(message));
    await expect(scorer.scorePooled(job)).rejects.toThrow(new RangeError(message));
    await expect(scorer.score(job)).rejects.toThrow(new RangeError(message));
  });
});

describe("createScorer() under deadlines", () => {
  it("should drop a pooled job whose deadline passed before a worker started it, and keep its slot usable", async () => {
    const job: ScoreJob = { ...BASE_JOB, candidates: candidatesFromStrings(["SKU-000010", "SKU-000003"]) };
    // More expired jobs than the scorer has slots: a dropped job must give its slot back.
    for (let i = 0; i < 300; i++) {
      await expect(scorer.scorePooled({ ...job, deadlineMs: Date.now() - 1 })).rejects.toMatchObject({
        kind: "DEADLINE_EXCEEDED",
        message: "deadline: passed while waiting for a scoring worker",
      });
    }
    const fine = await scorer.scorePooled({ ...job, deadlineMs: Date.now() + 60_000 });
    expect(fine.ran).toBe("pool");
    expect(fine.saturated).toBe(false);
    expect(fine.items.map((i) => i.sku)).toEqual(scorer.scoreInline(job).items.map((i) => i.sku));
  });

  it("should drop every shard of an expired catalog scan, pooled or split", async () => {
    await expect(scorer.scorePooled({ ...BASE_JOB, deadlineMs: 0 })).rejects.toMatchObject({
      kind: "DEADLINE_EXCEEDED",
    });
    await expect(scorer.scoreSplit({ ...BASE_JOB, deadlineMs: 0 })).rejects.toMatchObject({
      kind: "DEADLINE_EXCEEDED",
    });
    const fine = await scorer.scorePooled({ ...BASE_JOB, deadlineMs: Number.POSITIVE_INFINITY });
    expect(fine.items).toEqual(scorer.scoreInline(BASE_JOB).items);
  });
});

describe("createScorer() choosing where a catalog scan runs", () => {
  const scan = (): ScoreJob => ({ ...BASE_JOB, deadlineMs: Number.POSITIVE_INFINITY });
  // The scorer counts score() calls until the loop's check phase: each test
  // starts in a turn of its own, not in the one the previous test ended in.
  beforeEach(() => new Promise((resolve) => setImmediate(resolve)));

  it("should scan a shard on the server thread when the server is quiet", async () => {
    const result = await scorer.score(scan());
    expect(result.ran).toBe("split");
    expect(result.items).toEqual(scorer.scoreInline(BASE_JOB).items);
  });

  it("should leave every shard to the pool when other calls reach scoring in the same turn", async () => {
    const results = await Promise.all([scorer.score(scan()), scorer.score(scan()), scorer.score(scan())]);
    expect(results.map((r) => r.ran)).toEqual(["split", "pool", "pool"]);
    for (const r of results) expect(r.items).toEqual(scorer.scoreInline(BASE_JOB).items);
  });

  it("should leave every shard to the pool while a pool job is in flight", async () => {
    const job = { ...BASE_JOB, candidates: candidatesFromStrings(["SKU-000010", "SKU-000003"]) };
    const pooled = scorer.scorePooled(job);
    // scorePooled is not a score() call, so the scan is alone in its turn:
    // only the pool job in flight (counted before scorePooled's first await) makes the server busy.
    const catalogScan = scorer.score(scan());
    expect((await catalogScan).ran).toBe("pool");
    expect((await pooled).ran).toBe("pool");
    await new Promise((resolve) => setImmediate(resolve)); // a turn of its own
    expect((await scorer.score(scan())).ran).toBe("split");
  });

  it("should never split with the option serverShard off", async () => {
    const { scorer: whole } = createTestScorer({
      features: FEATURES,
      items: ITEMS,
      threads: THREADS,
      inlineMaxCandidates: 0,
      serverShard: false,
    });
    try {
      const result = await whole.score(scan());
      expect(result.ran).toBe("pool");
      expect(result.items).toEqual(scorer.scoreInline(BASE_JOB).items);
    } finally {
      await whole.close();
    }
  });
});
