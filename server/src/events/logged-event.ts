import { isChannel } from "../domain/channel.js";
import type { ConsentUpdateEvent, PersonEvent } from "../domain/event.js";
import type { ConsentRecord, PersonStateStore } from "../domain/stores.js";

/** The JSON an event is kept as in the log; `decodeLoggedEvent` reads it back. */
export function encodeLoggedEvent(event: PersonEvent): string {
  return JSON.stringify(event);
}

/**
 * Applies a consent_update to the person its id resolves to. Idempotent (per
 * purpose the latest timestamp wins), so Track applying it before answering
 * and the consumer applying it again from the log agree.
 */
export function applyConsentUpdate(
  people: PersonStateStore,
  event: ConsentUpdateEvent,
  tombstone: string,
): Promise<ConsentRecord> {
  return people.updateConsent(
    event.userId,
    tombstone,
    { granted: event.granted, denied: event.denied, globalOptOut: event.globalOptOut },
    event.timestampMs,
  );
}

/** A log entry that is not an event this version understands: it goes to the dead-letter log. */
export class LoggedEventError extends Error {
  override readonly name = "LoggedEventError";
}

const KINDS = new Set<string>([
  "view_item",
  "add_to_cart",
  "remove_from_cart",
  "purchase",
  "search",
  "session_signal",
  "store_visit",
  "life_event",
  "consent_update",
  "identify",
]);

/**
 * Reads back an event written by `encodeLoggedEvent`. Track validated it
 * fully before appending; this checks the envelope again because the log
 * outlives versions of the server and can be written by hand.
 */
export function decodeLoggedEvent(data: string): PersonEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new LoggedEventError("not JSON");
  }
  if (typeof value !== "object" || value === null) throw new LoggedEventError("not an object");
  const e = value as Record<string, unknown>;
  if (typeof e.kind !== "string" || !KINDS.has(e.kind)) {
    throw new LoggedEventError(`unknown event kind ${JSON.stringify(e.kind)}`);
  }
  if (typeof e.eventId !== "string" || e.eventId === "") throw new LoggedEventError("eventId missing");
  if (typeof e.userId !== "string" || e.userId === "") throw new LoggedEventError("userId missing");
  if (typeof e.timestampMs !== "number" || !(e.timestampMs > 0))
    throw new LoggedEventError("timestampMs missing");
  if (typeof e.channel !== "number" || !isChannel(e.channel)) throw new LoggedEventError("channel invalid");
  return value as PersonEvent;
}
