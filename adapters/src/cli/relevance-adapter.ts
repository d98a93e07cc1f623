#!/usr/bin/env node
/**
 * relevance-adapter: delivers one channel's decisions.
 *
 *   relevance-adapter --channel email --sink webhook:http://127.0.0.1:8080/send
 *   relevance-adapter --channel sms --sink file:out/sms.jsonl --consumer sms-1
 *   relevance-adapter --channel web --sink stdout
 *
 * Subscribes to `relevance.v1.DeliveryService` on --server (over TLS or mTLS
 * with RELEVANCE_TLS_CA_FILE, RELEVANCE_TLS_CLIENT_CERT_FILE and
 * RELEVANCE_TLS_CLIENT_KEY_FILE; see USAGE), renders each
 * decision for the channel, hands it to the sink and acks it. SIGTERM or
 * SIGINT: finishes what is in hand, acks it, exits 0.
 */
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { clientCredentialsFromEnv } from "../../../server/src/grpc/client-credentials.js";
import { openDedupeLedger } from "../dedupe-ledger.js";
import type { ChannelName } from "../delivery.js";
import { renderDelivery, resolveRenderOptions } from "../render/index.js";
import { type AdapterLog, runAdapter } from "../runner.js";
import { openSink } from "../sinks/open-sink.js";
import { parseSink } from "../sinks/parse-sink.js";
import { CHANNEL_NUMBERS } from "../subscription-client.js";

const USAGE = `usage: relevance-adapter --channel <web|app|email|sms|push|in_store|paid_media> [options]
  --server <host:port>        decision server (default 127.0.0.1:50051)
  --sink <spec>               webhook:http(s)://…, file:<path.jsonl> or stdout (default stdout)
  --consumer <name>           stable across restarts: unacked deliveries come back to it (default <channel>-<host>)
  --state-dir <dir>           where the dedupe ledger lives (default .relevance-adapter)
  --credits <n>               deliveries in flight at once (default 256)
  --dedupe-window-ms <ms>     how long a delivered experience is remembered (default 7 days)
  --currency <ISO code>       currency of prices in rendered text (default EUR)
  --locale <tag>              locale when a delivery names none (default en-GB)
  --templates <dir>           template directory (default adapters/templates)
  API key: environment RELEVANCE_API_KEY (sent as "authorization: Bearer …")
  TLS: environment RELEVANCE_TLS_CA_FILE (PEM CAs of the server's certificate), and for an mTLS
       server RELEVANCE_TLS_CLIENT_CERT_FILE and RELEVANCE_TLS_CLIENT_KEY_FILE (PEM); none set: plaintext`;

const log: AdapterLog = (msg, fields) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);

function fail(message: string): never {
  process.stderr.write(`relevance-adapter: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        server: { type: "string", default: "127.0.0.1:50051" },
        channel: { type: "string" },
        sink: { type: "string", default: "stdout" },
        consumer: { type: "string" },
        "state-dir": { type: "string", default: ".relevance-adapter" },
        credits: { type: "string", default: "256" },
        "dedupe-window-ms": { type: "string", default: String(7 * 24 * 3600_000) },
        currency: { type: "string" },
        locale: { type: "string" },
        templates: { type: "string" },
      },
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (e) {
    fail((e as Error).message);
  }
  const channel = values.channel as ChannelName | undefined;
  if (channel === undefined || !(channel in CHANNEL_NUMBERS)) {
    fail(`--channel: required, one of ${Object.keys(CHANNEL_NUMBERS).join(", ")}`);
  }
  const consumer = values.consumer ?? `${channel}-${hostname()}`;
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(consumer)) fail("--consumer: 1..128 characters of [A-Za-z0-9._-]");
  const credits = Number(values.credits);
  if (!Number.isInteger(credits) || credits < 1 || credits > 65_536)
    fail("--credits: an integer in [1, 65536]");
  const windowMs = Number(values["dedupe-window-ms"]);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1000)
    fail("--dedupe-window-ms: an integer of at least 1000");

  let spec: ReturnType<typeof parseSink>;
  let render: ReturnType<typeof resolveRenderOptions>;
  let credentials: ReturnType<typeof clientCredentialsFromEnv>;
  try {
    credentials = clientCredentialsFromEnv(process.env);
    spec = parseSink(values.sink ?? "stdout");
    render = resolveRenderOptions({
      ...(values.currency !== undefined ? { currency: values.currency } : {}),
      ...(values.locale !== undefined ? { locale: values.locale } : {}),
      ...(values.templates !== undefined ? { templatesDir: values.templates } : {}),
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const stateDir = values["state-dir"] ?? ".relevance-adapter";
  mkdirSync(stateDir, { recursive: true });
  const ledger = await openDedupeLedger(join(stateDir, `${channel}-${consumer}.ledger.jsonl`), { windowMs });
  const sink = await openSink(spec);

  const adapter = runAdapter({
    address: values.server ?? "127.0.0.1:50051",
    channel,
    consumer,
    sink,
    ledger,
    render: (d, nowMs) => renderDelivery(d, render, nowMs),
    maxInFlight: credits,
    log,
    apiKey: process.env.RELEVANCE_API_KEY ?? "",
    credentials,
  });
  adapter.ready.then(() => log("subscribed", { channel, consumer, sink: sink.kind }));
  const stop = () => {
    adapter.stop().then(
      () => {
        log("stopped", { ...adapter.stats });
        process.exit(0);
      },
      (e: unknown) => {
        log("stop failed", { err: String(e) });
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

await main();
