import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SinkRejectedError } from "../../../adapters/src/sinks/sink.js";
import { createWebhookSink, type WebhookSinkOptions } from "../../../adapters/src/sinks/webhook-sink.js";
import { answer, type HttpReceiver, type Responder, startReceiver } from "./support/http-receiver.js";
import { message } from "./support/messages.js";

/** Records each backoff delay and returns at once, so tests see the exact delays without waiting. */
function recordingSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(respond: Responder): Promise<HttpReceiver> {
  const r = await startReceiver(respond);
  cleanups.push(() => r.close());
  return r;
}

function sink(options: WebhookSinkOptions) {
  const s = createWebhookSink(options);
  cleanups.push(() => s.close());
  return s;
}

const FAST = { timeoutMs: 2000, maxAttempts: 4, baseBackoffMs: 100, maxBackoffMs: 5000, random: () => 0.5 };

describe("createWebhookSink()", () => {
  it("should POST the wire JSON once with the idempotency headers on 2xx", async () => {
    const r = await receiver((_n, res) => answer(res, 204));
    const { delays, sleep } = recordingSleep();
    const s = sink({
      ...FAST,
      url: r.url,
      sleep,
      headers: { Authorization: "Bearer t", "Idempotency-Key": "spoofed" },
    });
    const m = message(1);
    await s.send(m);

    expect(r.requests).toHaveLength(1);
    const req = r.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/hooks/relevance");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["idempotency-key"]).toBe("exp-1");
    expect(req.headers["x-relevance-delivery-id"]).toBe("del-1");
    expect(req.headers.authorization).toBe("Bearer t");
    expect(JSON.parse(req.body)).toEqual({
      experience_id: "exp-1",
      delivery_id: "del-1",
      channel: "email",
      recipient: "person-1",
      body: m.body,
    });
    expect(delays).toEqual([]);
    expect(s.kind).toBe("webhook");
    expect(s.delivered.size).toBe(0);
  });

  it("should retry a 503 and send the same Idempotency-Key and body again", async () => {
    const r = await receiver((n, res) => answer(res, n === 0 ? 503 : 200));
    const { delays, sleep } = recordingSleep();
    await sink({ ...FAST, url: r.url, sleep }).send(message(2));

    expect(r.requests).toHaveLength(2);
    expect(r.requests.map((q) => q.headers["idempotency-key"])).toEqual(["exp-2", "exp-2"]);
    expect(r.requests[1]!.body).toBe(r.requests[0]!.body);
    // Full jitter: random() 0.5 of the first cap (baseBackoffMs).
    expect(delays).toEqual([50]);
  });

  it.each([
    ["delay-seconds", "2", 5000, 2000],
    ["delay-seconds bounded by maxBackoffMs", "30", 300, 300],
    ["an HTTP date", new Date(1_700_000_003_000).toUTCString(), 5000, 3000],
    ["an HTTP date in the past", new Date(1_699_999_990_000).toUTCString(), 5000, 0],
  ])("should honour Retry-After given as %s on 429", async (_name, retryAfter, maxBackoffMs, expected) => {
    const r = await receiver((n, res) =>
      n === 0 ? answer(res, 429, { "Retry-After": retryAfter }) : answer(res, 200),
    );
    const { delays, sleep } = recordingSleep();
    await sink({ ...FAST, url: r.url, sleep, maxBackoffMs, now: () => 1_700_000_000_000 }).send(message(3));
    expect(r.requests).toHaveLength(2);
    expect(delays).toEqual([expected]);
  });

  it("should retry 408 and 500 and back off exponentially with full jitter up to maxBackoffMs", async () => {
    const statuses = [408, 500, 502, 503, 200];
    const r = await receiver((n, res) => answer(res, statuses[n]!));
    const { delays, sleep } = recordingSleep();
    await sink({ ...FAST, url: r.url, sleep, maxAttempts: 5, maxBackoffMs: 250, random: () => 0.999 }).send(
      message(4),
    );
    expect(r.requests).toHaveLength(5);
    // caps 100, 200, 400→250, 800→250; random 0.999 of each, floored.
    expect(delays).toEqual([99, 199, 249, 249]);
  });

  it.each([400, 401, 404, 409, 422, 301])(
    "should reject %i with SinkRejectedError after one request",
    async (status) => {
      const r = await receiver((_n, res) => answer(res, status, { Location: "/elsewhere" }, "bad recipient"));
      const { delays, sleep } = recordingSleep();
      const sent = sink({ ...FAST, url: r.url, sleep }).send(message(5));
      await expect(sent).rejects.toBeInstanceOf(SinkRejectedError);
      await expect(sent).rejects.toThrow(
        new RegExp(
          `^webhook ${r.url}: answered ${status} .*for experience exp-5, not retried: bad recipient$`,
        ),
      );
      expect(r.requests).toHaveLength(1);
      expect(delays).toEqual([]);
    },
  );

  it("should reject with a plain Error after maxAttempts timeouts", async () => {
    // Never answers: each attempt runs into timeoutMs.
    const r = await receiver(() => {});
    const { delays, sleep } = recordingSleep();
    const sent = sink({ ...FAST, url: r.url, sleep, timeoutMs: 150, maxAttempts: 2 }).send(message(6));
    const error: unknown = await sent.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SinkRejectedError);
    expect((error as Error).message).toBe(
      `webhook ${r.url}: 2 attempts failed for experience exp-6, last: timed out after 150 ms (option maxAttempts)`,
    );
    expect(r.requests).toHaveLength(2);
    expect(delays).toEqual([50]);
  });

  it("should reject with a plain Error after maxAttempts when the receiver is down", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/hook`;
    const { delays, sleep } = recordingSleep();
    const sent = sink({ ...FAST, url, sleep, maxAttempts: 3 }).send(message(7));
    const error: unknown = await sent.catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(SinkRejectedError);
    expect((error as Error).message).toBe(
      `webhook ${url}: 3 attempts failed for experience exp-7, last: ECONNREFUSED (option maxAttempts)`,
    );
    expect(delays).toEqual([50, 100]);
  });

  it("should reject with a plain Error after maxAttempts 5xx answers", async () => {
    const r = await receiver((_n, res) => answer(res, 503));
    const { sleep } = recordingSleep();
    await expect(sink({ ...FAST, url: r.url, sleep, maxAttempts: 3 }).send(message(8))).rejects.toThrow(
      `webhook ${r.url}: 3 attempts failed for experience exp-8, last: 503 Service Unavailable (option maxAttempts)`,
    );
    expect(r.requests).toHaveLength(3);
  });

  it("should retry through the fetch option too", async () => {
    const r = await receiver((n, res) => answer(res, n === 0 ? 503 : 201));
    const { delays, sleep } = recordingSleep();
    await sink({ ...FAST, url: r.url, sleep, fetch: globalThis.fetch }).send(message(9));
    expect(r.requests.map((q) => q.headers["idempotency-key"])).toEqual(["exp-9", "exp-9"]);
    expect(delays).toEqual([50]);
  });

  it("should time out through the fetch option with the same message", async () => {
    const r = await receiver(() => {});
    const { sleep } = recordingSleep();
    await expect(
      sink({ ...FAST, url: r.url, sleep, fetch: globalThis.fetch, timeoutMs: 100, maxAttempts: 1 }).send(
        message(10),
      ),
    ).rejects.toThrow(
      `webhook ${r.url}: 1 attempts failed for experience exp-10, last: timed out after 100 ms`,
    );
  });

  it("should reject sends in flight and after close", async () => {
    const r = await receiver(() => {});
    const s = createWebhookSink({ ...FAST, url: r.url });
    cleanups.push(() => r.close());
    const sent = s.send(message(11));
    while (r.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await s.close();
    await expect(sent).rejects.toThrow(`webhook ${r.url}: sink closed`);
    await expect(s.send(message(12))).rejects.toThrow(`webhook ${r.url}: sink closed`);
  });

  it("should send URL credentials as Basic auth and keep them and the query out of errors", async () => {
    const r = await receiver((_n, res) => answer(res, 400));
    const withCreds = r.url.replace("http://", "http://user:p%40ss@");
    const sent = sink({ ...FAST, url: `${withCreds}?token=secret` }).send(message(13));
    await expect(sent).rejects.toThrow(`webhook ${r.url}: answered 400 Bad Request`);
    expect(r.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from("user:p@ss").toString("base64")}`);
    expect(r.requests[0]!.url).toBe("/hooks/relevance?token=secret");
  });

  it.each([
    [{ url: "ftp://x/y" }, 'options.url must be an http: or https: URL, got "ftp://x/y"'],
    [{ url: "not a url" }, 'options.url must be an absolute http(s) URL, got "not a url"'],
    [{ url: "http://x/", maxAttempts: 0 }, "options.maxAttempts must be an integer >= 1, got 0"],
    [{ url: "http://x/", timeoutMs: 1.5 }, "options.timeoutMs must be an integer >= 1, got 1.5"],
    [
      { url: "http://x/", baseBackoffMs: 500, maxBackoffMs: 100 },
      "options.maxBackoffMs (100) must be >= options.baseBackoffMs (500)",
    ],
  ])("should refuse bad options %j", (options, expected) => {
    expect(() => createWebhookSink(options)).toThrow(new RangeError(expected));
  });
});
