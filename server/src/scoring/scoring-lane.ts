/**
 * The scoring lane: one worker thread that runs small candidate jobs (SKU
 * lookups, duplicate check, kernel) off the server thread while Decide calls
 * queue, handed over through shared memory instead of messages.
 *
 * Why not Piscina: `npm run bench:dispatch` measured a Piscina hand-off at
 * ~35 µs of main-thread CPU per job, more than scoring a 200-candidate job
 * inline (~15 µs). Here the main thread writes the job into a request slot,
 * puts the slot's number in a shared ring and bumps a counter; the worker
 * sleeps on that counter (`Atomics.wait`) and the main thread on the
 * completed counter (`Atomics.waitAsync`), one wake-up per batch each way.
 * When jobs queue that costs ~1 µs per job; a job alone wakes both threads
 * (~25 µs), which is why the scorer sends jobs here only when the server is
 * busy (see `Scorer.score`).
 *
 * The worker has no copy of the catalog or its SKU index: both live in the
 * shared kernel memory, and each job carries where the index is and how many
 * catalog rows existed when the main thread wrote it (see `SkuIndex`).
 */
import { Worker } from "node:worker_threads";
import type { Arena } from "../../../core-wasm/src/arena.js";
import {
  allocateRequestSlot,
  type RequestSlot,
  type RequestSlotOptions,
} from "../../../core-wasm/src/request-slot.js";
import type { SkuTableLocation } from "../catalog/sku-index.js";
import { DecisionError } from "../errors/index.js";
import { waitAsync } from "../runtime/wait-async.js";

/** Layout of the lane's control ints: counters, then the ring of slot numbers. */
export const RING = {
  SUBMITTED: 0,
  COMPLETED: 1,
  STOP: 2,
  /** Ring size minus one: at most this many jobs may be in flight (more than SLOTS). */
  MASK: 127,
  JOBS: 16,
  INTS: 16 + 128,
} as const;

/** Lane slots: jobs in flight at once; a job finding none free runs inline. */
export const LANE_SLOTS = 64;

/** Per lane slot, in the shared job table: Int32 fields (the deadline is a Float64 at int 0). */
export const JOB = {
  /** f64 (ints 0-1): wall-clock ms after which the job must not start. */
  DEADLINE_F64: 0,
  /** In: byte offset of the slot's RequestDesc. */
  DESC: 2,
  /** In: byte offsets of the candidate bytes, their starts and ends (i32 each). */
  KEYS_AT: 3,
  STARTS_AT: 4,
  ENDS_AT: 5,
  /** In: byte offset of the slot's candidate rows (RequestSlot.candItems). */
  ROWS_AT: 6,
  COUNT: 7,
  /** In: catalog rows that existed when the job was written; rows past it are unknown. */
  ROW_LIMIT: 8,
  /** In: the SKU index's location (SkuTableLocation). */
  TABLE_AT: 9,
  TABLE_SLOTS: 10,
  SKU_KEYS_AT: 11,
  SKU_KEYS_CAPACITY: 12,
  /** Out: kept items, or EXPIRED, or DUPLICATE. */
  RESULT: 13,
  /** Out, with DUPLICATE: the repeated candidate's position and its first. */
  DUPLICATE_AT: 14,
  DUPLICATE_OF: 15,
  INTS: 16,
} as const;

/** A job result: a candidate SKU was repeated (positions in DUPLICATE_AT/OF). */
export const DUPLICATE = -2;

/** Bytes of candidate SKUs one lane job may carry (a span of the request); longer jobs run inline. */
export const LANE_KEY_BYTES = 64 * 1024;

/** One lane slot: a request slot plus room for the candidate SKUs' bytes. */
export interface LaneSlot {
  readonly index: number;
  readonly request: RequestSlot;
  /** u8[LANE_KEY_BYTES] in kernel memory. */
  readonly keys: Uint8Array;
  /** i32[maxCandidates]: start and end of each candidate SKU in `keys`. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

export interface LaneJobInput {
  readonly count: number;
  readonly rowLimit: number;
  readonly index: SkuTableLocation;
  readonly deadlineMs: number;
}

export interface ScoringLaneOptions {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly arena: Arena;
  /** Sizes of each lane slot's request slot; `maxCandidates` caps a lane job. */
  readonly slot: RequestSlotOptions;
}

interface Waiter {
  readonly slot: LaneSlot;
  readonly resolve: (result: number) => void;
  readonly reject: (e: unknown) => void;
}

export class ScoringLane {
  readonly maxCandidates: number;
  private readonly o: ScoringLaneOptions;
  private readonly ctl: Int32Array;
  private readonly jobs: Int32Array;
  private readonly jobDeadlines: Float64Array;
  private readonly worker: Worker;
  private readonly slots: LaneSlot[] = [];
  private readonly free: LaneSlot[] = [];
  /** Jobs submitted and not yet collected, oldest first (the worker runs them in order). */
  private readonly waiting: Waiter[] = [];
  private waitingHead = 0;
  private submitted = 0;
  private completed = 0;
  private armed = false;
  private failure: Error | null = null;

  constructor(options: ScoringLaneOptions) {
    this.o = options;
    this.maxCandidates = options.slot.maxCandidates;
    const ring = new SharedArrayBuffer(RING.INTS * 4);
    const table = new SharedArrayBuffer(LANE_SLOTS * JOB.INTS * 4);
    this.ctl = new Int32Array(ring);
    this.jobs = new Int32Array(table);
    this.jobDeadlines = new Float64Array(table);
    this.worker = new Worker(new URL("./scoring-lane-worker.js", import.meta.url), {
      workerData: {
        memory: options.memory,
        module: options.module,
        ring,
        table,
        maxCandidates: options.slot.maxCandidates,
      },
    });
    // Referenced only while jobs are in flight (see `run`): an idle lane must
    // not keep the process alive, a pending job must (Atomics.waitAsync does not).
    this.worker.unref();
    this.worker.on("error", (e) => this.fail(e));
    this.worker.on("exit", (code) => this.fail(new Error(`scoring lane worker exited with code ${code}`)));
  }

