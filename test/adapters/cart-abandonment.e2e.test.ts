/**
 * End to end on real Redis, through every process boundary a deployment has:
 * Track (consent, add_to_cart, no purchase) → event consumer → cart timer in
 * Redis → after the idle time the trigger runner decides through the demo
 * policy → the email decision stream → DeliveryService.Subscribe → the
 * adapter CLI (a real child process) renders the email → a real local HTTP
 * webhook receiver gets exactly one message, with the right offer and
 * experience id as its idempotency key.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventService, Purpose } from "../../server/src/gen/relevance/v1/events_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import { experienceId } from "../../server/src/policy/experience-id.js";
import { parsePolicyText } from "../../server/src/policy/parse-policy.js";
import { ADAPTER_CLI } from "../delivery/support/kill-restart.js";
import {
  type StoreTarget,
  startTestServer,
  storeTarget,
  type TestServer,
  upsert,
} from "../server/support/harness.js";
import { item } from "../server/support/model.js";

interface Received {
  readonly headers: IncomingMessage["headers"];
  readonly body: {
    experience_id: string;
    channel: string;
    recipient: string;
    body: { subject: string; text: string; html: string };
  };
}

const CART_IDLE_MS = 500;

describe("cart abandonment, end to end (redis)", () => {
  let target: StoreTarget;
  let t: TestServer;
  let receiver: Server;
  let adapter: ChildProcess;
  let dir: string;
  const received: Received[] = [];

  beforeAll(async () => {
    target = await storeTarget("redis");
    const policy = parsePolicyText(readFileSync("server/policies/demo.yaml", "utf8"), "yaml");
    policy.holdoutShare = 0;
    t = await startTestServer(target, { policy, triggers: { cartIdleMs: CART_IDLE_MS } });
    await upsert(t, [item("bag", { category: ["luggage"], price: 120, margin: 0.4, stock: 50 })]);
    receiver = createHttpServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString()));
      req.on("end", () => {
        received.push({ headers: req.headers, body: JSON.parse(text) as Received["body"] });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    dir = await mkdtemp(join(tmpdir(), "relevance-e2e-"));
    const port = (receiver.address() as AddressInfo).port;
    adapter = spawn(
      process.execPath,
      [
        ADAPTER_CLI,
        "--server",
        t.server.address,
        "--channel",
        "email",
        "--consumer",
        "e2e-email",
        "--sink",
        `webhook:http://127.0.0.1:${port}/messages`,
        "--state-dir",
        dir,
      ],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  });
  afterAll(async () => {
    adapter?.kill("SIGTERM");
    if (adapter !== undefined && adapter.exitCode === null) await new Promise((r) => adapter.once("exit", r));
    await new Promise((r) => receiver?.close(r));
    await t?.close();
    await target?.cleanup();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("should send one cart-abandonment email with the cart's offer after the idle time", async () => {
    const events = createServiceClient(EventService, t.server.address);
    const user = "shopper-e2e";
    const base = { subject: { case: "userId" as const, value: user }, channel: 1 };
    await events.track({
      events: [
        {
          ...base,
          eventId: "e2e-consent",
          timestampMs: BigInt(Date.now()),
          payload: {
            case: "consentUpdate",
            value: {
              changes: [
                { purpose: Purpose.PERSONALIZATION, granted: true },
                { purpose: Purpose.EMAIL, granted: true },
              ],
            },
          },
        },
        {
          ...base,
          eventId: "e2e-cart",
          timestampMs: BigInt(Date.now()),
          payload: { case: "addToCart", value: { sku: "bag", quantity: 1, price: 120 } },
        },
      ],
    });
    events.close();
    const sentAt = Date.now();

    const until = Date.now() + 20_000;
    while (received.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const firstAt = Date.now();
    // Long enough for any second firing, redelivery or retry to show up.
    await new Promise((r) => setTimeout(r, 2500));

    expect(received).toHaveLength(1);
    const [message] = received;
    const expectedExperience = experienceId(
      user,
      "cart_abandonment",
      "cart_reminder",
      "bag",
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    );
    expect(message!.headers["idempotency-key"]).toBe(expectedExperience);
    expect(message!.body.experience_id).toBe(expectedExperience);
    expect(message!.body.channel).toBe("email");
    expect(message!.body.recipient).toBe(user);
    // Not discount-sensitive, plenty of stock: the reminder without a discount, at the catalog price.
    expect(message!.body.body.text).toContain("Still thinking it over? Your cart is saved");
    expect(message!.body.body.text).toContain("120");
    expect(message!.body.body.text).not.toMatch(/\d+\s?% off/);
    // Not before the idle time.
    expect(firstAt - sentAt).toBeGreaterThanOrEqual(CART_IDLE_MS);
    console.log(JSON.stringify({ cart_abandonment_e2e_ms: firstAt - sentAt }));
  }, 40_000);
});
