/**
 * Piscina worker: instantiates the kernel on the process's shared memory once,
 * then runs `decide` on request slots the main thread has filled. A task is one
 * number (the slot's descriptor pointer) and so is its result (how many items
 * were kept): nothing else crosses the thread boundary.
 */
import { Piscina } from "piscina";
import { instantiateKernel } from "../../../core-wasm/src/kernel.js";

interface ScorerWorkerData {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
}

const { memory, module } = Piscina.workerData as ScorerWorkerData;
const kernel = instantiateKernel(module, memory);

/** Runs the kernel on the request slot at `req`; returns the number of kept items. */
export default function runDecide(req: number): number {
  return kernel.decide(req);
}
