import type { Redis } from "ioredis";
import { type Logger, silentLogger } from "../log.js";
import type { DecisionLog, DecisionLogStats, DecisionRecord } from "./decision-log.js";

/** Options of `createRedisDecisionLog`. */
export interface RedisDecisionLogOptions {
  readonly redis: Redis;
  /** @default "rl:" — the stream is `<prefix>decisions`. */
  readonly keyPrefix?: string;
  /** Approximate length the stream is trimmed to (XADD MAXLEN ~). @default 1_000_000 */
  readonly maxLength?: number;
  /** Records written per pipeline at most. @default 256 */
  readonly batchSize?: number;
  /** Longest a record waits in the buffer before a write starts, ms. @default 5 */
  readonly flushIntervalMs?: number;
  /** Records buffered at most; beyond, new records are dropped and counted. @default 20_000 */
  readonly maxBuffered?: number;
  readonly logger?: Logger;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`options.${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * The decision log on a Redis Stream, one entry per decision with the record
 * as JSON in field `d`. Writes are batched — one pipeline of XADDs per flush —
 * so logging costs the hot path a push onto an array, not a round trip
 * (bench:decide runs with it on). One batch is in flight at a time.
 */
export function createRedisDecisionLog(options: RedisDecisionLogOptions): DecisionLog {
  const redis = options.redis;
  const key = `${options.keyPrefix ?? "rl:"}decisions`;
  const maxLength = positiveInteger("maxLength", options.maxLength ?? 1_000_000);
  const batchSize = positiveInteger("batchSize", options.batchSize ?? 256);
  const flushIntervalMs = positiveInteger("flushIntervalMs", options.flushIntervalMs ?? 5);
  const maxBuffered = positiveInteger("maxBuffered", options.maxBuffered ?? 20_000);
  const logger = options.logger ?? silentLogger;
  const stats: DecisionLogStats = { appended: 0, written: 0, dropped: 0 };
  let buffer: DecisionRecord[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> | null = null;
  let closed = false;
  let lastError = 0;

  const write = async (): Promise<void> => {
    while (buffer.length > 0) {
      const batch = buffer.length <= batchSize ? buffer : buffer.slice(0, batchSize);
      buffer = batch === buffer ? [] : buffer.slice(batchSize);
      const pipeline = redis.pipeline();
      for (const r of batch) pipeline.xadd(key, "MAXLEN", "~", maxLength, "*", "d", JSON.stringify(r));
      try {
        const replies = (await pipeline.exec()) ?? [];
        for (const [error] of replies) {
          if (error === null) stats.written++;
          else stats.dropped++;
        }
      } catch (error) {
        stats.dropped += batch.length;
        // One line a second at most: a down Redis must not flood the log.
        if (Date.now() - lastError > 1000) {
          lastError = Date.now();
          logger.warn("decision log: write failed", { error: error instanceof Error ? error.message : String(error) });
        }
      }
    }
  };

  const startWrite = (): void => {
    timer = null;
    if (writing !== null) return;
    writing = write().finally(() => {
      writing = null;
      if (buffer.length > 0 && !closed) schedule();
    });
  };

  const schedule = (): void => {
    if (timer !== null || writing !== null) return;
    timer = setTimeout(startWrite, flushIntervalMs);
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
      buffer.push(record);
      if (buffer.length >= batchSize) {
        if (timer !== null) clearTimeout(timer);
        startWrite();
      } else schedule();
    },
    async flush() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      while (writing !== null || buffer.length > 0) {
        if (writing === null) startWrite();
        await writing;
      }
    },
    async close() {
      await this.flush();
      closed = true;
    },
  };
}
