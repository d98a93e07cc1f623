/**
 * API keys: a table from caller and method to status — no token, a malformed
 * header, a bad token, a method the key does not allow, an admin method
 * without the admin scope, over the rate limit — each refused before any
 * work with its status, message and error id; allowed calls go through;
 * streams are refused the same way; health stays open.
 */
import { hash } from "node:crypto";
import { type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSubscription } from "../../adapters/src/subscription-client.js";
import type { ApiKeyConfig } from "../../server/src/auth/api-keys.js";
import { createServer, type RelevanceServer } from "../../server/src/create-server.js";
import { CatalogService } from "../../server/src/gen/relevance/v1/catalog_pb.js";
import { DecisionService } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { EventService } from "../../server/src/gen/relevance/v1/events_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import { silentLogger } from "../../server/src/log.js";
import { BASE_OPTIONS, errorId } from "./support/harness.js";
import { healthClient } from "./support/health-client.js";

const sha = (token: string) => hash("sha256", token, "hex");
const KEYS: ApiKeyConfig[] = [
  {
    name: "web-frontend",
    sha256: sha("tok-web"),
    methods: ["relevance.v1.DecisionService/Decide", "relevance.v1.CatalogService/*"],
    tenant: "acme",
  },
  { name: "ops", sha256: sha("tok-ops"), methods: ["*"], scopes: ["admin"] },
  { name: "batch", sha256: sha("tok-batch"), methods: ["*"], ratePerSecond: 0.001, burst: 2 },
];

describe("API keys (memory)", () => {
  let server: RelevanceServer;

  beforeAll(async () => {
    server = await createServer({ ...BASE_OPTIONS, apiKeys: KEYS }, { log: silentLogger });
  });
  afterAll(async () => {
    await server?.close(500);
  });

  const as = (header: string | null) => (header === null ? {} : { metadata: { authorization: header } });
  const failure = async (call: Promise<unknown>): Promise<ServiceError | null> =>
    call.then(
      () => null,
      (e: ServiceError) => e,
    );
  const decide = (header: string | null) => {
    const c = createServiceClient(DecisionService, server.address, as(header));
    return c
      .decide({ userId: "u1", channel: 1, useCase: "search", candidates: [{ sku: "a" }] })
      .finally(() => c.close());
  };
  const track = (header: string | null) => {
    const c = createServiceClient(EventService, server.address, as(header));
    return c
      .track({
        events: [
          {
            eventId: "e1",
            subject: { case: "userId", value: "u1" },
            timestampMs: BigInt(Date.now()),
            payload: { case: "viewItem", value: { sku: "a" } },
          },
        ],
      })
      .finally(() => c.close());
  };
  const setStock = (header: string | null) => {
    const c = createServiceClient(CatalogService, server.address, as(header));
    return c.setStock({ updates: [{ sku: "nope", quantity: 1 }] }).finally(() => c.close());
  };

  it.each([
    [
      "no token",
      () => decide(null),
      status.UNAUTHENTICATED,
      "RL1012",
      'authorization: missing; send "authorization: Bearer <API key>"',
    ],
    [
      "a malformed header",
      () => decide("Basic dG9rLXdlYg=="),
      status.UNAUTHENTICATED,
      "RL1012",
      'authorization: must be "Bearer <API key>"',
    ],
    [
      "a bad token",
      () => decide("Bearer tok-nobody"),
      status.UNAUTHENTICATED,
      "RL1012",
      "authorization: unknown API key",
    ],
    [
      "a method the key does not allow",
      () => track("Bearer tok-web"),
      status.PERMISSION_DENIED,
      "RL1013",
      "caller web-frontend may not call relevance.v1.EventService/Track",
    ],
    [
      "an admin method without the admin scope",
      () => setStock("Bearer tok-web"),
      status.PERMISSION_DENIED,
      "RL1013",
      "caller web-frontend: relevance.v1.CatalogService/SetStock needs the admin scope",
    ],
  ])("should refuse %s", async (_what, call, code, id, message) => {
    const e = await failure(call());
    expect(e?.code).toBe(code);
    expect(e?.details).toBe(message);
    expect(e && errorId(e)).toBe(id);
  });

  it("should let allowed calls through, admin ones with the admin scope", async () => {
    expect((await decide("Bearer tok-web")).decisionId).not.toBe("");
    // Through authorisation to the handler: the SKU is unknown.
    expect((await failure(setStock("Bearer tok-ops")))?.code).toBe(status.NOT_FOUND);
  });

  it("should refuse a caller over its rate limit with RESOURCE_EXHAUSTED", async () => {
    expect((await decide("Bearer tok-batch")).decisionId).not.toBe("");
    expect((await decide("Bearer tok-batch")).decisionId).not.toBe("");
    const e = await failure(decide("Bearer tok-batch"));
    expect(e?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(e?.details).toBe("caller batch: over its rate limit of 0.001 calls a second; retry with backoff");
    expect(e && errorId(e)).toBe("RL1014");
  });

  it("should refuse a stream without a token, and let one with a token through", async () => {
    const end = (apiKey: string) =>
      new Promise<(Error & { code?: number }) | null>((resolve) => {
        openSubscription(
          server.address,
          "email",
          "auth-test",
          1,
          { onSubscribed() {}, onDelivery() {}, onEnd: resolve },
          apiKey,
        );
      });
    expect((await end(""))?.code).toBe(status.UNAUTHENTICATED);
    // Past authorisation: the in-process store has no delivery streams.
    expect((await end("tok-ops"))?.code).toBe(status.FAILED_PRECONDITION);
  });

  it("should keep health open to probes without a token", async () => {
    const health = healthClient(server.address);
    const got = await health.check("");
    health.close();
    expect(got).toBe("SERVING");
  });

  it("should reject a bad key configuration at start, naming the entry and field", async () => {
    await expect(
      createServer(
        { ...BASE_OPTIONS, apiKeys: [{ name: "x", sha256: "abc", methods: ["*"] }] },
        { log: silentLogger },
      ),
    ).rejects.toThrow("apiKeys[0].sha256: must be 64 lower-case hex characters (the SHA-256 of the token)");
  });
});
