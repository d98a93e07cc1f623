import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { Arena } from "../../../core-wasm/src/arena.js";
import { instantiateKernel, type Kernel } from "../../../core-wasm/src/kernel.js";
import { CATEGORY_SLOTS, Mode, Reason } from "../../../core-wasm/src/layout.js";
import { allocateRequestSlot, type RequestSlot } from "../../../core-wasm/src/request-slot.js";
import { type ScoreParts, type ScorePartsRequest, scoreParts } from "../../../core-wasm/src/score-parts.js";
import type { ResidentCatalog } from "../catalog/resident-catalog.js";
import { type CandidateList, candidateSku } from "../domain/candidate-list.js";
import { DecisionError, invalidField } from "../errors/index.js";
import { DuplicateRows } from "./duplicate-rows.js";
import { scorePartsRequest } from "./score-parts-request.js";
import { DUPLICATE, LANE_KEY_BYTES, type LaneSlot, ScoringLane } from "./scoring-lane.js";
import type { ScoringModel } from "./scoring-model.js";
import { createSlotTable, EXPIRED, type SlotTableViews, slotTableViews } from "./slot-table.js";

/** What the person contributes to scoring; null scores without the person. */
export interface PersonFeatures {
  readonly vector: Float32Array;
  readonly categoryAffinity: Float32Array;
  readonly priceAnchor: number;
  readonly discountSensitivity: number;
}

/** One scoring job: the score, constrain and rank stages of a decision. */
export interface ScoreJob {
  /** Candidates; none ranks the whole catalog. */
  readonly candidates: CandidateList;
  readonly k: number;
  readonly explain: boolean;
  /** Store id whose stock must hold, or "" for none. */
  readonly storeId: string;
  readonly channel: number;
  /** A reason applied to every known candidate (NO_CONSENT), or 0. */
  readonly blockReason: number;
  readonly model: ScoringModel;
  /** The person to personalise for; null scores without anything about the person. */
  readonly person: PersonFeatures | null;
  /** SKUs whose cap is reached for this person (excluded as CAPPED). */
  readonly capped: readonly string[];
  /** SKUs whose offer this person redeemed (excluded as REDEEMED). */
  readonly redeemed: readonly string[];
  /**
   * Added to the score of every item by its top-category slot (see
   * `categorySlot`), personalised or not; length CATEGORY_SLOTS, finite
   * values. Null for none (holdout and control decisions pass null).
   */
  readonly categoryBoost: Float32Array | null;
  /**
   * Wall-clock ms (Date.now) after which a pool worker must not start the job:
   * a job that waited out its caller's deadline in the queue is dropped
   * (DEADLINE_EXCEEDED) instead of run. @default Infinity
   */
  readonly deadlineMs?: number;
}

/** One kept item of a scored job. */
export interface ScoredItem {
  readonly sku: string;
  /** The kernel's score (an f32 value). */
  readonly score: number;
  /** 1-based. */
  readonly rank: number;
  /**
   * The item's catalog row, for reading its facts (`ResidentCatalog.itemFacts`)
   * without a SKU lookup. Rows are stable for the life of the process.
   */
  readonly itemIndex: number;
  /**
   * With `job.explain`: the score term by term (they sum to `score` up to f32
   * rounding), computed after scoring from the catalog as it is then; null
   * otherwise.
   */
  readonly parts: ScoreParts | null;
}

export interface ExcludedSku {
  readonly sku: string;
  readonly reason: number;
}

export interface ScoreResult {
  /** Kept items, best first, ranked from 1, at most k. */
  readonly items: readonly ScoredItem[];
  /** With explain: every excluded candidate (candidate mode) or the best k excluded items (catalog mode). */
  readonly excluded: readonly ExcludedSku[];
  /**
   * Where the kernel ran: "inline" on the server thread, on the scoring
   * "lane", on the "pool", or "split": a catalog scan's first shard on the
   * server thread and the others on the pool.
   */
  readonly ran: Ran;
  /** True when the pool was full and the job ran inline instead. */
  readonly saturated: boolean;
}