  /** Jobs submitted and not yet answered. */
  get inFlight(): number {
    return this.waiting.length - this.waitingHead;
  }

  /** False once the worker has died: every later job must run inline. */
  get usable(): boolean {
    return this.failure === null;
  }

  /** A free slot, or null when LANE_SLOTS jobs are in flight or the lane failed. */
  take(): LaneSlot | null {
    if (this.failure !== null) return null;
    const slot = this.free.pop();
    if (slot !== undefined) return slot;
    if (this.slots.length >= LANE_SLOTS) return null;
    return this.newSlot();
  }

  /** With a DUPLICATE result: the repeated candidate's position and the first one naming the same SKU. */
  duplicateOf(slot: LaneSlot): { at: number; of: number } {
    const at = slot.index * JOB.INTS;
    return { at: this.jobs[at + JOB.DUPLICATE_AT]!, of: this.jobs[at + JOB.DUPLICATE_OF]! };
  }

  /** Hands a written slot back without running it (the job failed before submission). */
  release(slot: LaneSlot): void {
    this.free.push(slot);
  }

  /**
   * Runs the job written in `slot`; resolves to the kept count, EXPIRED or
   * DUPLICATE. The slot returns to the free list once the caller has read it
   * (`release`), never while the worker may still write into it.
   */
  run(slot: LaneSlot, input: LaneJobInput): Promise<number> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const jobs = this.jobs;
    const at = slot.index * JOB.INTS;
    this.jobDeadlines[at / 2 + JOB.DEADLINE_F64] = input.deadlineMs;
    jobs[at + JOB.COUNT] = input.count;
    jobs[at + JOB.ROW_LIMIT] = input.rowLimit;
    jobs[at + JOB.TABLE_AT] = input.index.tableAt;
    jobs[at + JOB.TABLE_SLOTS] = input.index.slots;
    jobs[at + JOB.SKU_KEYS_AT] = input.index.keysAt;
    jobs[at + JOB.SKU_KEYS_CAPACITY] = input.index.keysCapacity;
    const ctl = this.ctl;
    const n = (this.submitted + 1) | 0;
    ctl[RING.JOBS + (n & RING.MASK)] = slot.index;
    this.submitted = n;
    // The store publishes the job; the notify wakes the worker if it sleeps.
    Atomics.store(ctl, RING.SUBMITTED, n);
    Atomics.notify(ctl, RING.SUBMITTED);
    if (this.inFlight === 0) this.worker.ref();
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ slot, resolve, reject });
      if (!this.armed) this.arm();
    });
  }

  async close(): Promise<void> {
    Atomics.store(this.ctl, RING.STOP, 1);
    Atomics.notify(this.ctl, RING.SUBMITTED);
    this.failure ??= new Error("scoring lane closed");
    await this.worker.terminate();
  }

  private arm(): void {
    this.armed = true;
    const wait = waitAsync(this.ctl, RING.COMPLETED, this.completed);
    if (wait.async) void wait.value.then(() => this.collect());
    else queueMicrotask(() => this.collect());
  }

  private collect(): void {
    this.armed = false;
    const upTo = Atomics.load(this.ctl, RING.COMPLETED);
    const jobs = this.jobs;
    while (this.completed !== upTo) {
      this.completed = (this.completed + 1) | 0;
      const w = this.waiting[this.waitingHead]!;
      this.waiting[this.waitingHead++] = undefined as unknown as Waiter;
      w.resolve(jobs[w.slot.index * JOB.INTS + JOB.RESULT]!);
    }
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
      this.worker.unref();
    } else if (this.failure === null) {
      this.arm();
    }
  }

  /**
   * The worker died (a bug: the kernel trapped, or it ran out of memory). Jobs
   * in flight fail, their slots are dropped (the worker may have half-written
   * them), and the scorer runs every later job inline.
   */
  private fail(e: Error): void {
    if (this.failure !== null) return;
    this.failure = new DecisionError("INTERNAL", `scoring lane: ${e.message}`);
    const pending = this.waiting.slice(this.waitingHead);
    this.waiting.length = 0;
    this.waitingHead = 0;
    for (const w of pending) w.reject(this.failure);
  }

  private newSlot(): LaneSlot {
    const arena = this.o.arena;
    const max = this.o.slot.maxCandidates;
    const request = allocateRequestSlot(arena, this.o.slot);
    const keysAt = arena.alloc(LANE_KEY_BYTES, 16);
    const startsAt = arena.alloc(max * 4, 16);
    const endsAt = arena.alloc(max * 4, 16);
    const buffer = arena.memory.buffer;
    const slot: LaneSlot = {
      index: this.slots.length,
      request,
      keys: new Uint8Array(buffer, keysAt, LANE_KEY_BYTES),
      starts: new Int32Array(buffer, startsAt, max),
      ends: new Int32Array(buffer, endsAt, max),
    };
    const at = slot.index * JOB.INTS;
    this.jobs[at + JOB.DESC] = request.desc;
    this.jobs[at + JOB.KEYS_AT] = keysAt;
    this.jobs[at + JOB.STARTS_AT] = startsAt;
    this.jobs[at + JOB.ENDS_AT] = endsAt;
    this.jobs[at + JOB.ROWS_AT] = request.candItems.byteOffset;
    this.slots.push(slot);
    return slot;
  }
}
