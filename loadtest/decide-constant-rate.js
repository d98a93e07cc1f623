// Decide at a constant arrival rate (open model: requests arrive on schedule
// whether or not earlier ones have answered), search re-ranking of CANDIDATES
// results for skewed people. Aborts as soon as p95 or p99 breaks its bound.
//
// Target: `npm run demo` (127.0.0.1:50051), or with Redis:
//   REDIS_URL=redis://127.0.0.1:6379 RELEVANCE_IDENTITY_KEY=… npm run demo
//   k6 run -e RATE=2000 loadtest/decide-constant-rate.js
//
// __ENV: TARGET, RATE (req/s, 500), DURATION (30s), CANDIDATES (200),
// P95_MS (3), P99_MS (5), VUS (pre-allocated, 50), MAX_VUS (400),
// ITEMS / PROFILES (20000), SUMMARY_JSON (write the summary there).
import { check } from "k6";
import grpc from "k6/net/grpc";
import {
  constantRateOptions,
  ensureConnected,
  newClient,
  p99Aborting,
  requestPool,
  searchRequest,
} from "./lib/common.js";
import { summaryOutputs } from "./lib/summary.js";

const RATE = Number(__ENV.RATE || 500);
const CANDIDATES = Number(__ENV.CANDIDATES || 200);
const P95_MS = Number(__ENV.P95_MS || 3);
const P99_MS = Number(__ENV.P99_MS || 5);

export const options = constantRateOptions(
  "decide",
  { rate: RATE, vus: 50, maxVus: 400 },
  {
    grpc_req_duration: [
      { threshold: `p(95)<${P95_MS}`, abortOnFail: true, delayAbortEval: "5s" },
      p99Aborting(P99_MS),
    ],
    checks: ["rate>0.999"],
  },
);

const client = newClient();
// Decoding 20 items back into JS costs k6 more CPU than the server spends deciding: the status is what is checked.
const DISCARD = { discardResponseMessage: true };
const nextRequest = requestPool(64, () => searchRequest(CANDIDATES));

export default function () {
  ensureConnected(client);
  const res = client.invoke("relevance.v1.DecisionService/Decide", nextRequest(), DISCARD);
  check(res, { "Decide OK": (r) => r && r.status === grpc.StatusOK });
}

export function handleSummary(data) {
  return summaryOutputs(data, { rate: RATE, candidates: CANDIDATES, p99_budget_ms: P99_MS });
}
