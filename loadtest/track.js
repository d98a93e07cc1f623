// Ingest: Track batches of BATCH view_item events at a constant arrival rate
// of batches. Every event has a unique id; people and items are skewed.
//
// Target: a server with Redis and its consumer on (events are applied to
// profiles), e.g.
//   REDIS_URL=redis://127.0.0.1:6379 RELEVANCE_IDENTITY_KEY=0123456789abcdef0123 npm run demo
//   k6 run -e RATE=50 -e BATCH=100 loadtest/track.js
// (`npm run demo` without Redis also accepts events, into the in-process log.)
//
// __ENV: TARGET, RATE (batches/s, 50), BATCH (events a call, 100),
// DURATION (30s), P99_MS (50), VUS (10), MAX_VUS (100), ITEMS / PROFILES, SUMMARY_JSON.
import { check } from "k6";
import { Counter } from "k6/metrics";
import grpc from "k6/net/grpc";
import { constantRateOptions, ensureConnected, newClient, p99Aborting, viewEvent } from "./lib/common.js";
import { summaryOutputs } from "./lib/summary.js";

const RATE = Number(__ENV.RATE || 50);
const BATCH = Number(__ENV.BATCH || 100);
const P99_MS = Number(__ENV.P99_MS || 50);
const accepted = new Counter("events_accepted");

export const options = constantRateOptions(
  "track",
  { rate: RATE, vus: 10, maxVus: 100 },
  { grpc_req_duration: [p99Aborting(P99_MS)], checks: ["rate>0.999"] },
);

const client = newClient();

export default function () {
  ensureConnected(client);
  const events = Array.from({ length: BATCH }, viewEvent);
  const res = client.invoke("relevance.v1.EventService/Track", { events });
  const ok = check(res, {
    "Track accepted every event": (r) =>
      r && r.status === grpc.StatusOK && (r.message.accepted || []).length === BATCH,
  });
  if (ok) accepted.add(BATCH);
}

export function handleSummary(data) {
  return summaryOutputs(data, { rate: RATE, batch: BATCH });
}
