/**
 * The real server (`main.js`) in BENCH_PROCESSES processes sharing one port
 * through node:cluster (the primary accepts connections and hands them to the
 * workers in turn). For bench:processes only: the product runs one process per
 * instance, because catalog and policy changes made through the admin RPCs
 * reach only the process that took the call.
 */
import cluster from "node:cluster";
import { writeFileSync } from "node:fs";

const processes = Number(process.env.BENCH_PROCESSES ?? 1);

if (cluster.isPrimary && processes > 1) {
  for (let i = 0; i < processes; i++) cluster.fork();
  // Connections go only to processes already listening: the bench waits for all of them.
  const listening = new Set<number>();
  cluster.on("listening", (worker) => {
    listening.add(worker.id);
    const file = process.env.BENCH_CLUSTER_READY_FILE;
    if (listening.size === processes && file !== undefined) writeFileSync(file, `${processes}\n`);
  });
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
  await import("../../../server/src/main.js");
}
