import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/** The q-quantile (0..1) of an ascending array. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The machine a figure came from, e.g. "2 × AMD EPYC 7B13, 24 GiB": every bench prints it with its figures. */
export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

/** The whole machine's CPU time from /proc/stat, in jiffies: idle (idle + iowait), stolen by the hypervisor, and total. */
export interface CpuTimes {
  readonly idle: number;
  readonly steal: number;
  readonly total: number;
}

export function cpuTimes(): CpuTimes {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: (cpu[3] ?? 0) + (cpu[4] ?? 0), steal: cpu[7] ?? 0, total: cpu.reduce((a, b) => a + b, 0) };
}

/** The share in % of the CPU time between two readings that went to `part` (e.g. "steal", "idle"). */
export function cpuShare(before: CpuTimes, after: CpuTimes, part: "idle" | "steal"): number {
  const total = after.total - before.total;
  return total > 0 ? (100 * (after[part] - before[part])) / total : 0;
}
