/**
 * Request ids and call logs on the real server: the caller's x-request-id
 * comes back in the answer and the log line, an absent or insane one is
 * replaced by a generated one; failed calls are logged once each as JSON with
 * their code name, method, caller and tenant, internal errors with their cause
 * (never told to the client); successful calls only at debug; repeated lines
 * are bounded with a suppressed count; and no line or message carries the
 * e-mails, phone numbers, loyalty ids or user ids the calls sent.
 */
import { hash } from "node:crypto";
import { type Metadata, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ApiKeyConfig } from "../../server/src/auth/api-keys.js";
import { createMemoryCatalogStore } from "../../server/src/catalog/memory-catalog-store.js";
import { createServer, type RelevanceServer } from "../../server/src/create-server.js";
import { CatalogService, SetStockRequestSchema } from "../../server/src/gen/relevance/v1/catalog_pb.js";
import { Channel } from "../../server/src/gen/relevance/v1/common_pb.js";
import { DecideRequestSchema, DecisionService } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { DeliveryService, SubscribeRequestSchema } from "../../server/src/gen/relevance/v1/delivery_pb.js";
import {
  EventService,
  ForgetRequestSchema,
  GetPersonRequestSchema,
  IdentifyRequestSchema,
  PersonService,
  TrackRequestSchema,
} from "../../server/src/gen/relevance/v1/events_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import { createLogger, type LogLevel } from "../../server/src/log.js";
import { BASE_OPTIONS, grpcError } from "./support/harness.js";
import { item } from "./support/model.js";
import { http2Unary, type RawCaller, rawCaller } from "./support/raw-call.js";

const sha = (token: string) => hash("sha256", token, "hex");
const KEYS: ApiKeyConfig[] = [
  { name: "web-frontend", sha256: sha("tok-web"), methods: ["*"], tenant: "acme" },
  { name: "ops", sha256: sha("tok-ops"), methods: ["*"], scopes: ["admin"] },
  {
    name: "batch",
    sha256: sha("tok-batch"),
    methods: ["relevance.v1.DecisionService/Decide"],
    ratePerSecond: 0.001,
    burst: 1,
  },
];
const WEB = { authorization: "Bearer tok-web" };
const GENERATED = /^[A-Za-z0-9_-]{8}-[0-9a-z]+$/;
const DECIDE = "/relevance.v1.DecisionService/Decide";

interface Line {
  readonly level: string;
  readonly msg: string;
  readonly request_id?: string;
  readonly method?: string;
  readonly code?: string;
  readonly ms?: number;
  readonly caller?: string;
  readonly tenant?: string;
  readonly details?: string;
  readonly suppressed?: number;
  readonly err?: { message?: string };
}

/** A server whose log lines are kept as written, and a client that shows response metadata. */
async function start(level: LogLevel, parts: { failingCatalog?: boolean } = {}) {
  const raw: string[] = [];
  const catalogStore = createMemoryCatalogStore();
  if (parts.failingCatalog) {
    catalogStore.saveItems = () => Promise.reject(new Error("catalog store on fire (test)"));
  }
  const server: RelevanceServer = await createServer(
    { ...BASE_OPTIONS, apiKeys: KEYS },
    { log: createLogger(level, (l) => raw.push(l)), catalogStore },
  );
  raw.length = 0; // start-up lines are not about calls
  const client: RawCaller = rawCaller(server.address);
  return {
    server,
    client,
    raw,
    lines: () => raw.map((l) => JSON.parse(l) as Line),
    close: async () => {
      client.close();
      await server.close(500);
    },
  };
}

const idOf = (m: Metadata | null | undefined) => m?.get("x-request-id")[0];
const decideReq = (userId: string) => ({
  userId,
  channel: Channel.WEB,
  useCase: "search",
  candidates: [{ sku: "a" }],
});

