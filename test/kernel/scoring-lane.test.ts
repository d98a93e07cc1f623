import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createArena, createKernelMemory } from "../../core-wasm/src/arena.js";
import { loadKernelModule } from "../../core-wasm/src/kernel.js";
import { Reason, RequestDesc } from "../../core-wasm/src/layout.js";
import { resolveServerOptions } from "../../server/src/config/server-options.js";
import { syntheticSku } from "../../server/src/demo/synthetic.js";
import { candidatesFromStrings } from "../../server/src/domain/candidate-list.js";
import type { ScoreJob } from "../../server/src/scoring/scorer.js";
import { LANE_SLOTS, ScoringLane } from "../../server/src/scoring/scoring-lane.js";
import { baseScoreJob, createTestScorer, scoreJobArb } from "./score-job-fixture.js";

const FEATURES = 16;
const ITEMS = 3000;
/** Items added while lane jobs run: enough to outgrow the SKU table and key array sized for ITEMS. */
const ALL_ITEMS = 20_000;

const { catalog, generated, scorer } = createTestScorer({
  features: FEATURES,
  items: ITEMS,
  generate: ALL_ITEMS,
  threads: 1,
  inlineMaxCandidates: 500,
});
const module = loadKernelModule();
afterAll(() => scorer.close());

const jobOf = (skus: readonly string[]): ScoreJob => ({
  ...baseScoreJob(FEATURES),
  candidates: candidatesFromStrings(skus),
});

