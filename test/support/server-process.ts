import { type ChildProcess, spawn } from "node:child_process";
import { status } from "@grpc/grpc-js";
import { DecisionService } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import { V8_START_FLAGS } from "../../server/src/runtime/v8-tuning.js";

/** The HMAC key benchmark servers hash identifiers with. */
export const BENCH_IDENTITY_KEY = "bench-identity-key-0123456789abcdef";

/**
 * Starts the real server (`node dist/server/src/main.js`) on `port` against
 * `redisUrl`, with `env` on top, and waits until Decide answers.
 * It runs with the V8 flags a server starts with (`V8_START_FLAGS`); BENCH_SERVER_NODE_ARGS:
 * extra node flags for it (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 * `script` runs instead of main.js (bench:processes starts it through node:cluster).
 */
export async function startServerProcess(
  redisUrl: string,
  port: number,
  env: Record<string, string> = {},
  args: readonly string[] = [],
  script: string = new URL("../../server/src/main.js", import.meta.url).pathname,
): Promise<ChildProcess> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
  const child = spawn(process.execPath, [...V8_START_FLAGS, ...nodeArgs, script, ...args], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      PORT: String(port),
      RELEVANCE_IDENTITY_KEY: BENCH_IDENTITY_KEY,
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const client = createServiceClient(DecisionService, `127.0.0.1:${port}`);
  try {
    for (let i = 0; i < 600; i++) {
      try {
        await client.decide({ userId: "probe", channel: 1, useCase: "search" });
        return child;
      } catch (e) {
        // Any answer but UNAVAILABLE (nothing listening yet) means the server is up.
        if ((e as { code?: number }).code !== status.UNAVAILABLE) return child;
        if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.close();
  }
  child.kill("SIGKILL");
  throw new Error("server did not start within 60 s");
}
