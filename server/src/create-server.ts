import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { DescService } from "@bufbuild/protobuf";
import { Server, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { Redis } from "ioredis";
import { createArena, createKernelMemory } from "../../core-wasm/src/arena.js";
import { kernelVersion, loadKernelModule } from "../../core-wasm/src/kernel.js";
import { createApiKeyStore } from "./auth/api-keys.js";
import type { CapStore } from "./caps/cap-store.js";
import { createMemoryCapStore, type MemoryCapStore } from "./caps/memory-cap-store.js";
import { createRedisCapStore } from "./caps/redis-cap-store.js";
import { type CatalogManager, createCatalogManager } from "./catalog/catalog-manager.js";
import { residentItemLookup } from "./catalog/item-lookup.js";
import { createMemoryCatalogStore } from "./catalog/memory-catalog-store.js";
import { createRedisCatalogStore } from "./catalog/redis-catalog-store.js";
import { createResidentCatalog } from "./catalog/resident-catalog.js";
import { resolveServerOptions, type ServerOptions } from "./config/server-options.js";
import type { DecisionLog } from "./decision-log/decision-log.js";
import { createMemoryDecisionLog } from "./decision-log/memory-decision-log.js";
import { createRedisDecisionLog } from "./decision-log/redis-decision-log.js";
import { createRedisDeliveryHub, type RedisDeliveryHub } from "./delivery/redis-delivery-queue.js";
import { Consent } from "./domain/consent.js";
import type { CatalogStore, PersonStateStore, ProfileStore } from "./domain/stores.js";
import { createEventIntake, type EventIntake } from "./events/event-intake.js";
import type { EventLog } from "./events/event-log.js";
import { createMemoryEventLog } from "./events/memory-event-log.js";
import { createProfileConsumer, type ProfileConsumer } from "./events/profile-consumer.js";
import { createRedisEventLog } from "./events/redis-event-log.js";
import { CatalogService } from "./gen/relevance/v1/catalog_pb.js";
import { DecisionService } from "./gen/relevance/v1/decision_pb.js";
import { DeliveryService } from "./gen/relevance/v1/delivery_pb.js";
import { EventService, PersonService } from "./gen/relevance/v1/events_pb.js";
import { PolicyService } from "./gen/relevance/v1/policy_pb.js";
import { authorize } from "./grpc/authorize.js";
import { catalogServiceHandlers } from "./grpc/catalog-service.js";
import { decisionServiceHandlers } from "./grpc/decision-service.js";
import { deliveryServiceHandlers } from "./grpc/delivery-service.js";
import { eventServiceHandlers } from "./grpc/event-service.js";
import { experienceHandlers } from "./grpc/experience-service.js";
import { personServiceHandlers } from "./grpc/person-service.js";
import { policyServiceHandlers } from "./grpc/policy-service.js";
import { createRequestLog } from "./grpc/request-log.js";
import { serverCredentials } from "./grpc/server-credentials.js";
import { grpcServiceDefinition } from "./grpc/service-definition.js";
import { addHealth, type ServerHealth } from "./health/health.js";
import { addReflection } from "./health/reflection.js";
import { createIdentifierHasher } from "./identity/identifier-hasher.js";
import { createIdentityResolver, type IdentityResolver } from "./identity/identity-resolver.js";
import { createLogger, type Logger } from "./log.js";
import { createServerMetrics } from "./metrics/metrics.js";
import { createDecisionPipeline, type DecisionPipeline } from "./pipeline/decision-pipeline.js";
import { modelWeights } from "./policy/compile-policy.js";
import { personalTokens } from "./policy/finish-decision.js";
import { createPolicyHolder, type PolicyHolder } from "./policy/policy-holder.js";
import { quietHoursEnd } from "./policy/quiet-hours.js";
import { resolveFeatureConfig } from "./profile/features/feature-config.js";
import { createMemoryPersonStore } from "./profile/memory-person-store.js";
import { createMemoryProfileStore, type MemoryProfileStore } from "./profile/memory-profile-store.js";
import { createRedisPersonStore } from "./profile/redis-person-store.js";
import { createRedisProfileStore } from "./profile/redis-profile-store.js";
import { type CircuitBreaker, createCircuitBreaker } from "./redis/circuit-breaker.js";
import { createRedisClient } from "./redis/create-redis-client.js";
import { createScorer, type Scorer } from "./scoring/scorer.js";
import { defaultScoringModel } from "./scoring/scoring-model.js";
import {
  createRedisTimerStore,
  createTimerForgetHook,
  createTimerHook,
  createTriggerRunner,
  resolveTriggerConfig,
  type TimerStore,
  type TriggerRunner,
} from "./triggers/index.js";

/** Parts a caller may supply instead of the ones built from options (tests, benchmarks). */
export interface ServerParts {
  readonly profileStore?: ProfileStore;
  readonly catalogStore?: CatalogStore;
  readonly log?: Logger;
  /**
   * More services on the same grpc-js server, with the same options. Used by
   * `bench:decide` to measure a transport-only echo beside the real Decide.
   */
  readonly extraServices?: readonly {
    definition: ServiceDefinition;
    handlers: UntypedServiceImplementation;
  }[];
}

/** A running decision server. */
export interface RelevanceServer {
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  /** `host:port`, ready for a client. */
  readonly address: string;
  readonly options: Readonly<ServerOptions>;
  readonly grpc: Server;
  readonly catalog: CatalogManager;
  readonly profiles: ProfileStore;
  readonly pipeline: DecisionPipeline;
  readonly scorer: Scorer;
  /** The writable side of people (events, consent, identity, erasure). */
  readonly people: PersonStateStore;
  readonly eventLog: EventLog;
  readonly intake: EventIntake;
  readonly identity: IdentityResolver;
  /** Cap reservations, experience records and redemptions. */
  readonly caps: CapStore;
  /** Every decision, for measurement (`<prefix>decisions` on Redis). */
  readonly decisionLog: DecisionLog;
  /** The policy in force (PolicyService, `options.policy`, `options.policyFile`); read it once per decision. */
  readonly policy: PolicyHolder;
  /** The per-channel decision streams adapters subscribe to; null without Redis. */
  readonly delivery: RedisDeliveryHub | null;
  /** The circuit breaker in front of Redis on Decide's path (profile read, cap reservation); null without Redis. */
  readonly redisBreaker: CircuitBreaker | null;
  /** The port of `GET /metrics` (Prometheus), or null when metrics are off. */
  readonly metricsPort: number | null;
  /** grpc.health.v1.Health of this server: follows Redis; NOT_SERVING once `close` starts. */
  readonly health: ServerHealth;
  /** Trigger timers (Redis with the consumer on), or null. */
  readonly timers: TimerStore | null;
  /** Fires due triggers into the delivery streams; null without timers or with `triggerRunner` off. */
  readonly triggers: TriggerRunner | null;
  /** The profile consumer of this instance, or null when `options.consumer` is off. */
  readonly consumer: ProfileConsumer | null;
  /** "redis" or "memory": where profiles and the catalog are kept. */
  readonly storeKind: "redis" | "memory";
  readonly kernelVersion: string;
  /**
   * Shuts down: health turns NOT_SERVING and Subscribe streams end at once;
   * calls are still taken for `drainMs` (so load balancers and clients
   * watching health move away first); then no new calls, running ones get
   * the rest of `graceMs` to finish before they are cut; then workers, the
   * consumer and Redis are closed.
   */
  close(graceMs?: number, drainMs?: number): Promise<void>;
}

/**
 * Builds and starts the whole service: kernel memory and module, the resident
 * catalog (loaded from the catalog store), the scorer pool, the profile store,
 * the pipeline and the gRPC server. Reads no environment and handles no signals:
 * `main.ts` does that, so tests can build the real thing on port 0.
 */
export async function createServer(
  partial: Partial<ServerOptions> = {},
  parts: ServerParts = {},
): Promise<RelevanceServer> {
  const options = resolveServerOptions(partial);
  const log = parts.log ?? createLogger();
  // TLS files are read first: a missing or bad one fails start-up before anything is started or connected.
  const credentials = serverCredentials(options.tls);

  // The policy first: an invalid one fails start-up before anything is connected.
  const policy = createPolicyHolder({
    defaults: modelWeights(defaultScoringModel(options.features, options.marginFloor)),
    log,
  });
  if (options.policy !== undefined) policy.set(options.policy, "options.policy");
  if (options.policyFile !== "") {
    await policy.loadFile(options.policyFile);
    if (options.watchPolicyFile) policy.watchFile(options.policyFile);
  }

  let redis: Redis | null = null;
  let profiles = parts.profileStore;
  let catalogStore = parts.catalogStore;
  if ((profiles === undefined || catalogStore === undefined) && options.redisUrl !== "") {
    redis = await createRedisClient(options.redisUrl);
  }
  const storeKind = redis !== null ? "redis" : (profiles?.kind ?? "memory");
  profiles ??=
    redis !== null
      ? createRedisProfileStore({ redis, features: options.features, keyPrefix: options.redisKeyPrefix })
      : createMemoryProfileStore({ features: options.features });
  catalogStore ??=
    redis !== null
      ? createRedisCatalogStore({ redis, keyPrefix: options.redisKeyPrefix })
      : createMemoryCatalogStore();

  // Caps, experiences and redemptions live with the person, on the same store.
  const memoryProfiles = profiles as MemoryProfileStore;
  const caps: CapStore =
    redis !== null
      ? createRedisCapStore({ redis, keyPrefix: options.redisKeyPrefix })
      : createMemoryCapStore(memoryProfiles.people !== undefined ? { profiles: memoryProfiles } : {});
  // The decision log writes on a connection of its own, so Decide's profile
  // reads never queue behind a flush's XADDs and their replies on one socket.
  // Measured when the shared client used ioredis's auto-pipelining, which kept
  // one batch in flight per client (1e145f5); not measured again since the
  // client coalesces writes itself (createRedisClient).
  const decisionLogRedis =
    redis !== null
      ? await createRedisClient(options.redisUrl, {
          connectionName: "relevance-decision-log",
          autoPipelining: false,
        })
      : null;
  const decisionLog: DecisionLog =
    decisionLogRedis !== null
      ? createRedisDecisionLog({ redis: decisionLogRedis, keyPrefix: options.redisKeyPrefix, logger: log })
      : createMemoryDecisionLog();

  // People: the writable side shares Decide's store (same Redis keys, or the same in-process map).
  const people =
    redis !== null
      ? createRedisPersonStore({
          redis,
          keyPrefix: options.redisKeyPrefix,
          personTtlMs: options.personTtlMs,
        })
      : createMemoryPersonStore({
          // A wrapped in-process store (tests) exposes the maps it reads as `people`.
          profiles: memoryProfiles,
          personTtlMs: options.personTtlMs,
          ...("mergePerson" in caps ? { caps: caps as MemoryCapStore } : {}),
        });
  let blockingRedis: Redis | null = null;
  /** The profile consumer's own connection (Redis with the consumer on). */
  let consumerRedis: Redis | null = null;
  let eventLog: EventLog;
  if (redis !== null) {
    // The consumer's blocking reads need a connection of their own.
    blockingRedis = await createRedisClient(options.redisUrl, { connectionName: "relevance-events" });
    eventLog = await createRedisEventLog({ redis, blockingRedis, keyPrefix: options.redisKeyPrefix });
  } else {
    eventLog = createMemoryEventLog();
  }
  const hasher = createIdentifierHasher(options.identityKey !== "" ? options.identityKey : randomBytes(32));
  const featureConfig = resolveFeatureConfig(options.profileFeatures);
  const identity = createIdentityResolver({
    people,
    log: eventLog,
    hasher,
    features: options.features,
    featureConfig,
  });
  const intake = createEventIntake({ log: eventLog, people, hasher, maxBacklog: options.maxEventBacklog });

  const memory = createKernelMemory();
  const arena = createArena(memory);
  const module = loadKernelModule();
  const version = kernelVersion();
  const resident = createResidentCatalog({
    arena,
    features: options.features,
    initialCapacity: options.catalogCapacity,
    maxStores: options.maxStores,
  });
  const catalog = createCatalogManager({ store: catalogStore, resident });
  await catalog.loadFromStore();

  const scorer = createScorer({
    memory,
    arena,
    module,
    catalog: resident,
    features: options.features,
    threads: options.threads,
    inlineMaxCandidates: options.inlineMaxCandidates,
    lane: options.scoringLane,
    laneBatch: options.scoringLaneBatch,
    inlineMaxCatalogItems: options.inlineMaxCatalogItems,
    serverShard: options.catalogServerShard,
    maxCandidates: options.maxCandidates,
    maxLimit: options.maxLimit,
    maxExclusions: options.maxExclusions,
    maxPoolQueue: options.maxPoolQueue,
  });
  // One breaker for the hot path's Redis: profile reads and cap reservations share the connection.
  const breaker: CircuitBreaker | null =
    redis === null
      ? null
      : createCircuitBreaker({
          failureThreshold: options.redisBreakerFailures,
          openMs: options.redisBreakerOpenMs,
          onStateChange: (state, previous) =>
            (state === "open" ? log.warn : log.info)("redis circuit breaker", { state, previous }),
        });
  const metrics =
    options.metricsPort === null
      ? null
      : createServerMetrics({
          pipeline: () => pipeline.stats,
          pool: () => scorer.poolState(),
          eventBacklog: async () => {
            const b = await eventLog.backlog();
            return b.undelivered + b.pending;
          },
          delivery: () => delivery?.stats ?? null,
          redisBreaker: () =>
            breaker === null ? null : { open: breaker.state !== "closed", ...breaker.stats },
        });
  const observeStage =
    metrics === null ? undefined : (stage: string, ms: number) => metrics.observeStage(stage, ms);
  const pipeline = createDecisionPipeline({
    store: profiles,
    catalog: resident,
    scorer,
    model: defaultScoringModel(options.features, options.marginFloor),
    kernelVersion: version,
    policy: () => policy.current().policy,
    caps,
    decisionLog,
    profileTimeoutMs: options.profileTimeoutMs,
    reserveMs: options.reserveMs,
    minProfileEvents: options.minProfileEvents,
    ...(breaker !== null ? { breaker } : {}),
    ...(observeStage !== undefined ? { observeStage } : {}),
  });

  const delivery =
    redis !== null
      ? createRedisDeliveryHub({
          redis,
          keyPrefix: options.redisKeyPrefix,
          caps,
          policy: () => policy.current().policy,
          log,
          options: {
            ackTimeoutMs: options.deliveryAckTimeoutMs,
            maxCredits: options.deliveryMaxCredits,
            dedupeWindowMs: options.deliveryDedupeWindowMs,
            maxDeliveries: options.deliveryMaxDeliveries,
            maxDeferMs: options.deliveryMaxDeferMs,
          },
        })
      : null;
  await delivery?.ensureStreams();

  const triggerConfig = resolveTriggerConfig(options.triggers);
  const timers: TimerStore | null =
    redis !== null && options.consumer
      ? await createRedisTimerStore({ redis, keyPrefix: options.redisKeyPrefix })
      : null;
  const triggers =
    timers !== null && delivery !== null && options.triggerRunner
      ? createTriggerRunner({
          timers,
          pipeline,
          queue: delivery,
          config: triggerConfig,
          logger: log,
          name: `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
          claimIdleMs: options.consumerClaimIdleMs,
          quietUntil: (channel, atMs) => quietHoursEnd(policy.current().policy, channel, atMs, ""),
          // Only with personalisation consent: tokens are about the person.
          tokensFor: async (personId) => {
            const read = await profiles.readPerson(personId, options.profileTimeoutMs * 10);
            return read.kind === "found" && (read.profile.consent & Consent.PERSONALIZATION) !== 0
              ? personalTokens(read.profile)
              : {};
          },
        })
      : null;

  // The consumer's scripts go on a connection of their own, each sent at
  // once. Measured when the shared client used ioredis's auto-pipelining,
  // which kept one batch in flight per client: each slice's load, timer and
  // commit scripts waited for every other command of the previous batch (and
  // Decide's reads for them), and Node and Redis took turns instead of working
  // at once (bench:ingest: each ~50 % busy while the consumer fell behind;
  // +45 % events/s on its own connection, 73e1756). Not measured again since
  // the shared client coalesces writes itself (createRedisClient).
  if (redis !== null && options.consumer) {
    consumerRedis = await createRedisClient(options.redisUrl, {
      connectionName: "relevance-consumer",
      autoPipelining: false,
    });
  }
  const consumerPeople =
    consumerRedis === null
      ? people
      : createRedisPersonStore({
          redis: consumerRedis,
          keyPrefix: options.redisKeyPrefix,
          personTtlMs: options.personTtlMs,
        });
  const consumerLog =
    consumerRedis === null || blockingRedis === null
      ? eventLog
      : await createRedisEventLog({ redis: consumerRedis, blockingRedis, keyPrefix: options.redisKeyPrefix });
  const hookTimers =
    consumerRedis === null || timers === null
      ? timers
      : await createRedisTimerStore({ redis: consumerRedis, keyPrefix: options.redisKeyPrefix });
  const consumer = options.consumer
    ? createProfileConsumer({
        ...(hookTimers !== null
          ? {
              onApplied: createTimerHook({ timers: hookTimers, config: triggerConfig }),
              onForgotten: createTimerForgetHook(hookTimers),
            }
          : {}),
        log: consumerLog,
        people: consumerPeople,
        hasher,
        identity,
        items: residentItemLookup(resident),
        features: options.features,
        featureConfig,
        logger: log,
        name: `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
        batchSize: options.consumerBatchSize,
        claimIdleMs: options.consumerClaimIdleMs,
      })
    : null;

  // One JSON line per failed call, with its request id; internal errors with their cause.
  const requestLog = createRequestLog({ log });
  // API keys: with none configured every caller is let in (development); health and reflection are always open.
  const apiKeys = options.apiKeys.length > 0 ? createApiKeyStore(options.apiKeys) : null;
  const observed = (service: DescService, handlers: UntypedServiceImplementation) =>
    metrics === null ? handlers : metrics.instrument(service, handlers);
  const grpc = new Server({
    // Twice the option, so that messages between the two get our message naming
    // maxMessageBytes; larger ones are cut off by grpc-js before being buffered.
    "grpc.max_receive_message_length": options.maxMessageBytes * 2,
    "grpc.max_send_message_length": options.maxMessageBytes * 2,
    "grpc.max_concurrent_streams": options.maxConcurrentStreams,
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_timeout_ms": 10_000,
    // Channelz keeps per-call tracking objects; off, it no longer shows in CPU profiles under load.
    "grpc.enable_channelz": 0,
  });
  /**
   * Every relevance.v1 service goes through the same doors: metrics outermost
   * (its latency includes the rest), then the request log (outside API keys,
   * so refusals are logged with their request id and caller), then API keys.
   */
  const serve = (service: DescService, handlers: UntypedServiceImplementation) =>
    grpc.addService(
      grpcServiceDefinition(service),
      observed(service, requestLog.wrap(service, authorize(service, handlers, apiKeys))),
    );
  serve(DecisionService, {
    ...decisionServiceHandlers({
      pipeline,
      limits: options,
      maxMessageBytes: options.maxMessageBytes,
      maxInFlight: options.maxInFlightDecides,
      ...(observeStage !== undefined ? { observeStage } : {}),
    }),
    ...experienceHandlers({ caps, people, maxUserIdLength: options.maxUserIdLength }),
  });
  serve(
    CatalogService,
    catalogServiceHandlers({
      manager: catalog,
      itemLimits: { features: options.features, maxSkuLength: options.maxSkuLength },
      maxUpsertItems: options.maxUpsertItems,
      maxUpdates: options.maxUpdates,
    }),
  );
  serve(
    EventService,
    eventServiceHandlers({
      intake,
      hasher,
      limits: options,
      maxTrackEvents: options.maxTrackEvents,
      maxTrackStreamEvents: options.maxTrackStreamEvents,
    }),
  );
  serve(
    PersonService,
    personServiceHandlers({
      identity,
      people,
      hasher,
      features: options.features,
      featureConfig,
      limits: options,
      ...(timers !== null ? { timers } : {}),
    }),
  );
  serve(PolicyService, policyServiceHandlers({ holder: policy }));
  const deliveryHandlers = deliveryServiceHandlers({
    hub: delivery,
    connect: () => createRedisClient(options.redisUrl, { connectionName: "relevance-delivery" }),
    keyPrefix: options.redisKeyPrefix,
    people,
    caps,
    policy: () => policy.current().policy,
    log,
    maxSubscriptions: options.maxSubscriptions,
  });
  serve(DeliveryService, deliveryHandlers.handlers);
  const health = addHealth(grpc, redis);
  if (options.reflection) addReflection(grpc);
  for (const extra of parts.extraServices ?? []) grpc.addService(extra.definition, extra.handlers);
  const metricsPort = metrics === null ? null : await metrics.listen(options.host, options.metricsPort ?? 0);
  const port = await new Promise<number>((resolve, reject) =>
    grpc.bindAsync(`${options.host}:${options.port}`, credentials, (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );

  consumer?.start();
  delivery?.startMover();
  triggers?.start();

  let closed: Promise<void> | null = null;
  return {
    people,
    eventLog,
    intake,
    identity,
    caps,
    decisionLog,
    policy,
    consumer,
    delivery,
    health,
    redisBreaker: breaker,
    metricsPort,
    timers,
    triggers,
    port,
    address: `${options.host}:${port}`,
    options,
    grpc,
    catalog,
    profiles,
    pipeline,
    scorer,
    storeKind,
    kernelVersion: version,
    close(graceMs = 5000, drainMs = 0) {
      closed ??= (async () => {
        const started = Date.now();
        // Load balancers and clients watching health stop sending first.
        health.shutdown();
        deliveryHandlers.endAll();
        const drain = Math.max(0, Math.min(drainMs, graceMs));
        if (drain > 0) await new Promise((r) => setTimeout(r, drain));
        const rest = Math.max(0, graceMs - (Date.now() - started));
        await new Promise<void>((resolve) => {
          // tryShutdown never finishes while a stream stays open: force it after the grace time.
          const timer = setTimeout(() => {
            grpc.forceShutdown();
            resolve();
          }, rest);
          grpc.tryShutdown(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        // Counts of call log lines dropped in the last second are not lost at exit.
        requestLog.flush();
        policy.close();
        await triggers?.stop();
        delivery?.close();
        await consumer?.stop();
        if (consumerLog !== eventLog) await consumerLog.close();
        if (consumerPeople !== people) await consumerPeople.close();
        if (consumerRedis !== null) await consumerRedis.quit().catch(() => consumerRedis?.disconnect());
        await decisionLog.close();
        if (decisionLogRedis !== null)
          await decisionLogRedis.quit().catch(() => decisionLogRedis.disconnect());
        await eventLog.close();
        await people.close();
        await scorer.close();
        // Stores the caller passed in are the caller's to close.
        if (parts.profileStore === undefined) await profiles.close();
        if (parts.catalogStore === undefined) await catalogStore.close();
        if (redis !== null) await redis.quit().catch(() => redis?.disconnect());
        if (blockingRedis !== null) blockingRedis.disconnect();
      })();
      return closed;
    },
  };
}
