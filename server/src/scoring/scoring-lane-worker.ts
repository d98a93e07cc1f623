/**
 * The scoring lane's worker (see scoring-lane.ts): sleeps on the submitted
 * counter; for every job submitted since it last looked, resolves the
 * candidate SKUs to catalog rows, rejects a repeated one, runs the kernel,
 * writes the result into the job table; then publishes the completed
 * counter and wakes the main thread once for the batch.
 */
import { workerData } from "node:worker_threads";
import { instantiateKernel } from "../../../core-wasm/src/kernel.js";
import { SkuTableReader } from "../catalog/sku-index.js";
import { DuplicateRows } from "./duplicate-rows.js";
import { DUPLICATE, JOB, LANE_KEY_BYTES, RING } from "./scoring-lane.js";
import { EXPIRED } from "./slot-table.js";

interface LaneWorkerData {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly ring: SharedArrayBuffer;
  readonly table: SharedArrayBuffer;
  /** Candidates one lane slot holds. */
  readonly maxCandidates: number;
}

const { memory, module, ring, table, maxCandidates } = workerData as LaneWorkerData;
const kernel = instantiateKernel(module, memory);
const ctl = new Int32Array(ring);
const jobs = new Int32Array(table);
const deadlines = new Float64Array(table);
const duplicates = new DuplicateRows();

/** The reader for the index location jobs name (they change only when the index grows). */
let reader: SkuTableReader | null = null;

function readerAt(at: number): SkuTableReader {
  const tableAt = jobs[at + JOB.TABLE_AT]!;
  const keysAt = jobs[at + JOB.SKU_KEYS_AT]!;
  const r = reader;
  if (r !== null && r.location.tableAt === tableAt && r.location.keysAt === keysAt) return r;
  reader = new SkuTableReader(memory.buffer, {
    tableAt,
    slots: jobs[at + JOB.TABLE_SLOTS]!,
    keysAt,
    keysCapacity: jobs[at + JOB.SKU_KEYS_CAPACITY]!,
  });
  return reader;
}

/** Views of one lane slot's buffers, made the first time the slot is seen. */
interface SlotViews {
  readonly keys: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly rows: Int32Array;
}
const views: (SlotViews | undefined)[] = [];

function viewsOf(slot: number, at: number): SlotViews {
  const v = views[slot];
  if (v !== undefined) return v;
  // memory.buffer now covers every slot the main thread allocated before submitting.
  const buffer = memory.buffer;
  const made: SlotViews = {
    keys: new Uint8Array(buffer, jobs[at + JOB.KEYS_AT]!, LANE_KEY_BYTES),
    starts: new Int32Array(buffer, jobs[at + JOB.STARTS_AT]!, maxCandidates),
    ends: new Int32Array(buffer, jobs[at + JOB.ENDS_AT]!, maxCandidates),
    rows: new Int32Array(buffer, jobs[at + JOB.ROWS_AT]!, maxCandidates),
  };
  views[slot] = made;
  return made;
}

/** Runs the job in lane slot `slot`; returns its result code. */
function run(slot: number): number {
  const at = slot * JOB.INTS;
  if (Date.now() >= deadlines[at / 2 + JOB.DEADLINE_F64]!) return EXPIRED;
  const count = jobs[at + JOB.COUNT]!;
  const v = viewsOf(slot, at);
  const rows = v.rows;
  readerAt(at).lookupMany(v.keys, v.starts, v.ends, count, rows);
  // Inserted after the job was written: unknown to this decision, as inline.
  const rowLimit = jobs[at + JOB.ROW_LIMIT]!;
  for (let i = 0; i < count; i++) if (rows[i]! >= rowLimit) rows[i] = -1;
  const repeat = duplicates.firstRepeat(rows, count);
  if (repeat >= 0) {
    jobs[at + JOB.DUPLICATE_AT] = repeat;
    jobs[at + JOB.DUPLICATE_OF] = duplicates.repeatOf;
    return DUPLICATE;
  }
  return kernel.decide(jobs[at + JOB.DESC]!);
}

let seen = 0;
while (Atomics.load(ctl, RING.STOP) === 0) {
  const submitted = Atomics.load(ctl, RING.SUBMITTED);
  if (submitted === seen) {
    Atomics.wait(ctl, RING.SUBMITTED, seen);
    continue;
  }
  while (seen !== submitted) {
    seen = (seen + 1) | 0;
    const slot = ctl[RING.JOBS + (seen & RING.MASK)]!;
    jobs[slot * JOB.INTS + JOB.RESULT] = run(slot);
  }
  Atomics.store(ctl, RING.COMPLETED, seen);
  Atomics.notify(ctl, RING.COMPLETED);
}
