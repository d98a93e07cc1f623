import type { Redis } from "ioredis";
import type { EventLog, LogAppend, LogEntry } from "./event-log.js";

/** Options of `createRedisEventLog`. */
export interface RedisEventLogOptions {
  /** For appends, acks and admin commands (may be shared with the rest of the server). */
  readonly redis: Redis;
  /**
   * For the blocking XREADGROUP only: a blocked connection answers nothing
   * else, so it must not be the one Decide uses. Both clients are the caller's
   * to close.
   */
  readonly blockingRedis: Redis;
  /** Prefix of the stream keys. @default "rl:" */
  readonly keyPrefix?: string;
  /** Consumer group name; every server instance joins the same one. @default "profile-appliers" */
  readonly group?: string;
  /** Dead-lettered entries kept (approximately). @default 100000 */
  readonly deadLetterMaxLen?: number;
}

type RawEntry = [id: string, fields: string[] | null];

// XADDs of a chunk, in order; a chunk is one command and one script call.
const APPEND_LUA = `
for i = 1, #ARGV, 2 do
  redis.call('XADD', KEYS[1], '*', 'u', ARGV[i], 'e', ARGV[i + 1])
end
return #ARGV / 2
`;
const APPEND_CHUNK = 500;
/** Most never-delivered entries counted one by one when Redis cannot report the lag. */
const LAG_COUNT_LIMIT = 100_000;

function toEntry([id, fields]: RawEntry): LogEntry | null {
  if (fields === null) return null; // deleted while pending
  let userId = "";
  let data = "";
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === "u") userId = fields[i + 1]!;
    else if (fields[i] === "e") data = fields[i + 1]!;
  }
  return { id, userId, data };
}

/** The id right after `id` ("ms-seq"), for exclusive ranges and trimming. */
function nextId(id: string): string {
  const [ms, seq] = id.split("-");
  return `${ms}-${BigInt(seq ?? "0") + 1n}`;
}

/**
 * The event log on a Redis Stream (`<prefix>events`) with one consumer group,
 * and a dead-letter stream (`<prefix>events:dead`). Entries carry the user id
 * in field `u` and the encoded event in `e`.
 */
