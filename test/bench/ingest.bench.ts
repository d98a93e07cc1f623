/**
 * bench:ingest — events in through Track, applied by the profile consumer,
 * seen by Decide.
 *
 * Starts a private Redis, seeds a catalog (so events find their items'
 * features) and bulk profiles, and starts the real server as its own process
 * (`node dist/server/src/main.js`, consumer on). This process is the client:
 * it pre-encodes distinct Track batches (unique event ids, a skewed mix of
 * people and event types), then
 *
 * 1. sustained ingest: a short closed-loop flood (FLOOD_S; intake outruns the
 *    consumer, so it only estimates capacity), then a ladder of fixed offered
 *    rates, STEP_S seconds each, from 80 % of the flood's applied rate up by
 *    15 % a step until one does not hold, then 5 % and 10 % above the last
 *    that held (REFINE_STEPS, up to the first that does not hold). A rate
 *    holds when it is achieved and every event is applied within KEEP_UP_MS
 *    of the last send; `events_per_s` is the highest rate that held and
 *    `max_lag` the largest backlog (never-delivered + pending entries,
 *    sampled every 100 ms) at that rate.
 * 2. freshness: with background load at half that rate, Track a view for a
 *    person who has no profile yet, then call Decide back to back until its
 *    answer no longer says PROFILE_MISSING; `freshness_p99_ms` is the p99 of
 *    Track-OK → first Decide that sees the profile, over PROBES people.
 *
 *   npm run bench:ingest   (needs redis-server; installed by the script if missing)
 *
 * Prints human-readable lines on stderr and one JSON line on stdout; besides
 * the figures above, `redis_cpu_us_per_event` and `server_cpu_us_per_event`:
 * the CPU time Redis and the server process(es) spent over the ladder, per
 * event sent in it (all of which are applied before it ends).
 */
import type { ChildProcess } from "node:child_process";
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { credentials, Metadata, makeGenericClientConstructor, type ServiceError } from "@grpc/grpc-js";
import { createRng, syntheticSku } from "../../server/src/demo/synthetic.js";
import { DecisionService, Degradation } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { type EventSchema, TrackRequestSchema } from "../../server/src/gen/relevance/v1/events_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { startRedisServer } from "../support/redis-process.js";
import { startServerProcess } from "../support/server-process.js";
import { seedRedis } from "./support/seed-redis.js";
import { processCpuUs, quantile } from "./support/stats.js";

const ITEMS = Number(process.env.BENCH_ITEMS ?? 20_000);
const PROFILES = Number(process.env.BENCH_PROFILES ?? 20_000);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 200_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4);
const FLOOD_S = Number(process.env.BENCH_FLOOD_S ?? 4);
const STEP_S = Number(process.env.BENCH_STEP_S ?? 6);
const MAX_STEPS = Number(process.env.BENCH_MAX_STEPS ?? 8);
const KEEP_UP_MS = Number(process.env.BENCH_KEEP_UP_MS ?? 1000);
/** Rates tried between the last that held and the first that did not, as factors of the one that held. */
const REFINE_STEPS = [1.05, 1.1];
const PROBES = Number(process.env.BENCH_PROBES ?? 200);

const say = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Distinct, realistic batches: a Zipf-like skew of people, 70 % views, the rest carts, purchases, sessions, searches. */
function makeBatches(count: number, seed: number, prefix: string): Buffer[] {
  const rand = createRng(seed);
  const now = Date.now();
  const out: Buffer[] = [];
  let n = 0;
  for (let b = 0; b < count; b++) {
    const events: MessageInitShape<typeof EventSchema>[] = [];
    for (let i = 0; i < BATCH; i++) {
      const person = Math.floor(PEOPLE * rand() ** 2.5);
      const sku = syntheticSku(Math.floor(ITEMS * rand() ** 1.5));
      const r = rand();
      const payload: MessageInitShape<typeof EventSchema>["payload"] =
        r < 0.7
          ? { case: "viewItem", value: { sku, price: 10 + 90 * rand() } }
          : r < 0.85
            ? { case: "addToCart", value: { sku, quantity: 1, price: 20 } }
            : r < 0.9
              ? {
                  case: "purchase",
                  value: {
                    orderId: `${prefix}o${n}`,
                    lines: [{ sku, quantity: 1, unitPrice: 30, discount: rand() < 0.3 ? 5 : 0 }],
                  },
                }
              : r < 0.95
                ? {
                    case: "sessionSignal",
                    value: { sku, scrollDepth: rand(), dwellMs: Math.floor(60_000 * rand()) },
                  }
                : { case: "search", value: { query: "running shoes", resultCount: 42 } };
      events.push({
        eventId: `${prefix}${n++}`,
        subject: { case: "userId", value: `user-${String(person).padStart(6, "0")}` },
        timestampMs: BigInt(now - 60_000 + Math.floor(60_000 * rand())),
        channel: 1,
        payload,
      });
    }
    out.push(Buffer.from(toBinary(TrackRequestSchema, create(TrackRequestSchema, { events }))));
  }
  return out;
}

