// Smoke: one VU calls every RPC of every relevance.v1 service once and checks
// each answers as the contract says. Fails (non-zero exit) on any failed check.
//
// Target: the README's main command, `npm install && npm run demo` (serves
// 127.0.0.1:50051 with the demo catalog and policy), or any server:
//   TARGET=host:port k6 run loadtest/smoke.js
// Without Redis the server has no delivery streams: Subscribe must then answer
// FAILED_PRECONDITION naming Redis; with Redis it must answer Subscribed.
//
// __ENV: TARGET (127.0.0.1:50051), ITEMS / PROFILES (20000: the demo's sizes).
import { check, fail } from "k6";
import grpc from "k6/net/grpc";
import { ensureConnected, newClient, sku, TARGET, user } from "./lib/common.js";

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: { checks: [{ threshold: "rate==1", abortOnFail: false }] },
};

const client = newClient();
const ok = (res) => res !== null && res.status === grpc.StatusOK;

/** Invokes a unary RPC and checks it answered OK and `expect` holds of the message. */
function unary(method, request, expect) {
  const res = client.invoke(method, request);
  const name = method.split("/")[1];
  const passed = check(res, {
    [`${name} answers OK`]: ok,
    [`${name} answers as the contract says`]: (r) => ok(r) && expect(r.message),
  });
  if (!ok(res)) console.error(`${name}: ${res?.status} ${res?.error?.message}`);
  return passed ? res.message : null;
}

/**
 * Opens a stream, writes `messages` (and ends the writes unless told not to),
 * and calls `done({ messages, error })` once the stream has ended or failed.
 * The iteration waits for open streams, so `done` runs before it ends.
 */
function stream(method, messages, done, { endWrites = true, closeAfterFirst = false } = {}) {
  const s = new grpc.Stream(client, method);
  const got = { messages: [], error: null };
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    done(got);
  };
  s.on("data", (m) => {
    got.messages.push(m);
    if (closeAfterFirst) s.end();
  });
  s.on("error", (e) => {
    got.error = e;
    finish();
  });
  s.on("end", finish);
  for (const m of messages) s.write(m);
  if (endWrites) s.end();
}

