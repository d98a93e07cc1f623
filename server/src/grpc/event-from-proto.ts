import { isChannel } from "../domain/channel.js";
import { Consent } from "../domain/consent.js";
import type { LIFE_EVENT_TYPES, PersonEvent, PurchaseLine } from "../domain/event.js";
import { exceedsLimit } from "../errors/index.js";
import { type Event, LifeEventType, Purpose } from "../gen/relevance/v1/events_pb.js";
import { IdentifierError, type IdentifierHasher } from "../identity/identifier-hasher.js";

/** Limits an event is checked against; each names its option in error messages. */
export interface EventLimits {
  /** @see ServerOptions.maxUserIdLength */
  readonly maxUserIdLength: number;
  /** @see ServerOptions.maxSkuLength */
  readonly maxSkuLength: number;
  /** Longest event id, order id, store id, variant, promo code. @see ServerOptions.maxEventIdLength */
  readonly maxEventIdLength: number;
  /** Longest query or category path. @see ServerOptions.maxEventTextLength */
  readonly maxEventTextLength: number;
  /** Lines per purchase. @see ServerOptions.maxOrderLines */
  readonly maxOrderLines: number;
  /** How far in the future a timestamp may be (clock skew). @see ServerOptions.maxEventFutureMs */
  readonly maxEventFutureMs: number;
  /** How old an event may be. @see ServerOptions.maxEventAgeMs */
  readonly maxEventAgeMs: number;
}

/** Why one event was rejected: the field at fault and the problem. */
export interface EventProblem {
  readonly field: string;
  readonly message: string;
}

export type EventConversion =
  | { readonly ok: true; readonly event: PersonEvent }
  | ({ readonly ok: false } & EventProblem);

class Problem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const PURPOSE_BITS: Readonly<Record<number, number>> = {
  [Purpose.PERSONALIZATION]: Consent.PERSONALIZATION,
  [Purpose.EMAIL]: Consent.EMAIL,
  [Purpose.SMS]: Consent.SMS,
  [Purpose.PUSH]: Consent.PUSH,
  [Purpose.IN_STORE]: Consent.IN_STORE,
  [Purpose.ADS]: Consent.ADS,
};

const LIFE_EVENTS: Readonly<Record<number, (typeof LIFE_EVENT_TYPES)[number]>> = {
  [LifeEventType.BIRTHDAY]: "birthday",
  [LifeEventType.WEDDING]: "wedding",
  [LifeEventType.ANNIVERSARY]: "anniversary",
  [LifeEventType.NEW_BABY]: "new_baby",
  [LifeEventType.GRADUATION]: "graduation",
  [LifeEventType.MOVE]: "move",
};

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_DWELL_MS = 24 * 3600 * 1000;
const MAX_QUANTITY = 10_000;

/**
 * Checks one event of a Track call and turns it into the domain event the log
 * keeps. Never throws for bad input: the problem comes back with the field
 * path (`events[3].purchase.lines[0].unit_price`), so the rest of the batch
 * can still be accepted. Identifiers are hashed here, so no raw identifier
 * goes further than this function.
 */
export function eventFromProto(
  e: Event,
  path: string,
  limits: EventLimits,
  hasher: IdentifierHasher,
  nowMs: number,
): EventConversion {
  try {
    return { ok: true, event: convert(e, path, limits, hasher, nowMs) };
  } catch (error) {
    if (error instanceof Problem) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}

function text(value: string, field: string, max: number, option: string, required: boolean): string {
  if (required && value.length === 0) throw new Problem(field, `${field}: required`);
  if (value.length > max)
    throw new Problem(field, exceedsLimit(field, value.length, max, option, " characters"));
  return value;
}

function price(value: number, field: string, required: boolean): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new Problem(field, `${field}: must be a finite number ≥ 0, got ${value}`);
  }
  if (required && value === 0) throw new Problem(field, `${field}: required, must be > 0`);
  return value;
}

function quantity(value: number, field: string): number {
  if (value < 1 || value > MAX_QUANTITY) {
    throw new Problem(field, `${field}: must be in 1..${MAX_QUANTITY}, got ${value}`);
  }
  return value;
}

