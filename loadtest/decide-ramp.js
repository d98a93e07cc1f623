// Finds the highest Decide rate that holds the p99 budget: STEPS steps of
// constant arrival rate, STEP_DURATION each, from START_RATE up by STEP_RATE.
// Each step's latency is its own sub-metric (tag `step`); the summary prints
// every step's p99 and the highest rate whose p99 ≤ P99_MS (`max_rate_holding`).
//
// Target: `npm run demo` (127.0.0.1:50051), or any server: TARGET=host:port.
//   k6 run -e START_RATE=500 -e STEP_RATE=500 loadtest/decide-ramp.js
//
// __ENV: TARGET, START_RATE (500), STEP_RATE (500), STEPS (8), STEP_DURATION
// (10s, in seconds or with "s"), CANDIDATES (200), P99_MS (5), MAX_VUS (400),
// ITEMS / PROFILES (20000), SUMMARY_JSON.
import { check } from "k6";
import { Trend } from "k6/metrics";
import grpc from "k6/net/grpc";
import { ensureConnected, newClient, searchRequest } from "./lib/common.js";
import { summaryOutputs } from "./lib/summary.js";

const START_RATE = Number(__ENV.START_RATE || 500);
const STEP_RATE = Number(__ENV.STEP_RATE || 500);
const STEPS = Number(__ENV.STEPS || 8);
const STEP_S = Number(String(__ENV.STEP_DURATION || "10").replace(/s$/, ""));
const CANDIDATES = Number(__ENV.CANDIDATES || 200);
const P99_MS = Number(__ENV.P99_MS || 5);

const stepLatency = new Trend("decide_step_ms", true);
const rates = Array.from({ length: STEPS }, (_, i) => START_RATE + i * STEP_RATE);

const scenarios = {};
const thresholds = { checks: ["rate>0.99"] };
rates.forEach((rate, i) => {
  scenarios[`step_${i}`] = {
    executor: "constant-arrival-rate",
    rate,
    timeUnit: "1s",
    duration: `${STEP_S}s`,
    startTime: `${i * STEP_S}s`,
    preAllocatedVUs: 20,
    maxVUs: Number(__ENV.MAX_VUS || 400),
    tags: { step: String(i) },
  };
  // A threshold on each step's sub-metric makes k6 report it; it never aborts the ramp.
  thresholds[`decide_step_ms{step:${i}}`] = [`p(99)<${P99_MS}`];
});

export const options = {
  scenarios,
  thresholds,
  summaryTrendStats: ["med", "p(95)", "p(99)", "max", "count"],
};

const client = newClient();

export default function () {
  ensureConnected(client);
  const start = Date.now();
  const res = client.invoke("relevance.v1.DecisionService/Decide", searchRequest(CANDIDATES));
  stepLatency.add(Date.now() - start);
  check(res, { "Decide OK": (r) => r && r.status === grpc.StatusOK });
}

export function handleSummary(data) {
  const steps = rates.map((rate, i) => {
    const m = data.metrics[`decide_step_ms{step:${i}}`];
    const v = m ? m.values : {};
    const done = data.metrics[`iterations{scenario:step_${i}}`];
    return {
      rate,
      p50_ms: v.med,
      p99_ms: v["p(99)"],
      count: v.count,
      achieved: done ? done.values.count / STEP_S : undefined,
    };
  });
  let maxRateHolding = null;
  for (const s of steps) {
    if (s.p99_ms !== undefined && s.p99_ms <= P99_MS && s.count >= s.rate * STEP_S * 0.95)
      maxRateHolding = s.rate;
    else break;
  }
  return summaryOutputs(data, { steps, max_rate_holding: maxRateHolding, p99_budget_ms: P99_MS });
}
