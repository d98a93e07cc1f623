/**
 * Starts real servers (port 0) for the server contract tests, on either store
 * kind, with promise clients for both services, a raw bytes client, and
 * profile-store wrappers that make the store slow.
 */
import type { DescService, MessageInitShape } from "@bufbuild/protobuf";
import {
  type CallOptions,
  type Client,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { inject } from "vitest";
import type { ServerOptions } from "../../../server/src/config/server-options.js";
import { createServer, type RelevanceServer, type ServerParts } from "../../../server/src/create-server.js";
import type { PersonRead } from "../../../server/src/domain/profile.js";
import type { ProfileStore } from "../../../server/src/domain/stores.js";
import { CatalogService, type UpsertItemsResponse } from "../../../server/src/gen/relevance/v1/catalog_pb.js";
import {
  type DecideRequestSchema,
  DecisionService,
} from "../../../server/src/gen/relevance/v1/decision_pb.js";
import { createServiceClient, type ServiceClient } from "../../../server/src/grpc/service-client.js";
import { grpcServiceDefinition } from "../../../server/src/grpc/service-definition.js";
import type { Logger } from "../../../server/src/log.js";
import { createMemoryProfileStore } from "../../../server/src/profile/memory-profile-store.js";
import { createRedisProfileStore } from "../../../server/src/profile/redis-profile-store.js";
import { connectTestRedis, type TestRedis } from "../../support/redis.js";
import { FEATURES, type ItemInit } from "./model.js";

export type StoreKind = "memory" | "redis";

/** The identifier-hashing key of test servers on Redis (option identityKey). */
export const TEST_IDENTITY_KEY = "test-identity-key-0123456789abcdef";

/** The store kinds every contract suite runs against. */
export const STORE_KINDS: readonly StoreKind[] = ["memory", "redis"];

export type DecideInit = MessageInitShape<typeof DecideRequestSchema>;

/** Where a server keeps profiles and the catalog: in process, or under a unique prefix of the test Redis. */
export interface StoreTarget {
  readonly kind: StoreKind;
  /** Options that point a server at this target (redisUrl and redisKeyPrefix for Redis). */
  readonly options: Partial<ServerOptions>;
  /** The Redis client and key prefix (Redis only). */
  readonly redis: TestRedis | null;
  /** A profile store on this target, for wrapping; the caller closes it. */
  profileStore(): ProfileStore;
  /** Deletes the target's keys and closes its client. */
  cleanup(): Promise<void>;
}

export async function storeTarget(kind: StoreKind): Promise<StoreTarget> {
  if (kind === "memory") {
    return {
      kind,
      options: {},
      redis: null,
      profileStore: () => createMemoryProfileStore({ features: FEATURES }),
      cleanup: async () => {},
    };
  }
  const t = await connectTestRedis();
  return {
    kind,
    options: { redisUrl: inject("redisUrl"), redisKeyPrefix: t.keyPrefix, identityKey: TEST_IDENTITY_KEY },
    redis: t,
    profileStore: () =>
      createRedisProfileStore({ redis: t.redis, features: FEATURES, keyPrefix: t.keyPrefix }),
    cleanup: () => t.cleanup(),
  };
}

export interface TestServer {
  readonly server: RelevanceServer;
  readonly decision: ServiceClient<typeof DecisionService>;
  readonly catalog: ServiceClient<typeof CatalogService>;
  /** What the server logged at level error (internal errors). */
  readonly errors: unknown[];
  close(): Promise<void>;
}

/** Options every test server starts with, before the target's and the test's. */
export const BASE_OPTIONS: Partial<ServerOptions> = Object.freeze({
  port: 0,
  features: FEATURES,
  threads: 0,
  catalogCapacity: 64,
  // Generous: a shared 2-core machine must not turn a healthy read into a timeout.
  profileTimeoutMs: 1000,
});

export async function startTestServer(
  target: Pick<StoreTarget, "options">,
  options: Partial<ServerOptions> = {},
  parts: ServerParts = {},
): Promise<TestServer> {
  const errors: unknown[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn() {},
    error(msg, fields) {
      errors.push({ msg, ...fields });
    },
  };
  const server = await createServer({ ...BASE_OPTIONS, ...target.options, ...options }, { log, ...parts });
  const decision = createServiceClient(DecisionService, server.address);
  const catalog = createServiceClient(CatalogService, server.address);
  let closing: Promise<void> | undefined;
  return {
    server,
    decision,
    catalog,
    errors,
    close() {
      closing ??= (async () => {
        decision.close();
        catalog.close();
        await server.close(1000);
      })();
      return closing;
    },
  };
}

/** Loads items through CatalogService.UpsertItems, `perMessage` items per stream message. */
export function upsert(
  t: TestServer,
  items: readonly ItemInit[],
  perMessage = 20,
): Promise<UpsertItemsResponse> {
  const messages: { items: ItemInit[] }[] = [];
  for (let i = 0; i < items.length; i += perMessage) messages.push({ items: items.slice(i, i + perMessage) });
  return t.catalog.upsertItems(messages);
}

/** The error a call rejected with; fails when it resolved. */
export async function grpcError(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** Call options with a deadline `ms` from now. */
export function within(ms: number): CallOptions {
  return { deadline: new Date(Date.now() + ms) };
}

/** The relevance-error-id trailer of an error, or undefined. */
export function errorId(e: ServiceError): string | undefined {
  const v = e.metadata?.get("relevance-error-id")[0];
  return v === undefined ? undefined : String(v);
}

/** True when text looks like it carries a stack trace or an internal error name. */
export function looksLikeStack(text: string): boolean {
  return /\n\s*at |\bat .+:\d+:\d+|\.(?:js|ts):\d+|TypeError|RangeError|ReferenceError/.test(text);
}

type RawUnary = (
  req: Buffer,
  md: Metadata,
  opts: CallOptions,
  cb: (err: ServiceError | null, res?: Buffer) => void,
) => void;

/** A client that sends and receives raw bytes (identity serializers) for one unary method. */
export interface RawClient {
  call(bytes: Buffer, options?: CallOptions): Promise<Buffer>;
  close(): void;
}

export function rawClient(address: string, service: DescService, method: string): RawClient {
  const Ctor = makeGenericClientConstructor(grpcServiceDefinition(service), `Raw${service.name}`);
  const raw = new Ctor(address, credentials.createInsecure()) as unknown as Client & Record<string, RawUnary>;
  const fn = raw[method]!.bind(raw);
  return {
    call: (bytes, options = {}) =>
      new Promise((resolve, reject) =>
        fn(bytes, new Metadata(), options, (err, res) => (err ? reject(err) : resolve(res!))),
      ),
    close: () => raw.close(),
  };
}

/** A DecisionService client that sends and receives raw bytes. */
export interface RawDecisionClient {
  decide(bytes: Buffer, options?: CallOptions): Promise<Buffer>;
  close(): void;
}

export function rawDecisionClient(address: string): RawDecisionClient {
  const c = rawClient(address, DecisionService, "decide");
  return { decide: (bytes, options) => c.call(bytes, options), close: () => c.close() };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const TIMEOUT: PersonRead = Object.freeze({ kind: "timeout" });

/**
 * Wraps a profile store so every read takes `delayMs` more (a slow backend).
 * With `honourTimeout`, reads keep the ProfileStore contract (a slow store
 * resolves `timeout` after `timeoutMs`); without it the wrapper simply waits,
 * like a store whose own timer does not fire in time.
 */
export function slowProfileStore(
  inner: ProfileStore,
  delayMs: number,
  honourTimeout: boolean,
): ProfileStore & { readonly reads: number } {
  let reads = 0;
  return {
    // The in-process store's shared maps, so a server's person store sees the same people.
    ...("people" in inner ? { people: inner.people } : {}),
    kind: inner.kind,
    get reads() {
      return reads;
    },
    readPerson(userId, timeoutMs) {
      reads++;
      const slow = sleep(delayMs).then(() => inner.readPerson(userId, 10_000));
      if (!honourTimeout) return slow;
      if (!(timeoutMs > 0)) return Promise.resolve(TIMEOUT);
      return Promise.race([slow, sleep(timeoutMs).then(() => TIMEOUT)]);
    },
    putProfiles: (p) => inner.putProfiles(p),
    capItem: (u, s, until) => inner.capItem(u, s, until),
    markRedeemed: (u, s) => inner.markRedeemed(u, s),
    close: () => inner.close(),
  };
}