function convert(
  e: Event,
  path: string,
  limits: EventLimits,
  hasher: IdentifierHasher,
  nowMs: number,
): PersonEvent {
  const eventId = text(e.eventId, `${path}.event_id`, limits.maxEventIdLength, "maxEventIdLength", true);
  let userId: string;
  let anonymous: boolean;
  if (e.subject.case === "userId") {
    userId = text(e.subject.value, `${path}.user_id`, limits.maxUserIdLength, "maxUserIdLength", true);
    anonymous = false;
  } else if (e.subject.case === "anonymousId") {
    userId = text(e.subject.value, `${path}.anonymous_id`, limits.maxUserIdLength, "maxUserIdLength", true);
    anonymous = true;
  } else {
    throw new Problem(`${path}.user_id`, `${path}.user_id: required (or anonymous_id)`);
  }
  const ts = Number(e.timestampMs);
  if (ts <= 0)
    throw new Problem(`${path}.timestamp_ms`, `${path}.timestamp_ms: required, ms since the epoch`);
  if (ts > nowMs + limits.maxEventFutureMs) {
    throw new Problem(
      `${path}.timestamp_ms`,
      `${path}.timestamp_ms: ${ts - nowMs} ms in the future exceeds the limit of ${limits.maxEventFutureMs} ms (option maxEventFutureMs)`,
    );
  }
  if (ts < nowMs - limits.maxEventAgeMs) {
    throw new Problem(
      `${path}.timestamp_ms`,
      `${path}.timestamp_ms: ${nowMs - ts} ms old exceeds the limit of ${limits.maxEventAgeMs} ms (option maxEventAgeMs)`,
    );
  }
  if (!isChannel(e.channel)) {
    throw new Problem(
      `${path}.channel`,
      `${path}.channel: required, one of the Channel values, got ${e.channel}`,
    );
  }
  // The common fields are written out in each literal, not spread from one
  // object: a spread copy given more properties gets a new hidden class every
  // time on Node 20's V8 (see `decisionOf` in decision-pipeline.ts).
  const channel = e.channel;
  const sku = (v: string, field: string) => text(v, field, limits.maxSkuLength, "maxSkuLength", true);
  const category = (v: string, field: string) =>
    text(v, field, limits.maxEventTextLength, "maxEventTextLength", false);
  const short = (v: string, field: string, required: boolean) =>
    text(v, field, limits.maxEventIdLength, "maxEventIdLength", required);

  const p = e.payload;
  switch (p.case) {
    case "viewItem": {
      const at = `${path}.view_item`;
      return {
        eventId,
        userId,
        anonymous,
        timestampMs: ts,
        channel,
        kind: "view_item",
        sku: sku(p.value.sku, `${at}.sku`),
        category: category(p.value.category, `${at}.category`),
        price: price(p.value.price, `${at}.price`, false),
      };
    }
    case "addToCart": {
      const at = `${path}.add_to_cart`;
      return {
        eventId,
        userId,
        anonymous,
        timestampMs: ts,
        channel,
        kind: "add_to_cart",
        sku: sku(p.value.sku, `${at}.sku`),
        quantity: quantity(p.value.quantity, `${at}.quantity`),
        variant: short(p.value.variant, `${at}.variant`, false),
        price: price(p.value.price, `${at}.price`, false),
      };
    }
    case "removeFromCart": {
      const at = `${path}.remove_from_cart`;
      return {
        eventId,
        userId,
        anonymous,
        timestampMs: ts,
        channel,
        kind: "remove_from_cart",
        sku: sku(p.value.sku, `${at}.sku`),
        quantity: quantity(p.value.quantity, `${at}.quantity`),
      };
    }
    case "purchase": {
      const at = `${path}.purchase`;
      const lines = p.value.lines;
      if (lines.length === 0) throw new Problem(`${at}.lines`, `${at}.lines: required, at least one line`);
      if (lines.length > limits.maxOrderLines) {
        throw new Problem(
          `${at}.lines`,
          exceedsLimit(`${at}.lines`, lines.length, limits.maxOrderLines, "maxOrderLines"),
        );
      }
      const out: PurchaseLine[] = lines.map((l, i) => {
        const lp = `${at}.lines[${i}]`;
        const unitPrice = price(l.unitPrice, `${lp}.unit_price`, true);
        const discount = price(l.discount, `${lp}.discount`, false);
        return {
          sku: sku(l.sku, `${lp}.sku`),
          quantity: quantity(l.quantity, `${lp}.quantity`),
          unitPrice,
          discount,
          category: category(l.category, `${lp}.category`),
        };
      });
      return {
        eventId,
        userId,
        anonymous,
        timestampMs: ts,
        channel,
        kind: "purchase",
        orderId: short(p.value.orderId, `${at}.order_id`, true),
        lines: out,
        promoCode: short(p.value.promoCode, `${at}.promo_code`, false),
      };
    }
    case "search": {
      const at = `${path}.search`;
      return {
        eventId,
        userId,
        anonymous,
        timestampMs: ts,
        channel,
        kind: "search",
        query: text(p.value.query, `${at}.query`, limits.maxEventTextLength, "maxEventTextLength", true),
        resultCount: p.value.resultCount,
      };
    }
    case "sessionSignal": {
      const at = `${path}.session_signal`;
      const depth = p.value.scrollDepth;
      if (!(depth >= 0 && depth <= 1)) {
        throw new Problem(`${at}.scroll_depth`, `${at}.scroll_depth: must be in [0, 1], got ${depth}`);
      }
      if (p.value.dwellMs > MAX_DWELL_MS) {
        throw new Problem(
          `${at}.dwell_ms`,
          `${at}.dwell_ms: must be at most ${MAX_DWELL_MS} (a day), got ${p.value.dwellMs}`,
        );
      }
      return {
        eventId,
        userId,
        anonymous,
        timestampMs: ts,
        channel,
        kind: "session_signal",
        sku: text(p.value.sku, `${at}.sku`, limits.maxSkuLength, "maxSkuLength", false),
        scrollDepth: depth,
        dwellMs: p.value.dwellMs,
      };
    }
    case "storeVisit":
      return {
        eventId,
        userId,
        anonymous,
        timestampMs: ts,
        channel,
        kind: "store_visit",
        storeId: short(p.value.storeId, `${path}.store_visit.store_id`, true),
      };
    case "lifeEvent": {
      const at = `${path}.life_event`;
      const type = LIFE_EVENTS[p.value.type];
      if (type === undefined) {
        throw new Problem(
          `${at}.type`,
          `${at}.type: required, one of the LifeEventType values, got ${p.value.type}`,
        );
      }
      const m = DAY.exec(p.value.date);
      const day = m === null ? Number.NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
      if (m === null || Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== p.value.date) {
        throw new Problem(
          `${at}.date`,
          `${at}.date: must be a day "YYYY-MM-DD", got ${JSON.stringify(p.value.date.slice(0, 32))}`,
        );
      }
      return {
        eventId,
        userId,
        anonymous,
        timestampMs: ts,
        channel,
        kind: "life_event",
        lifeEvent: type,
        date: p.value.date,
        recurring: p.value.recurring,
      };
    }
    case "consentUpdate": {
      const at = `${path}.consent_update`;
      let granted = 0;
      let denied = 0;
      p.value.changes.forEach((c, i) => {
        const bit = PURPOSE_BITS[c.purpose];
        if (bit === undefined) {
          throw new Problem(
            `${at}.changes[${i}].purpose`,
            `${at}.changes[${i}].purpose: required, one of the Purpose values, got ${c.purpose}`,
          );
        }
        if (c.granted) granted |= bit;
        else denied |= bit;
      });
      // A purpose both granted and withdrawn in one update is withdrawn.
      granted &= ~denied;
      if (granted === 0 && denied === 0 && !p.value.globalOptOut) {
        throw new Problem(`${at}.changes`, `${at}.changes: required, at least one change or global_opt_out`);
      }
      return {
        eventId,
        userId,
        anonymous,
        timestampMs: ts,
        channel,
        kind: "consent_update",
        granted,
        denied,
        globalOptOut: p.value.globalOptOut,
      };
    }
    case "identify": {
      const at = `${path}.identify.identifiers`;
      const ids = p.value.identifiers;
      if (ids === undefined || (ids.email === "" && ids.phone === "" && ids.loyaltyId === "")) {
        throw new Problem(at, `${at}: required, at least one of email, phone, loyalty_id`);
      }
      try {
        return {
          eventId,
          userId,
          anonymous,
          timestampMs: ts,
          channel,
          kind: "identify",
          identifiers: hasher.hashIdentifiers(ids),
        };
      } catch (error) {
        if (error instanceof IdentifierError) {
          // The message never repeats the value: it is personal data.
          throw new Problem(`${at}.${error.field}`, `${at}.${error.field}: ${error.message}`);
        }
        throw error;
      }
    }
    default:
      throw new Problem(
        `${path}.payload`,
        `${path}.payload: required, one event type this server knows (view_item, add_to_cart, remove_from_cart, purchase, search, session_signal, store_visit, life_event, consent_update, identify)`,
      );
  }
}
