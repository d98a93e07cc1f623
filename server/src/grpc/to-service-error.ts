import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { DecisionError } from "../errors/index.js";

/** Trailer carrying the error's stable catalogue id. */
export const ERROR_ID_TRAILER = "relevance-error-id";

/** Where an INTERNAL status keeps what was caught; grpc-js never sends it. */
const INTERNAL_CAUSE = Symbol("relevance.internalCause");

/**
 * The one place errors become gRPC statuses. Known errors keep their code and
 * message; anything else becomes INTERNAL "internal error" so internals never
 * reach `details`. The original stays on the status, out of the wire format,
 * for the request log to write with the call's request id (`internalCauseOf`).
 */
export function toServiceError(e: unknown): Partial<ServiceError> {
  const err = DecisionError.from(e);
  const metadata = new Metadata();
  metadata.set(ERROR_ID_TRAILER, err.id);
  const status: Partial<ServiceError> & { [INTERNAL_CAUSE]?: unknown } = {
    code: err.code,
    details: err.message,
    metadata,
  };
  if (err.kind === "INTERNAL") status[INTERNAL_CAUSE] = err.cause ?? e;
  return status;
}

/** What an INTERNAL status from `toServiceError` was made from; undefined for any other value. */
export function internalCauseOf(status: unknown): unknown {
  return typeof status === "object" && status !== null
    ? (status as { [INTERNAL_CAUSE]?: unknown })[INTERNAL_CAUSE]
    : undefined;
}