type RawTrack = (body: Buffer) => Promise<Buffer>;

function rawTrackClient(address: string): { track: RawTrack; close(): void } {
  const identity = (b: Buffer) => b;
  const Ctor = makeGenericClientConstructor(
    {
      track: {
        path: "/relevance.v1.EventService/Track",
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    "EventService",
  );
  const raw = new Ctor(address, credentials.createInsecure()) as unknown as {
    track(b: Buffer, m: Metadata, o: object, cb: (e: ServiceError | null, r: Buffer) => void): void;
    close(): void;
  };
  return {
    track: (body) =>
      new Promise((resolve, reject) =>
        raw.track(body, new Metadata(), { deadline: Date.now() + 10_000 }, (e, r) =>
          e ? reject(e) : resolve(r),
        ),
      ),
    close: () => raw.close(),
  };
}

function startServer(redisUrl: string, port: number, consumer = true): Promise<ChildProcess> {
  return startServerProcess(redisUrl, port, { RELEVANCE_CONSUMER: consumer ? "1" : "0" });
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const redis = await createRedisClient(redisServer.url);
  const servers: ChildProcess[] = [];
  try {
    say(`seeding ${ITEMS} items and ${PROFILES} profiles into a private redis on port ${redisServer.port}…`);
    await seedRedis(redisServer.url, { items: ITEMS, profiles: PROFILES, seed: 42, features: 64 });
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    // BENCH_TOPOLOGY=split: Track and Decide go to an instance whose consumer
    // is off, and a second instance only consumes (RELEVANCE_CONSUMER=0 on the
    // first): how the work spreads when intake and consumer get a core each.
    const split = process.env.BENCH_TOPOLOGY === "split";
    servers.push(await startServer(redisServer.url, port, !split));
    if (split) servers.push(await startServer(redisServer.url, port + 1, true));
    say(
      split
        ? "topology: one serving instance (consumer off) + one consuming instance"
        : "topology: one instance",
    );
    const address = `127.0.0.1:${port}`;
    const backlog = async () => {
      const groups = (await redis.xinfo("GROUPS", "rl:events")) as (string | number)[][];
      const g = groups[0] ?? [];
      const f = new Map<string, string | number>();
      for (let i = 0; i + 1 < g.length; i += 2) f.set(String(g[i]), g[i + 1]!);
      return Number(f.get("lag") ?? 0) + Number(f.get("pending") ?? 0);
    };

    // Enough distinct batches for the flood at 40k events/s, made before the clock starts.
    const batchCount = Math.ceil((40_000 * FLOOD_S) / BATCH);
    say(`encoding ${batchCount} batches of ${BATCH} distinct events…`);
    const batches = makeBatches(batchCount, 7, "s");
    const client = rawTrackClient(address);
    await client.track(batches[0]!); // warm-up

    // 1a. Capacity estimate: closed loop for a few seconds, then drain. Intake
    // outruns the consumer here, so this only seeds the ladder below.
    const flood = await (async () => {
      let next = 1;
      let sent = 0;
      const started = performance.now();
      const until = started + FLOOD_S * 1000;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (performance.now() < until && next < batches.length) {
            await client.track(batches[next++]!);
            sent += BATCH;
          }
        }),
      );
      const sendSeconds = (performance.now() - started) / 1000;
      while ((await backlog()) > 0) await sleep(5);
      const seconds = (performance.now() - started) / 1000;
      return { acceptedPerS: sent / sendSeconds, appliedPerS: sent / seconds };
    })();
    say(
      `flood: intake ${flood.acceptedPerS.toFixed(0)} events/s, everything applied at ${flood.appliedPerS.toFixed(0)} events/s overall`,
    );

    // 1b. Sustained rate: offer events at a fixed rate for STEP_S seconds; the
    // consumer keeps up when the offered rate is achieved and every event is
    // applied within KEEP_UP_MS of the last send. Climb by 15 % from 80 % of
    // the flood figure until a rate fails; events_per_s is the highest that held.
    await redis.config("RESETSTAT");
    // What the ladder's events cost each process, from CPU time (every event
    // sent in it is applied before the ladder ends): steadier than the rates.
    const serverCpu = () =>
      servers.reduce((sum, s) => sum + (s.pid === undefined ? 0 : processCpuUs(s.pid)), 0);
    const cpuBefore = { redis: processCpuUs(redisServer.pid), server: serverCpu() };
    let ladderEvents = 0;
    let stepIndex = 0;
    /** One step: `rate` offered for STEP_S seconds; whether it held, what was achieved, the largest backlog. */
    const runStep = async (rate: number): Promise<{ held: boolean; achieved: number; maxLag: number }> => {
      const step = stepIndex++;
      const stepBatches = makeBatches(Math.ceil((rate * STEP_S) / BATCH), 100 + step, `r${step}-`);
      let maxLag = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          maxLag = Math.max(maxLag, await backlog());
          await sleep(100);
        }
      })();
      const intervalMs = (1000 * BATCH) / rate;
      const started = performance.now();
      let inFlight = 0;
      let sent = 0;
      let refused = 0;
      const calls: Promise<void>[] = [];
      for (let i = 0; i < stepBatches.length; i++) {
        const wait = started + i * intervalMs - performance.now();
        if (wait > 0) await sleep(wait);
        if (inFlight >= 16) {
          refused++; // the server is not taking them as fast as offered
          continue;
        }
        inFlight++;
        calls.push(
          client.track(stepBatches[i]!).then(
            () => {
              inFlight--;
              sent += BATCH;
            },
            () => {
              inFlight--;
              refused++;
            },
          ),
        );
      }
      await Promise.all(calls);
      ladderEvents += sent;
      const lastSend = performance.now();
      const achieved = sent / ((lastSend - started) / 1000);
      let drained = false;
      while (performance.now() - lastSend < KEEP_UP_MS) {
        if ((await backlog()) === 0) {
          drained = true;
          break;
        }
        await sleep(5);
      }
      sampling = false;
      await sampler;
      const held = drained && refused === 0 && achieved >= 0.95 * rate;
      say(
        `offered ${rate} events/s for ${STEP_S} s: achieved ${achieved.toFixed(0)}/s, max backlog ${maxLag}, ${drained ? "all applied" : "NOT all applied"} within ${KEEP_UP_MS} ms of the last send${refused > 0 ? `, ${refused} batches not taken` : ""}: ${held ? "kept up" : "fell behind"}`,
      );
      // start the next step (or phase) from an empty log
      if (!held) while ((await backlog()) > 0) await sleep(20);
      return { held, achieved, maxLag };
    };
    let best: { rate: number; maxLag: number } | null = null;
    let rate = Math.max(1000, Math.round(0.8 * flood.appliedPerS));
    let lastHeld: number | null = null;
    let failed = false;
    for (let step = 0; step < MAX_STEPS; step++, rate = Math.round(rate * 1.15)) {
      const r = await runStep(rate);
      if (!r.held) {
        failed = true;
        break;
      }
      best = { rate: Math.round(r.achieved), maxLag: r.maxLag };
      lastHeld = rate;
    }
    // Between the last rate that held and the first that did not (15 % above
    // it), try 5 % and 10 % above it, up to the first that does not hold: the
    // figure is then within ~5 % of the highest sustained rate rather than
    // within 15 % (a run whose steps fell at 17.1k and 19.7k reported 17.1k).
    if (failed && lastHeld !== null) {
      for (const factor of REFINE_STEPS) {
        const r = await runStep(Math.round(lastHeld * factor));
        if (!r.held) break;
        best = { rate: Math.round(r.achieved), maxLag: r.maxLag };
      }
    }
    if (best === null) throw new Error("the consumer kept up with no offered rate");
    while ((await backlog()) > 0) await sleep(20);
    const perEvent = (us: number) => Number((us / ladderEvents).toFixed(1));
    const redisCpuUsPerEvent = perEvent(processCpuUs(redisServer.pid) - cpuBefore.redis);
    const serverCpuUsPerEvent = perEvent(serverCpu() - cpuBefore.server);
    say(
      `CPU per event over the ladder (${ladderEvents} events): redis ${redisCpuUsPerEvent} µs, server ${serverCpuUsPerEvent} µs`,
    );
    const eventsPerS = best.rate;
    const maxLag = best.maxLag;
    // Where Redis spent its time over the ladder: the consumer's scripts are most of it.
    const stats = (await redis.info("commandstats"))
      .split("\n")
      .map((l) => /^cmdstat_(\w+):calls=(\d+),usec=(\d+),usec_per_call=([\d.]+)/.exec(l))
      .filter((m) => m !== null)
      .sort((a, b) => Number(b[3]) - Number(a[3]))
      .slice(0, 10)
      .map(
        (m) =>
          `${m[1]} ${(Number(m[2]) / ladderEvents).toFixed(2)} calls, ${(Number(m[3]) / ladderEvents).toFixed(1)} µs`,
      );
    // A script's time includes the commands it calls, which are counted under their own names as well.
    say(`redis time by command, per event of the ladder: ${stats.join("; ")}`);
    const dead = await redis.xlen("rl:events:dead");
    say(
      `sustained: ${eventsPerS} events/s with the consumer keeping up; max backlog ${maxLag}; dead-lettered ${dead}`,
    );
    if (dead > 0) throw new Error(`${dead} events were dead-lettered`);

    // 2. Freshness under half that load.
    const half = eventsPerS / 2;
    const background = makeBatches(Math.ceil((half * (PROBES / 50 + 5)) / BATCH), 11, "f");
    let bgNext = 0;
    let loading = true;
    const load = (async () => {
      const intervalMs = (1000 * BATCH) / half;
      let due = performance.now();
      while (loading && bgNext < background.length) {
        due += intervalMs;
        void client.track(background[bgNext++]!);
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
    })();
    const decide = createServiceClient(DecisionService, address);
    const probe = rawTrackClient(address);
    const freshness = new Float64Array(PROBES);
    for (let i = 0; i < PROBES; i++) {
      const userId = `fresh-${i}-${Date.now()}`;
      const body = Buffer.from(
        toBinary(
          TrackRequestSchema,
          create(TrackRequestSchema, {
            events: [
              {
                eventId: `probe-${i}`,
                subject: { case: "userId", value: userId },
                timestampMs: BigInt(Date.now()),
                channel: 1,
                payload: { case: "viewItem", value: { sku: syntheticSku(i), price: 25 } },
              },
            ],
          }),
        ),
      );
      await probe.track(body);
      const ok = performance.now();
      for (;;) {
        const res = await decide.decide({
          userId,
          channel: 1,
          useCase: "probe",
          candidates: [{ sku: syntheticSku(i) }],
        });
        if (!res.degradations.includes(Degradation.PROFILE_MISSING)) break;
        if (performance.now() - ok > 5000)
          throw new Error(`probe ${i}: Decide did not see the event within 5 s`);
      }
      freshness[i] = performance.now() - ok;
      await sleep(20);
    }
    loading = false;
    await load;
    freshness.sort();
    const p50 = quantile(freshness, 0.5);
    const p99 = quantile(freshness, 0.99);
    say(
      `freshness at ~${half.toFixed(0)} events/s background: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${PROBES} probes`,
    );
    decide.close();
    probe.close();
    client.close();
    process.stdout.write(
      `${JSON.stringify({
        events_per_s: Math.round(eventsPerS),
        freshness_p99_ms: Number(p99.toFixed(2)),
        max_lag: maxLag,
        freshness_p50_ms: Number(p50.toFixed(2)),
        intake_per_s: Math.round(flood.acceptedPerS),
        flood_applied_per_s: Math.round(flood.appliedPerS),
        batch: BATCH,
        in_flight: IN_FLIGHT,
        background_events_per_s: Math.round(half),
        topology: split ? "split" : "single",
        redis_cpu_us_per_event: redisCpuUsPerEvent,
        server_cpu_us_per_event: serverCpuUsPerEvent,
      })}\n`,
    );
  } finally {
    for (const server of servers) {
      if (server.exitCode !== null) continue;
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await redis.quit().catch(() => redis.disconnect());
    await redisServer.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:ingest failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
