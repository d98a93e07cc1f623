import type { ServerUnaryCall, ServiceDefinition, sendUnaryData } from "@grpc/grpc-js";
import type { ServerOptions } from "../../../server/src/config/server-options.js";

/** The transport-only method benches compare Decide with. */
export const ECHO_PATH = "/relevance.bench.v1.EchoService/Echo";

/**
 * A benchmark-only service for `createServer`'s `extraServices`: Echo takes
 * any request bytes and answers `response()` — as many bytes as a Decide
 * answer — on the same grpc-js server and options, so Decide's cost beyond
 * gRPC can be read as a ratio.
 */
export function echoService(response: () => Buffer) {
  const definition: ServiceDefinition = {
    echo: {
      path: ECHO_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    },
  };
  return {
    definition,
    handlers: {
      echo: (_call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => cb(null, response()),
    },
  };
}

/** The server options of bench:decide and bench:processes: the data of seedRedis, 64 features. */
export function benchServerOptions(redisUrl: string, policyFile: string, port = 0): Partial<ServerOptions> {
  return {
    port,
    redisUrl,
    features: 64,
    profileTimeoutMs: 50,
    identityKey: "bench-identity-key-0123456789abcdef",
    policyFile,
    watchPolicyFile: false,
    // BENCH_SCORING_LANE=0: small jobs scored on the server thread only, for an A/B of the lane.
    scoringLane: process.env.BENCH_SCORING_LANE !== "0",
    // BENCH_LANE_BATCH: the lane's `scoringLaneBatch` (64: an A/A control for bench:lane).
    ...(process.env.BENCH_LANE_BATCH ? { scoringLaneBatch: Number(process.env.BENCH_LANE_BATCH) } : {}),
  };
}
