import { describe, expect, it } from "vitest";
import { DEFAULT_SERVER_OPTIONS } from "../../server/src/config/server-options.js";
import { candidatesFromStrings } from "../../server/src/domain/candidate-list.js";
import type { DecisionRequest } from "../../server/src/domain/decision.js";
import { DecisionError } from "../../server/src/errors/index.js";
import { validateDecisionRequest } from "../../server/src/pipeline/validate-decision-request.js";

const limits = {
  ...DEFAULT_SERVER_OPTIONS,
  maxCandidates: 3,
  maxLimit: 50,
  defaultLimit: 10,
  maxCartSkus: 2,
};

const valid: DecisionRequest = {
  requestId: "",
  userId: "user-1",
  channel: 1,
  useCase: "search",
  placement: "grid",
  context: {
    device: "",
    storeId: "",
    locale: "",
    timeZone: "",
    query: "",
    page: "",
    cartSkus: [],
    timestampMs: 0,
  },
  candidates: candidatesFromStrings(["A", "B"], [0.5, 0]),
  limit: 0,
  explain: false,
};

function errorOf(req: DecisionRequest): DecisionError {
  try {
    validateDecisionRequest(req, limits);
  } catch (e) {
    if (e instanceof DecisionError) return e;
    throw e;
  }
  throw new Error("expected validation to fail");
}

describe("validateDecisionRequest()", () => {
  it("should accept a valid request and apply the default limit", () => {
    expect(validateDecisionRequest(valid, limits).limit).toBe(10);
    expect(validateDecisionRequest({ ...valid, limit: 7 }, limits).limit).toBe(7);
  });

  it.each<[string, Partial<DecisionRequest>, string, string]>([
    ["no user", { userId: "" }, "INVALID_FIELD", "user_id: required"],
    [
      "a long user id",
      { userId: "u".repeat(257) },
      "LIMIT_EXCEEDED",
      "user_id: 257 characters exceeds the limit of 256 characters (option maxUserIdLength)",
    ],
    [
      "no channel",
      { channel: 0 },
      "INVALID_FIELD",
      "channel: required, one of web, app, email, sms, push, in_store, paid_media",
    ],
    ["an unknown channel", { channel: 99 }, "INVALID_FIELD", "channel: 99 is not a known channel"],
    ["a negative channel", { channel: -1 }, "INVALID_FIELD", "channel: -1 is not a known channel"],
    ["no use case", { useCase: "" }, "INVALID_FIELD", "use_case: required"],
    [
      "a use case with spaces",
      { useCase: "home page" },
      "INVALID_FIELD",
      "use_case: must be 1-64 characters of a-z, 0-9, '_', '.', '-', starting with a letter or digit",
    ],
    [
      "too many candidates",
      { candidates: candidatesFromStrings(["A", "B", "C", "D"]) },
      "LIMIT_EXCEEDED",
      "candidates: 4 exceeds the limit of 3 (option maxCandidates)",
    ],
    [
      "an empty sku",
      { candidates: candidatesFromStrings(["A", ""]) },
      "INVALID_FIELD",
      "candidates[1].sku: required",
    ],
    [
      "a long sku",
      { candidates: candidatesFromStrings(["x".repeat(129)]) },
      "LIMIT_EXCEEDED",
      "candidates[0].sku: 129 bytes exceeds the limit of 128 bytes (option maxSkuLength)",
    ],
    [
      "a NaN base score",
      { candidates: candidatesFromStrings(["A", "B"], [0, Number.NaN]) },
      "INVALID_FIELD",
      "candidates[1].base_score: must be a finite number within ±1000000000",
    ],
    [
      "an infinite base score",
      { candidates: candidatesFromStrings(["A", "B"], [Number.POSITIVE_INFINITY, 0]) },
      "INVALID_FIELD",
      "candidates[0].base_score: must be a finite number within ±1000000000",
    ],
    [
      "a limit over maxLimit",
      { limit: 51 },
      "LIMIT_EXCEEDED",
      "limit: 51 exceeds the limit of 50 (option maxLimit)",
    ],
    [
      "too many cart skus",
      { context: { ...valid.context, cartSkus: ["a", "b", "c"] } },
      "LIMIT_EXCEEDED",
      "context.cart_skus: 3 exceeds the limit of 2 (option maxCartSkus)",
    ],
    [
      "a negative timestamp",
      { context: { ...valid.context, timestampMs: -1 } },
      "INVALID_FIELD",
      "context.timestamp_ms: must not be negative",
    ],
    [
      "a long store id",
      { context: { ...valid.context, storeId: "s".repeat(129) } },
      "INVALID_FIELD",
      "context.store_id: 129 characters exceeds the limit of 128",
    ],
  ])("should reject %s", (_name, patch, kind, message) => {
    const e = errorOf({ ...valid, ...patch });
    expect(e.kind).toBe(kind);
    expect(e.message).toBe(message);
  });
});
