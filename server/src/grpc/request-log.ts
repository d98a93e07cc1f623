import type { DescService } from "@bufbuild/protobuf";
import { Metadata, status, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { Logger } from "../log.js";
import { createLogLimiter } from "../log-limiter.js";
import { callerOf } from "./authorize.js";
import { createRequestIdSource, REQUEST_ID_HEADER, requestIdOf } from "./request-id.js";
import { internalCauseOf } from "./to-service-error.js";
import { type AnyCall, wrapHandlers } from "./wrap-handlers.js";

/** Options of `createRequestLog`. */
export interface RequestLogOptions {
  readonly log: Logger;
  /** Lines a second for each status code of failed calls; the rest are counted (`suppressed`). @default 10 */
  readonly linesPerSecond?: number;
  /** Ids for calls without a sane `x-request-id`. @default createRequestIdSource() */
  readonly nextId?: () => string;
}

/**
 * Request ids and call logs for every relevance.v1 service.
 *
 * Each call gets a request id (the caller's `x-request-id` when sane, else a
 * generated one) sent back as `x-request-id`: in the trailers of unary and
 * client-streaming calls, OK or not, and in the response headers of streams
 * (plus their trailers when they end in an error).
 *
 * A call that ends in an error status is logged as one JSON line: `warn`, or
 * `error` for INTERNAL, UNKNOWN and DATA_LOSS, with `request_id`, `method`,
 * `code` (the status name), `ms`, `caller` and `tenant` (when an API key named
 * them), `details` (what the client was told) and, for INTERNAL, `err`: the
 * cause `toServiceError` kept from the client. At most `linesPerSecond` lines
 * a second per code; the next line (or a `call log lines suppressed` line)
 * carries the count dropped. Successful calls are logged at `debug` only,
 * and cost nothing beyond the id and its trailer when debug is off.
 *
 * What is never logged: request or response messages. User ids, e-mails,
 * phone numbers and loyalty ids are only in messages, so they stay out; the
 * `details` a client gets name fields and limits, never values of these
 * (a test sends them and checks every line and message).
 */
export interface RequestLog {
  /** Wraps every handler of `service`; put it outside `authorize` so refusals are logged, with their caller. */
  wrap(service: DescService, handlers: UntypedServiceImplementation): UntypedServiceImplementation;
  /** Writes the counts of suppressed lines not yet reported (at shutdown). */
  flush(): void;
}

/** Codes that mean the server failed, not the caller: level `error`. */
const SERVER_FAULTS: ReadonlySet<number> = new Set([status.INTERNAL, status.UNKNOWN, status.DATA_LOSS]);

const codeName = (code: number): string => status[code] ?? String(code);

/** What grpc-js reads from a status a handler ends a call with. */
interface StatusLike {
  code?: number;
  details?: string;
  message?: string;
  metadata?: Metadata;
}

export function createRequestLog(options: RequestLogOptions): RequestLog {
  const { log } = options;
  const nextId = options.nextId ?? createRequestIdSource();
  // Read once: a logger's level does not change while the server runs.
  const debug = log.enabled?.("debug") ?? true;
  const write = (code: number, msg: string, fields: Record<string, unknown>) =>
    SERVER_FAULTS.has(code) ? log.error(msg, fields) : log.warn(msg, fields);
  const limiter = createLogLimiter({
    ...(options.linesPerSecond !== undefined ? { linesPerSecond: options.linesPerSecond } : {}),
    report: (code, suppressed) =>
      write(code, "call log lines suppressed", { code: codeName(code), suppressed }),
  });

  const ended = (
    method: string,
    id: string,
    call: AnyCall,
    startMs: number,
    code: number,
    details: string | undefined,
    cause: unknown,
  ) => {
    let suppressed = 0;
    if (code === status.OK) {
      if (!debug) return;
    } else {
      suppressed = limiter.take(code);
      if (suppressed < 0) return;
    }
    const fields: Record<string, unknown> = {
      request_id: id,
      method,
      code: codeName(code),
      ms: Math.round((performance.now() - startMs) * 100) / 100,
    };
    const caller = callerOf(call);
    if (caller !== undefined) {
      fields.caller = caller.name;
      if (caller.tenant !== "") fields.tenant = caller.tenant;
    }
    if (code === status.OK) {
      log.debug("call", fields);
      return;
    }
    if (details !== undefined) fields.details = details;
    if (cause !== undefined) fields.err = cause;
    if (suppressed > 0) fields.suppressed = suppressed;
    write(code, "call failed", fields);
  };

  /** Puts the id in the trailers an error status will be sent with. */
  const tagError = (e: StatusLike, trailer: Metadata | undefined, id: string) => {
    // A trailer passed beside an error replaces the error's own metadata (grpc-js serverErrorToStatus).
    const metadata = trailer ?? e.metadata ?? new Metadata();
    metadata.set(REQUEST_ID_HEADER, id);
    if (trailer === undefined) e.metadata = metadata;
  };

  return {
    wrap(service, handlers) {
      return wrapHandlers(service, handlers, ({ path: method, answersOnce }, inner) =>
        answersOnce
          ? (call, cb) => {
              const id = requestIdOf(call.metadata, nextId);
              const start = performance.now();
              inner(call, (e, r, trailer, flags) => {
                if (e === null || e === undefined) {
                  const t = trailer ?? new Metadata();
                  t.set(REQUEST_ID_HEADER, id);
                  if (debug) ended(method, id, call, start, status.OK, undefined, undefined);
                  cb?.(e, r, t, flags);
                  return;
                }
                const s = (typeof e === "object" ? e : {}) as StatusLike;
                if (typeof e === "object") tagError(s, trailer, id);
                ended(
                  method,
                  id,
                  call,
                  start,
                  s.code ?? status.UNKNOWN,
                  s.details ?? s.message,
                  internalCauseOf(e),
                );
                cb?.(e, r, trailer, flags);
              });
            }
          : (call) => {
              const id = requestIdOf(call.metadata, nextId);
              const start = performance.now();
              // Streams answer in headers at once: a long stream's caller should not wait for trailers.
              const headers = new Metadata();
              headers.set(REQUEST_ID_HEADER, id);
              call.sendMetadata(headers);
              let done = false;
              const end = (code: number, details?: string, cause?: unknown) => {
                if (done) return;
                done = true;
                ended(method, id, call, start, code, details, cause);
              };
              // Before grpc-js's own listener, which turns the error into the status it sends.
              call.prependListener("error", (e) => {
                const s = (typeof e === "object" && e !== null ? e : {}) as StatusLike;
                if (s !== e) return end(status.UNKNOWN, String(e));
                tagError(s, undefined, id);
                end(s.code ?? status.UNKNOWN, s.details ?? s.message, internalCauseOf(e));
              });
              call.on("finish", () => end(status.OK));
              call.on("cancelled", () => end(status.CANCELLED, "cancelled by the caller"));
              inner(call);
            },
      );
    },
    flush: () => limiter.flush(),
  };
}
