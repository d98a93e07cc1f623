/**
 * Layout of bench:dispatch's Atomics lane: one shared Int32Array holding two
 * counters, a stop flag and rings of jobs and results indexed by job number.
 */
export const LANE = {
  SUBMITTED: 0,
  COMPLETED: 1,
  STOP: 2,
  /** Ring size minus one: at most this many jobs may be in flight. */
  MASK: 1023,
  JOBS: 16,
  RESULTS: 16 + 1024,
  INTS: 16 + 2048,
} as const;
