/**
 * The relevance server's entry point: the only file that reads the environment,
 * binds the port and handles signals.
 *
 *   node dist/server/src/main.js [--demo] [--policy <file>]
 *
 * Environment: HOST, PORT, REDIS_URL (empty: in-process store), RELEVANCE_KEY_PREFIX,
 * RELEVANCE_THREADS, RELEVANCE_SCORING_LANE (0: score small jobs on the server thread only),
 * RELEVANCE_SCORING_LANE_BATCH (calls in one turn from which small jobs go to the lane),
 * RELEVANCE_CATALOG_SERVER_SHARD (0: catalog scans wholly on the pool),
 * RELEVANCE_IDENTITY_KEY (HMAC key for identifiers; required with Redis),
 * RELEVANCE_CONSUMER (0: do not apply events in this instance),
 * RELEVANCE_CONSUMER_CLAIM_IDLE_MS (take over entries a dead consumer left),
 * RELEVANCE_LOYALTY_THRESHOLDS ("silver,gold,platinum" purchase values),
 * RELEVANCE_POLICY_FILE (a policy in JSON or YAML, reloaded when it changes;
 * --policy overrides it), RELEVANCE_CART_IDLE_MS and RELEVANCE_BROWSE_IDLE_MS
 * (idle time before an abandonment trigger fires), RELEVANCE_DELIVERY_ACK_TIMEOUT_MS
 * (an unacked delivery goes to another adapter), RELEVANCE_SHUTDOWN_GRACE_MS (10000)
 * and RELEVANCE_SHUTDOWN_DRAIN_MS (1000) for SIGTERM, RELEVANCE_API_KEYS_FILE (JSON or
 * YAML list of callers: name, sha256 of the token, methods, scopes, tenant,
 * ratePerSecond, burst; unset: no authentication), RELEVANCE_METRICS_PORT (e.g. 9464:
 * Prometheus metrics at /metrics on HOST; unset: none), RELEVANCE_TLS_CERT_FILE and
 * RELEVANCE_TLS_KEY_FILE (PEM: TLS on the gRPC port; unset: plaintext),
 * RELEVANCE_TLS_CLIENT_CA_FILE (PEM CAs of client certificates: mutual TLS, a client
 * without a certificate they signed fails the handshake), LOG_LEVEL (debug, info, warn,
 * error; default info; debug adds a line per successful call),
 * DEMO_ITEMS, DEMO_PROFILES. With --demo the server runs under the demo policy
 * (server/policies/demo.yaml) unless another is named, and an empty catalog is seeded
 * with a synthetic one (and synthetic profiles), and one sample decision is
 * made over gRPC and printed (over TLS, with the client's RELEVANCE_TLS_CA_FILE,
 * RELEVANCE_TLS_CLIENT_CERT_FILE and RELEVANCE_TLS_CLIENT_KEY_FILE).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { toJson } from "@bufbuild/protobuf";
import type { ChannelCredentials } from "@grpc/grpc-js";
import { parse as parseYaml } from "yaml";
import type { ApiKeyConfig } from "./auth/api-keys.js";
import { createMemoryCatalogStore } from "./catalog/memory-catalog-store.js";
import { createRedisCatalogStore } from "./catalog/redis-catalog-store.js";
import { seedStores } from "./cli/seed.js";
import {
  DEFAULT_SERVER_OPTIONS,
  type ServerOptions,
  type ServerTlsOptions,
} from "./config/server-options.js";
import { createServer, type ServerParts } from "./create-server.js";
import { DecideResponseSchema, DecisionService } from "./gen/relevance/v1/decision_pb.js";
import { CLIENT_TLS_ENV, clientCredentialsFromEnv } from "./grpc/client-credentials.js";
import { readPemFile } from "./grpc/read-pem-file.js";
import { createServiceClient } from "./grpc/service-client.js";
import { createLogger, type LogLevel } from "./log.js";
import { createMemoryProfileStore } from "./profile/memory-profile-store.js";
import { createRedisProfileStore } from "./profile/redis-profile-store.js";
import { createRedisClient, redactRedisUrl } from "./redis/create-redis-client.js";
import { applyV8Tuning, missingStartFlags } from "./runtime/v8-tuning.js";

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** The callers of RELEVANCE_API_KEYS_FILE (a JSON or YAML list, or `{ apiKeys: [...] }`); none when unset. */
function apiKeysFrom(path: string): ApiKeyConfig[] {
  if (path === "") return [];
  const parsed: unknown = parseYaml(readFileSync(path, "utf8"));
  const list = Array.isArray(parsed) ? parsed : (parsed as { apiKeys?: unknown } | null)?.apiKeys;
  if (!Array.isArray(list)) throw new Error(`RELEVANCE_API_KEYS_FILE ${path}: expected a list of API keys`);
  return list as ApiKeyConfig[];
}

/**
 * TLS on the gRPC port from RELEVANCE_TLS_CERT_FILE and RELEVANCE_TLS_KEY_FILE,
 * mutual TLS with RELEVANCE_TLS_CLIENT_CA_FILE as well; null when none is set.
 */
