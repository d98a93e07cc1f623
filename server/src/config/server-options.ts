import { availableParallelism } from "node:os";
import { MAX_TOP_K } from "../../../core-wasm/src/layout.js";
import { type ApiKeyConfig, validateApiKeys } from "../auth/api-keys.js";
import type { Policy as PolicyProto } from "../gen/relevance/v1/policy_pb.js";
import { type FeatureOptions, resolveFeatureConfig } from "../profile/features/feature-config.js";
import { resolveTriggerConfig, type TriggerOptions } from "../triggers/trigger-config.js";

/**
 * TLS on the gRPC port, from PEM files read once at start-up. With
 * `clientCaFile` it is mutual TLS: a client without a certificate signed by
 * one of those CAs fails the handshake (it sees UNAVAILABLE).
 */
export interface ServerTlsOptions {
  /** The server's certificate chain (PEM), leaf first; its names must match the address clients dial. */
  readonly certFile: string;
  /** The server's private key (PEM), unencrypted. */
  readonly keyFile: string;
  /**
   * CA certificates (PEM) that sign client certificates. Given: clients must
   * present one signed by them (mTLS). Left out: clients are not asked for a
   * certificate (TLS only).
   */
  readonly clientCaFile?: string;
}

/** Everything `createServer` can be told. Only `server/src/main.ts` reads the environment. */
export interface ServerOptions {
  /** Address to bind. @default "127.0.0.1" */
  host: string;
  /** Port to bind; 0 picks a free one. @default 50051 */
  port: number;
  /** Redis URL; empty runs on the in-process store. @default "" */
  redisUrl: string;
  /** Prefix of every Redis key. @default "rl:" */
  redisKeyPrefix: string;
  /** Features per item and per profile vector. @default 64 */
  features: number;
  /** Scorer worker threads; 0 scores inline only. @default os.availableParallelism() */
  threads: number;
  /** Candidate lists up to this size are scored inline (measured: `npm run bench:crossover`; the pool first won at 500 and at 1000 candidates in two runs). @default 750 */
  inlineMaxCandidates: number;
  /**
   * Score small candidate jobs on the scoring lane's worker while Decide calls
   * queue, inline while the server is quiet (needs `threads` > 0; see
   * server/src/scoring/scoring-lane.ts). @default true
   */
  scoringLane: boolean;
  /**
   * Small jobs go to the scoring lane from the `scoringLaneBatch`-th call to
   * reach scoring in one turn of the event loop, or while the lane holds that
   * many jobs; below it they run inline (measured: `npm run bench:lane`; see
   * server/src/scoring/scorer.ts). 1 sends every small job to the lane.
   * @default 8
   */
  scoringLaneBatch: number;
  /** Catalog scans over at most this many items run inline. @default 4096 */
  inlineMaxCatalogItems: number;
  /**
   * A catalog scan on a quiet server scans its first shard on the server
   * thread while the pool scans the others (measured: `npm run
   * bench:catalog`; see server/src/scoring/scorer.ts). @default true
   */
  catalogServerShard: boolean;
  /** Pool tasks queued beyond this run inline, flagged POOL_SATURATED. @default 64 */
  maxPoolQueue: number;
  /** Candidates per Decide request. @default 5000 */
  maxCandidates: number;
  /** Largest `limit`. @default 1000 */
  maxLimit: number;
  /** `limit` when the request gives 0. @default 20 */
  defaultLimit: number;
  /** @default 256 */
  maxUserIdLength: number;
  /** @default 128 */
  maxSkuLength: number;
  /** @default 500 */
  maxCartSkus: number;
  /** Capped plus redeemed SKUs considered per person. @default 1000 */
  maxExclusions: number;
  /** Largest request message in bytes. @default 4194304 */
  maxMessageBytes: number;
  /** Items per UpsertItems stream. @default 1000000 */
  maxUpsertItems: number;
  /** Updates per SetStock/SetPrice call. @default 10000 */
  maxUpdates: number;
  /** Distinct store ids the catalog holds stock for. @default 256 */
  maxStores: number;
  /** Catalog rows allocated at start; doubles when full. @default 131072 */
  catalogCapacity: number;
  /** Longest wait for the profile store, also bounded by the call's deadline. @default 5 */
  profileTimeoutMs: number;
  /** Time kept back from a call's deadline for scoring and the response. @default 1 */
  reserveMs: number;
  /**
   * Failed or timed-out Redis calls in a row (profile reads, cap reservations)
   * that open the hot path's circuit breaker: decisions then fall back without
   * asking Redis. @default 10
   */
  redisBreakerFailures: number;
  /** How long the breaker stays open before one call probes Redis again, ms. @default 200 */
  redisBreakerOpenMs: number;
  /** Items with margin below this are never returned. @default 0.05 */
  marginFloor: number;
  /** Concurrent streams per HTTP/2 connection. @default 1000 */
  maxConcurrentStreams: number;
  /**
   * Secret key of the HMAC that hashes identifiers (e-mail, phone, loyalty id)
   * and names tombstones; the same on every instance. Required with Redis; the
   * in-process store makes up a random one (its state dies with it anyway).
   * @default ""
   */
  identityKey: string;
  /** Run the profile consumer (applies logged events) in this instance. @default true */
  consumer: boolean;
  /** Events per Track call or TrackStream message. @default 1000 */
  maxTrackEvents: number;
  /** Events per TrackStream stream. @default 1000000 */
  maxTrackStreamEvents: number;
  /** Longest event id, order id, store id, variant or promo code. @default 128 */
  maxEventIdLength: number;
  /** Longest search query or category path in an event. @default 1024 */
  maxEventTextLength: number;
  /** Lines per purchase event. @default 500 */
  maxOrderLines: number;
  /** How far in the future an event's timestamp may be (clock skew), in ms. @default 300000 */
  maxEventFutureMs: number;
  /** How old an event may be, in ms. @default 34560000000 (400 days) */
  maxEventAgeMs: number;
  /** Accepted events waiting to be applied beyond which Track answers RESOURCE_EXHAUSTED. @default 1000000 */
  maxEventBacklog: number;
  /** Log entries the consumer reads at once. @default 512 */
  consumerBatchSize: number;
  /** A log entry pending this long is taken over from its consumer (which died), in ms. @default 10000 */
  consumerClaimIdleMs: number;
  /** How long every per-person key lives after its last write, in ms. @default 34560000000 (400 days) */
  personTtlMs: number;
  /**
   * Behaviour events a profile needs before Decide personalises with it; below,
   * the ranking is non-personalised and flagged PROFILE_SPARSE. @default 3
   */
  minProfileEvents: number;
  /**
   * Knobs of the derived features (decay half-life, event weights, session
   * gap, loyalty window and tier thresholds, list bounds); any left out take
   * their defaults. See server/src/profile/features/feature-config.ts.
   * @default {}
   */
  profileFeatures: FeatureOptions;
  /**
   * The policy to start under, validated at start-up (invalid: createServer
   * rejects with its problems). Not with `policyFile`. PolicyService.SetPolicy
   * replaces it at run time.
   * @default the bare policy (version "none", no use cases; see BARE_POLICY)
   */
  policy?: PolicyProto;
  /**
   * A policy file (JSON or YAML, proto3 JSON form of relevance.v1.Policy) to
   * start under; an invalid one fails start-up with its problems. Not with
   * `policy`. Empty: no file.
   * @default ""
   */
  policyFile: string;
  /**
   * Reload `policyFile` when it changes; an invalid edit is logged and the
   * policy in force stays. A reload replaces a policy set by SetPolicy since.
   * @default true
   */
  watchPolicyFile: boolean;
  /** A delivery not acked by its adapter for this long goes to another consumer, in ms. @default 30000 */
  deliveryAckTimeoutMs: number;
  /** Most credits (deliveries in flight) one adapter may hold. @default 1024 */
  deliveryMaxCredits: number;
  /** A channel never delivers one experience twice within this, in ms. @default 604800000 (7 days) */
  deliveryDedupeWindowMs: number;
  /** Deliveries of one decision without an ack after which it is dead-lettered. @default 10 */
  deliveryMaxDeliveries: number;
  /** Furthest ahead an adapter may defer a delivery, in ms. @default 604800000 (7 days) */
  deliveryMaxDeferMs: number;
  /** Subscribe streams open at once on this instance. @default 64 */
  maxSubscriptions: number;
  /**
   * Triggered decisions (cart and browse abandonment, replenishment, life
   * events, win-back): idle times, use case and channel per kind; any left
   * out take their defaults (server/src/triggers/trigger-config.ts). Timers
   * are kept in Redis and set by the event consumer; without Redis or the
   * consumer there are none.
   * @default {}
   */
  triggers: TriggerOptions;
  /** Fire due triggers on this instance (any number of instances may). @default true */
  triggerRunner: boolean;
  /** Serve gRPC server reflection (grpcurl, k6 without .proto files). @default true */
  reflection: boolean;
  /** Decide calls worked on at once; more are rejected at once with RESOURCE_EXHAUSTED. @default 512 */
  maxInFlightDecides: number;
  /**
   * Callers and their API keys (bearer tokens, kept as SHA-256), allowed
   * methods, admin scope, tenant and rate limit; see server/src/auth/api-keys.ts.
   * Empty: no authentication (development only). Health and reflection are always open.
   * @default []
   */
  apiKeys: readonly ApiKeyConfig[];
  /**
   * Serve Prometheus metrics on `http://<host>:<metricsPort>/metrics`; 0 picks
   * a free port; null: no metrics (and no stage timing on the hot path).
   * @default null
   */
  metricsPort: number | null;
  /**
   * TLS (and mTLS with `clientCaFile`) on the gRPC port; see ServerTlsOptions.
   * null: plaintext, for loopback and development only. API keys work the same on either.
   * @default null
   */
  tls: ServerTlsOptions | null;
}

