import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { DecisionError } from "../errors/index.js";

/** Trailer carrying the error's stable catalogue id. */
export const ERROR_ID_TRAILER = "relevance-error-id";

/**
 * The one place errors become gRPC statuses. Known errors keep their code and
 * message; anything else becomes INTERNAL "internal error" so internals never
 * reach `details`. `onInternal` sees the original for logging.
 */
export function toServiceError(e: unknown, onInternal?: (cause: unknown) => void): Partial<ServiceError> {
  const err = DecisionError.from(e);
  if (err.kind === "INTERNAL") onInternal?.(err.cause ?? e);
  const metadata = new Metadata();
  metadata.set(ERROR_ID_TRAILER, err.id);
  return { code: err.code, details: err.message, metadata };
}