describe("the scoring lane", () => {
  it("should give the same items and reasons as scoring inline, for random candidate jobs", async () => {
    await fc.assert(
      fc.asyncProperty(
        scoreJobArb({ features: FEATURES, items: ITEMS, candidatesOnly: true }),
        async (job) => {
          const inline = scorer.scoreInline(job);
          const laned = await scorer.scoreOnLane(job);
          expect(laned.ran).toBe("lane");
          expect(inline.ran).toBe("inline");
          expect(laned.items).toEqual(inline.items);
          expect(laned.excluded).toEqual(inline.excluded);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("should reject a repeated candidate SKU naming both positions, and reuse the slot", async () => {
    const job = jobOf(["SKU-000010", "SKU-000003", "SKU-404404", "SKU-000003"]);
    expect(() => scorer.scoreInline(job)).toThrow("candidates[3].sku: duplicate of candidates[1]");
    // More rejected jobs than the lane has slots: each must give its slot back.
    for (let i = 0; i < LANE_SLOTS + 10; i++) {
      await expect(scorer.scoreOnLane(job)).rejects.toMatchObject({
        kind: "INVALID_FIELD",
        message: "candidates[3].sku: duplicate of candidates[1]",
      });
    }
    const fine = await scorer.scoreOnLane(jobOf(["SKU-000010", "SKU-000003"]));
    expect(fine.ran).toBe("lane");
  });

  it("should drop a job whose deadline passed before the worker reached it, and reuse the slot", async () => {
    const job = jobOf(["SKU-000010", "SKU-000003"]);
    for (let i = 0; i < LANE_SLOTS + 10; i++) {
      await expect(scorer.scoreOnLane({ ...job, deadlineMs: Date.now() - 1 })).rejects.toMatchObject({
        kind: "DEADLINE_EXCEEDED",
        message: "deadline: passed while waiting for the scoring lane",
      });
    }
    const fine = await scorer.scoreOnLane({ ...job, deadlineMs: Date.now() + 60_000 });
    expect(fine.items.map((i) => i.sku)).toEqual(scorer.scoreInline(job).items.map((i) => i.sku));
  });

  it("should answer from the catalog as it was when each job was written, while the catalog grows", async () => {
    const skus = (from: number, n: number) => Array.from({ length: n }, (_, i) => syntheticSku(from + i));
    const checks: Promise<void>[] = [];
    for (let at = ITEMS; at < ALL_ITEMS; at += 500) {
      // Half known, half in the batch about to be added.
      const job = { ...jobOf([...skus(at - 50, 50), ...skus(at, 50)]), k: 100 };
      const before = scorer.scoreInline(job);
      expect(before.excluded.filter((e) => e.reason === Reason.UNKNOWN_SKU)).toHaveLength(50);
      for (let j = 0; j < 4; j++) {
        checks.push(scorer.scoreOnLane(job).then((r) => expect(r.items).toEqual(before.items)));
      }
      // Written while those jobs are queued or running on the worker.
      catalog.upsert(generated.slice(at, at + 500));
      const after = scorer.scoreInline(job);
      expect(after.excluded.some((e) => e.reason === Reason.UNKNOWN_SKU)).toBe(false);
      checks.push(
        scorer.scoreOnLane(job).then((r) => {
          expect(r.items).toEqual(after.items);
          expect(r.excluded).toEqual(after.excluded);
        }),
      );
    }
    await Promise.all(checks);
    expect(catalog.size).toBe(ALL_ITEMS);
  });

  it("should run the first seven jobs of an event-loop turn inline and the eighth and later on the lane", async () => {
    await new Promise((resolve) => setImmediate(resolve));
    const job = jobOf(["SKU-000010", "SKU-000003", "SKU-000007"]);
    const results = await Promise.all(Array.from({ length: 10 }, () => scorer.score(job)));
    expect(results.map((r) => r.ran)).toEqual([...Array(7).fill("inline"), "lane", "lane", "lane"]);
    for (const r of results) expect(r.items).toEqual(results[0]!.items);
    // A new turn, the lane drained: quiet again.
    await new Promise((resolve) => setImmediate(resolve));
    expect((await scorer.score(job)).ran).toBe("inline");
  });

  it("should send every small job to the lane with laneBatch 1, and the second of a turn on with 2", async () => {
    const job = jobOf(["SKU-000010", "SKU-000003", "SKU-000007"]);
    for (const [laneBatch, ran] of [
      [1, ["lane", "lane", "lane"]],
      [2, ["inline", "lane", "lane"]],
    ] as const) {
      const { scorer: s } = createTestScorer({
        features: FEATURES,
        items: ITEMS,
        threads: 1,
        inlineMaxCandidates: 500,
        laneBatch,
      });
      try {
        await new Promise((resolve) => setImmediate(resolve));
        const results = await Promise.all([1, 2, 3].map(() => s.score(job)));
        expect(results.map((r) => r.ran)).toEqual(ran);
      } finally {
        await s.close();
      }
    }
  });

  it("should refuse a laneBatch below 1, naming it, in the scorer and in the server's options", () => {
    expect(() =>
      createTestScorer({ features: FEATURES, items: 10, threads: 1, inlineMaxCandidates: 500, laneBatch: 0 }),
    ).toThrow(/laneBatch must be a positive integer, got 0/);
    expect(() => resolveServerOptions({ scoringLaneBatch: 0 })).toThrow(
      /options\.scoringLaneBatch must be an integer in \[1, 64\], got 0/,
    );
  });
});

describe("ScoringLane in a process with nothing else to do", () => {
  it("should keep the process alive until its job is answered, then let it exit", async () => {
    // Atomics.waitAsync does not keep the event loop alive: without the lane
    // referencing its worker while jobs are in flight, this process exits 0
    // with the job unanswered (found by bench:crossover, which printed nothing).
    const at = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
    const script = `
      import { createArena, createKernelMemory } from ${at("../../core-wasm/src/arena.js")};
      import { loadKernelModule } from ${at("../../core-wasm/src/kernel.js")};
      import { createResidentCatalog } from ${at("../../server/src/catalog/resident-catalog.js")};
      import { generateCatalog, syntheticSku } from ${at("../../server/src/demo/synthetic.js")};
      import { candidatesFromStrings } from ${at("../../server/src/domain/candidate-list.js")};
      import { createScorer } from ${at("../../server/src/scoring/scorer.js")};
      import { defaultScoringModel } from ${at("../../server/src/scoring/scoring-model.js")};
      const memory = createKernelMemory();
      const arena = createArena(memory);
      const catalog = createResidentCatalog({ arena, features: 16, initialCapacity: 100, maxStores: 4 });
      catalog.upsert(generateCatalog({ items: 100, stores: 2, features: 16, seed: 1 }));
      const scorer = createScorer({
        memory, arena, module: loadKernelModule(), catalog, features: 16, threads: 1,
        inlineMaxCandidates: 50, inlineMaxCatalogItems: 0, maxCandidates: 50, maxLimit: 10,
        maxExclusions: 4, maxPoolQueue: 10,
      });
      const r = await scorer.scoreOnLane({
        candidates: candidatesFromStrings([syntheticSku(3), syntheticSku(7)]), k: 5, explain: false,
        storeId: "", channel: 1, blockReason: 0, model: defaultScoringModel(16, 0.05), person: null,
        capped: [], redeemed: [], categoryBoost: null,
      });
      process.stdout.write(r.ran + " " + r.items.length);
      await scorer.close();
    `;
    // A file, not --eval: workers inherit the process's flags, and --input-type breaks them.
    const dir = mkdtempSync(join(tmpdir(), "relevance-lane-"));
    try {
      writeFileSync(join(dir, "one-job.mjs"), script);
      const { stdout } = await promisify(execFile)(process.execPath, [join(dir, "one-job.mjs")], {
        timeout: 20_000,
      });
      expect(stdout).toBe("lane 2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("ScoringLane when its worker dies", () => {
  it("should fail the jobs in flight with INTERNAL, then refuse new ones so they run inline", async () => {
    const laneMemory = createKernelMemory();
    const laneArena = createArena(laneMemory);
    const lane = new ScoringLane({
      memory: laneMemory,
      module,
      arena: laneArena,
      slot: { features: FEATURES, maxCandidates: 8, maxK: 10, maxExclusions: 4 },
    });
    try {
      const slot = lane.take()!;
      // A catalog pointer past the end of memory: the kernel traps on its first read.
      new DataView(laneMemory.buffer).setUint32(slot.request.desc + RequestDesc.CATALOG, 0xffff_fff0, true);
      const index = { tableAt: 0, slots: 1, keysAt: 0, keysCapacity: 0 };
      const job = { count: 0, rowLimit: 0, index, deadlineMs: Number.POSITIVE_INFINITY };
      await expect(lane.run(slot, job)).rejects.toMatchObject({ kind: "INTERNAL" });
      expect(lane.usable).toBe(false);
      expect(lane.take()).toBeNull();
    } finally {
      await lane.close();
    }
  });
});