export default function () {
  ensureConnected(client);
  const smokeUser = `k6-smoke-${Date.now()}`;
  const smokeSku = `K6-SMOKE-${Date.now()}`;

  const info = unary("relevance.v1.CatalogService/GetCatalogInfo", {}, (m) => Number(m.items) > 0);
  if (info === null) fail(`no catalog at ${TARGET}: start the server with a catalog (npm run demo)`);
  const features = Number(info.features);

  // Client streaming: one item, in one message.
  stream(
    "relevance.v1.CatalogService/UpsertItems",
    [
      {
        items: [
          {
            sku: smokeSku,
            categoryPath: ["k6", "smoke"],
            brand: "k6",
            price: 10,
            margin: 0.3,
            stock: 5,
            features: new Array(features).fill(0.1),
            popularity: 0.1,
          },
        ],
      },
    ],
    (g) => {
      check(g, {
        "UpsertItems answers as the contract says": (x) =>
          x.error === null && x.messages.length === 1 && Number(x.messages[0].upserted) === 1,
      });
      // Once the item is in: change its stock and price.
      unary("relevance.v1.CatalogService/SetStock", { updates: [{ sku: smokeSku, quantity: 7 }] }, (m) =>
        Boolean(m.catalogVersion),
      );
      unary("relevance.v1.CatalogService/SetPrice", { updates: [{ sku: smokeSku, price: 12 }] }, (m) =>
        Boolean(m.catalogVersion),
      );
    },
  );

  unary(
    "relevance.v1.DecisionService/Decide",
    {
      userId: user(42),
      channel: "CHANNEL_WEB",
      useCase: "search",
      candidates: [{ sku: sku(1), baseScore: 0.9 }, { sku: sku(2), baseScore: 0.5 }, { sku: smokeSku }],
      limit: 3,
      explain: true,
    },
    (m) => Boolean(m.decisionId) && Array.isArray(m.items) && Boolean(m.kernelVersion),
  );
  // A decision that hands out an offer (under the demo policy: the cart reminder), to redeem and release.
  const offered = unary(
    "relevance.v1.DecisionService/Decide",
    {
      userId: smokeUser,
      channel: "CHANNEL_APP",
      useCase: "cart_abandonment",
      candidates: [{ sku: sku(1) }],
      context: { cartSkus: [sku(1)] },
    },
    (m) => Boolean(m.decisionId),
  );
  const withOffer = (offered?.items || []).find((i) => i.offer);
  const redeemed = client.invoke("relevance.v1.DecisionService/Redeem", {
    userId: smokeUser,
    experienceId: withOffer ? withOffer.experienceId : "x1-never-handed-out",
  });
  // Redeemed when the policy gave an offer; NOT_FOUND (as documented) when it gave none.
  check(redeemed, {
    "Redeem answers as the contract says": (r) =>
      withOffer
        ? r.status === grpc.StatusOK && r.message.offerId === withOffer.offer.offerId
        : r.status === grpc.StatusNotFound,
  });
  unary(
    "relevance.v1.DecisionService/Release",
    { userId: smokeUser, decisionId: offered ? offered.decisionId : "none" },
    (m) => m.released === undefined || Number(m.released) >= 0,
  );

  const event = (id, payload) => ({
    eventId: `${smokeUser}-${id}`,
    userId: smokeUser,
    timestampMs: String(Date.now()),
    channel: "CHANNEL_WEB",
    ...payload,
  });
  unary(
    "relevance.v1.EventService/Track",
    { events: [event("view", { viewItem: { sku: sku(1) } })] },
    (m) => (m.accepted || []).length === 1,
  );
  stream(
    "relevance.v1.EventService/TrackStream",
    [{ events: [event("cart", { addToCart: { sku: sku(1), quantity: 1 } })] }],
    (g) =>
      check(g, {
        "TrackStream answers as the contract says": (x) =>
          x.error === null && x.messages.length === 1 && (x.messages[0].accepted || []).length === 1,
      }),
  );
  unary(
    "relevance.v1.PersonService/Identify",
    { userId: smokeUser, identifiers: { email: `${smokeUser}@example.com` } },
    (m) => Boolean(m.personId),
  );
  unary("relevance.v1.PersonService/GetPerson", { userId: smokeUser }, (m) => m !== null);
  unary("relevance.v1.PersonService/Forget", { userId: smokeUser }, (m) => Number(m.idsForgotten) >= 1);

  const policy = unary("relevance.v1.PolicyService/GetPolicy", {}, (m) => Boolean(m.policy?.version));
  if (policy !== null) {
    unary(
      "relevance.v1.PolicyService/ValidatePolicy",
      { policy: policy.policy },
      (m) => (m.problems || []).length === 0,
    );
    // Setting the policy in force again changes nothing.
    unary(
      "relevance.v1.PolicyService/SetPolicy",
      { policy: policy.policy },
      (m) => m.version === policy.policy.version,
    );
  }

  // Bidirectional: Hello, then the server's Subscribed (with Redis) or FAILED_PRECONDITION (without).
  stream(
    "relevance.v1.DeliveryService/Subscribe",
    [{ hello: { channel: "CHANNEL_EMAIL", consumer: `k6-smoke-${__VU}`, credits: 1 } }],
    (g) =>
      check(g, {
        "Subscribe answers as the contract says": (x) =>
          (x.error === null && x.messages.length === 1 && Boolean(x.messages[0].subscribed)) ||
          (x.error !== null &&
            x.error.code === grpc.StatusFailedPrecondition &&
            /Redis/.test(x.error.message)),
      }),
    { endWrites: false, closeAfterFirst: true },
  );
}