export type Ran = "inline" | "lane" | "pool" | "split";

/** A ScoreResult, its properties in one order (one hidden class: see `decisionOf` on object spread). */
function scoreResult(
  items: readonly ScoredItem[],
  excluded: readonly ExcludedSku[],
  ran: Ran,
  saturated: boolean,
): ScoreResult {
  return { items, excluded, ran, saturated };
}

/** The result of a job the full pool sent inline. */
function asSaturated(r: ScoreResult): ScoreResult {
  return scoreResult(r.items, r.excluded, r.ran, true);
}

export interface ScorerOptions {
  readonly memory: WebAssembly.Memory;
  readonly arena: Arena;
  readonly module: WebAssembly.Module;
  readonly catalog: ResidentCatalog;
  readonly features: number;
  /**
   * Worker threads; 0 scores everything inline.
   * @default os.availableParallelism()
   */
  readonly threads: number;
  /**
   * Candidate jobs up to this size run on the server thread, or on the scoring
   * lane when the server is busy (measured by `npm run bench:crossover`);
   * larger ones go to the pool.
   */
  readonly inlineMaxCandidates: number;
  /**
   * Hand small candidate jobs to the scoring lane's worker while Decide calls
   * queue (needs `threads` > 0). @default true
   */
  readonly lane?: boolean;
  /** Calls reaching scoring in one turn, or jobs on the lane, from which small jobs go to the lane. @default LANE_BATCH */
  readonly laneBatch?: number;
  /** Catalog scans over at most this many items run inline. */
  readonly inlineMaxCatalogItems: number;
  /**
   * A catalog scan on a quiet server scans its first shard on the server
   * thread while the pool scans the others, instead of the server thread
   * waiting idle for all of them (see `score`). @default true
   */
  readonly serverShard?: boolean;
  readonly maxCandidates: number;
  readonly maxLimit: number;
  readonly maxExclusions: number;
  /** Pool tasks waiting beyond this run inline instead, flagged as saturated. */
  readonly maxPoolQueue: number;
}

/**
 * Scores, constrains and ranks with the WASM kernel. Small jobs run inline on
 * the server thread (a pool round trip costs more than the scoring) while the
 * server is quiet, and on the scoring lane's worker while it is busy (see
 * `score`); large candidate lists go to one pool worker; catalog scans are
 * sharded across all pool workers and their top-k merged.
 */
export interface Scorer {
  /**
   * Scores one job, inline or on the pool by its size. A repeated candidate SKU
   * is rejected (INVALID_ARGUMENT naming both positions); a `categoryBoost` of
   * the wrong length or with a non-finite value is a server bug (RangeError).
   */
  score(job: ScoreJob): Promise<ScoreResult>;
  /** Runs a job on the server thread regardless of size (benchmarks, crossover). */
  scoreInline(job: ScoreJob): ScoreResult;
  /**
   * Runs a small candidate job on the scoring lane regardless of load (tests,
   * benchmarks); inline when the job does not fit a lane slot or there is no
   * lane.
   */
  scoreOnLane(job: ScoreJob): Promise<ScoreResult>;
  /**
   * Runs a job on the pool regardless of size (benchmarks, crossover). `signal`
   * cancels a job that has not started on a worker; a job already running is
   * never interrupted, because stopping a worker mid-scan would leave its slot
   * half-written.
   */
  scorePooled(job: ScoreJob, signal?: AbortSignal): Promise<ScoreResult>;
  /**
   * Runs a catalog scan split between the server thread (first shard) and
   * the pool regardless of load (tests, benchmarks); as `scorePooled` for a
   * candidate job or a scan of one shard.
   */
  scoreSplit(job: ScoreJob): Promise<ScoreResult>;
  readonly threads: number;
  /** True when small jobs may go to the scoring lane (option `lane`, and `threads` > 0). */
  readonly hasLane: boolean;
  /** The pool's state for metrics: share of worker time busy (0..1) and jobs waiting; zeros without a pool. */
  poolState(): { utilization: number; queued: number };
  close(): Promise<void>;
}

