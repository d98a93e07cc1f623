import type { DecisionLog, DecisionLogStats, DecisionRecord } from "./decision-log.js";

/** A DecisionLog that keeps the newest `maxLength` records in memory (tests, the memory server). */
export interface MemoryDecisionLog extends DecisionLog {
  /** Oldest first. */
  readonly records: readonly DecisionRecord[];
}

export function createMemoryDecisionLog(maxLength = 100_000): MemoryDecisionLog {
  const records: DecisionRecord[] = [];
  const stats: DecisionLogStats = { appended: 0, written: 0, dropped: 0 };
  return {
    records,
    stats,
    append(record) {
      stats.appended++;
      records.push(record);
      stats.written++;
      if (records.length > maxLength) records.splice(0, records.length - maxLength);
    },
    async flush() {},
    async close() {},
  };
}
