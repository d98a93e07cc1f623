/**
 * bench:person-store — what Redis spends on the profile consumer's reads and
 * writes of one person, and on the timer change its trigger hook makes,
 * alone. A probe kept as a benchmark: bench:ingest bounds the sustained event
 * rate, and Redis's CPU per event there is most of the bound (RESULTS.md);
 * this bench measures the consumer's scripts without the server and the load
 * generator beside them, and each on its own, so a change to a script or the
 * key schema can be judged by itself.
 *
 * A private Redis and the real Redis person store (the consumer's own kind of
 * connection, no auto-pipelining). The `steady` and `fresh` phases run
 * `loadMany` then `commitMany` over people in batches of 512 (the
 * consumer's read size; the store cuts them into script calls of 64), one
 * new event id per person and a state and profile of the sizes the consumer
 * writes (~700 B, 300 B):
 *
 * - `steady`: the same PEOPLE people every round, after a first round that
 *   created them: the path of a person seen before.
 * - `fresh`: a new person for every commit: the first commit of a person,
 *   which also sets the expiries of their keys.
 * - `timers`: the trigger hook's timer change for one product view per
 *   person (the browse-abandonment timer, unless a cart timer is live: the
 *   change most events make) through the real Redis timer store, the same
 *   PEOPLE people every round after a first round that created them. Its
 *   script runs beside the other two for most events in bench:ingest.
 *
 * Redis's time is read from INFO commandstats (EVALSHA's time includes the
 * commands its script calls, which are also counted under their own names)
 * and its CPU time from /proc/<pid>/stat.
 *
 *   npm run bench:person-store   (needs redis-server)
 *   BENCH_PEOPLE (20000), BENCH_ROUNDS (5)
 *
 * Prints one line per phase, then one JSON line: per phase (`steady`,
 * `fresh`, `timers`) `script_us` (EVALSHA µs per person), `commands_us`
 * (µs of the commands the scripts called, per person), `calls` (those
 * commands per person) and `cpu_us` (Redis CPU µs per person), plus `keys`
 * at the end.
 */

import { createRedisPersonStore } from "../../server/src/profile/redis-person-store.js";
import { PERSON_KEY_SUFFIXES } from "../../server/src/profile/redis-profile-store.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { createRedisTimerStore } from "../../server/src/triggers/redis-timer-store.js";
import type { TimerChange } from "../../server/src/triggers/timer-store.js";
import { startRedisServer } from "../support/redis-process.js";
import { machine, processCpuUs } from "./support/stats.js";

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = 512;
const STATE = Buffer.alloc(700, 7);
const PROFILE = Buffer.alloc(300, 7);

const say = (line: string) => process.stderr.write(`${line}\n`);

interface PhaseCost {
  readonly people: number;
  readonly script_us: number;
  readonly commands_us: number;
  readonly calls: number;
  readonly cpu_us: number;
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const redis = await createRedisClient(redisServer.url);
  try {
    const store = createRedisPersonStore({ redis });
    const timers = await createRedisTimerStore({ redis });
    let viewedAt = Date.now();
    let eventSeq = 0;
    let freshSeq = 0;

    /** One batch: load the people with one new event each, commit them all. */
    const applyBatch = async (ids: readonly string[]): Promise<void> => {
      const requests = ids.map((userId) => ({
        userId,
        tombstone: `t-${userId}`,
        eventIds: [`e${eventSeq++}`],
      }));
      const reads = await store.loadMany(requests);
      const results = await store.commitMany(
        reads.map((read, i) => ({
          personId: read.personId,
          expectedVersion: read.version,
          state: STATE,
          profile: PROFILE,
          eventIds: requests[i]!.eventIds,
          tombstone: requests[i]!.tombstone,
        })),
      );
      const failed = results.filter((r) => r !== "ok").length;
      if (failed > 0) throw new Error(`${failed} commits did not apply`);
    };
    const steadyRound = async () => {
      for (let start = 0; start < PEOPLE; start += BATCH) {
        const ids: string[] = [];
        for (let i = start; i < Math.min(PEOPLE, start + BATCH); i++) ids.push(`steady-${i}`);
        await applyBatch(ids);
      }
    };
    const freshRound = async () => {
      for (let start = 0; start < PEOPLE; start += BATCH) {
        const ids: string[] = [];
        for (let i = start; i < Math.min(PEOPLE, start + BATCH); i++) ids.push(`fresh-${freshSeq++}`);
        await applyBatch(ids);
      }
    };

    /** One browse view per person: what the trigger hook hands the timer store for most events. */
    const timersRound = async () => {
      for (let start = 0; start < PEOPLE; start += BATCH) {
        const applied: Promise<void>[] = [];
        for (let i = start; i < Math.min(PEOPLE, start + BATCH); i++) {
          viewedAt++;
          const view: TimerChange = {
            kind: "browse_abandonment",
            op: "set",
            dueMs: viewedAt + 3_600_000,
            due: "later",
            addSkus: [{ sku: `SKU-${(i * 7 + viewedAt) % 20_000}`, atMs: viewedAt }],
            removeSkus: [],
            replaceSkus: false,
            maxSkus: 10,
            cancelWhenEmpty: false,
            unlessLive: "cart_abandonment",
          };
          applied.push(timers.apply(`steady-${i}`, [view]));
        }
        await Promise.all(applied);
      }
    };

    const measure = async (name: string, round: () => Promise<void>): Promise<PhaseCost> => {
      await redis.config("RESETSTAT");
      const cpuBefore = processCpuUs(redisServer.pid);
      for (let r = 0; r < ROUNDS; r++) await round();
      const cpu = processCpuUs(redisServer.pid) - cpuBefore;
      const people = PEOPLE * ROUNDS;
      let script = 0;
      let commands = 0;
      let calls = 0;
      for (const line of (await redis.info("commandstats")).split("\n")) {
        const m = /^cmdstat_([\w|]+):calls=(\d+),usec=(\d+)/.exec(line);
        if (m === null || m[1] === "config" || m[1] === "info") continue;
        if (m[1] === "evalsha" || m[1] === "eval") script += Number(m[3]);
        else {
          commands += Number(m[3]);
          calls += Number(m[2]);
        }
      }
      const cost: PhaseCost = {
        people,
        script_us: Number((script / people).toFixed(2)),
        commands_us: Number((commands / people).toFixed(2)),
        calls: Number((calls / people).toFixed(2)),
        cpu_us: Number((cpu / people).toFixed(2)),
      };
      say(
        `${name}: ${people} people, per person: scripts ${cost.script_us} µs (their commands ${cost.commands_us} µs in ${cost.calls} calls), Redis CPU ${cost.cpu_us} µs`,
      );
      return cost;
    };

    say(`${machine()}; ${PEOPLE} people a round, ${ROUNDS} rounds a phase`);
    await steadyRound(); // creates the steady people
    const steady = await measure("steady", steadyRound);
    const fresh = await measure("fresh", freshRound);
    await timersRound(); // creates the steady people's timers
    const timerCost = await measure("timers", timersRound);
    const keys = await redis.dbsize();
    say(
      `keys at the end: ${keys} (key kinds per person: ${Object.keys(PERSON_KEY_SUFFIXES).length} named in the schema)`,
    );
    process.stdout.write(
      `${JSON.stringify({ machine: machine(), people_per_round: PEOPLE, rounds: ROUNDS, steady, fresh, timers: timerCost, keys })}\n`,
    );
  } finally {
    await redis.quit().catch(() => redis.disconnect());
    await redisServer.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(
    `bench:person-store failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
