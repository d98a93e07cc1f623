import type { Redis } from "ioredis";
import { type Logger, silentLogger } from "../log.js";
import type { DecisionLog, DecisionLogStats } from "./decision-log.js";

/** Options of `createRedisDecisionLog`. */
export interface RedisDecisionLogOptions {
  readonly redis: Redis;
  /** @default "rl:" — the stream is `<prefix>decisions`. */
  readonly keyPrefix?: string;
  /** Approximate number of entries the stream is trimmed to (XADD MAXLEN ~). @default 100_000 */
  readonly maxLength?: number;
  /** Decisions per stream entry at most. @default 64 */
  readonly batchSize?: number;
  /** Longest a record waits in the buffer before a write starts, ms. @default 20 */
  readonly flushIntervalMs?: number;
  /** Records buffered at most; beyond, new records are dropped and counted. @default 20_000 */
  readonly maxBuffered?: number;
  readonly logger?: Logger;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`options.${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * The decision log on a Redis Stream. Each entry holds a batch of decisions:
 * field `n` = how many, field `d` = a JSON array of DecisionRecords, oldest
 * first. Logging costs the hot path one JSON.stringify and a push; a flush is a few
 * XADDs sent back to back. Batching entries rather than writing one per decision
 * matters because Redis shares the machine: one XADD per decision cost Redis
 * as much CPU as the profile read (bench:decide). One flush is in flight at a time.
 * A failed write is retried with a backoff (up to a second) and its records
 * kept in order ahead of newer ones, within `maxBuffered`.
 */
export function createRedisDecisionLog(options: RedisDecisionLogOptions): DecisionLog {
  const redis = options.redis;
  const key = `${options.keyPrefix ?? "rl:"}decisions`;
  const maxLength = positiveInteger("maxLength", options.maxLength ?? 100_000);
  const batchSize = positiveInteger("batchSize", options.batchSize ?? 64);
  const flushIntervalMs = positiveInteger("flushIntervalMs", options.flushIntervalMs ?? 20);
  const maxBuffered = positiveInteger("maxBuffered", options.maxBuffered ?? 20_000);
  const logger = options.logger ?? silentLogger;
  const stats: DecisionLogStats = { appended: 0, written: 0, dropped: 0 };
  /**
   * Records as JSON, oldest first. Serialised at append rather than at the
   * write: a record waits up to `flushIntervalMs` plus a round trip, long
   * enough that every scavenge promotes the records then buffered, and one
   * flat string is much less for the GC to copy and trace than a record's
   * object graph (its SKU strings and arrays); bench:decide's mark-compacts
   * are the tail of its p99 (RESULTS.md). Same bytes on the wire.
   */
  let buffer: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<boolean> | null = null;
  let closed = false;
  let lastError = 0;
  /** Failed writes in a row: the retry waits longer after each, up to a second. */
  let failures = 0;

  /**
   * Entries of one write at most: a backlog (after Redis was away) goes out in
   * slices, so serialising it never holds the server thread for long (one
   * write of 4,096 records held it long enough to time out profile reads).
   */
  const entriesPerFlush = 8;

  /**
   * Writes the buffer; false when a write failed. The records of a failed
   * write go back to the front of the buffer, in order, to be retried: a Redis
   * that stalls or restarts costs the log nothing unless the buffer fills.
   */
  const write = async (): Promise<boolean> => {
    while (buffer.length > 0) {
      const take = Math.min(buffer.length, batchSize * entriesPerFlush);
      const records = buffer.length === take ? buffer : buffer.slice(0, take);
      buffer = records === buffer ? [] : buffer.slice(take);
      // Plain commands, not redis.pipeline(): ioredis builds a Pipeline object
      // per call at a cost that showed in bench:decide profiles; commands sent
      // back to back go out in one write anyway.
      const sends: Promise<unknown>[] = [];
      const entries: string[][] = [];
      try {
        for (let i = 0; i < records.length; i += batchSize) {
          const entry = i === 0 && records.length <= batchSize ? records : records.slice(i, i + batchSize);
          entries.push(entry);
          sends.push(
            redis.xadd(key, "MAXLEN", "~", maxLength, "*", "n", entry.length, "d", `[${entry.join(",")}]`),
          );
        }
      } catch (error) {
        // A client without an offline queue throws while Redis is down.
        sends.push(Promise.reject(error));
      }
      const settled = await Promise.allSettled(sends);
      const failed: string[] = [];
      settled.forEach((r, i) => {
        const entry = entries[i] ?? [];
        if (r.status === "fulfilled") {
          stats.written += entry.length;
          return;
        }
        failed.push(...entry);
        // One line a second at most: a down Redis must not flood the log.
        if (Date.now() - lastError > 1000) {
          lastError = Date.now();
          logger.warn("decision log: write failed, will retry", { error: String(r.reason) });
        }
      });
      const sent = entries.reduce((n, e) => n + e.length, 0);
      if (sent < records.length) failed.push(...records.slice(sent));
      if (failed.length > 0) {
        buffer = failed.concat(buffer);
        if (buffer.length > maxBuffered) {
          stats.dropped += buffer.length - maxBuffered;
          buffer.length = maxBuffered;
        }
        return false;
      }
    }
    return true;
  };

  const startWrite = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (writing !== null) return;
    writing = write().then(
      (ok) => {
        failures = ok ? 0 : failures + 1;
        return ok;
      },
      () => {
        failures++;
        return false;
      },
    );
    writing.finally(() => {
      writing = null;
      if (buffer.length > 0 && !closed) schedule();
    });
  };

  const schedule = (): void => {
    if (timer !== null || writing !== null) return;
    const delay = failures === 0 ? flushIntervalMs : Math.min(1000, flushIntervalMs * 2 ** failures);
    timer = setTimeout(startWrite, delay);
    timer.unref();
  };

  return {
    stats,
    append(record) {
      stats.appended++;
      if (closed || buffer.length >= maxBuffered) {
        stats.dropped++;
        return;
      }
      buffer.push(JSON.stringify(record));
      if (buffer.length >= batchSize * entriesPerFlush) {
        if (timer !== null) clearTimeout(timer);
        startWrite();
      } else schedule();
    },
    async flush() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      while (writing !== null || buffer.length > 0) {
        if (writing === null) startWrite();
        // A failed write leaves its records buffered for the retry; flush does not spin on a down Redis.
        if (!(await writing)) break;
      }
      if (buffer.length > 0 && !closed) schedule();
    },
    async close() {
      await this.flush();
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      // What Redis would not take by now is lost: counted, and said.
      if (buffer.length > 0) {
        stats.dropped += buffer.length;
        logger.warn("decision log: closed with unwritten decisions", { dropped: buffer.length });
        buffer = [];
      }
    },
  };
}