export async function createRedisEventLog(options: RedisEventLogOptions): Promise<EventLog> {
  const { redis } = options;
  const prefix = options.keyPrefix ?? "rl:";
  const stream = `${prefix}events`;
  const dead = `${prefix}events:dead`;
  const group = options.group ?? "profile-appliers";
  const deadMax = options.deadLetterMaxLen ?? 100_000;
  const blocking = options.blockingRedis;

  const ensureGroup = async () => {
    try {
      // From the start of the stream: entries appended before the group existed are applied too.
      await redis.xgroup("CREATE", stream, group, "0", "MKSTREAM");
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("BUSYGROUP"))) throw error;
    }
  };
  await ensureGroup();
  redis.defineCommand("relevanceLogAppend", { numberOfKeys: 1, lua: APPEND_LUA });
  const commands = redis as unknown as {
    relevanceLogAppend(stream: string, ...args: string[]): Promise<number>;
  };

  /** This log's consumer group as XINFO GROUPS reports it, or null when it is missing. */
  const groupInfo = async (): Promise<Map<string, string | number | null> | null> => {
    const groups = (await redis.xinfo("GROUPS", stream)) as (string | number | null)[][];
    for (const g of groups) {
      const info = new Map<string, string | number | null>();
      for (let i = 0; i + 1 < g.length; i += 2) info.set(String(g[i]), g[i + 1]!);
      if (info.get("name") === group) return info;
    }
    return null;
  };

  const claimIds = async (consumer: string, ids: string[]): Promise<LogEntry[]> => {
    if (ids.length === 0) return [];
    const raw = (await redis.xclaim(stream, group, consumer, 0, ...ids)) as RawEntry[];
    const entries: LogEntry[] = [];
    const gone = new Set(ids);
    for (const r of raw) {
      gone.delete(r[0]);
      const e = toEntry(r);
      if (e !== null) entries.push(e);
      else gone.add(r[0]);
    }
    // Entries deleted (by Forget) while pending cannot be claimed: acknowledge them away.
    if (gone.size > 0) await redis.xack(stream, group, ...gone);
    return entries;
  };

  return {
    kind: "redis",

    async append(entries: readonly LogAppend[]) {
      // One script call per chunk instead of one XADD command each: a command
      // costs the client more than the XADD costs Redis (bench:ingest profile).
      for (let start = 0; start < entries.length; start += APPEND_CHUNK) {
        const args: string[] = [];
        const end = Math.min(entries.length, start + APPEND_CHUNK);
        for (let i = start; i < end; i++) args.push(entries[i]!.userId, entries[i]!.data);
        await commands.relevanceLogAppend(stream, ...args);
      }
    },

    async read(consumer, count, blockMs) {
      let reply: [string, RawEntry[]][] | null;
      try {
        reply = (await blocking.xreadgroup(
          "GROUP",
          group,
          consumer,
          "COUNT",
          count,
          "BLOCK",
          Math.max(1, Math.round(blockMs)),
          "STREAMS",
          stream,
          ">",
        )) as [string, RawEntry[]][] | null;
      } catch (error) {
        // The group vanishes when the stream key is deleted (e.g. FLUSHALL): recreate it.
        if (error instanceof Error && error.message.startsWith("NOGROUP")) {
          await ensureGroup();
          return [];
        }
        throw error;
      }
      if (reply === null) return [];
      const out: LogEntry[] = [];
      for (const [, entries] of reply) {
        for (const r of entries) {
          const e = toEntry(r);
          if (e !== null) out.push(e);
        }
      }
      return out;
    },

    async claimStale(consumer, minIdleMs, count, maxDeliveries) {
      const pending = (await redis.xpending(stream, group, "IDLE", minIdleMs, "-", "+", count)) as [
        string,
        string,
        number,
        number,
      ][];
      const retry: string[] = [];
      const poisonIds: string[] = [];
      for (const [id, , , deliveries] of pending) {
        (deliveries >= maxDeliveries ? poisonIds : retry).push(id);
      }
      const [entries, poison] = await Promise.all([claimIds(consumer, retry), claimIds(consumer, poisonIds)]);
      return { entries, poison };
    },

    async ack(ids) {
      if (ids.length > 0) await redis.xack(stream, group, ...ids);
    },

    async deadLetter(entry, reason) {
      const results = await redis
        .multi()
        .xadd(
          dead,
          "MAXLEN",
          "~",
          deadMax,
          "*",
          "u",
          entry.userId,
          "e",
          entry.data,
          "reason",
          reason,
          "from",
          entry.id,
        )
        .xack(stream, group, entry.id)
        .exec();
      if (results === null) throw new Error("redis transaction was discarded");
      for (const [error] of results) if (error) throw error;
    },

    async backlog() {
      const info = await groupInfo();
      if (info === null) return { undelivered: await redis.xlen(stream), pending: 0 };
      const pending = Number(info.get("pending") ?? 0);
      // lag is null when Redis cannot tell (after XDEL in the undelivered range,
      // until the consumer reads past it): count, up to a bound, rather than
      // pull a whole backlog of entries into this process.
      let lag = info.get("lag");
      if (lag === null || lag === undefined) {
        const last = String(info.get("last-delivered-id") ?? "0-0");
        lag = (await redis.xrange(stream, `(${last}`, "+", "COUNT", LAG_COUNT_LIMIT)).length;
      }
      return { undelivered: Number(lag), pending };
    },

    async trim() {
      const info = await groupInfo();
      const last = info === null ? null : String(info.get("last-delivered-id") ?? "0-0");
      if (last === null || last === "0-0") return 0;
      // Everything before the oldest pending entry, and up to the last delivered one, is done.
      const summary = (await redis.xpending(stream, group)) as [
        number,
        string | null,
        string | null,
        unknown,
      ];
      const threshold = summary[0] > 0 && summary[1] !== null ? summary[1] : nextId(last);
      return Number(await redis.xtrim(stream, "MINID", threshold));
    },

    async deleteEntriesFor(userIds) {
      let deleted = 0;
      for (const key of [stream, dead]) {
        let start = "-";
        for (;;) {
          const page = (await redis.xrange(key, start, "+", "COUNT", 1000)) as RawEntry[];
          if (page.length === 0) break;
          const doomed: string[] = [];
          for (const r of page) {
            const e = toEntry(r);
            if (e !== null && userIds.has(e.userId)) doomed.push(e.id);
          }
          if (doomed.length > 0) deleted += await redis.xdel(key, ...doomed);
          if (page.length < 1000) break;
          start = `(${page[page.length - 1]![0]}`;
        }
      }
      return deleted;
    },

    async deadLetters(count) {
      const page = (await redis.xrange(dead, "-", "+", "COUNT", count)) as RawEntry[];
      return page.map(([id, fields]) => {
        const f = new Map<string, string>();
        for (let i = 0; fields !== null && i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
        return {
          entry: { id: f.get("from") ?? id, userId: f.get("u") ?? "", data: f.get("e") ?? "" },
          reason: f.get("reason") ?? "",
        };
      });
    },

    async close() {},
  };
}
