import type { ServerUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import type { CapStore } from "../caps/cap-store.js";
import type { PersonStateStore } from "../domain/stores.js";
import { DecisionError, exceedsLimit, invalidField } from "../errors/index.js";
import {
  RedeemRequestSchema,
  RedeemResponseSchema,
  ReleaseRequestSchema,
  ReleaseResponseSchema,
} from "../gen/relevance/v1/decision_pb.js";
import { decodeMessage, encodeMessage } from "./message-codec.js";
import { toServiceError } from "./to-service-error.js";

export interface ExperienceHandlersOptions {
  readonly caps: CapStore;
  /** Resolves a linked id to its person: experiences and caps live with the person. */
  readonly people: PersonStateStore;
  readonly maxUserIdLength: number;
}

const MAX_ID = 128;

function required(field: string, value: string, max: number, option?: string): string {
  if (value === "") throw invalidField(field, "required");
  if (value.length > max) {
    if (option !== undefined) {
      throw new DecisionError(
        "LIMIT_EXCEEDED",
        exceedsLimit(field, value.length, max, option, " characters"),
      );
    }
    throw invalidField(field, `${value.length} characters exceeds the limit of ${max}`);
  }
  return value;
}

type Unary = (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => void;

/**
 * The DecisionService methods after a decision: `Redeem` closes an experience
 * (the offer is not given again where the use case excludes redeemed offers)
 * and `Release` gives back the cap reservations of a decision that was never
 * delivered.
 */
export function experienceHandlers(options: ExperienceHandlersOptions): { redeem: Unary; release: Unary } {
  const { caps, people, maxUserIdLength } = options;
  const unary =
    (run: (bytes: Buffer) => Promise<Buffer>): Unary =>
    (call, callback) => {
      run(call.request).then(
        (bytes) => callback(null, bytes),
        (e: unknown) => callback(toServiceError(e)),
      );
    };
  return {
    redeem: unary(async (bytes) => {
      const req = decodeMessage(RedeemRequestSchema, bytes);
      const userId = required("user_id", req.userId, maxUserIdLength, "maxUserIdLength");
      const experienceId = required("experience_id", req.experienceId, MAX_ID);
      const personId = await people.resolve(userId);
      const outcome = await caps.redeem(personId, experienceId);
      if (outcome.kind === "unknown") {
        throw new DecisionError("NOT_FOUND", "experience_id: no such experience was decided for this person");
      }
      if (outcome.kind === "already_redeemed") {
        throw new DecisionError("FAILED_PRECONDITION", "experience_id: already redeemed");
      }
      return encodeMessage(RedeemResponseSchema, {
        sku: outcome.sku,
        offerId: outcome.offerId,
        useCase: outcome.useCase,
      });
    }),
    release: unary(async (bytes) => {
      const req = decodeMessage(ReleaseRequestSchema, bytes);
      const userId = required("user_id", req.userId, maxUserIdLength, "maxUserIdLength");
      const decisionId = required("decision_id", req.decisionId, MAX_ID);
      // Decision ids name Redis keys inside a person's {hash tag}: a '}' could never be one of ours.
      if (decisionId.includes("}")) throw invalidField("decision_id", "must not contain '}'");
      const personId = await people.resolve(userId);
      return encodeMessage(ReleaseResponseSchema, { released: await caps.release(personId, decisionId) });
    }),
  };
}
