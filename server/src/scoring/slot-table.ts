/**
 * The table the scorer and its pool workers share beside the kernel's memory:
 * per request slot, its descriptor offset and the deadline of the job in it.
 * A pool task is then a slot index, and a worker can see that a job's caller
 * is out of time before it starts the job.
 */

/** What a worker returns for a job whose deadline passed before it started. */
export const EXPIRED = -1;

/** The shared buffer of a slot table (sent to workers once, in `workerData`). */
export interface SlotTable {
  readonly buffer: SharedArrayBuffer;
  readonly size: number;
}

export interface SlotTableViews {
  /** Byte offset of each slot's RequestDesc in kernel memory. */
  readonly desc: Int32Array;
  /** Wall-clock ms after which the job in each slot must not start; Infinity for none. */
  readonly deadline: Float64Array;
}

export function createSlotTable(size: number): SlotTable {
  return { buffer: new SharedArrayBuffer(size * 12), size };
}

export function slotTableViews(table: SlotTable): SlotTableViews {
  return {
    deadline: new Float64Array(table.buffer, 0, table.size),
    desc: new Int32Array(table.buffer, table.size * 8, table.size),
  };
}
