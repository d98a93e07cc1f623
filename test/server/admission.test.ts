/**
 * Admission control on Decide: with `maxInFlightDecides` calls being worked
 * on (held up by a slow profile store), one more is rejected at once with
 * RESOURCE_EXHAUSTED naming the option, and the ones admitted still answer.
 */
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Channel } from "../../server/src/gen/relevance/v1/common_pb.js";
import {
  errorId,
  grpcError,
  type StoreTarget,
  slowProfileStore,
  startTestServer,
  storeTarget,
  type TestServer,
  within,
} from "./support/harness.js";

describe("Decide admission control (memory)", () => {
  let target: StoreTarget;
  let t: TestServer;
  let store: ReturnType<typeof slowProfileStore>;

  beforeAll(async () => {
    target = await storeTarget("memory");
    store = slowProfileStore(target.profileStore(), 300, true);
    t = await startTestServer(
      target,
      { maxInFlightDecides: 4, profileTimeoutMs: 2000 },
      { profileStore: store },
    );
  });
  afterAll(async () => {
    await t?.close();
    await target?.cleanup();
  });

  const decide = () =>
    t.decision.decide(
      { userId: "someone", channel: Channel.WEB, useCase: "search", candidates: [{ sku: "a" }] },
      within(5000),
    );

  it("should shed the call beyond the limit at once and answer the admitted ones", async () => {
    const admitted = Array.from({ length: 4 }, decide);
    await new Promise((r) => setTimeout(r, 50));
    const readsBefore = store.reads;
    const e = await grpcError(decide());
    expect(e.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(e.details).toBe(
      "decide: 4 calls in flight, the limit (option maxInFlightDecides); retry with backoff",
    );
    expect(errorId(e)).toBe("RL1007");
    // Shed before any work: the rejected call never read the (slow) store.
    expect(store.reads).toBe(readsBefore);
    expect(readsBefore).toBe(4);
    const answers = await Promise.all(admitted);
    expect(answers).toHaveLength(4);
    // Room again once they are done.
    expect((await decide()).decisionId).not.toBe("");
  });
});
