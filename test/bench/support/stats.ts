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

/** CPU time a process has used so far, in µs: its own (all threads) and that of its reaped children. */
export interface ProcessCpu {
  readonly userUs: number;
  readonly systemUs: number;
  /** User + system time of the children it has waited for. */
  readonly childrenUs: number;
}

/**
 * `ProcessCpu` of `pid` ("self" for this process) from /proc/<pid>/stat;
 * zeros when the process is gone. Read before and after a phase, it gives
 * what that phase cost the process — a figure the machine's other load
 * disturbs much less than a rate does.
 */
export function processCpu(pid: number | "self"): ProcessCpu {
  return cpuOfStat(`/proc/${pid}/stat`);
}

/**
 * User + system CPU µs this process's main thread (the event loop) has used
 * so far, without its worker and V8 helper threads: what bounds a server
 * whose work is on that thread.
 */
export function mainThreadCpuUs(): number {
  const c = mainThreadCpu();
  return c.userUs + c.systemUs;
}

/** `mainThreadCpuUs` as user and system time (the kernel's share: syscalls, wake-ups). */
export function mainThreadCpu(): ProcessCpu {
  return cpuOfStat(`/proc/self/task/${process.pid}/stat`);
}

/**
 * The main thread's CPU µs per unit of `count` (calls answered, decisions
 * made) from now until `since()`, and the kernel's share of that time.
 */
export function mainThreadCostPer(count: () => number): { since(): { us: number; systemShare: number } } {
  const cpu0 = mainThreadCpu();
  const n0 = count();
  return {
    since: () => {
      const cpu = mainThreadCpu();
      const userUs = cpu.userUs - cpu0.userUs;
      const systemUs = cpu.systemUs - cpu0.systemUs;
      const n = count() - n0;
      return {
        us: n === 0 ? 0 : (userUs + systemUs) / n,
        systemShare: userUs + systemUs === 0 ? 0 : systemUs / (userUs + systemUs),
      };
    },
  };
}

function cpuOfStat(path: string): ProcessCpu {
  let stat: string;
  try {
    stat = readFileSync(path, "utf8");
  } catch {
    return { userUs: 0, systemUs: 0, childrenUs: 0 };
  }
  // Fields after the command name (which may hold spaces): state is field 3, then
  // utime 14, stime 15, cutime 16, cstime 17.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const us = (i: number) => (Number(f[i]) * 1_000_000) / CLOCK_TICKS_PER_S;
  return { userUs: us(11), systemUs: us(12), childrenUs: us(13) + us(14) };
}

/** User + system CPU µs `pid` has used so far (all threads); 0 when it is gone. */
export function processCpuUs(pid: number): number {
  const c = processCpu(pid);
  return c.userUs + c.systemUs;
}

/** USER_HZ: the unit of /proc/<pid>/stat's times, 100 on Linux for every architecture Node runs on. */
const CLOCK_TICKS_PER_S = 100;
