/**
 * Piscina worker: instantiates the kernel on the process's shared memory once,
 * then runs `decide` on request slots the main thread has filled. A task is one
 * number (the slot's index in the shared slot table) and so is its result (how
 * many items were kept, or `EXPIRED`): nothing else crosses the thread boundary.
 */
import { Piscina } from "piscina";
import { instantiateKernel } from "../../../core-wasm/src/kernel.js";
import { EXPIRED, type SlotTable, slotTableViews } from "./slot-table.js";

interface ScorerWorkerData {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly slots: SlotTable;
}

const { memory, module, slots } = Piscina.workerData as ScorerWorkerData;
const kernel = instantiateKernel(module, memory);
const { desc, deadline } = slotTableViews(slots);

/**
 * Runs the kernel on request slot `index`; returns the number of kept items,
 * or `EXPIRED` without touching the slot when the job's deadline passed while
 * it waited in the pool's queue: no work starts for a caller already gone.
 */
export default function runDecide(index: number): number {
  if (Date.now() >= deadline[index]!) return EXPIRED;
  return kernel.decide(desc[index]!);
}
