import { status } from "@grpc/grpc-js";

/**
 * Every error the service can return, each with a stable id and its gRPC code.
 * Ids are never reused or renumbered: callers and dashboards key on them. The
 * id travels in the `relevance-error-id` trailer; a test checks this catalogue.
 */
export const ErrorCatalogue = {
  /** A request field is missing or out of its domain. */
  INVALID_FIELD: { id: "RL1001", code: status.INVALID_ARGUMENT },
  /** The request bytes are not a valid message of the method's type. */
  MALFORMED_MESSAGE: { id: "RL1002", code: status.INVALID_ARGUMENT },
  /** A repeated field or string is longer than a configured limit. */
  LIMIT_EXCEEDED: { id: "RL1003", code: status.INVALID_ARGUMENT },
  /** The message is larger than the server accepts. */
  MESSAGE_TOO_LARGE: { id: "RL1004", code: status.RESOURCE_EXHAUSTED },
  /** The caller's deadline passed before the decision was made. */
  DEADLINE_EXCEEDED: { id: "RL1005", code: status.DEADLINE_EXCEEDED },
  /** The caller cancelled the call. */
  CANCELLED: { id: "RL1006", code: status.CANCELLED },
  /** The server has no room for more work right now. */
  OVERLOADED: { id: "RL1007", code: status.RESOURCE_EXHAUSTED },
  /** The server is starting or stopping, or a store it needs (the event log) is unavailable: retry. */
  UNAVAILABLE: { id: "RL1008", code: status.UNAVAILABLE },
  /** A SKU named by an admin request is not in the catalog. */
  NOT_FOUND: { id: "RL1009", code: status.NOT_FOUND },
  /** A change cannot be applied to the current state (for example a full catalog). */
  FAILED_PRECONDITION: { id: "RL1010", code: status.FAILED_PRECONDITION },
  /** A policy (SetPolicy) breaks the schema's rules; the message names the first problems by path. */
  INVALID_POLICY: { id: "RL1011", code: status.INVALID_ARGUMENT },
  /** No API key, or one the server does not know (with API keys configured). */
  UNAUTHENTICATED: { id: "RL1012", code: status.UNAUTHENTICATED },
  /** The caller's key does not allow the method, or the method needs the admin scope. */
  PERMISSION_DENIED: { id: "RL1013", code: status.PERMISSION_DENIED },
  /** The caller is over its rate limit. */
  RATE_LIMITED: { id: "RL1014", code: status.RESOURCE_EXHAUSTED },
  /** Anything unexpected. Details never leave the server. */
  INTERNAL: { id: "RL1999", code: status.INTERNAL },
} as const;

export type ErrorKind = keyof typeof ErrorCatalogue;