export function createScorer(options: ScorerOptions): Scorer {
  return new KernelScorer(options);
}

const MAX_SLOTS = 256;

/**
 * Calls reaching scoring in one turn, or jobs already on the lane, from which
 * small jobs go to the lane (option `laneBatch`). `npm run bench:lane`,
 * 2026-12-08, AMD EPYC host under KVM, 2 vCPUs, against the same server
 * without a lane, in the same run: when the lane took every job after the
 * first of a turn or while it held one, it gained 5–12 % at the maximum but
 * at half of it (77–80 % of jobs on the lane) p50 rose by 0.1–1.7 ms in 8
 * rounds of 8; from the third call of a turn (38–57 % on the lane) by 0.4–
 * 3.1 ms in 4 of 4. From the eighth, the lane takes 75–78 % of jobs at the
 * maximum (+4 % and +9 % in two runs) and 4–17 % at half, where p50 matched
 * the lane-less server in one run (1.55 against 1.63 ms) and was 0.1–2.9 ms
 * higher in the other (an A/A control of two lane-less servers drifts by up
 * to 2 ms in single rounds). A lane job waits for the worker to wake, and on
 * two busy cores for a core to run on: worth it when it saves a backlog.
 */
const LANE_BATCH = 8;

class KernelScorer implements Scorer {
  private readonly o: ScorerOptions;
  private readonly kernel: Kernel;
  private readonly inlineSlot: RequestSlot;
  private readonly freeSlots: RequestSlot[] = [];
  /** Pool slots' indices in the table shared with the workers. */
  private readonly slotIndex = new Map<RequestSlot, number>();
  private readonly table: SlotTableViews;
  private slotCount = 1;
  private readonly duplicates = new DuplicateRows();
  private readonly pool: Piscina<number, number> | null;
  private readonly lane: ScoringLane | null;
  get hasLane(): boolean {
    return this.lane !== null;
  }
  /** score() calls in this turn of the event loop (reset by setImmediate). */
  private callsThisTurn = 0;
  private readonly laneBatch: number;
  /** Pool jobs (candidate jobs and catalog scans) not yet answered. */
  private pooledInFlight = 0;
  private readonly endTurn = (): void => {
    this.callsThisTurn = 0;
  };
  readonly threads: number;

  constructor(options: ScorerOptions) {
    this.o = options;
    this.laneBatch = options.laneBatch ?? LANE_BATCH;
    if (!Number.isInteger(this.laneBatch) || this.laneBatch < 1)
      throw new RangeError(`laneBatch must be a positive integer, got ${this.laneBatch}`);
    this.kernel = instantiateKernel(options.module, options.memory);
    this.inlineSlot = this.newSlot();
    this.threads = options.threads;
    const table = createSlotTable(MAX_SLOTS);
    this.table = slotTableViews(table);
    this.pool =
      options.threads > 0
        ? new Piscina<number, number>({
            filename: new URL("./scorer-worker.js", import.meta.url).href,
            minThreads: options.threads,
            maxThreads: options.threads,
            idleTimeout: Number.POSITIVE_INFINITY,
            workerData: { memory: options.memory, module: options.module, slots: table },
          })
        : null;
    const laneCandidates = Math.min(options.inlineMaxCandidates, options.maxCandidates);
    this.lane =
      options.threads > 0 && options.lane !== false && laneCandidates > 0
        ? new ScoringLane({
            memory: options.memory,
            module: options.module,
            arena: options.arena,
            slot: {
              features: options.features,
              maxCandidates: laneCandidates,
              maxK: options.maxLimit,
              maxExclusions: options.maxExclusions,
            },
          })
        : null;
  }