describe("request ids and call logs", () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    s = await start("info");
  });
  afterAll(async () => {
    await s?.close();
  });
  beforeEach(() => {
    s.raw.length = 0;
  });

  it("should echo a caller's x-request-id in the trailers and the log line of a failed call", async () => {
    const a = await s.client.unary(DecisionService, "Decide", DecideRequestSchema, decideReq(""), {
      ...WEB,
      "x-request-id": "checkout-7f3a 42",
    });
    expect(a.code).toBe(status.INVALID_ARGUMENT);
    expect(idOf(a.trailers)).toBe("checkout-7f3a 42");
    expect(s.lines()).toEqual([
      {
        time: expect.any(String),
        level: "warn",
        msg: "call failed",
        request_id: "checkout-7f3a 42",
        method: "relevance.v1.DecisionService/Decide",
        code: "INVALID_ARGUMENT",
        ms: expect.any(Number),
        caller: "web-frontend",
        tenant: "acme",
        details: "user_id: required",
      },
    ]);
  });

  it("should echo the id on a successful call and log nothing at info", async () => {
    const a = await s.client.unary(DecisionService, "Decide", DecideRequestSchema, decideReq("u1"), {
      ...WEB,
      "x-request-id": "ok-call-1",
    });
    expect(a.code).toBe(status.OK);
    expect(a.response).not.toBeNull();
    expect(idOf(a.trailers)).toBe("ok-call-1");
    expect(s.raw).toEqual([]);
  });

  it("should generate distinct ids when the caller sends none", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const a = await s.client.unary(DecisionService, "Decide", DecideRequestSchema, decideReq(""), WEB);
      expect(a.code).toBe(status.INVALID_ARGUMENT);
      ids.push(idOf(a.trailers));
    }
    for (const id of ids) expect(id).toMatch(GENERATED);
    expect(new Set(ids).size).toBe(3);
    expect(s.lines().map((l) => l.request_id)).toEqual(ids);
  });

  it.each([
    ["too long", "r".repeat(129)],
    ["not ASCII", "caf\u00e9-1"],
    ["with a tab", "a\tb"],
  ])("should replace an id %s with a generated one", async (_what, sent) => {
    const got = await http2Unary(
      s.server.address,
      DECIDE,
      new Uint8Array(0), // an empty request: user_id missing
      { ...WEB, "x-request-id": sent },
    );
    expect(got["grpc-status"]).toBe(String(status.INVALID_ARGUMENT));
    const id = got["x-request-id"];
    expect(id).toMatch(GENERATED);
    expect(s.lines().map((l) => l.request_id)).toEqual([id]);
  });

  it("should take an id of exactly 128 printable characters as it is", async () => {
    const sent = `${"~".repeat(64)}${" !".repeat(32)}`;
    const a = await s.client.unary(DecisionService, "Decide", DecideRequestSchema, decideReq(""), {
      ...WEB,
      "x-request-id": sent,
    });
    expect(idOf(a.trailers)).toBe(sent);
  });

  it.each([
    ["no token", {}, status.UNAUTHENTICATED, "UNAUTHENTICATED", undefined, undefined],
    [
      "a key without the admin scope",
      WEB,
      status.PERMISSION_DENIED,
      "PERMISSION_DENIED",
      "web-frontend",
      "acme",
    ],
    [
      "an admin key (unknown SKU)",
      { authorization: "Bearer tok-ops" },
      status.NOT_FOUND,
      "NOT_FOUND",
      "ops",
      undefined,
    ],
  ])(
    "should log a refused or failed SetStock with %s once, with its code name and caller",
    async (_what, md, code, name, caller, tenant) => {
      const a = await s.client.unary(
        CatalogService,
        "SetStock",
        SetStockRequestSchema,
        { updates: [{ sku: "nope", quantity: 1 }] },
        { ...md, "x-request-id": `set-stock-${name}` },
      );
      expect(a.code).toBe(code);
      expect(idOf(a.trailers)).toBe(`set-stock-${name}`);
      const lines = s.lines();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: "warn",
        request_id: `set-stock-${name}`,
        method: "relevance.v1.CatalogService/SetStock",
        code: name,
        details: a.details,
      });
      expect(lines[0]?.caller).toBe(caller);
      expect(lines[0]?.tenant).toBe(tenant);
    },
  );

  it("should send the id in the headers and trailers of a stream, and log how it ended", async () => {
    const a = await s.client.bidi(
      DeliveryService,
      "Subscribe",
      SubscribeRequestSchema,
      [{ kind: { case: "hello", value: { channel: Channel.EMAIL, consumer: "c1", credits: 1 } } }],
      { authorization: "Bearer tok-ops", "x-request-id": "stream-1" },
    );
    // The in-process store has no delivery streams.
    expect(a.code).toBe(status.FAILED_PRECONDITION);
    expect(idOf(a.headers)).toBe("stream-1");
    expect(idOf(a.trailers)).toBe("stream-1");
    expect(s.lines()).toMatchObject([
      {
        level: "warn",
        request_id: "stream-1",
        method: "relevance.v1.DeliveryService/Subscribe",
        code: "FAILED_PRECONDITION",
        caller: "ops",
      },
    ]);
  });

  it("should keep the error id trailer beside the request id", async () => {
    const a = await s.client.unary(DecisionService, "Decide", DecideRequestSchema, decideReq(""), WEB);
    expect(a.trailers.get("relevance-error-id")).toEqual(["RL1001"]);
    expect(idOf(a.trailers)).toMatch(GENERATED);
  });
});

