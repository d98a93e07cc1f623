import type { DescService } from "@bufbuild/protobuf";
import type { UntypedServiceImplementation } from "@grpc/grpc-js";
import { ADMIN_METHODS, type ApiKeyStore, type Caller } from "../auth/api-keys.js";
import { DecisionError } from "../errors/index.js";
import { toServiceError } from "./to-service-error.js";
import { type AnyCall, wrapHandlers } from "./wrap-handlers.js";

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** Where a call keeps the caller its key names, for the request log outside `authorize`. */
const CALLER = Symbol("relevance.caller");
type WithCaller = { [CALLER]?: Caller };

/**
 * The configured caller whose key a call presented, whether it was let in or
 * refused (over its rate, a method it may not call); undefined without API
 * keys, for an unknown or missing key, and before `authorize` has run.
 */
export function callerOf(call: AnyCall): Caller | undefined {
  return (call as WithCaller)[CALLER];
}

/** Why a call may not go ahead, or null when it may. */
function refusal(keys: ApiKeyStore, method: string, call: AnyCall, nowMs: number): DecisionError | null {
  const header = call.metadata.get("authorization")[0];
  if (header === undefined) {
    return new DecisionError(
      "UNAUTHENTICATED",
      'authorization: missing; send "authorization: Bearer <API key>"',
    );
  }
  const m = BEARER.exec(String(header));
  if (m === null) return new DecisionError("UNAUTHENTICATED", 'authorization: must be "Bearer <API key>"');
  const caller = keys.find(m[1]!);
  if (caller === null) return new DecisionError("UNAUTHENTICATED", "authorization: unknown API key");
  (call as WithCaller)[CALLER] = caller;
  if (!caller.allows(method)) {
    return new DecisionError("PERMISSION_DENIED", `caller ${caller.name} may not call ${method}`);
  }
  if (ADMIN_METHODS.has(method) && !caller.admin) {
    return new DecisionError("PERMISSION_DENIED", `caller ${caller.name}: ${method} needs the admin scope`);
  }
  if (!caller.take(nowMs)) {
    return new DecisionError(
      "RATE_LIMITED",
      `caller ${caller.name}: over its rate limit of ${caller.ratePerSecond} calls a second; retry with backoff`,
    );
  }
  return null;
}

/**
 * Wraps every handler of `service` so a call runs only for a caller whose
 * bearer token names a configured key allowed the method (and the admin
 * scope for admin methods) and within its rate: otherwise it ends at once
 * with UNAUTHENTICATED, PERMISSION_DENIED or RESOURCE_EXHAUSTED, before any
 * work. With no keys configured, `handlers` are returned as they are.
 */
export function authorize(
  service: DescService,
  handlers: UntypedServiceImplementation,
  keys: ApiKeyStore | null,
): UntypedServiceImplementation {
  if (keys === null) return handlers;
  return wrapHandlers(service, handlers, ({ path, answersOnce }, inner) => (call, callback) => {
    const no = refusal(keys, path, call, Date.now());
    if (no === null) return inner(call, callback);
    if (answersOnce) callback?.(toServiceError(no));
    else call.emit("error", toServiceError(no));
  });
}
