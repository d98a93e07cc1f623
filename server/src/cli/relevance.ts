#!/usr/bin/env node
/**
 * `relevance`: call a running server from a shell.
 *
 *   relevance decide --user ID --channel web --use-case search [--candidates SKU,SKU:0.9,…]
 *                    [--store ID] [--limit N] [--explain] [--addr host:port] [--deadline-ms N]
 *   relevance catalog-info [--addr host:port]
 *   relevance set-stock --sku SKU --quantity N [--store ID] [--addr host:port]
 *   relevance track --user ID (--view SKU | --cart SKU | --purchase SKU:PRICE[,SKU:PRICE…] [--promo CODE]
 *                   | --grant PURPOSE,… | --withdraw PURPOSE,…) [--channel web]
 *   relevance get-person --user ID
 *   relevance identify --user ID [--email E] [--phone P] [--loyalty-id L]
 *   relevance forget --user ID
 *
 * Prints the response as JSON, with enum names instead of numbers. A gRPC
 * error prints its code and message on stderr and exits 1.
 *
 * Environment: RELEVANCE_API_KEY (sent as "authorization: Bearer …"),
 * RELEVANCE_TLS_CA_FILE (PEM CAs of the server's certificate: dial over TLS),
 * RELEVANCE_TLS_CLIENT_CERT_FILE and RELEVANCE_TLS_CLIENT_KEY_FILE (PEM: the
 * client certificate an mTLS server asks for). None set: plaintext.
 */
