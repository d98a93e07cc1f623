// Streaming adapters: SUBSCRIBERS VUs each hold a DeliveryService.Subscribe
// stream on CHANNEL for DURATION_S, ack every delivery at once and keep
// CREDITS in flight; counts deliveries and the time from a decision being
// made to its arrival here (`delivery_lag_ms`).
//
// Target: a server with Redis, and decisions flowing onto the channel's
// stream: triggered decisions (Track add_to_cart with a short
// RELEVANCE_CART_IDLE_MS), e.g.
//   REDIS_URL=redis://127.0.0.1:6379 RELEVANCE_IDENTITY_KEY=0123456789abcdef0123 \
//     RELEVANCE_CART_IDLE_MS=1000 npm run demo
//   k6 run -e CHANNEL=CHANNEL_EMAIL loadtest/subscribe.js
// Without Redis, Subscribe answers FAILED_PRECONDITION and the check fails.
//
// __ENV: TARGET, CHANNEL (CHANNEL_EMAIL), SUBSCRIBERS (2), CREDITS (256),
// DURATION_S (20), SUMMARY_JSON.
import { check } from "k6";
import { Counter, Trend } from "k6/metrics";
import grpc from "k6/net/grpc";
import { ensureConnected, newClient } from "./lib/common.js";
import { summaryOutputs } from "./lib/summary.js";

const CHANNEL = __ENV.CHANNEL || "CHANNEL_EMAIL";
const CREDITS = Number(__ENV.CREDITS || 256);
const DURATION_S = Number(__ENV.DURATION_S || 20);
const deliveries = new Counter("deliveries");
const lag = new Trend("delivery_lag_ms", true);

export const options = {
  scenarios: {
    subscribe: {
      executor: "per-vu-iterations",
      vus: Number(__ENV.SUBSCRIBERS || 2),
      iterations: 1,
      maxDuration: `${DURATION_S + 30}s`,
    },
  },
  thresholds: { checks: ["rate==1"] },
};

const client = newClient();

export default function () {
  ensureConnected(client);
  const stream = new grpc.Stream(client, "relevance.v1.DeliveryService/Subscribe");
  let subscribed = false;
  let error = null;
  stream.on("data", (m) => {
    if (m.subscribed) {
      subscribed = true;
      return;
    }
    const d = m.delivery;
    if (!d) return;
    deliveries.add(1);
    lag.add(Date.now() - Number(d.decidedAtMs));
    stream.write({ acks: { acks: [{ deliveryId: d.deliveryId, outcome: "ACK_OUTCOME_DELIVERED" }] } });
    stream.write({ credit: { credits: 1 } });
  });
  let timer = null;
  stream.on("error", (e) => {
    error = e;
    if (timer !== null) clearTimeout(timer);
  });
  stream.on("end", () => {
    if (timer !== null) clearTimeout(timer);
    check(null, {
      "Subscribe was accepted": () => subscribed,
      "Subscribe ended without error": () => error === null,
    });
  });
  stream.write({ hello: { channel: CHANNEL, consumer: `k6-${__VU}`, credits: CREDITS } });
  // Half-close after the run: the server ends the stream, unacked deliveries stay pending.
  timer = setTimeout(() => {
    timer = null;
    stream.end();
  }, DURATION_S * 1000);
}

export function handleSummary(data) {
  return summaryOutputs(data, { channel: CHANNEL, credits: CREDITS, duration_s: DURATION_S });
}
