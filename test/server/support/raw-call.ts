import { connect } from "node:http2";
import {
  create,
  type DescMessage,
  type DescService,
  type MessageInitShape,
  toBinary,
} from "@bufbuild/protobuf";
import { Client, credentials, Metadata } from "@grpc/grpc-js";

/** How a call ended, with both kinds of response metadata. */
export interface Answer {
  readonly code: number;
  readonly details: string;
  /** Response headers; null for a trailers-only answer. */
  readonly headers: Metadata | null;
  readonly trailers: Metadata;
  /** The response message's bytes, or null. */
  readonly response: Buffer | null;
}

/** A grpc-js client for any unary or bidi method of the relevance.v1 services that shows headers and trailers. */
export interface RawCaller {
  unary<I extends DescMessage>(
    service: DescService,
    method: string,
    input: I,
    request: MessageInitShape<I>,
    metadata?: Readonly<Record<string, string>>,
  ): Promise<Answer>;
  /** Opens a bidi stream, sends `requests`, half-closes, and resolves when it ends. */
  bidi<I extends DescMessage>(
    service: DescService,
    method: string,
    input: I,
    requests: readonly MessageInitShape<I>[],
    metadata?: Readonly<Record<string, string>>,
  ): Promise<Answer>;
  close(): void;
}

const same = (b: Buffer) => b;

function metadataOf(entries: Readonly<Record<string, string>>): Metadata {
  const m = new Metadata();
  for (const [k, v] of Object.entries(entries)) m.set(k, v);
  return m;
}

export function rawCaller(address: string): RawCaller {
  const client = new Client(address, credentials.createInsecure());
  const path = (service: DescService, method: string) => `/${service.typeName}/${method}`;
  return {
    unary(service, method, input, request, metadata = {}) {
      return new Promise((resolve) => {
        let headers: Metadata | null = null;
        let response: Buffer | null = null;
        const call = client.makeUnaryRequest(
          path(service, method),
          same,
          same,
          Buffer.from(toBinary(input, create(input, request))),
          metadataOf(metadata),
          {},
          (_e, r) => {
            response = r ?? null;
          },
        );
        call.on("metadata", (m: Metadata) => {
          headers = m;
        });
        call.on("status", (s) =>
          // The callback runs before "status": the response is known here.
          setImmediate(() =>
            resolve({ code: s.code, details: s.details, headers, trailers: s.metadata, response }),
          ),
        );
      });
    },
    bidi(service, method, input, requests, metadata = {}) {
      return new Promise((resolve) => {
        let headers: Metadata | null = null;
        const call = client.makeBidiStreamRequest(
          path(service, method),
          same,
          same,
          metadataOf(metadata),
          {},
        );
        call.on("metadata", (m: Metadata) => {
          headers = m;
        });
        call.on("data", () => {});
        call.on("error", () => {});
        call.on("status", (s) =>
          resolve({ code: s.code, details: s.details, headers, trailers: s.metadata, response: null }),
        );
        for (const r of requests) call.write(Buffer.from(toBinary(input, create(input, r))));
        call.end();
      });
    },
    close: () => client.close(),
  };
}

/**
 * One unary gRPC call over plain HTTP/2, with headers grpc-js clients refuse
 * to send (non-printable values); resolves with the response headers and
 * trailers merged.
 */
export function http2Unary(
  address: string,
  path: string,
  message: Uint8Array,
  headers: Readonly<Record<string, string>>,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://${address}`);
    session.on("error", reject);
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, 5);
    const req = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
      ...headers,
    });
    const out: Record<string, unknown> = {};
    req.on("response", (h) => Object.assign(out, h));
    req.on("trailers", (t) => Object.assign(out, t));
    req.on("error", reject);
    req.on("close", () => {
      session.close();
      resolve(out);
    });
    req.resume();
    req.end(frame);
  });
}
