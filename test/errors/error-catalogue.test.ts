import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { DecisionError, ErrorCatalogue } from "../../server/src/errors/index.js";

/**
 * Every id ever published, with its kind. Ids are never reused or renumbered:
 * an entry may be added here, never changed or removed.
 */
const PUBLISHED: Record<string, string> = {
  RL1001: "INVALID_FIELD",
  RL1002: "MALFORMED_MESSAGE",
  RL1003: "LIMIT_EXCEEDED",
  RL1004: "MESSAGE_TOO_LARGE",
  RL1005: "DEADLINE_EXCEEDED",
  RL1006: "CANCELLED",
  RL1007: "OVERLOADED",
  RL1008: "UNAVAILABLE",
  RL1009: "NOT_FOUND",
  RL1010: "FAILED_PRECONDITION",
  RL1011: "INVALID_POLICY",
  RL1012: "UNAUTHENTICATED",
  RL1013: "PERMISSION_DENIED",
  RL1014: "RATE_LIMITED",
  RL1999: "INTERNAL",
};

describe("ErrorCatalogue", () => {
  it("should keep every published id on the kind it was published for", () => {
    for (const [id, kind] of Object.entries(PUBLISHED)) {
      expect(ErrorCatalogue[kind as keyof typeof ErrorCatalogue]?.id).toBe(id);
    }
  });

  it("should have unique ids of the form RLnnnn, each published", () => {
    const ids = Object.values(ErrorCatalogue).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^RL\d{4}$/);
      expect(PUBLISHED[id]).toBeDefined();
    }
  });

  it("should map every kind to a real gRPC status other than OK", () => {
    const codes = new Set<number>(Object.values(status).filter((v): v is number => typeof v === "number"));
    for (const e of Object.values(ErrorCatalogue)) {
      expect(codes.has(e.code)).toBe(true);
      expect(e.code).not.toBe(status.OK);
    }
  });
});

describe("DecisionError.from()", () => {
  it("should keep a DecisionError as it is", () => {
    const e = new DecisionError("INVALID_FIELD", "user_id: required");
    expect(DecisionError.from(e)).toBe(e);
  });

  it.each([[new Error("secret host redis://user:pw@x")], ["a string"], [undefined], [{ code: 3 }]])(
    "should turn %s into INTERNAL without leaking its message",
    (thrown) => {
      const e = DecisionError.from(thrown);
      expect(e.kind).toBe("INTERNAL");
      expect(e.code).toBe(status.INTERNAL);
      expect(e.message).toBe("internal error");
      expect(e.cause).toBe(thrown);
    },
  );
});
