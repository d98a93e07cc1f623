// Catalog mode: Decide with no candidates, so the server ranks its whole
// catalog (a homepage slot), at a constant arrival rate.
//
// Target: `npm run demo` (127.0.0.1:50051; DEMO_ITEMS sets the catalog size),
// or any server: TARGET=host:port k6 run -e RATE=100 loadtest/catalog-mode.js
//
// __ENV: TARGET, RATE (req/s, 100), DURATION (30s), LIMIT (20), P99_MS (50),
// VUS (20), MAX_VUS (200), PROFILES (20000), SUMMARY_JSON.
import { check } from "k6";
import grpc from "k6/net/grpc";
import { ensureConnected, newClient, PROFILES, skewed, user } from "./lib/common.js";
import { summaryOutputs } from "./lib/summary.js";

const RATE = Number(__ENV.RATE || 100);
const LIMIT = Number(__ENV.LIMIT || 20);
const P99_MS = Number(__ENV.P99_MS || 50);

export const options = {
  scenarios: {
    catalog: {
      executor: "constant-arrival-rate",
      rate: RATE,
      timeUnit: "1s",
      duration: __ENV.DURATION || "30s",
      preAllocatedVUs: Number(__ENV.VUS || 20),
      maxVUs: Number(__ENV.MAX_VUS || 200),
    },
  },
  thresholds: {
    grpc_req_duration: [{ threshold: `p(99)<${P99_MS}`, abortOnFail: true, delayAbortEval: "5s" }],
    checks: ["rate>0.999"],
  },
  summaryTrendStats: ["avg", "min", "med", "p(90)", "p(95)", "p(99)", "max"],
};

const client = newClient();

export default function () {
  ensureConnected(client);
  const res = client.invoke("relevance.v1.DecisionService/Decide", {
    userId: user(skewed(PROFILES)),
    channel: "CHANNEL_WEB",
    useCase: "homepage_hero",
    placement: "home",
    limit: LIMIT,
  });
  check(res, {
    "catalog-mode Decide OK with items": (r) => r && r.status === grpc.StatusOK && r.message.items.length > 0,
  });
}

export function handleSummary(data) {
  return summaryOutputs(data, { rate: RATE, limit: LIMIT });
}
