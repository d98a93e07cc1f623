import { isChannel } from "../domain/channel.js";
import type { PersonEvent } from "../domain/event.js";

export { encodeLoggedEvent } from "./event-intake.js";

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
