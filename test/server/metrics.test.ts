/**
 * Prometheus metrics at GET /metrics: calls by method and status code, call
 * latency, Decide's stages, decisions and fallbacks, the pool, and no person
 * in any label.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Channel } from "../../server/src/gen/relevance/v1/common_pb.js";
import {
  grpcError,
  type StoreTarget,
  startTestServer,
  storeTarget,
  type TestServer,
} from "./support/harness.js";

describe("Prometheus metrics (memory)", () => {
  let target: StoreTarget;
  let t: TestServer;

  beforeAll(async () => {
    target = await storeTarget("memory");
    t = await startTestServer(target, { metricsPort: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await target?.cleanup();
  });

  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${t.server.metricsPort}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const value = (text: string, series: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it("should count calls by method and code, time them and Decide's stages", async () => {
    for (let i = 0; i < 3; i++) {
      await t.decision.decide({
        userId: `person-secret-${i}`,
        channel: Channel.WEB,
        useCase: "search",
        candidates: [{ sku: "a" }],
      });
    }
    await grpcError(t.decision.decide({ userId: "", channel: Channel.WEB, useCase: "search" }));
    const text = await scrape();
    expect(
      value(text, 'relevance_grpc_calls_total{method="relevance.v1.DecisionService/Decide",code="OK"}'),
    ).toBe(3);
    expect(
      value(
        text,
        'relevance_grpc_calls_total{method="relevance.v1.DecisionService/Decide",code="INVALID_ARGUMENT"}',
      ),
    ).toBe(1);
    expect(
      value(text, 'relevance_grpc_call_seconds_count{method="relevance.v1.DecisionService/Decide"}'),
    ).toBe(4);
    for (const stage of ["decode", "profile", "score", "encode"]) {
      expect(value(text, `relevance_decide_stage_seconds_count{stage="${stage}"}`)).toBeGreaterThanOrEqual(3);
    }
    expect(value(text, "relevance_decisions")).toBe(3);
    expect(value(text, "relevance_fallback_decisions")).toBeGreaterThanOrEqual(0);
    expect(value(text, "relevance_pool_utilization")).toBeGreaterThanOrEqual(0);
    expect(text).toContain("relevance_process_cpu_seconds_total");
    // No person in any label.
    expect(text).not.toContain("person-secret");
  });

  it("should answer 404 for anything but GET /metrics", async () => {
    const res = await fetch(`http://127.0.0.1:${t.server.metricsPort}/other`);
    expect(res.status).toBe(404);
  });
});