describe("personal data in call logs and messages", () => {
  const EMAIL = "Jane.Doe@Example.com";
  const BAD_EMAIL = "jane.doe@@example.com";
  const PHONE = "+44 7700 900123";
  const BAD_PHONE = "+44 7700 900123 ext 9";
  const LOYALTY = "LOY-778899-SECRET";
  const USER = "person-secret-42";
  const SECRETS = [EMAIL, EMAIL.toLowerCase(), BAD_EMAIL, PHONE, "447700900123", BAD_PHONE, LOYALTY, USER];
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    // debug: successful calls are logged too, and must be as clean.
    s = await start("debug");
  });
  afterAll(async () => {
    await s?.close();
  });

  it("should keep raw e-mails, phones, loyalty ids and user ids out of every log line and message", async () => {
    const identify = (userId: string, identifiers: { email?: string; phone?: string; loyaltyId?: string }) =>
      s.client.unary(PersonService, "Identify", IdentifyRequestSchema, { userId, identifiers }, WEB);
    const failing = [
      identify("", { email: EMAIL, phone: PHONE, loyaltyId: LOYALTY }),
      identify(USER, { email: BAD_EMAIL }),
      identify(USER, { phone: BAD_PHONE }),
      identify(USER, { loyaltyId: `${LOYALTY}${"9".repeat(64)}` }),
      identify(`${USER}${"x".repeat(300)}`, { email: EMAIL }),
      s.client.unary(PersonService, "Identify", IdentifyRequestSchema, {
        userId: USER,
        identifiers: { email: EMAIL },
      }),
      s.client.unary(
        DecisionService,
        "Decide",
        DecideRequestSchema,
        { userId: USER, useCase: "search" },
        WEB,
      ),
      s.client.unary(
        DecisionService,
        "Decide",
        DecideRequestSchema,
        { ...decideReq(EMAIL), limit: 100_000 },
        WEB,
      ),
      s.client.unary(
        PersonService,
        "GetPerson",
        GetPersonRequestSchema,
        {
          userId: `${PHONE}${"0".repeat(300)}`,
        },
        WEB,
      ),
      s.client.unary(PersonService, "Forget", ForgetRequestSchema, { userId: EMAIL }, WEB),
    ];
    const answers = await Promise.all(failing);
    for (const a of answers) {
      expect(a.code).not.toBe(status.OK);
      for (const secret of SECRETS) expect(a.details).not.toContain(secret);
    }
    // Identify with an e-mail that works, and events naming people: answered OK.
    const ok = [
      await identify(USER, { email: EMAIL, phone: PHONE, loyaltyId: LOYALTY }),
      await s.client.unary(
        EventService,
        "Track",
        TrackRequestSchema,
        {
          events: [
            {
              eventId: "e1",
              subject: { case: "userId", value: USER },
              timestampMs: BigInt(Date.now()),
              payload: { case: "identify", value: { identifiers: { email: BAD_EMAIL, phone: PHONE } } },
            },
          ],
        },
        WEB,
      ),
    ];
    for (const a of ok) {
      expect(a.code).toBe(status.OK);
      const text = a.response?.toString("latin1") ?? "";
      for (const secret of [EMAIL, BAD_EMAIL, PHONE, LOYALTY]) expect(text).not.toContain(secret);
    }

    const lines = s.raw;
    const parsed = lines.map((l) => JSON.parse(l) as Line);
    const calls = parsed.filter((l) => l.msg === "call failed" || l.msg === "call");
    // Every call once: a line per failed call, a debug line per successful one.
    expect(calls.filter((l) => l.msg === "call failed")).toHaveLength(failing.length);
    expect(calls.filter((l) => l.msg === "call" && l.level === "debug")).toHaveLength(ok.length);
    for (const l of calls) {
      expect(l.request_id).toMatch(GENERATED);
      expect(l.method).toMatch(/^relevance\.v1\.\w+\/\w+$/);
    }
    for (const line of lines) for (const secret of SECRETS) expect(line).not.toContain(secret);
  });
});