  /**
   * Where a small candidate job runs is decided by load, not size: inline
   * while the server is quiet or moderately loaded (a lone lane job wakes two
   * threads, ~25 µs of the server thread against ~15 µs of scoring, and the
   * call waits for both wake-ups), on the lane once calls back up: when this
   * is the `laneBatch`-th call (default 8) or later to reach scoring in one
   * turn of the event loop (answers from Redis arrive in batches under load),
   * or the lane already holds that many jobs. Lane jobs then share wake-ups
   * and cost the server thread ~1 µs each plus copying the job in.
   *
   * A catalog scan is sharded across the pool. On a quiet server (alone in
   * its turn, nothing on the pool or the lane) the server thread scans the
   * first shard itself once the others are handed out, rather than wait idle
   * and pay one more worker's wake-up (`npm run bench:catalog`). A busy
   * server keeps its thread for the calls queued behind.
   */
  async score(job: ScoreJob): Promise<ScoreResult> {
    const o = this.o;
    const catalogMode = job.candidates.count === 0;
    const small = catalogMode
      ? o.catalog.size <= o.inlineMaxCatalogItems
      : job.candidates.count <= o.inlineMaxCandidates;
    const alone = this.callsThisTurn++ === 0;
    if (alone) setImmediate(this.endTurn);
    const lane = this.lane;
    if (
      !catalogMode &&
      small &&
      lane !== null &&
      (this.callsThisTurn >= this.laneBatch || lane.inFlight >= this.laneBatch)
    ) {
      const laned = this.tryLane(lane, job);
      if (laned !== null) return laned;
    }
    if (small || this.pool === null) return this.scoreInline(job);
    if (this.pool.queueSize >= o.maxPoolQueue) return asSaturated(this.scoreInline(job));
    const quiet = alone && this.pooledInFlight === 0 && (lane === null || lane.inFlight === 0);
    return this.scoreSharded(job, undefined, catalogMode && quiet && o.serverShard !== false);
  }

  poolState(): { utilization: number; queued: number } {
    return this.pool === null
      ? { utilization: 0, queued: 0 }
      : { utilization: this.pool.utilization, queued: this.pool.queueSize };
  }

  scoreInline(job: ScoreJob): ScoreResult {
    checkCategoryBoost(job.categoryBoost);
    const slot = this.inlineSlot;
    const catalogMode = job.candidates.count === 0;
    this.write(slot, job, 0, this.o.catalog.size);
    const kept = this.kernel.decide(slot.desc);
    const items = this.readItems(slot, kept, job);
    const excluded = job.explain ? this.readExcluded(slot, job, catalogMode) : [];
    return scoreResult(items, excluded, "inline", false);
  }

  async scoreOnLane(job: ScoreJob): Promise<ScoreResult> {
    return (this.lane === null ? null : this.tryLane(this.lane, job)) ?? this.scoreInline(job);
  }

  /** Runs a candidate job on the lane; null when it cannot take it (no free slot, too big, lane down). */
  private tryLane(lane: ScoringLane, job: ScoreJob): Promise<ScoreResult> | null {
    const cands = job.candidates;
    const n = cands.count;
    if (n === 0 || n > lane.maxCandidates) return null;
    let lo = cands.start[0]!;
    let hi = cands.end[0]!;
    for (let i = 1; i < n; i++) {
      lo = Math.min(lo, cands.start[i]!);
      hi = Math.max(hi, cands.end[i]!);
    }
    if (hi - lo > LANE_KEY_BYTES) return null;
    checkCategoryBoost(job.categoryBoost);
    const slot = lane.take();
    if (slot === null) return null;
    try {
      // The SKUs' bytes as one span of the request, positions rebased: the
      // worker resolves them to rows.
      slot.keys.set(cands.bytes.subarray(lo, hi));
      const starts = slot.starts;
      const ends = slot.ends;
      for (let i = 0; i < n; i++) {
        starts[i] = cands.start[i]! - lo;
        ends[i] = cands.end[i]! - lo;
      }
      this.write(slot.request, job, 0, this.o.catalog.size, false);
    } catch (e) {
      lane.release(slot);
      throw e;
    }
    const catalog = this.o.catalog;
    return lane
      .run(slot, {
        count: n,
        rowLimit: catalog.size,
        index: catalog.skuLocation,
        deadlineMs: job.deadlineMs ?? Number.POSITIVE_INFINITY,
      })
      .then((kept) => this.laneResult(lane, slot, job, kept));
  }

