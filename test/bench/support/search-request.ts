import { create, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { syntheticSku } from "../../../server/src/demo/synthetic.js";
import {
  DecideRequestSchema,
  DecideResponseSchema,
  DecisionService,
  Treatment,
} from "../../../server/src/gen/relevance/v1/decision_pb.js";
import { createServiceClient } from "../../../server/src/grpc/service-client.js";

/** Candidates per benchmark request: a search results page to re-rank. */
export const BENCH_CANDIDATES = 200;

type DecideRequest = MessageShape<typeof DecideRequestSchema>;

/**
 * The benches' Decide request: a search re-rank of the same 200 seeded SKUs
 * for synthetic user number `user` (1-based, as the seed command names them),
 * top 20, on the web channel. `items` is how many SKUs were seeded.
 */
export function searchRequest(user: number, items: number): DecideRequest {
  return create(DecideRequestSchema, {
    userId: `user-${String(user).padStart(6, "0")}`,
    channel: 1,
    useCase: "search",
    placement: "grid",
    context: { device: "mobile", locale: "en-GB", query: "running shoes" },
    candidates: Array.from({ length: BENCH_CANDIDATES }, (_, i) => ({
      sku: syntheticSku((i * 7919) % items),
      baseScore: 1 - i / BENCH_CANDIDATES,
    })),
    limit: 20,
  });
}

/**
 * Finds, among users 1–100, one the server at `address` personalises for
 * (consented, profile present, no degradation), so a bench measures the whole
 * path rather than a fallback. Returns the request and the response's bytes.
 */
export async function personalisedSearch(
  address: string,
  items: number,
): Promise<{ request: DecideRequest; response: Uint8Array; summary: string }> {
  const client = createServiceClient(DecisionService, address);
  try {
    for (let u = 1; u <= 100; u++) {
      const request = searchRequest(u, items);
      const res = await client.decide(request, { deadline: Date.now() + 2000 });
      if (res.treatment === Treatment.PERSONALIZED && res.degradations.length === 0 && res.items.length > 0) {
        const summary = `person ${request.userId}: personalised, ${res.items.length} items, ${res.excluded.length} excluded`;
        return { request, response: toBinary(DecideResponseSchema, res), summary };
      }
    }
  } finally {
    client.close();
  }
  throw new Error("no personalised person found among the first 100");
}
