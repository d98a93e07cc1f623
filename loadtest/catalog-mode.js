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
import {
  constantRateOptions,
  ensureConnected,
  newClient,
  PROFILES,
  p99Aborting,
  skewed,
  user,
} from "./lib/common.js";
import { summaryOutputs } from "./lib/summary.js";

const RATE = Number(__ENV.RATE || 100);
const LIMIT = Number(__ENV.LIMIT || 20);
const P99_MS = Number(__ENV.P99_MS || 50);

export const options = constantRateOptions(
  "catalog",
  { rate: RATE, vus: 20, maxVus: 200 },
  { grpc_req_duration: [p99Aborting(P99_MS)], checks: ["rate>0.999"] },
);

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
