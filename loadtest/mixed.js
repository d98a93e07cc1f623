// Mixed traffic like a retail site's: about 70 % search re-ranking, 15 %
// homepage (catalog mode), 10 % Track, 5 % the rest (cart-abandonment
// decisions in the app, GetPerson, GetCatalogInfo), at a constant total rate.
//
// Target: `npm run demo` (127.0.0.1:50051), or with Redis as in track.js.
//   k6 run -e RATE=400 loadtest/mixed.js
//
// __ENV: TARGET, RATE (req/s, 300), DURATION (30s), CANDIDATES (100),
// P99_MS (20), VUS (40), MAX_VUS (400), ITEMS / PROFILES, SUMMARY_JSON.
import { check } from "k6";
import grpc from "k6/net/grpc";
import {
  constantRateOptions,
  ensureConnected,
  homepageRequest,
  newClient,
  PROFILES,
  requestPool,
  searchRequest,
  skewed,
  sku,
  user,
  viewEvent,
} from "./lib/common.js";
import { summaryOutputs } from "./lib/summary.js";

const RATE = Number(__ENV.RATE || 300);
const CANDIDATES = Number(__ENV.CANDIDATES || 100);
const P99_MS = Number(__ENV.P99_MS || 20);

export const options = constantRateOptions(
  "mixed",
  { rate: RATE, vus: 40, maxVus: 400 },
  {
    "grpc_req_duration{kind:search}": [`p(99)<${P99_MS}`],
    "grpc_req_duration{kind:homepage}": [`p(99)<${P99_MS * 2}`],
    "grpc_req_duration{kind:track}": [`p(99)<${P99_MS * 2}`],
    "grpc_req_duration{kind:other}": [`p(99)<${P99_MS * 2}`],
    checks: ["rate>0.999"],
  },
);

const client = newClient();
const DISCARD = { discardResponseMessage: true };
const nextSearch = requestPool(32, () => searchRequest(CANDIDATES));
const OK = { OK: (r) => r && r.status === grpc.StatusOK };

function other() {
  const pick = Math.random();
  if (pick < 0.5) {
    const id = skewed(20000);
    return client.invoke(
      "relevance.v1.DecisionService/Decide",
      {
        userId: user(skewed(PROFILES)),
        channel: "CHANNEL_APP",
        useCase: "cart_abandonment",
        candidates: [{ sku: sku(id) }],
        context: { cartSkus: [sku(id)] },
      },
      { ...DISCARD, tags: { kind: "other" } },
    );
  }
  if (pick < 0.8) {
    return client.invoke(
      "relevance.v1.PersonService/GetPerson",
      { userId: user(skewed(PROFILES)) },
      { tags: { kind: "other" } },
    );
  }
  return client.invoke("relevance.v1.CatalogService/GetCatalogInfo", {}, { tags: { kind: "other" } });
}

export default function () {
  ensureConnected(client);
  const pick = Math.random();
  let res;
  if (pick < 0.7) {
    res = client.invoke("relevance.v1.DecisionService/Decide", nextSearch(), {
      ...DISCARD,
      tags: { kind: "search" },
    });
  } else if (pick < 0.85) {
    res = client.invoke("relevance.v1.DecisionService/Decide", homepageRequest(), {
      ...DISCARD,
      tags: { kind: "homepage" },
    });
  } else if (pick < 0.95) {
    res = client.invoke(
      "relevance.v1.EventService/Track",
      { events: [viewEvent(), viewEvent()] },
      { tags: { kind: "track" } },
    );
  } else {
    res = other();
  }
  check(res, OK);
}

export function handleSummary(data) {
  return summaryOutputs(data, { rate: RATE, candidates: CANDIDATES });
}
