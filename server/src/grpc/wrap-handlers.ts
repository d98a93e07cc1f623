import type { DescService } from "@bufbuild/protobuf";
import type { Metadata, UntypedServiceImplementation } from "@grpc/grpc-js";

/** What every grpc-js server call has: its metadata and its events (a stream is ended with "error"). */
export interface AnyCall {
  readonly metadata: Metadata;
  emit(event: "error", error: unknown): boolean;
  on(event: string, listener: () => void): unknown;
  prependListener(event: "error", listener: (error: unknown) => void): unknown;
  /** Sends the response headers now (once; later calls are ignored). */
  sendMetadata(metadata: Metadata): void;
}

/**
 * How unary and client-streaming handlers answer: an error, or a response
 * with optional trailers (`trailer` given with an error replaces its metadata).
 */
export type AnyCallback = (error: unknown, response?: unknown, trailer?: Metadata, flags?: number) => void;

/** A handler of any method kind: unary and client-streaming ones get `callback`. */
export type AnyHandler = (call: AnyCall, callback?: AnyCallback) => void;

/** The method a wrapper is made for. */
export interface WrappedMethod {
  /** `<package.Service>/<Method>`. */
  readonly path: string;
  /** Unary and client-streaming methods answer once, through the callback. */
  readonly answersOnce: boolean;
}

/**
 * Wraps every handler `handlers` has for `service` with `wrap`; the one loop
 * behind authorisation, the request log and metrics, so all see the same method paths and kinds.
 */
export function wrapHandlers(
  service: DescService,
  handlers: UntypedServiceImplementation,
  wrap: (method: WrappedMethod, inner: AnyHandler) => AnyHandler,
): UntypedServiceImplementation {
  const out: Record<string, unknown> = {};
  for (const m of service.methods) {
    const inner = handlers[m.localName] as unknown as AnyHandler | undefined;
    if (inner === undefined) continue;
    const answersOnce = m.methodKind === "unary" || m.methodKind === "client_streaming";
    out[m.localName] = wrap({ path: `${service.typeName}/${m.name}`, answersOnce }, inner);
  }
  return out as UntypedServiceImplementation;
}
