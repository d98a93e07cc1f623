import type { Server } from "@grpc/grpc-js";
import { HealthImplementation, type ServingStatus } from "grpc-health-check";
import type { Redis } from "ioredis";

/** Services that cannot answer without Redis when the server runs on it. */
const NEEDS_REDIS = [
  "relevance.v1.EventService",
  "relevance.v1.PersonService",
  "relevance.v1.DeliveryService",
  "relevance.v1.CatalogService",
] as const;
/** Services that keep answering when Redis is away (Decide falls back and says so). */
const DEGRADES = ["relevance.v1.DecisionService", "relevance.v1.PolicyService"] as const;

/** The standard gRPC health service (grpc.health.v1.Health: Check and Watch) of one server. */
export interface ServerHealth {
  /** Every service NOT_SERVING from now on: the first step of a graceful shutdown. */
  shutdown(): void;
  /** What Check answers for `service` ("" is the whole server). */
  status(service: string): ServingStatus;
}

/**
 * Adds `grpc.health.v1.Health` to `server` (the grpc-node project's
 * grpc-health-check: Check and Watch as specified, watchers told of every
 * change). It follows Redis: while the client is not ready, the server as a
 * whole ("") and the services that need Redis are NOT_SERVING; Decide and the
 * policy service stay SERVING (Decide answers with fallbacks, flagged).
 * `shutdown` turns everything NOT_SERVING for good.
 */
export function addHealth(server: Server, redis: Redis | null): ServerHealth {
  const statuses = new Map<string, ServingStatus>();
  const health = new HealthImplementation();
  health.addToServer(server);
  let down = false;
  const set = (service: string, status: ServingStatus) => {
    statuses.set(service, status);
    health.setStatus(service, status);
  };
  const follow = (redisReady: boolean) => {
    if (down) return;
    const withRedis: ServingStatus = redisReady ? "SERVING" : "NOT_SERVING";
    set("", withRedis);
    for (const s of NEEDS_REDIS) set(s, withRedis);
    for (const s of DEGRADES) set(s, "SERVING");
  };
  follow(redis === null || redis.status === "ready");
  if (redis !== null) {
    redis.on("ready", () => follow(true));
    for (const event of ["close", "reconnecting", "end"]) redis.on(event, () => follow(false));
  }
  return {
    shutdown() {
      down = true;
      for (const s of statuses.keys()) set(s, "NOT_SERVING");
    },
    status: (service) => statuses.get(service) ?? "UNKNOWN",
  };
}
