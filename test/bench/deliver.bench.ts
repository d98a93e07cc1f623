/**
 * bench:deliver — decisions through DeliveryService.Subscribe to an
 * adapter's file sink, with the adapter SIGKILLed midway and restarted.
 *
 * Starts a private Redis and the real server as its own process
 * (`node dist/server/src/main.js`), puts RECIPIENTS profiles with email
 * consent into Redis, and enqueues DELIVERIES email decisions with distinct
 * experience ids onto the email decision stream (the queue the trigger
 * runner fills). Then starts the adapter CLI (`relevance-adapter --sink
 * file:…`) as a third process, SIGKILLs it once the sink holds half of them,
 * starts it again under the same consumer name, and waits until every
 * decision is in the sink and nothing is unacked. Every delivery goes through
 * the server's send-time checks (consent read, experience claim) and the
 * adapter's renderer and guardrail.
 *
 * `deliveries_per_s` = DELIVERIES / (first adapter start → last line in the
 * sink), the kill and the restart included. `duplicates`: sink lines naming
 * an experience already there; `lost`: enqueued experiences never in the sink.
 *
 *   npm run bench:deliver   (needs redis-server; installed by the script if missing)
 *
 * Prints human-readable lines on stderr and one JSON line on stdout.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createRedisCapStore } from "../../server/src/caps/redis-cap-store.js";
import { createRedisDeliveryHub } from "../../server/src/delivery/redis-delivery-queue.js";
import { ALL_CONSENT } from "../../server/src/domain/consent.js";
import { silentLogger } from "../../server/src/log.js";
import { modelWeights } from "../../server/src/policy/compile-policy.js";
import { createPolicyHolder } from "../../server/src/policy/policy-holder.js";
import { createRedisProfileStore } from "../../server/src/profile/redis-profile-store.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { defaultScoringModel } from "../../server/src/scoring/scoring-model.js";
import { deliverWithKillRestart, enqueueDecisions } from "../delivery/support/kill-restart.js";
import { person } from "../policy/support/people.js";
import { startRedisServer } from "../support/redis-process.js";
import { startServerProcess } from "../support/server-process.js";
import { rerunWithStartFlags } from "./support/start-flags.js";

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 30_000);
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 5_000);
const CREDITS = Number(process.env.BENCH_CREDITS ?? 512);
const PREFIX = "rl:";

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  // The server runs in this process: with the V8 flags it starts with.
  if (await rerunWithStartFlags()) return;
  const redisServer = await startRedisServer();
  const redis = await createRedisClient(redisServer.url);
  const dir = await mkdtemp(join(tmpdir(), "relevance-bench-deliver-"));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  let server: Awaited<ReturnType<typeof startServerProcess>> | null = null;
  try {
    const recipients = Array.from({ length: RECIPIENTS }, (_, i) => `bench-person-${i}`);
    const profiles = createRedisProfileStore({ redis, features: 64, keyPrefix: PREFIX });
    await profiles.putProfiles(
      recipients.map((id) => ({
        ...person(id),
        vector: new Float32Array(64).fill(0.1),
        consent: ALL_CONSENT,
      })),
    );
    server = await startServerProcess(redisServer.url, port, { RELEVANCE_CONSUMER: "0" });
    // The bare policy: no quiet hours, so the run does not depend on the time of day.
    const policy = createPolicyHolder({
      defaults: modelWeights(defaultScoringModel(64, 0.05)),
      log: silentLogger,
    });
    const hub = createRedisDeliveryHub({
      redis,
      keyPrefix: PREFIX,
      caps: createRedisCapStore({ redis, keyPrefix: PREFIX }),
      policy: () => policy.current().policy,
      log: silentLogger,
    });
    await hub.ensureStreams();
    const options = {
      address: `127.0.0.1:${port}`,
      hub,
      redis,
      keyPrefix: PREFIX,
      count: DELIVERIES,
      recipients,
      sinkPath: join(dir, "email.jsonl"),
      stateDir: join(dir, "state"),
      adapterArgs: ["--credits", String(CREDITS)],
      say,
    };
    say(`enqueueing ${DELIVERIES} email decisions for ${RECIPIENTS} people…`);
    const enqueueStart = performance.now();
    const expected = await enqueueDecisions(options);
    say(`enqueued in ${((performance.now() - enqueueStart) / 1000).toFixed(1)} s; delivering…`);
    const r = await deliverWithKillRestart(options, expected);
    const perSecond = Math.round((r.count / r.elapsedMs) * 1000);
    say(
      `${r.count} decisions in ${(r.elapsedMs / 1000).toFixed(2)} s with one SIGKILL at ${r.linesAtKill}: ` +
        `${perSecond}/s, ${r.duplicates} duplicates, ${r.lost} lost, ${r.leftOnStream} left on the stream`,
    );
    process.stdout.write(
      `${JSON.stringify({
        deliveries_per_s: perSecond,
        duplicates: r.duplicates,
        lost: r.lost,
        deliveries: r.count,
        killed_at: r.linesAtKill,
        elapsed_ms: Math.round(r.elapsedMs),
        left_on_stream: r.leftOnStream,
        credits: CREDITS,
        machine: `${cpus().length} × ${cpus()[0]?.model ?? "unknown"}`,
      })}\n`,
    );
    if (r.duplicates !== 0 || r.lost !== 0) process.exitCode = 1;
  } finally {
    server?.kill("SIGTERM");
    await redis.quit();
    await redisServer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
