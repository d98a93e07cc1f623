import {
  create,
  type DescMessage,
  type DescService,
  type MessageInitShape,
  toBinary,
} from "@bufbuild/protobuf";
import {
  type Client,
  type ClientDuplexStream,
  type ClientWritableStream,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import fc from "fast-check";
import { CatalogService } from "../../server/src/gen/relevance/v1/catalog_pb.js";
import { DecisionService } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { DeliveryService } from "../../server/src/gen/relevance/v1/delivery_pb.js";
import { EventService, PersonService } from "../../server/src/gen/relevance/v1/events_pb.js";
import { PolicyService } from "../../server/src/gen/relevance/v1/policy_pb.js";
import { grpcServiceDefinition } from "../../server/src/grpc/service-definition.js";

/** Statuses a fuzzed call may end with: an answer, or a refusal that names the problem. */
export const ALLOWED: ReadonlySet<number> = new Set([
  status.OK,
  status.INVALID_ARGUMENT,
  status.RESOURCE_EXHAUSTED,
  // Valid messages about things that do not exist, and delivery on the in-process store.
  status.NOT_FOUND,
  status.FAILED_PRECONDITION,
]);

/** What one fuzz case ended with. */
export interface FuzzOutcome {
  readonly method: string;
  readonly code: number;
  readonly details: string;
}

function bytes<T extends DescMessage>(schema: T, init: MessageInitShape<T>): Uint8Array {
  return toBinary(schema, create(schema, init));
}

const now = () => BigInt(Date.now());
/** A valid request of every method, the seeds mutations start from. */
export function seeds(): { service: DescService; method: string; seed: Uint8Array }[] {
  const decide = DecisionService.method.decide.input;
  const event = {
    eventId: "fz-1",
    subject: { case: "userId" as const, value: "fz-user" },
    timestampMs: now(),
    channel: 1,
    payload: { case: "viewItem" as const, value: { sku: "SKU-000001", category: "a > b", price: 10 } },
  };
  return [
    {
      service: DecisionService,
      method: "decide",
      seed: bytes(decide, {
        userId: "fz-user",
        channel: 1,
        useCase: "search",
        context: { storeId: "s1", cartSkus: ["a"], timeZone: "Europe/London" },
        candidates: [{ sku: "SKU-000001", baseScore: 0.5 }, { sku: "SKU-000002" }],
        limit: 5,
        explain: true,
      }),
    },
    {
      service: DecisionService,
      method: "redeem",
      seed: bytes(DecisionService.method.redeem.input, { userId: "fz-user", experienceId: "x1abc" }),
    },
    {
      service: DecisionService,
      method: "release",
      seed: bytes(DecisionService.method.release.input, { userId: "fz-user", decisionId: "d1" }),
    },
    {
      service: CatalogService,
      method: "upsertItems",
      seed: bytes(CatalogService.method.upsertItems.input, {
        items: [
          { sku: "FZ-1", categoryPath: ["a", "b"], price: 10, margin: 0.2, stock: 3, features: [0.1, 0.2] },
        ],
      }),
    },
    {
      service: CatalogService,
      method: "setStock",
      seed: bytes(CatalogService.method.setStock.input, { updates: [{ sku: "SKU-000001", quantity: 5 }] }),
    },
    {
      service: CatalogService,
      method: "setPrice",
      seed: bytes(CatalogService.method.setPrice.input, { updates: [{ sku: "SKU-000001", price: 9 }] }),
    },
    { service: CatalogService, method: "getCatalogInfo", seed: new Uint8Array() },
    {
      service: EventService,
      method: "track",
      seed: bytes(EventService.method.track.input, { events: [event] }),
    },
    {
      service: EventService,
      method: "trackStream",
      seed: bytes(EventService.method.trackStream.input, { events: [event] }),
    },
    {
      service: PersonService,
      method: "identify",
      seed: bytes(PersonService.method.identify.input, {
        userId: "fz-user",
        identifiers: { email: "fz@example.com" },
      }),
    },
    {
      service: PersonService,
      method: "forget",
      seed: bytes(PersonService.method.forget.input, { userId: "fz-forgotten" }),
    },
    {
      service: PersonService,
      method: "getPerson",
      seed: bytes(PersonService.method.getPerson.input, { userId: "fz-user" }),
    },
    { service: PolicyService, method: "getPolicy", seed: new Uint8Array() },
    {
      service: PolicyService,
      method: "validatePolicy",
      seed: bytes(PolicyService.method.validatePolicy.input, {
        policy: { version: "fz-1", holdoutShare: 0.1, useCases: [{ id: "search", channels: [1] }] },
      }),
    },
    {
      service: DeliveryService,
      method: "subscribe",
      seed: bytes(DeliveryService.method.subscribe.input, {
        kind: { case: "hello", value: { channel: 3, consumer: "fz", credits: 1 } },
      }),
    },
  ];
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** `payload` wrapped `depth` times as a length-delimited field `field`. */
function nest(payload: Uint8Array, field: number, depth: number): Uint8Array {
  let b = Buffer.from(payload);
  for (let i = 0; i < depth; i++) {
    b = Buffer.concat([Buffer.from([...varint((field << 3) | 2), ...varint(b.length)]), b]);
  }
  return b;
}

/** Mutations of a seed: byte flips, truncation, insertion, random bytes, repetition, deep nesting, oversize. */
export function mutation(seed: Uint8Array, oversizeBytes: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 40, arbitrary: fc.constant(seed) },
    {
      weight: 100,
      arbitrary: fc
        .array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 })
        .map((flips) => {
          const b = Uint8Array.from(seed.length > 0 ? seed : [0]);
          for (const [at, x] of flips) b[at % b.length]! ^= x;
          return b;
        }),
    },
    { weight: 60, arbitrary: fc.nat().map((n) => seed.slice(0, seed.length === 0 ? 0 : n % seed.length)) },
    {
      weight: 60,
      arbitrary: fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([at, ins]) => {
        const i = seed.length === 0 ? 0 : at % seed.length;
        return Uint8Array.from([...seed.slice(0, i), ...ins, ...seed.slice(i)]);
      }),
    },
    { weight: 60, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    {
      weight: 20,
      arbitrary: fc
        .integer({ min: 2, max: 64 })
        .map((k) => Uint8Array.from(Buffer.concat(Array(k).fill(Buffer.from(seed))))),
    },
    {
      weight: 20,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 10, max: 3000 }))
        .map(([field, depth]) => nest(seed, field, depth)),
    },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(oversizeBytes)) },
  );
}

