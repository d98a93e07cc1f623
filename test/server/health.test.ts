/**
 * grpc.health.v1.Health and server reflection on the real server with its
 * own Redis: SERVING while Redis answers; with Redis gone the server and the
 * services that need Redis turn NOT_SERVING while Decide stays SERVING (it
 * falls back); back to SERVING when Redis returns, without a restart; Watch
 * sees NOT_SERVING as soon as shutdown begins. Reflection lists every
 * relevance.v1 service.
 */
import { createRequire } from "node:module";
import {
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type RelevanceServer } from "../../server/src/create-server.js";
import { silentLogger } from "../../server/src/log.js";
import { type RedisServerHandle, startRedisServer } from "../support/redis-process.js";
import { BASE_OPTIONS } from "./support/harness.js";
import { type HealthClient, healthClient } from "./support/health-client.js";

const require = createRequire(import.meta.url);
const reflectionProto = require
  .resolve("@grpc/reflection/package.json")
  .replace(/package\.json$/, "build/proto/grpc/reflection/v1/reflection.proto");

function clientOf(protoPath: string, path: string[], address: string) {
  const pkg = loadPackageDefinition(loadSync(protoPath, { keepCase: true, enums: String }));
  let node: GrpcObject | ServiceClientConstructor = pkg;
  for (const p of path) node = (node as GrpcObject)[p] as GrpcObject;
  const Ctor = node as unknown as ServiceClientConstructor;
  return new Ctor(address, credentials.createInsecure());
}

describe("health and reflection (own redis)", () => {
  let redis: RedisServerHandle;
  let server: RelevanceServer;
  let health: HealthClient;

  beforeAll(async () => {
    redis = await startRedisServer();
    server = await createServer(
      { ...BASE_OPTIONS, redisUrl: redis.url, identityKey: "health-test-identity-key-0123", consumer: false },
      { log: silentLogger },
    );
    health = healthClient(server.address);
  });
  afterAll(async () => {
    health?.close();
    await server?.close(500);
    await redis?.stop();
  });

  const check = (service: string) => health.check(service);
  const eventually = async (service: string, want: string) => {
    const until = Date.now() + 10_000;
    let got = await check(service);
    while (got !== want && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      got = await check(service);
    }
    return got;
  };

  it("should list every relevance.v1 service through reflection", async () => {
    const client = clientOf(
      reflectionProto,
      ["grpc", "reflection", "v1", "ServerReflection"],
      server.address,
    ) as unknown as {
      serverReflectionInfo(): NodeJS.EventEmitter & { write(m: unknown): void; end(): void };
      close(): void;
    };
    const call = client.serverReflectionInfo();
    const reply = new Promise<{ list_services_response: { service: { name: string }[] } }>(
      (resolve, reject) => {
        call.on("data", resolve);
        call.on("error", reject);
      },
    );
    call.write({ list_services: "" });
    const names = (await reply).list_services_response.service.map((s) => s.name);
    call.end();
    client.close();
    for (const s of ["Decision", "Catalog", "Event", "Person", "Policy", "Delivery"]) {
      expect(names).toContain(`relevance.v1.${s}Service`);
    }
  });

  it("should be SERVING while Redis answers", async () => {
    expect(await check("")).toBe("SERVING");
    expect(await check("relevance.v1.DecisionService")).toBe("SERVING");
    expect(await check("relevance.v1.EventService")).toBe("SERVING");
  });

  it("should turn NOT_SERVING without Redis, keep Decide SERVING, and recover when Redis returns", async () => {
    const port = redis.port;
    await redis.stop();
    expect(await eventually("", "NOT_SERVING")).toBe("NOT_SERVING");
    expect(await check("relevance.v1.EventService")).toBe("NOT_SERVING");
    expect(await check("relevance.v1.DecisionService")).toBe("SERVING");
    redis = await startRedisServer({ port });
    expect(await eventually("", "SERVING")).toBe("SERVING");
    expect(await check("relevance.v1.EventService")).toBe("SERVING");
  }, 30_000);

  it("should tell a watcher NOT_SERVING as soon as shutdown begins", async () => {
    const watch = health.watch("relevance.v1.DecisionService");
    const seen: string[] = [];
    const notServing = new Promise<void>((resolve) =>
      watch.on("data", (r: { status: string }) => {
        seen.push(r.status);
        if (r.status === "NOT_SERVING") resolve();
      }),
    );
    watch.on("error", () => {});
    await new Promise((r) => setTimeout(r, 100));
    const closing = server.close(500);
    await notServing;
    watch.cancel();
    await closing;
    expect(seen[0]).toBe("SERVING");
    expect(seen).toContain("NOT_SERVING");
  });
});