export const DEFAULT_SERVER_OPTIONS: Readonly<ServerOptions> = Object.freeze({
  host: "127.0.0.1",
  port: 50051,
  redisUrl: "",
  redisKeyPrefix: "rl:",
  features: 64,
  threads: availableParallelism(),
  inlineMaxCandidates: 750,
  scoringLane: true,
  scoringLaneBatch: 8,
  inlineMaxCatalogItems: 4096,
  catalogServerShard: true,
  maxPoolQueue: 64,
  maxCandidates: 5000,
  maxLimit: 1000,
  defaultLimit: 20,
  maxUserIdLength: 256,
  maxSkuLength: 128,
  maxCartSkus: 500,
  maxExclusions: 1000,
  maxMessageBytes: 4 * 1024 * 1024,
  maxUpsertItems: 1_000_000,
  maxUpdates: 10_000,
  maxStores: 256,
  catalogCapacity: 131_072,
  profileTimeoutMs: 5,
  reserveMs: 1,
  redisBreakerFailures: 10,
  redisBreakerOpenMs: 200,
  marginFloor: 0.05,
  maxConcurrentStreams: 1000,
  identityKey: "",
  consumer: true,
  maxTrackEvents: 1000,
  maxTrackStreamEvents: 1_000_000,
  maxEventIdLength: 128,
  maxEventTextLength: 1024,
  maxOrderLines: 500,
  maxEventFutureMs: 300_000,
  maxEventAgeMs: 400 * 24 * 3600 * 1000,
  maxEventBacklog: 1_000_000,
  consumerBatchSize: 512,
  consumerClaimIdleMs: 10_000,
  personTtlMs: 400 * 24 * 3600 * 1000,
  minProfileEvents: 3,
  profileFeatures: Object.freeze({}),
  policyFile: "",
  watchPolicyFile: true,
  deliveryAckTimeoutMs: 30_000,
  deliveryMaxCredits: 1024,
  deliveryDedupeWindowMs: 7 * 24 * 3600_000,
  deliveryMaxDeliveries: 10,
  deliveryMaxDeferMs: 7 * 24 * 3600_000,
  maxSubscriptions: 64,
  triggers: Object.freeze({}),
  triggerRunner: true,
  reflection: true,
  maxInFlightDecides: 512,
  apiKeys: Object.freeze([]),
  metricsPort: null,
  tls: null,
});