type RawClient = Client & Record<string, (...args: unknown[]) => unknown>;

/** Sends one fuzz case to `method` as raw bytes and reports how it ended (streams: first answer or status). */
export function send(
  client: RawClient,
  service: DescService,
  method: string,
  body: Uint8Array,
): Promise<FuzzOutcome> {
  const kind = service.methods.find((m) => m.localName === method)!.methodKind;
  const name = `${service.typeName}/${method}`;
  const fn = client[method]!.bind(client);
  const deadline = new Date(Date.now() + 5000);
  return new Promise((resolve) => {
    const done = (e: ServiceError | null) =>
      resolve({ method: name, code: e === null ? status.OK : e.code, details: e?.details ?? "" });
    const buf = Buffer.from(body);
    if (kind === "unary") {
      fn(buf, new Metadata(), { deadline }, (e: ServiceError | null) => done(e));
    } else if (kind === "client_streaming") {
      const s = fn(new Metadata(), { deadline }, (e: ServiceError | null) =>
        done(e),
      ) as ClientWritableStream<Buffer>;
      s.write(buf);
      s.end();
    } else {
      const s = fn(new Metadata(), { deadline }) as ClientDuplexStream<Buffer, Buffer>;
      let settled = false;
      const finish = (e: ServiceError | null) => {
        if (settled) return;
        settled = true;
        s.cancel();
        done(e);
      };
      s.on("data", () => finish(null));
      s.on("error", (e: ServiceError) => finish(e.code === status.CANCELLED ? null : e));
      s.on("end", () => finish(null));
      s.write(buf);
    }
  });
}

/** One raw (identity-serializer) client per service. */
export function rawClients(address: string): Map<DescService, RawClient> {
  const out = new Map<DescService, RawClient>();
  for (const service of [
    DecisionService,
    CatalogService,
    EventService,
    PersonService,
    PolicyService,
    DeliveryService,
  ]) {
    const Ctor = makeGenericClientConstructor(grpcServiceDefinition(service), `Fuzz${service.name}`);
    out.set(service, new Ctor(address, credentials.createInsecure()) as unknown as RawClient);
  }
  return out;
}
