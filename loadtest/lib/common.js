// Shared by every scenario: the gRPC client (loading the .proto files
// directly, no reflection needed), the target address, and the ids the data
// generator (`npm run seed`, server/src/demo/synthetic.ts) gives people,
// items and stores, so scenarios ask about things that exist.
import grpc from "k6/net/grpc";

/** `host:port` of the server: TARGET, default the README's demo server. */
export const TARGET = __ENV.TARGET || "127.0.0.1:50051";
/** Sizes the server was seeded with (`npm run demo`: DEMO_ITEMS, DEMO_PROFILES; `npm run seed`). */
export const ITEMS = Number(__ENV.ITEMS || 20000);
export const PROFILES = Number(__ENV.PROFILES || 20000);
export const STORES = Number(__ENV.STORES || 20);

/** A client with every relevance.v1 service loaded; call `connect` once per VU. */
export function newClient() {
  const client = new grpc.Client();
  client.load(
    ["../proto"],
    "relevance/v1/decision.proto",
    "relevance/v1/catalog.proto",
    "relevance/v1/events.proto",
    "relevance/v1/policy.proto",
    "relevance/v1/delivery.proto",
  );
  return client;
}

let connected = false;
/** Connects this VU's client on its first iteration (plaintext: loopback only). */
export function ensureConnected(client) {
  if (connected) return;
  client.connect(TARGET, { plaintext: true, timeout: "10s" });
  connected = true;
}

const pad = (n, width) => String(n).padStart(width, "0");
/** The data generator's ids: "SKU-000042", "user-000042", "store-007". */
export const sku = (i) => `SKU-${pad(i, 6)}`;
export const user = (i) => `user-${pad(i, 6)}`;
export const store = (i) => `store-${pad(i, 3)}`;

/** 1..n, skewed towards small numbers like real traffic (a few people and items are most of it). */
export function skewed(n) {
  return 1 + Math.floor(n * Math.random() ** 2);
}

/** `count` distinct SKUs with descending base scores: a search engine's result page. */
export function searchResults(count) {
  const out = [];
  const seen = {};
  while (out.length < count) {
    const i = skewed(ITEMS);
    if (seen[i]) continue;
    seen[i] = true;
    out.push({ sku: sku(i), baseScore: 1 - out.length / count });
  }
  return out;
}

/** A Decide request for search re-ranking of `candidates` results. */
export function searchRequest(candidates) {
  return {
    userId: user(skewed(PROFILES)),
    channel: "CHANNEL_WEB",
    useCase: "search",
    placement: "search-results",
    context: { device: "mobile", locale: "en-GB", query: "running shoes" },
    candidates: searchResults(candidates),
    limit: 20,
  };
}

/** A Decide request for a homepage slot: no candidates, the catalog is ranked. */
export function homepageRequest() {
  return {
    userId: user(skewed(PROFILES)),
    channel: "CHANNEL_WEB",
    useCase: "homepage_hero",
    placement: "hero",
    limit: 4,
  };
}

/**
 * `size` requests made once per VU in the init stage and then cycled: building
 * a 200-candidate request in JavaScript costs k6 more than sending it, and on
 * a small machine the load generator's CPU is taken from the server's.
 */
export function requestPool(size, make) {
  const pool = Array.from({ length: size }, make);
  let next = 0;
  return () => pool[next++ % size];
}

let eventSeq = 0;
/** A view_item event for a skewed person and item, with an id unique to this VU and run. */
export function viewEvent() {
  eventSeq++;
  return {
    eventId: `k6-${__VU}-${Date.now()}-${eventSeq}`,
    userId: user(skewed(PROFILES)),
    timestampMs: String(Date.now()),
    channel: "CHANNEL_WEB",
    viewItem: { sku: sku(skewed(ITEMS)) },
  };
}

/** Milliseconds a gRPC call took, for custom trends (k6's own grpc_req_duration covers unary calls). */
export function timed(fn) {
  const start = Date.now();
  const res = fn();
  return { res, ms: Date.now() - start };
}

export { grpc };

/**
 * k6 options for one constant-arrival-rate scenario (open model) named
 * `name`: RATE per second for DURATION, VUS pre-allocated up to MAX_VUS
 * (each overridable by __ENV), and `thresholds` (each may abort the run).
 */
export function constantRateOptions(name, defaults, thresholds) {
  return {
    scenarios: {
      [name]: {
        executor: "constant-arrival-rate",
        rate: Number(__ENV.RATE || defaults.rate),
        timeUnit: "1s",
        duration: __ENV.DURATION || "30s",
        preAllocatedVUs: Number(__ENV.VUS || defaults.vus),
        maxVUs: Number(__ENV.MAX_VUS || defaults.maxVus),
      },
    },
    thresholds,
    summaryTrendStats: ["avg", "min", "med", "p(90)", "p(95)", "p(99)", "max"],
  };
}

/** A p99 threshold that aborts the run on breach (after 5 s of data). */
export const p99Aborting = (ms) => ({ threshold: `p(99)<${ms}`, abortOnFail: true, delayAbortEval: "5s" });
