import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { candidateSkus } from "../../server/src/domain/candidate-list.js";
import type { DecisionRequest } from "../../server/src/domain/decision.js";
import { DecisionError } from "../../server/src/errors/index.js";
import { DecideRequestSchema } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { decodeDecideRequest as decodeRaw } from "../../server/src/grpc/decode-decide-request.js";

/** The decoded request with its candidates as plain arrays, for comparison. */
function decodeDecideRequest(bytes: Uint8Array) {
  const { candidates, ...rest } = decodeRaw(bytes) as DecisionRequest;
  return { ...rest, candidateSkus: candidateSkus(candidates), candidateBase: Array.from(candidates.base) };
}

const text = fc.string({ unit: "grapheme", maxLength: 24 });

const requestArb = fc.record({
  requestId: text,
  userId: text,
  channel: fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: -5, max: 1000 })),
  useCase: text,
  placement: text,
  context: fc.option(
    fc.record({
      device: text,
      storeId: text,
      locale: text,
      timeZone: text,
      query: text,
      page: text,
      cartSkus: fc.array(text, { maxLength: 5 }),
      timestampMs: fc.bigInt({ min: -(2n ** 52n), max: 2n ** 52n }),
    }),
    { nil: undefined },
  ),
  candidates: fc.array(
    fc.record({ sku: text, baseScore: fc.option(fc.float({ noNaN: true }), { nil: undefined }) }),
    { maxLength: 40 },
  ),
  limit: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  explain: fc.boolean(),
});

/** What the pipeline should see for a protobuf-es message. */
function expected(bytes: Uint8Array) {
  const m = fromBinary(DecideRequestSchema, bytes);
  const c = m.context;
  return {
    requestId: m.requestId,
    userId: m.userId,
    channel: m.channel as number,
    useCase: m.useCase,
    placement: m.placement,
    context: {
      device: c?.device ?? "",
      storeId: c?.storeId ?? "",
      locale: c?.locale ?? "",
      timeZone: c?.timeZone ?? "",
      query: c?.query ?? "",
      page: c?.page ?? "",
      cartSkus: c?.cartSkus ?? [],
      timestampMs: Number(c?.timestampMs ?? 0n),
    },
    candidateSkus: m.candidates.map((x) => x.sku),
    candidateBase: m.candidates.map((x) => Math.fround(x.baseScore ?? 0)),
    limit: m.limit,
    explain: m.explain,
  };
}

describe("decodeDecideRequest()", () => {
  it("should decode exactly what protobuf-es fromBinary decodes, for any valid message", () => {
    fc.assert(
      fc.property(requestArb, (init) => {
        const bytes = toBinary(DecideRequestSchema, create(DecideRequestSchema, init));
        expect(decodeDecideRequest(Buffer.from(bytes))).toEqual(expected(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it("should merge a context sent twice and append candidates across fields, as proto3 requires", () => {
    const a = toBinary(
      DecideRequestSchema,
      create(DecideRequestSchema, {
        userId: "a",
        context: { storeId: "s1", cartSkus: ["x"] },
        candidates: [{ sku: "1" }],
      }),
    );
    const b = toBinary(
      DecideRequestSchema,
      create(DecideRequestSchema, {
        userId: "b",
        context: { query: "q", cartSkus: ["y"] },
        candidates: [{ sku: "2" }],
      }),
    );
    const both = Buffer.concat([a, b]);
    expect(decodeDecideRequest(both)).toEqual(expected(both));
    expect(decodeDecideRequest(both).context).toMatchObject({
      storeId: "s1",
      query: "q",
      cartSkus: ["x", "y"],
    });
  });

  it("should skip unknown fields of every wire type", () => {
    const known = toBinary(DecideRequestSchema, create(DecideRequestSchema, { userId: "u", limit: 3 }));
    // field 20 varint, field 21 fixed64, field 22 length-delimited, field 23 fixed32
    const unknown = Buffer.from([
      0xa0, 0x01, 0x96, 0x01, 0xa9, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0xb2, 0x01, 2, 9, 9, 0xbd, 0x01, 1, 2, 3, 4,
    ]);
    const bytes = Buffer.concat([unknown, known]);
    expect(decodeDecideRequest(bytes)).toEqual(expected(bytes));
  });

  it.each([
    ["a truncated varint", Buffer.from([0x40, 0x80]), "truncated varint at byte 1"],
    ["a length past the end", Buffer.from([0x12, 0x05, 0x61]), "length exceeds the message at byte 1"],
    ["field number 0", Buffer.from([0x00, 0x01]), "field number 0 at byte 1"],
    ["a group wire type", Buffer.from([0x0b]), "unsupported wire type 3 at byte 1"],
    [
      "invalid UTF-8 in user_id",
      Buffer.from([0x12, 0x02, 0xc3, 0x28]),
      "string is not valid UTF-8 at byte 2",
    ],
    [
      "an embedded message overrunning its length",
      Buffer.from([0x3a, 0x02, 0x0a, 0x05, 0x61, 0x61, 0x61, 0x61, 0x61]),
      "embedded message overruns its length at byte 9",
    ],
  ])("should reject %s with MALFORMED_MESSAGE", (_name, bytes, where) => {
    let err: unknown;
    try {
      decodeDecideRequest(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecisionError);
    expect((err as DecisionError).kind).toBe("MALFORMED_MESSAGE");
    expect((err as DecisionError).message).toBe(
      `request is not a valid relevance.v1.DecideRequest: ${where}`,
    );
  });

  it("should throw nothing but DecisionError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => {
        try {
          decodeDecideRequest(Buffer.from(raw));
        } catch (e) {
          expect(e).toBeInstanceOf(DecisionError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
