import { create, toBinary } from "@bufbuild/protobuf";
import type { Decision } from "../domain/decision.js";
import { DecideResponseSchema } from "../gen/relevance/v1/decision_pb.js";

/**
 * Encodes a Decision as `relevance.v1.DecideResponse`. Domain numbers for
 * treatment, degradations and reasons equal the proto enum values.
 */
export function encodeDecideResponse(d: Decision): Buffer {
  const msg = create(DecideResponseSchema, {
    decisionId: d.decisionId,
    items: d.items.map((i) => ({ sku: i.sku, score: i.score, rank: i.rank })),
    treatment: d.treatment,
    degradations: [...d.degradations],
    excluded: d.excluded.map((e) => ({ sku: e.sku, reason: e.reason })),
    catalogVersion: d.catalogVersion,
    policyVersion: d.policyVersion,
    kernelVersion: d.kernelVersion,
  });
  const bytes = toBinary(DecideResponseSchema, msg);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