describe("internal errors", () => {
  it("should log the cause with the request id, and tell the client only 'internal error'", async () => {
    const s = await start("info", { failingCatalog: true });
    try {
      // Client streaming: UpsertItems, whose store fails.
      const catalog = createServiceClient(CatalogService, s.server.address, {
        metadata: { authorization: "Bearer tok-ops", "x-request-id": "boom-1" },
      });
      const e = await grpcError(catalog.upsertItems([{ items: [item("a")] }]));
      catalog.close();
      expect(e.code).toBe(status.INTERNAL);
      expect(e.details).toBe("internal error");
      expect(idOf(e.metadata)).toBe("boom-1");
      expect(s.lines()).toMatchObject([
        {
          level: "error",
          msg: "call failed",
          request_id: "boom-1",
          method: "relevance.v1.CatalogService/UpsertItems",
          code: "INTERNAL",
          caller: "ops",
          details: "internal error",
          err: { message: "catalog store on fire (test)" },
        },
      ]);
    } finally {
      await s.close();
    }
  });
});

describe("repeated lines", () => {
  it("should bound 1,000 over-quota refusals to a few lines that count the rest", async () => {
    const s = await start("info");
    try {
      const batch = { authorization: "Bearer tok-batch" };
      // The burst of one lets the first call in.
      const first = await s.client.unary(
        DecisionService,
        "Decide",
        DecideRequestSchema,
        decideReq("u1"),
        batch,
      );
      expect(first.code).toBe(status.OK);
      const started = Date.now();
      for (let i = 0; i < 1000; i += 50) {
        const answers = await Promise.all(
          Array.from({ length: 50 }, () =>
            s.client.unary(DecisionService, "Decide", DecideRequestSchema, decideReq("u1"), batch),
          ),
        );
        for (const a of answers) expect(a.code).toBe(status.RESOURCE_EXHAUSTED);
      }
      const windows = Math.ceil((Date.now() - started) / 1000) + 1;
      const written = s.lines().filter((l) => l.msg === "call failed");
      expect(written.length).toBeGreaterThan(0);
      expect(written.length).toBeLessThanOrEqual(10 * windows);
      for (const l of written) expect(l).toMatchObject({ code: "RESOURCE_EXHAUSTED", caller: "batch" });
      // Closing reports what the last window dropped: every refusal is accounted for.
      await s.close();
      const all = s.lines().filter((l) => l.code === "RESOURCE_EXHAUSTED");
      const counted = all.reduce((n, l) => n + (l.msg === "call failed" ? 1 : 0) + (l.suppressed ?? 0), 0);
      expect(counted).toBe(1000);
      expect(all.some((l) => (l.suppressed ?? 0) > 0)).toBe(true);
    } finally {
      await s.close();
    }
  }, 60_000);
});
