/**
 * The bench server (real Decide on Redis, plus the transport-only Echo) in
 * BENCH_PROCESSES worker processes sharing PORT through node:cluster: the
 * primary accepts connections and hands them to the workers in turn. One
 * worker is forked for BENCH_PROCESSES=1 too, so both settings pay the same
 * hand-off. For bench:processes only: the product runs one process per
 * instance, because catalog and policy changes made through the admin RPCs
 * reach only the process that took the call.
 *
 * Environment: REDIS_URL, PORT, BENCH_PROCESSES, BENCH_POLICY_FILE,
 * BENCH_ECHO_RESPONSE_FILE (Echo's answer, read on the first Echo call),
 * BENCH_CLUSTER_READY_FILE (written once every worker serves).
 */
import cluster from "node:cluster";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "../../../server/src/create-server.js";
import { silentLogger } from "../../../server/src/log.js";
import { applyV8Tuning } from "../../../server/src/runtime/v8-tuning.js";
import { benchServerOptions, echoService } from "./echo-service.js";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`${name} is required`);
  return v;
};

if (cluster.isPrimary) {
  const processes = Number(env("BENCH_PROCESSES"));
  const ready = new Set<number>();
  for (let i = 0; i < processes; i++) {
    const worker = cluster.fork();
    worker.on("message", (m) => {
      if (m !== "ready") return;
      ready.add(worker.id);
      if (ready.size === processes) writeFileSync(env("BENCH_CLUSTER_READY_FILE"), `${processes}\n`);
    });
  }
  let stopping = false;
  process.on("SIGTERM", () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
  });
  cluster.on("exit", () => {
    if (!stopping) process.stderr.write("bench cluster: a server process died\n");
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(stopping ? 0 : 1);
  });
} else {
  applyV8Tuning();
  let echo: Buffer | undefined;
  const server = await createServer(
    benchServerOptions(env("REDIS_URL"), process.env.BENCH_POLICY_FILE ?? "", Number(env("PORT"))),
    {
      log: silentLogger,
      extraServices: [echoService(() => (echo ??= readFileSync(env("BENCH_ECHO_RESPONSE_FILE"))))],
    },
  );
  process.on("SIGTERM", () => {
    void server.close().then(() => process.exit(0));
  });
  process.send?.("ready");
}
