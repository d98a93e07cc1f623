import {
  create,
  type DescMessage,
  type DescMethod,
  type DescService,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import {
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceDefinition,
  type ServiceError,
} from "@grpc/grpc-js";
import { grpcMethodShape } from "./service-definition.js";

type Unary<I extends DescMessage, O extends DescMessage> = (
  request: MessageInitShape<I>,
  options?: CallOptions,
) => Promise<MessageShape<O>>;
type ClientStreaming<I extends DescMessage, O extends DescMessage> = (
  requests: Iterable<MessageInitShape<I>>,
  options?: CallOptions,
) => Promise<MessageShape<O>>;

/** A promise-based client for one service, typed from its protobuf-es descriptor. */
export type ServiceClient<S extends DescService> = {
  [K in keyof S["method"]]: S["method"][K] extends DescMethod & {
    methodKind: "unary";
    input: infer I extends DescMessage;
    output: infer O extends DescMessage;
  }
    ? Unary<I, O>
    : S["method"][K] extends DescMethod & {
          methodKind: "client_streaming";
          input: infer I extends DescMessage;
          output: infer O extends DescMessage;
        }
      ? ClientStreaming<I, O>
      : never;
} & { close(): void; readonly raw: Client };

/**
 * Creates a grpc-js client for a protobuf-es service: the CLI, the tests and
 * the benchmarks call the server through it. Unary and client-streaming methods
 * are supported.
 */
export function createServiceClient<S extends DescService>(
  service: S,
  address: string,
  options: {
    credentials?: ChannelCredentials;
    channelOptions?: ChannelOptions;
    /** Sent with every call, e.g. `{ authorization: "Bearer <API key>" }`. */
    metadata?: Readonly<Record<string, string>>;
  } = {},
): ServiceClient<S> {
  const metadata = () => {
    const m = new Metadata();
    for (const [k, v] of Object.entries(options.metadata ?? {})) m.set(k, v);
    return m;
  };
  const def: Record<string, ServiceDefinition[string]> = {};
  for (const m of service.methods) {
    def[m.localName] = {
      ...grpcMethodShape(service, m),
      requestSerialize: (msg: MessageShape<DescMessage>) => Buffer.from(toBinary(m.input, msg)),
      requestDeserialize: (b: Buffer) => fromBinary(m.input, b),
      responseSerialize: (msg: MessageShape<DescMessage>) => Buffer.from(toBinary(m.output, msg)),
      responseDeserialize: (b: Buffer) => fromBinary(m.output, b),
    };
  }
  const Ctor = makeGenericClientConstructor(def, service.typeName);
  const raw = new Ctor(
    address,
    options.credentials ?? credentials.createInsecure(),
    options.channelOptions ?? {},
  );
  const client: Record<string, unknown> = { raw, close: () => raw.close() };
  const untyped = raw as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const m of service.methods) {
    const call = untyped[m.localName]!.bind(raw);
    if (m.methodKind === "unary") {
      client[m.localName] = (req: MessageInitShape<DescMessage>, opts: CallOptions = {}) =>
        new Promise((resolve, reject) => {
          call(create(m.input, req), metadata(), opts, (err: ServiceError | null, res: unknown) =>
            err ? reject(err) : resolve(res),
          );
        });
    } else if (m.methodKind === "client_streaming") {
      client[m.localName] = (reqs: Iterable<MessageInitShape<DescMessage>>, opts: CallOptions = {}) =>
        new Promise((resolve, reject) => {
          const stream = call(metadata(), opts, (err: ServiceError | null, res: unknown) =>
            err ? reject(err) : resolve(res),
          ) as { write(m: unknown): boolean; end(): void };
          for (const r of reqs) stream.write(create(m.input, r));
          stream.end();
        });
    }
  }
  return client as ServiceClient<S>;
}