function positiveInt(
  o: ServerOptions,
  key: keyof ServerOptions,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): void {
  const v = o[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`options.${key} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
}

/** The shape of options.tls; the files themselves are read by `serverCredentials`. */
function validateTls(tls: ServerTlsOptions | null): void {
  if (tls === null) return;
  if (typeof tls !== "object") {
    throw new Error(`options.tls must be null or { certFile, keyFile, clientCaFile? }, got ${String(tls)}`);
  }
  const path = (key: keyof ServerTlsOptions, what: string) => {
    const v = tls[key];
    if (typeof v !== "string" || v === "") {
      throw new Error(`options.tls.${key} must be the path of ${what}, got ${JSON.stringify(v)}`);
    }
  };
  path("certFile", "the server's PEM certificate chain");
  path("keyFile", "the server's PEM private key");
  if (tls.clientCaFile !== undefined) path("clientCaFile", "PEM CA certificates for client certificates");
}

/**
 * Merges partial options over the defaults, validates every field once and
 * freezes the result. Messages name the option.
 */
export function resolveServerOptions(partial: Partial<ServerOptions> = {}): Readonly<ServerOptions> {
  const o: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...partial };
  positiveInt(o, "port", 0, 65535);
  positiveInt(o, "features", 4, 1024);
  if (o.features % 4 !== 0) throw new Error(`options.features must be a multiple of 4, got ${o.features}`);
  positiveInt(o, "threads", 0, 256);
  positiveInt(o, "inlineMaxCandidates", 0);
  positiveInt(o, "inlineMaxCatalogItems", 0);
  positiveInt(o, "scoringLaneBatch", 1, 64);
  positiveInt(o, "maxPoolQueue", 0);
  positiveInt(o, "maxCandidates", 1, 1_000_000);
  positiveInt(o, "maxLimit", 1, MAX_TOP_K);
  positiveInt(o, "defaultLimit", 1, o.maxLimit);
  positiveInt(o, "maxUserIdLength", 1, 4096);
  positiveInt(o, "maxSkuLength", 1, 4096);
  positiveInt(o, "maxCartSkus", 0);
  positiveInt(o, "maxExclusions", 0, 1_000_000);
  positiveInt(o, "maxMessageBytes", 1024, 256 * 1024 * 1024);
  positiveInt(o, "deliveryAckTimeoutMs", 100, 24 * 3600_000);
  positiveInt(o, "deliveryMaxCredits", 1, 65_536);
  positiveInt(o, "deliveryDedupeWindowMs", 1000, 400 * 24 * 3600_000);
  positiveInt(o, "deliveryMaxDeliveries", 1, 1000);
  positiveInt(o, "deliveryMaxDeferMs", 1000, 400 * 24 * 3600_000);
  positiveInt(o, "maxSubscriptions", 1, 10_000);
  positiveInt(o, "maxInFlightDecides", 1, 1_000_000);
  positiveInt(o, "redisBreakerFailures", 1, 1_000_000);
  positiveInt(o, "redisBreakerOpenMs", 1, 600_000);
  validateApiKeys(o.apiKeys);
  if (o.metricsPort !== null) positiveInt(o, "metricsPort", 0, 65535);
  validateTls(o.tls);
  resolveTriggerConfig(o.triggers);
  positiveInt(o, "maxUpsertItems", 1);
  positiveInt(o, "maxUpdates", 1);
  positiveInt(o, "maxStores", 0, 65_534);
  positiveInt(o, "catalogCapacity", 1);
  positiveInt(o, "maxConcurrentStreams", 1);
  positiveInt(o, "maxTrackEvents", 1, 100_000);
  positiveInt(o, "maxTrackStreamEvents", 1);
  positiveInt(o, "maxEventIdLength", 1, 4096);
  positiveInt(o, "maxEventTextLength", 1, 65_536);
  positiveInt(o, "maxOrderLines", 1, 100_000);
  positiveInt(o, "maxEventFutureMs", 0);
  positiveInt(o, "maxEventAgeMs", 1);
  positiveInt(o, "maxEventBacklog", 1);
  positiveInt(o, "consumerBatchSize", 1, 100_000);
  positiveInt(o, "consumerClaimIdleMs", 1);
  positiveInt(o, "personTtlMs", 1000);
  positiveInt(o, "minProfileEvents", 0);
  resolveFeatureConfig(o.profileFeatures); // throws a RangeError naming the knob
  if (o.identityKey !== "" && Buffer.byteLength(o.identityKey) < 16) {
    throw new Error(
      "options.identityKey must be at least 16 bytes (or empty for a random one without Redis)",
    );
  }
  if (o.identityKey === "" && o.redisUrl !== "") {
    throw new Error(
      "options.identityKey is required with Redis (env RELEVANCE_IDENTITY_KEY): every instance must hash identifiers alike",
    );
  }
  if (!(o.profileTimeoutMs > 0))
    throw new Error(`options.profileTimeoutMs must be > 0, got ${o.profileTimeoutMs}`);
  if (!(o.reserveMs >= 0)) throw new Error(`options.reserveMs must be >= 0, got ${o.reserveMs}`);
  if (!(o.marginFloor >= -1 && o.marginFloor <= 1)) {
    throw new Error(`options.marginFloor must be in [-1, 1], got ${o.marginFloor}`);
  }
  if (o.host === "") throw new Error("options.host must not be empty");
  if (o.policy !== undefined && o.policyFile !== "") {
    throw new Error("options.policy and options.policyFile are exclusive: give one");
  }
  return Object.freeze(o);
}