function tlsFrom(env: NodeJS.ProcessEnv): ServerTlsOptions | null {
  const file = (name: string): string => {
    const path = env[name] ?? "";
    // Read here as well as by createServer, so that a bad file is reported under its variable's name.
    if (path !== "") readPemFile(name, path);
    return path;
  };
  const certFile = file("RELEVANCE_TLS_CERT_FILE");
  const keyFile = file("RELEVANCE_TLS_KEY_FILE");
  const clientCaFile = file("RELEVANCE_TLS_CLIENT_CA_FILE");
  if (certFile === "" && keyFile === "" && clientCaFile === "") return null;
  if (certFile === "" || keyFile === "") {
    const missing = certFile === "" ? "RELEVANCE_TLS_CERT_FILE" : "RELEVANCE_TLS_KEY_FILE";
    throw new Error(
      `${missing} is not set: TLS needs the server's certificate (RELEVANCE_TLS_CERT_FILE) and key (RELEVANCE_TLS_KEY_FILE); RELEVANCE_TLS_CLIENT_CA_FILE on top makes it mTLS`,
    );
  }
  return { certFile, keyFile, ...(clientCaFile !== "" ? { clientCaFile } : {}) };
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** LOG_LEVEL, checked: an unknown level would silence every line. */
function logLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === "") return "info";
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(raw)}`);
  }
  return raw as LogLevel;
}

/** "silver,gold,platinum" purchase values over the loyalty window, e.g. "200,1000,5000". */
function loyaltyThresholds(
  raw: string | undefined,
): { silver: number; gold: number; platinum: number } | undefined {
  if (raw === undefined || raw === "") return undefined;
  const [silver, gold, platinum, ...rest] = raw.split(",").map(Number);
  if (silver === undefined || gold === undefined || platinum === undefined || rest.length > 0) {
    throw new Error(
      `RELEVANCE_LOYALTY_THRESHOLDS must be "silver,gold,platinum", got ${JSON.stringify(raw)}`,
    );
  }
  return { silver, gold, platinum };
}

/** The value of `--name <value>` or `--name=<value>` among the arguments, or undefined. */
function argValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
    if (a === name) {
      const v = args[i + 1];
      if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
      return v;
    }
  }
  return undefined;
}

/** The demo policy shipped with the package (server/policies/demo.yaml). */
const DEMO_POLICY = fileURLToPath(new URL("../../../server/policies/demo.yaml", import.meta.url));

async function main(): Promise<void> {
  applyV8Tuning();
  const args = process.argv.slice(2);
  const demo = args.includes("--demo");
  const log = createLogger(logLevel(process.env.LOG_LEVEL));
  const missing = missingStartFlags();
  if (missing.length > 0) {
    log.warn("started without V8 flags the server is tuned for: expect longer pauses under load", {
      missing: missing.join(" "),
      run: `node ${missing.join(" ")} dist/server/src/main.js`,
    });
  }
  const redisUrl = process.env.REDIS_URL ?? "";
  const options: Partial<ServerOptions> = {
    host: process.env.HOST ?? DEFAULT_SERVER_OPTIONS.host,
    port: envInt("PORT", DEFAULT_SERVER_OPTIONS.port),
    redisUrl,
    redisKeyPrefix: process.env.RELEVANCE_KEY_PREFIX ?? DEFAULT_SERVER_OPTIONS.redisKeyPrefix,
    threads: envInt("RELEVANCE_THREADS", DEFAULT_SERVER_OPTIONS.threads),
    scoringLane: process.env.RELEVANCE_SCORING_LANE !== "0",
    scoringLaneBatch: envInt("RELEVANCE_SCORING_LANE_BATCH", DEFAULT_SERVER_OPTIONS.scoringLaneBatch),
    catalogServerShard: process.env.RELEVANCE_CATALOG_SERVER_SHARD !== "0",
    identityKey: process.env.RELEVANCE_IDENTITY_KEY ?? "",
    consumer: process.env.RELEVANCE_CONSUMER !== "0",
    profileFeatures: { loyaltyThresholds: loyaltyThresholds(process.env.RELEVANCE_LOYALTY_THRESHOLDS) },
    consumerClaimIdleMs: envInt(
      "RELEVANCE_CONSUMER_CLAIM_IDLE_MS",
      DEFAULT_SERVER_OPTIONS.consumerClaimIdleMs,
    ),
    triggers: {
      cartIdleMs: envInt("RELEVANCE_CART_IDLE_MS", 30 * 60_000),
      browseIdleMs: envInt("RELEVANCE_BROWSE_IDLE_MS", 60 * 60_000),
    },
    deliveryAckTimeoutMs: envInt(
      "RELEVANCE_DELIVERY_ACK_TIMEOUT_MS",
      DEFAULT_SERVER_OPTIONS.deliveryAckTimeoutMs,
    ),
    apiKeys: apiKeysFrom(process.env.RELEVANCE_API_KEYS_FILE ?? ""),
    tls: tlsFrom(process.env),
    // Off unless asked for: several instances on one host would fight over one default port.
    metricsPort:
      (process.env.RELEVANCE_METRICS_PORT ?? "") === "" ? null : envInt("RELEVANCE_METRICS_PORT", 9464),
    // The demo runs under the demo policy unless another is named.
    policyFile: argValue(args, "--policy") ?? process.env.RELEVANCE_POLICY_FILE ?? (demo ? DEMO_POLICY : ""),
  };
  const features = DEFAULT_SERVER_OPTIONS.features;
  if ((options.apiKeys ?? []).length === 0) {
    log.warn("no RELEVANCE_API_KEYS_FILE: every caller is let in (development only)");
  }

  const parts: { -readonly [K in keyof ServerParts]: ServerParts[K] } = { log };
  if (redisUrl === "") {
    log.info(
      "no REDIS_URL: using the in-process store (state is lost on exit; set REDIS_URL for production)",
    );
    parts.profileStore = createMemoryProfileStore({ features });
    parts.catalogStore = createMemoryCatalogStore();
  } else {
    log.info("using redis", { redis: redactRedisUrl(redisUrl) });
  }

  if (demo) {
    // Seed before the server starts, so it loads the demo catalog like any other.
    const redis = redisUrl === "" ? null : await createRedisClient(redisUrl);
    // Seed under the key prefix the server will read (RELEVANCE_KEY_PREFIX).
    const keyPrefix = options.redisKeyPrefix;
    const catalogStore =
      parts.catalogStore ??
      createRedisCatalogStore({ redis: redis!, ...(keyPrefix !== undefined ? { keyPrefix } : {}) });
    const profileStore =
      parts.profileStore ??
      createRedisProfileStore({ redis: redis!, features, ...(keyPrefix !== undefined ? { keyPrefix } : {}) });
    const existing = await catalogStore.countItems();
    if (existing === 0) {
      const result = await seedStores({
        catalogStore,
        profileStore,
        items: envInt("DEMO_ITEMS", 20_000),
        profiles: envInt("DEMO_PROFILES", 20_000),
        features,
        onProgress: (message) => log.info(message),
      });
      log.info("demo data seeded", {
        items: result.items,
        profiles: result.profiles,
        ms: Math.round(result.ms),
      });
    } else {
      log.info("catalog already has items: not seeding", { items: existing });
    }
    await redis?.quit();
  }

  const server = await createServer(options, parts);
  const info = server.catalog.info();
  log.info("relevance is serving", {
    address: server.address,
    store: server.storeKind,
    catalogVersion: info.version,
    items: info.items,
    threads: server.scorer.threads,
    scoringLane: server.scorer.hasLane,
    kernel: server.kernelVersion,
    policy: server.policy.current().policy.version,
    tls: options.tls == null ? "off" : options.tls.clientCaFile === undefined ? "tls" : "mtls",
  });

  // SIGTERM: NOT_SERVING at once, keep taking calls for the drain time, then
  // let running calls finish within the grace time, then force; exit 0.
  const graceMs = envInt("RELEVANCE_SHUTDOWN_GRACE_MS", 10_000);
  const drainMs = envInt("RELEVANCE_SHUTDOWN_DRAIN_MS", 1_000);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn("second signal: exiting now", { signal });
      process.exit(1);
    }
    stopping = true;
    log.info("stopping", { signal, graceMs, drainMs });
    server.close(graceMs, drainMs).then(
      () => process.exit(0),
      (e: unknown) => {
        log.error("error while stopping", { err: e });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  if (demo) {
    const clientTls = Object.values(CLIENT_TLS_ENV).some((name) => (process.env[name] ?? "") !== "");
    if (options.tls != null && !clientTls) {
      log.warn(
        `no sample decision over TLS without ${CLIENT_TLS_ENV.caFile} (and ${CLIENT_TLS_ENV.certFile}, ${CLIENT_TLS_ENV.keyFile} for mTLS)`,
      );
    } else {
      await printSample(server.address, clientCredentialsFromEnv(process.env));
    }
  }
}

async function printSample(address: string, credentials: ChannelCredentials): Promise<void> {
  const client = createServiceClient(DecisionService, address, { credentials });
  const request = {
    userId: "user-000001",
    channel: 1,
    useCase: "homepage_hero",
    placement: "hero",
    limit: 5,
    explain: true,
  };
  try {
    const res = await client.decide(request, { deadline: Date.now() + 2000 });
    const out = process.stdout;
    out.write(
      `\nrelevance is serving on ${address}.\n\nA sample decision (catalog mode, user-000001, web):\n`,
    );
    out.write(
      `${JSON.stringify(toJson(DecideResponseSchema, res, { alwaysEmitImplicit: true }), null, 2)}\n`,
    );
    out.write(
      `\nCall it yourself:\n  npx relevance decide --addr ${address} --user user-000042 --channel web --use-case search --candidates SKU-000001,SKU-000002,SKU-000003 --explain\n  npx relevance decide --addr ${address} --user user-000042 --channel email --use-case cart_abandonment --limit 3\n\nStop with Ctrl-C.\n`,
    );
  } finally {
    client.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`relevance: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
