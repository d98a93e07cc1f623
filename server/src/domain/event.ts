import type { Channel } from "./channel.js";

/**
 * What a person did, as the service keeps it: validated, with identifiers
 * already hashed. This is what the event log holds (as JSON) and what the
 * profile consumer applies. Generated protobuf types stay at the gRPC edge.
 */
export type PersonEvent =
  | ViewItemEvent
  | AddToCartEvent
  | RemoveFromCartEvent
  | PurchaseEvent
  | SearchEvent
  | SessionSignalEvent
  | StoreVisitEvent
  | LifeEventEvent
  | ConsentUpdateEvent
  | IdentifyEvent;

export type PersonEventKind = PersonEvent["kind"];

/** Fields every event has. */
export interface EventBase {
  /** Idempotency key, unique per person. */
  readonly eventId: string;
  /** The id the event was sent for (known or anonymous); resolved to a person when applied. */
  readonly userId: string;
  /** True when the caller sent it as `anonymous_id`. */
  readonly anonymous: boolean;
  /** When it happened, ms since the epoch. */
  readonly timestampMs: number;
  readonly channel: Channel;
}

export interface ViewItemEvent extends EventBase {
  readonly kind: "view_item";
  readonly sku: string;
  /** Category path as sent ("" when the catalog's should be used). */
  readonly category: string;
  /** 0 when unknown. */
  readonly price: number;
}

export interface AddToCartEvent extends EventBase {
  readonly kind: "add_to_cart";
  readonly sku: string;
  readonly quantity: number;
  readonly variant: string;
  /** Unit price; 0 when unknown. */
  readonly price: number;
}

export interface RemoveFromCartEvent extends EventBase {
  readonly kind: "remove_from_cart";
  readonly sku: string;
  readonly quantity: number;
}

export interface PurchaseLine {
  readonly sku: string;
  readonly quantity: number;
  /** Price paid per unit, after discount. */
  readonly unitPrice: number;
  /** Discount per unit; 0 when none. */
  readonly discount: number;
  /** Category path ("" when the catalog's should be used). */
  readonly category: string;
}

export interface PurchaseEvent extends EventBase {
  readonly kind: "purchase";
  readonly orderId: string;
  readonly lines: readonly PurchaseLine[];
  /** "" when no promotion was used. */
  readonly promoCode: string;
}

export interface SearchEvent extends EventBase {
  readonly kind: "search";
  readonly query: string;
  readonly resultCount: number;
}

export interface SessionSignalEvent extends EventBase {
  readonly kind: "session_signal";
  /** The product page, "" when none. */
  readonly sku: string;
  /** In [0, 1]. */
  readonly scrollDepth: number;
  readonly dwellMs: number;
}

export interface StoreVisitEvent extends EventBase {
  readonly kind: "store_visit";
  readonly storeId: string;
}

export const LIFE_EVENT_TYPES = [
  "birthday",
  "wedding",
  "anniversary",
  "new_baby",
  "graduation",
  "move",
] as const;
export type LifeEventType = (typeof LIFE_EVENT_TYPES)[number];

export interface LifeEventEvent extends EventBase {
  readonly kind: "life_event";
  readonly lifeEvent: LifeEventType;
  /** The day, "YYYY-MM-DD". */
  readonly date: string;
  readonly recurring: boolean;
}

export interface ConsentUpdateEvent extends EventBase {
  readonly kind: "consent_update";
  /** `Consent` bits granted by this update. */
  readonly granted: number;
  /** `Consent` bits withdrawn by this update (a purpose in both is denied). */
  readonly denied: number;
  /** A global opt-out signal (Global Privacy Control). */
  readonly globalOptOut: boolean;
}

/** Kinds of known identifier a person can be linked by. */
export type IdentifierKind = "email" | "phone" | "loyalty";

/** A normalised identifier after keyed hashing: the raw value is never kept. */
export interface HashedIdentifier {
  readonly kind: IdentifierKind;
  /** Hex HMAC-SHA-256 of the normalised value. */
  readonly hash: string;
}

export interface IdentifyEvent extends EventBase {
  readonly kind: "identify";
  readonly identifiers: readonly HashedIdentifier[];
}