  private laneResult(lane: ScoringLane, slot: LaneSlot, job: ScoreJob, kept: number): ScoreResult {
    try {
      if (kept === EXPIRED) {
        throw new DecisionError("DEADLINE_EXCEEDED", "deadline: passed while waiting for the scoring lane");
      }
      if (kept === DUPLICATE) {
        const { at, of } = lane.duplicateOf(slot);
        throw invalidField(`candidates[${at}].sku`, `duplicate of candidates[${of}]`);
      }
      const items = this.readItems(slot.request, kept, job);
      const excluded = job.explain ? this.readExcluded(slot.request, job, false) : [];
      return scoreResult(items, excluded, "lane", false);
    } finally {
      lane.release(slot);
    }
  }

  scorePooled(job: ScoreJob, signal?: AbortSignal): Promise<ScoreResult> {
    return this.scoreSharded(job, signal, false);
  }

  scoreSplit(job: ScoreJob): Promise<ScoreResult> {
    return this.scoreSharded(job, undefined, true);
  }

  /**
   * A job on the pool: one shard for candidates, a shard per worker for a
   * catalog scan. With `serverShard` (a catalog scan of two shards or more)
   * the server thread scans the first shard after handing out the others.
   */
  private async scoreSharded(
    job: ScoreJob,
    signal: AbortSignal | undefined,
    serverShard: boolean,
  ): Promise<ScoreResult> {
    checkCategoryBoost(job.categoryBoost);
    const pool = this.pool;
    if (pool === null) return this.scoreInline(job);
    const catalogMode = job.candidates.count === 0;
    const size = this.o.catalog.size;
    const shards = catalogMode ? Math.max(1, Math.min(this.threads, Math.ceil(size / 1024))) : 1;
    const split = serverShard && catalogMode && shards > 1;
    const slots: RequestSlot[] = [];
    /** Slots whose task failed (a crashed worker): they may hold half-cleared marks, so they are never reused. */
    const broken = new Set<RequestSlot>();
    this.pooledInFlight++;
    try {
      for (let s = 0; s < shards; s++) {
        const slot = this.takeSlot();
        if (slot === null) return asSaturated(this.scoreInline(job));
        slots.push(slot);
        const lo = Math.floor((size * s) / shards);
        const hi = Math.floor((size * (s + 1)) / shards);
        this.write(slot, job, lo, hi);
      }
      if (signal?.aborted) throw new DecisionError("CANCELLED", "call: cancelled before scoring");
      const deadline = job.deadlineMs ?? Number.POSITIVE_INFINITY;
      const indices = slots.map((slot) => {
        const index = this.slotIndex.get(slot)!;
        this.table.deadline[index] = deadline;
        return index;
      });
      // Every worker's shard handed out first; then the server thread's own,
      // as a promise so that a trap in it waits for the workers like theirs.
      const runs = indices.map((index, s) => (split && s === 0 ? null : pool.run(index)));
      // Like a worker's (scorer-worker.ts), it does not start for a caller already gone.
      const own = (s: number) =>
        new Promise<number>((resolve) =>
          resolve(Date.now() >= deadline ? EXPIRED : this.kernel.decide(slots[s]!.desc)),
        );
      // allSettled, not all: a slot goes back to the free list only when no
      // worker can still be writing into it.
      const settled = await Promise.allSettled(runs.map((run, s) => run ?? own(s)));
      const kept: number[] = [];
      settled.forEach((r, s) => {
        if (r.status === "fulfilled") kept.push(r.value);
        else broken.add(slots[s]!);
      });
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed !== undefined) throw failed.reason;
      if (kept.includes(EXPIRED)) {
        throw new DecisionError("DEADLINE_EXCEEDED", "deadline: passed while waiting for a scoring worker");
      }
      if (!catalogMode) {
        const slot = slots[0]!;
        const items = this.readItems(slot, kept[0]!, job);
        const excluded = job.explain ? this.readExcluded(slot, job, false) : [];
        return scoreResult(items, excluded, "pool", false);
      }
      const merged = this.mergeShards(slots, kept, job);
      return scoreResult(merged.items, merged.excluded, split ? "split" : "pool", false);
    } finally {
      this.pooledInFlight--;
      for (const slot of slots) if (!broken.has(slot)) this.freeSlots.push(slot);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.pool?.destroy(), this.lane?.close()]);
  }

  private newSlot(): RequestSlot {
    return allocateRequestSlot(this.o.arena, {
      features: this.o.features,
      maxCandidates: this.o.maxCandidates,
      maxK: this.o.maxLimit,
      maxExclusions: this.o.maxExclusions,
    });
  }

  private takeSlot(): RequestSlot | null {
    const slot = this.freeSlots.pop();
    if (slot !== undefined) return slot;
    if (this.slotCount >= MAX_SLOTS) return null;
    const index = this.slotCount++;
    const created = this.newSlot();
    this.slotIndex.set(created, index);
    this.table.desc[index] = created.desc;
    return created;
  }

  /**
   * Copies one job into a slot: candidate rows (unless `resolveRows` is false:
   * a lane worker resolves them), base scores, person, model and scalars.
   */
  private write(slot: RequestSlot, job: ScoreJob, lo: number, hi: number, resolveRows = true): void {
    const catalog = this.o.catalog;
    slot.setCatalog(catalog.region);
    const cands = job.candidates;
    const n = cands.count;
    if (n > 0 && resolveRows) {
      const rows = slot.candItems;
      catalog.rowsOfBytes(cands.bytes, cands.start, cands.end, n, rows);
      const at = this.duplicates.firstRepeat(rows, n);
      if (at >= 0) {
        throw invalidField(`candidates[${at}].sku`, `duplicate of candidates[${this.duplicates.repeatOf}]`);
      }
    }
    if (n > 0) slot.candBase.set(cands.base);
    // The budget counts only SKUs still in the catalog: caps on delisted items
    // must not crowd out live ones. Capped first: on an item in both lists the
    // kernel keeps the first listing.
    let exclusions = 0;
    const maxExclusions = this.o.maxExclusions;
    for (const [skus, reason] of [
      [job.capped, Reason.CAPPED],
      [job.redeemed, Reason.REDEEMED],
    ] as const) {
      for (let i = 0; i < skus.length && exclusions < maxExclusions; i++) {
        const row = catalog.rowOf(skus[i]!);
        if (row < 0) continue;
        slot.exclItems[exclusions] = row;
        slot.exclReasons[exclusions] = reason;
        exclusions++;
      }
    }
    const person = job.person;
    const model = job.model;
    if (person !== null) {
      slot.weights.set(model.weights);
      slot.profile.set(person.vector);
      slot.affinity.set(person.categoryAffinity);
    }
    if (job.categoryBoost !== null) slot.categoryBoost.set(job.categoryBoost);
    slot.setParams({
      mode: n === 0 ? Mode.CATALOG : Mode.CANDIDATES,
      countOrLo: n === 0 ? lo : n,
      rangeHi: n === 0 ? hi : 0,
      k: job.k,
      explain: job.explain,
      storeIndex: job.storeId === "" ? -1 : catalog.storeColumn(job.storeId),
      channel: job.channel,
      personalize: person !== null,
      blockReason: job.blockReason,
      marginFloor: model.marginFloor,
      wBase: model.wBase,
      wAffinity: model.wAffinity,
      wPrice: model.wPrice,
      priceScale: model.priceScale,
      wMargin: model.wMargin,
      wPopularity: model.wPopularity,
      priceAnchor: person?.priceAnchor ?? 0,
      discountSensitivity: person?.discountSensitivity ?? 0,
      exclusionCount: exclusions,
      categoryBoost: job.categoryBoost !== null,
    });
  }

  /** The kept items of a one-slot job (inline, or one pooled candidate job). */
  private readItems(slot: RequestSlot, kept: number, job: ScoreJob): ScoredItem[] {
    const catalogMode = job.candidates.count === 0;
    const request = job.explain ? scorePartsRequest(job) : null;
    const items: ScoredItem[] = new Array(kept);
    for (let i = 0; i < kept; i++) {
      const idx = slot.outIdx[i]!;
      // A kept candidate is always a catalog row, so its SKU string comes from the index.
      const row = catalogMode ? idx : slot.candItems[idx]!;
      const base = catalogMode ? 0 : slot.candBase[idx]!;
      items[i] = this.scoredItem(row, slot.outScore[i]!, i + 1, base, request);
    }
    return items;
  }

  private scoredItem(
    row: number,
    score: number,
    rank: number,
    base: number,
    request: ScorePartsRequest | null,
  ): ScoredItem {
    const catalog = this.o.catalog;
    const parts = request === null ? null : scoreParts(catalog.region, row, base, request);
    return { sku: catalog.skuAt(row), score, rank, itemIndex: row, parts };
  }

  private readExcluded(slot: RequestSlot, job: ScoreJob, catalogMode: boolean): ExcludedSku[] {
    const excluded: ExcludedSku[] = [];
    if (catalogMode) {
      const n = slot.outExclCount;
      for (let i = 0; i < n; i++) {
        excluded.push({ sku: this.o.catalog.skuAt(slot.outExclIdx[i]!), reason: slot.outExclReason[i]! });
      }
      return excluded;
    }
    const n = job.candidates.count;
    for (let i = 0; i < n; i++) {
      const reason = slot.outReasons[i]!;
      if (reason === 0) continue;
      const row = slot.candItems[i]!;
      excluded.push({ sku: row >= 0 ? this.o.catalog.skuAt(row) : candidateSku(job.candidates, i), reason });
    }
    return excluded;
  }

  /** Merges the shards' sorted top-k lists into one, ties to the lower item row. */
  private mergeShards(
    slots: readonly RequestSlot[],
    kept: readonly number[],
    job: ScoreJob,
  ): { items: ScoredItem[]; excluded: ExcludedSku[] } {
    const catalog = this.o.catalog;
    const all: { row: number; score: number }[] = [];
    const allExcl: { row: number; score: number; reason: number }[] = [];
    slots.forEach((slot, s) => {
      for (let i = 0; i < kept[s]!; i++) all.push({ row: slot.outIdx[i]!, score: slot.outScore[i]! });
      if (job.explain) {
        for (let i = 0; i < slot.outExclCount; i++) {
          allExcl.push({
            row: slot.outExclIdx[i]!,
            score: slot.outExclScore[i]!,
            reason: slot.outExclReason[i]!,
          });
        }
      }
    });
    const byRank = (a: { row: number; score: number }, b: { row: number; score: number }) =>
      b.score - a.score || a.row - b.row;
    all.sort(byRank);
    allExcl.sort(byRank);
    const request = job.explain ? scorePartsRequest(job) : null;
    return {
      items: all.slice(0, job.k).map((e, i) => this.scoredItem(e.row, e.score, i + 1, 0, request)),
      excluded: allExcl.slice(0, job.k).map((e) => ({ sku: catalog.skuAt(e.row), reason: e.reason })),
    };
  }
}

/**
 * Rejects a category boost the kernel cannot take: it must have one value per
 * category slot, all finite (NaN has no order; see core-wasm/README.md).
 */
function checkCategoryBoost(boost: Float32Array | null): void {
  if (boost === null) return;
  if (boost.length !== CATEGORY_SLOTS) {
    throw new RangeError(
      `job.categoryBoost: length ${boost.length} must equal CATEGORY_SLOTS (${CATEGORY_SLOTS})`,
    );
  }
  for (let c = 0; c < CATEGORY_SLOTS; c++) {
    if (!Number.isFinite(boost[c]))
      throw new RangeError(`job.categoryBoost[${c}]: ${boost[c]} is not finite`);
  }
}

/** Default worker count: one per core the process may use. */
export function defaultScorerThreads(): number {
  return availableParallelism();
}