import { parseArgs } from "node:util";
import { type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { CHANNEL_NAMES } from "../domain/channel.js";
import {
  CatalogService,
  GetCatalogInfoResponseSchema,
  SetStockResponseSchema,
} from "../gen/relevance/v1/catalog_pb.js";
import { DecideResponseSchema, DecisionService } from "../gen/relevance/v1/decision_pb.js";
import {
  type EventSchema,
  EventService,
  ForgetResponseSchema,
  GetPersonResponseSchema,
  IdentifyResponseSchema,
  PersonService,
  Purpose,
  TrackResponseSchema,
} from "../gen/relevance/v1/events_pb.js";
import { clientCredentialsFromEnv } from "../grpc/client-credentials.js";
import { createServiceClient } from "../grpc/service-client.js";

type EventInit = Exclude<MessageInitShape<typeof EventSchema>, { $typeName: "relevance.v1.Event" }>;

const PURPOSES: Readonly<Record<string, Purpose>> = {
  personalization: Purpose.PERSONALIZATION,
  email: Purpose.EMAIL,
  sms: Purpose.SMS,
  push: Purpose.PUSH,
  in_store: Purpose.IN_STORE,
  ads: Purpose.ADS,
};

const USAGE = `usage:
  relevance decide --user ID --channel CHANNEL --use-case ID [--candidates SKU[:BASE],…] [--store ID]
                   [--limit N] [--explain] [--addr host:port] [--deadline-ms N]
  relevance catalog-info [--addr host:port]
  relevance set-stock --sku SKU --quantity N [--store ID] [--addr host:port]
  relevance track --user ID (--view SKU | --cart SKU | --purchase SKU:PRICE[,…] [--promo CODE]
                  | --grant PURPOSE,… | --withdraw PURPOSE,…) [--channel CHANNEL]
  relevance get-person --user ID
  relevance identify --user ID [--email E] [--phone P] [--loyalty-id L]
  relevance forget --user ID
channels: ${Object.values(CHANNEL_NAMES).join(", ")}
purposes: ${Object.keys(PURPOSES).join(", ")}
environment: RELEVANCE_API_KEY; RELEVANCE_TLS_CA_FILE (TLS), RELEVANCE_TLS_CLIENT_CERT_FILE and
  RELEVANCE_TLS_CLIENT_KEY_FILE (mTLS)`;

function purposes(
  flag: string,
  list: string | undefined,
  granted: boolean,
): { purpose: Purpose; granted: boolean }[] {
  if (list === undefined || list === "") return [];
  return list.split(",").map((name) => {
    const purpose = PURPOSES[name];
    if (purpose === undefined) {
      throw new Error(`--${flag}: ${JSON.stringify(name)} is not one of ${Object.keys(PURPOSES).join(", ")}`);
    }
    return { purpose, granted };
  });
}

/** The one event `relevance track` sends, from its flags. */
function trackedPayload(
  values: Record<string, string | boolean | undefined>,
): NonNullable<EventInit["payload"]> {
  const given = ["view", "cart", "purchase", "grant", "withdraw"].filter((f) => values[f] !== undefined);
  if (given.length !== 1)
    throw new Error("track needs exactly one of --view, --cart, --purchase, --grant, --withdraw");
  if (typeof values.view === "string") return { case: "viewItem", value: { sku: values.view } };
  if (typeof values.cart === "string") return { case: "addToCart", value: { sku: values.cart, quantity: 1 } };
  if (typeof values.purchase === "string") {
    const lines = values.purchase.split(",").map((part) => {
      const i = part.lastIndexOf(":");
      const price = Number(part.slice(i + 1));
      if (i < 0 || !(price > 0)) throw new Error(`--purchase: ${JSON.stringify(part)} is not SKU:PRICE`);
      return { sku: part.slice(0, i), quantity: 1, unitPrice: price };
    });
    const promo = typeof values.promo === "string" ? values.promo : "";
    return { case: "purchase", value: { orderId: `cli-${Date.now()}`, lines, promoCode: promo } };
  }
  const changes = [
    ...purposes("grant", values.grant as string | undefined, true),
    ...purposes("withdraw", values.withdraw as string | undefined, false),
  ];
  return { case: "consentUpdate", value: { changes } };
}

function channelNumber(name: string): number {
  for (const [n, v] of Object.entries(CHANNEL_NAMES)) if (v === name) return Number(n);
  throw new Error(
    `--channel: ${JSON.stringify(name)} is not one of ${Object.values(CHANNEL_NAMES).join(", ")}`,
  );
}

function parseCandidates(list: string | undefined): { sku: string; baseScore?: number }[] {
  if (list === undefined || list === "") return [];
  return list.split(",").map((part) => {
    const i = part.lastIndexOf(":");
    if (i < 0) return { sku: part };
    const base = Number(part.slice(i + 1));
    if (!Number.isFinite(base))
      throw new Error(`--candidates: ${JSON.stringify(part)} has a base score that is not a number`);
    return { sku: part.slice(0, i), baseScore: base };
  });
}

function int(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      addr: { type: "string", default: "127.0.0.1:50051" },
      user: { type: "string" },
      channel: { type: "string", default: "web" },
      "use-case": { type: "string", default: "homepage" },
      placement: { type: "string", default: "" },
      candidates: { type: "string" },
      store: { type: "string", default: "" },
      limit: { type: "string" },
      explain: { type: "boolean", default: false },
      "deadline-ms": { type: "string" },
      sku: { type: "string" },
      quantity: { type: "string" },
      view: { type: "string" },
      cart: { type: "string" },
      purchase: { type: "string" },
      promo: { type: "string" },
      grant: { type: "string" },
      withdraw: { type: "string" },
      email: { type: "string", default: "" },
      phone: { type: "string", default: "" },
      "loyalty-id": { type: "string", default: "" },
    },
  });
  const user = (): string => {
    if (values.user === undefined) throw new Error("--user is required");
    return values.user;
  };
  const deadline = Date.now() + int("deadline-ms", values["deadline-ms"], 2000);
  const print = (json: unknown) => process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  // Every client of this run dials the same way: TLS from the environment, the API key as metadata on top.
  const apiKey = process.env.RELEVANCE_API_KEY ?? "";
  const dial = {
    credentials: clientCredentialsFromEnv(process.env),
    ...(apiKey !== "" ? { metadata: { authorization: `Bearer ${apiKey}` } } : {}),
  };

  switch (command) {
    case "decide": {
      if (values.user === undefined) throw new Error("--user is required");
      const client = createServiceClient(DecisionService, values.addr, dial);
      try {
        const res = await client.decide(
          {
            userId: values.user,
            channel: channelNumber(values.channel),
            useCase: values["use-case"],
            placement: values.placement,
            context: { storeId: values.store },
            candidates: parseCandidates(values.candidates),
            limit: int("limit", values.limit, 0),
            explain: values.explain,
          },
          { deadline },
        );
        print(toJson(DecideResponseSchema, res, { alwaysEmitImplicit: true, enumAsInteger: false }));
      } finally {
        client.close();
      }
      return;
    }
    case "catalog-info": {
      const client = createServiceClient(CatalogService, values.addr, dial);
      try {
        print(toJson(GetCatalogInfoResponseSchema, await client.getCatalogInfo({}, { deadline })));
      } finally {
        client.close();
      }
      return;
    }
    case "set-stock": {
      if (values.sku === undefined || values.quantity === undefined)
        throw new Error("--sku and --quantity are required");
      const client = createServiceClient(CatalogService, values.addr, dial);
      try {
        const res = await client.setStock(
          {
            updates: [
              { sku: values.sku, storeId: values.store, quantity: int("quantity", values.quantity, 0) },
            ],
          },
          { deadline },
        );
        print(toJson(SetStockResponseSchema, res));
      } finally {
        client.close();
      }
      return;
    }
    case "track": {
      const client = createServiceClient(EventService, values.addr, dial);
      try {
        const res = await client.track(
          {
            events: [
              {
                eventId: `cli-${process.pid}-${Date.now()}`,
                subject: { case: "userId", value: user() },
                timestampMs: BigInt(Date.now()),
                channel: channelNumber(values.channel),
                payload: trackedPayload(values),
              },
            ],
          },
          { deadline },
        );
        print(toJson(TrackResponseSchema, res, { alwaysEmitImplicit: true }));
      } finally {
        client.close();
      }
      return;
    }
    case "get-person":
    case "identify":
    case "forget": {
      const client = createServiceClient(PersonService, values.addr, dial);
      try {
        if (command === "get-person") {
          print(toJson(GetPersonResponseSchema, await client.getPerson({ userId: user() }, { deadline })));
        } else if (command === "identify") {
          const identifiers = { email: values.email, phone: values.phone, loyaltyId: values["loyalty-id"] };
          print(
            toJson(
              IdentifyResponseSchema,
              await client.identify({ userId: user(), identifiers }, { deadline }),
            ),
          );
        } else {
          print(toJson(ForgetResponseSchema, await client.forget({ userId: user() }, { deadline })));
        }
      } finally {
        client.close();
      }
      return;
    }
    default:
      throw new Error(
        command === undefined ? "a command is required" : `unknown command ${JSON.stringify(command)}`,
      );
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const err = e as { code?: number; details?: string; message?: string };
  if (typeof err.code === "number" && err.details !== undefined) {
    process.stderr.write(`relevance: ${status[err.code] ?? err.code}: ${err.details}\n`);
  } else {
    process.stderr.write(`relevance: ${err.message ?? String(e)}\n${USAGE}\n`);
  }
  process.exit(1);
});
