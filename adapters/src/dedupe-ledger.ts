import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { scanJsonl } from "./scan-jsonl.js";

/** Options of `openDedupeLedger`. */
export interface DedupeLedgerOptions {
  /**
   * How long an experience id is remembered after it was delivered, in ms.
   * Set it longer than the server may redeliver a delivery (its expiry): a
   * redelivery after the window is sent again. Memory and file size grow
   * with it (see `openDedupeLedger`).
   */
  readonly windowMs: number;
  /**
   * Clock for expiry, ms since the epoch.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * While running, the file is compacted once it has at least this many
   * lines and more than twice as many as live entries, so it stays within
   * about twice the live set however long the adapter runs.
   * @default 100000
   */
  readonly compactMinLines?: number;
}

/** Defaults of the optional `DedupeLedgerOptions`. */
export const DEDUPE_LEDGER_DEFAULTS = Object.freeze({
  now: Date.now,
  compactMinLines: 100_000,
});

/** The experience ids an adapter delivered recently, kept in memory and in an append-only file. */
export interface DedupeLedger {
  readonly path: string;
  /** Whether `experienceId` was added less than `windowMs` ago. */
  has(experienceId: string): boolean;
  /**
   * Records that `experienceId` was delivered at `atMs`: one synchronous
   * append of one line, so once it returns the record survives the process
   * being killed (not power loss: there is no fsync per line).
   */
  add(experienceId: string, atMs: number): void;
  /** Entries held in memory (expired ones are dropped as newer ones arrive). */
  readonly size: number;
  close(): Promise<void>;
}

function resolveOptions(options: DedupeLedgerOptions): Readonly<Required<DedupeLedgerOptions>> {
  const resolved = { ...DEDUPE_LEDGER_DEFAULTS, ...options };
  if (!Number.isSafeInteger(resolved.windowMs) || resolved.windowMs <= 0) {
    throw new RangeError(`options.windowMs must be a positive integer, got ${resolved.windowMs}`);
  }
  if (!Number.isSafeInteger(resolved.compactMinLines) || resolved.compactMinLines < 1) {
    throw new RangeError(
      `options.compactMinLines must be a positive integer, got ${resolved.compactMinLines}`,
    );
  }
  return Object.freeze(resolved);
}

function lineOf(experienceId: string, atMs: number): string {
  return `${JSON.stringify({ experience_id: experienceId, at_ms: atMs })}\n`;
}

/**
 * Writes `entries` to `<path>.compact`, fsyncs it and renames it over
 * `path`, then fsyncs the directory: a crash at any point leaves either the
 * old file or the whole new one, never a mix or an empty file.
 */
function rewrite(path: string, entries: Map<string, number>): void {
  const temp = `${path}.compact`;
  const lines: string[] = [];
  for (const [id, at] of entries) lines.push(lineOf(id, at));
  const fd = openSync(temp, "w");
  try {
    writeSync(fd, lines.join(""));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dir = openSync(dirname(path), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Opens (or creates) the ledger file at `path`: the adapter's record of the
 * experiences it delivered, so that neither a redelivery from the server nor
 * an adapter restart (SIGKILL included) sends one experience twice within
 * `windowMs`. Lines are `{"experience_id":…,"at_ms":…}`.
 *
 * On open it reads the file (a torn last line, left by a kill mid-append, is
 * cut off; see `scanJsonl`), forgets entries older than `windowMs`, and when
 * more than half the lines are stale (expired or superseded) rewrites the
 * file with only the live ones (temp file + rename).
 *
 * Memory bound: one Map entry per experience added within the window, i.e.
 * about windowMs × delivery rate entries, each about 90 bytes of heap for a
 * 20-character id (measured: 86 B). For example 1 h at 200 deliveries/s is
 * 720k entries, about 60 MB; size the window to the server's redelivery
 * horizon, not longer. Entries leave memory in insertion order once
 * expired, so a clock that went backwards can keep a few expired ones a
 * little longer (`has` still answers false for them). The file stays under
 * about twice the live entries (or `compactMinLines`).
 *
 * One process per file: two ledgers on one path would interleave lines.
 */
export async function openDedupeLedger(path: string, options: DedupeLedgerOptions): Promise<DedupeLedger> {
  const opts = resolveOptions(options);
  // A compaction killed before its rename leaves this behind; the ledger itself is intact.
  rmSync(`${path}.compact`, { force: true });

  const entries = new Map<string, number>();
  const handle = await open(path, "a+");
  let lines: number;
  try {
    const scan = await scanJsonl(handle, path, (line) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        return false;
      }
      const { experience_id: id, at_ms: at } = (value ?? {}) as { experience_id?: unknown; at_ms?: unknown };
      if (typeof id !== "string" || typeof at !== "number" || !Number.isFinite(at)) return false;
      // Delete first so the Map's order is the order of the latest add.
      entries.delete(id);
      entries.set(id, at);
      return true;
    });
    if (scan.tailBytes > 0) await handle.truncate(scan.validBytes);
    lines = scan.lines;
  } finally {
    await handle.close();
  }

  const now = opts.now();
  for (const [id, at] of entries) if (at + opts.windowMs <= now) entries.delete(id);
  if (lines - entries.size > lines / 2) {
    rewrite(path, entries);
    lines = entries.size;
  }

  let fd = openSync(path, "a");
  let size = fstatSync(fd).size;
  let closed = false;

  /** Drops expired entries from the front (oldest adds) until the first live one. */
  function evictExpired(nowMs: number): void {
    for (const [id, at] of entries) {
      if (at + opts.windowMs > nowMs) break;
      entries.delete(id);
    }
  }

  return {
    path,
    has(experienceId: string): boolean {
      const at = entries.get(experienceId);
      return at !== undefined && at + opts.windowMs > opts.now();
    },
    add(experienceId: string, atMs: number): void {
      if (closed) throw new Error(`dedupe ledger ${path}: add after close`);
      if (!Number.isFinite(atMs)) throw new RangeError(`atMs must be a finite number, got ${atMs}`);
      const line = Buffer.from(lineOf(experienceId, atMs));
      const written = writeSync(fd, line);
      if (written !== line.length) {
        // A short write (disk full) left a partial line; cut it before the next append glues onto it.
        ftruncateSync(fd, size);
        throw new Error(
          `dedupe ledger ${path}: short write (${written} of ${line.length} bytes); entry not added`,
        );
      }
      size += written;
      lines++;
      entries.delete(experienceId);
      entries.set(experienceId, atMs);
      evictExpired(opts.now());
      if (lines >= opts.compactMinLines && lines > 2 * entries.size) {
        closeSync(fd);
        try {
          rewrite(path, entries);
          lines = entries.size;
        } finally {
          // Whether or not the rewrite got to its rename, appends go on at the file now at `path`.
          fd = openSync(path, "a");
          size = fstatSync(fd).size;
        }
      }
    },
    get size(): number {
      return entries.size;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}
