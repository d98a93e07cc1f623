import { Channel, isChannel } from "../domain/channel.js";
import { DAY_MS } from "../profile/features/feature-time.js";

/** What can fire a triggered decision. */
export const TRIGGER_KINDS = [
  "cart_abandonment",
  "browse_abandonment",
  "replenishment",
  "life_event",
  "win_back",
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** Returns true when `s` names a trigger kind. */
export function isTriggerKind(s: string): s is TriggerKind {
  return (TRIGGER_KINDS as readonly string[]).includes(s);
}

/** How one kind of trigger is decided and delivered. */
export interface TriggerKindOptions {
  /** Timers of this kind are planned and fired. @default true */
  enabled: boolean;
  /** The policy use case its decisions are made for. @default see DEFAULT_TRIGGER_CONFIG */
  useCase: string;
  /** A `Channel` number the decision is asked for (the policy may fall back to another). @default Channel.EMAIL */
  channel: Channel;
  /** Items per decision, 1..1000. @default 3 */
  limit: number;
}

/** The resolved trigger settings (`resolveTriggerConfig`), frozen. */
export interface TriggerConfig {
  readonly kinds: Readonly<Record<TriggerKind, Readonly<TriggerKindOptions>>>;
  /** Cart abandonment fires this long after the last cart change. @default 1800000 (30 min) */
  readonly cartIdleMs: number;
  /** Browse abandonment fires this long after the last view with no add-to-cart or purchase since. @default 3600000 (60 min) */
  readonly browseIdleMs: number;
  /** A life event's trigger fires this many days before its (next) occurrence. @default 14 */
  readonly lifeEventLeadDays: number;
  /** Win-back fires after this many of the person's usual intervals between orders… @default 2 */
  readonly winBackIntervals: number;
  /** …and never sooner than this after the last purchase. @default 5184000000 (60 days) */
  readonly winBackMinMs: number;
  /** SKUs a cart or browse timer keeps, the most recently touched. @default 10 */
  readonly maxSkus: number;
  /**
   * A timer that would have fired more than this long ago (old events replayed
   * or arriving late) is not set: it would fire at once, out of context.
   * @default 86400000 (1 day)
   */
  readonly maxLateMs: number;
}

/** What a caller may give `resolveTriggerConfig`: any field, per-kind settings field by field. */
export type TriggerOptions = {
  readonly kinds?: { readonly [K in TriggerKind]?: Partial<TriggerKindOptions> };
} & { readonly [K in Exclude<keyof TriggerConfig, "kinds">]?: TriggerConfig[K] };

const kind = (useCase: string): TriggerKindOptions => ({
  enabled: true,
  useCase,
  channel: Channel.EMAIL,
  limit: 3,
});

/** The defaults: the demo policy's use cases, by e-mail. */
export const DEFAULT_TRIGGER_CONFIG: TriggerConfig = Object.freeze({
  kinds: Object.freeze({
    cart_abandonment: Object.freeze(kind("cart_abandonment")),
    browse_abandonment: Object.freeze(kind("browse_abandonment")),
    replenishment: Object.freeze(kind("replenishment")),
    life_event: Object.freeze(kind("life_events")),
    win_back: Object.freeze(kind("win_back")),
  }),
  cartIdleMs: 30 * 60_000,
  browseIdleMs: 60 * 60_000,
  lifeEventLeadDays: 14,
  winBackIntervals: 2,
  winBackMinMs: 60 * DAY_MS,
  maxSkus: 10,
  maxLateMs: DAY_MS,
});

const MAX_MS = 10 * 365 * DAY_MS;

function integer(name: string, v: unknown, min: number, max: number): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`triggers.${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
}

/**
 * Merges options over `DEFAULT_TRIGGER_CONFIG` (per kind, field by field),
 * validates every field once with a message naming it, and freezes the result.
 */
export function resolveTriggerConfig(options: TriggerOptions = {}): TriggerConfig {
  for (const k of Object.keys(options.kinds ?? {})) {
    if (!isTriggerKind(k)) {
      throw new RangeError(`triggers.kinds.${k} is not a trigger kind (one of ${TRIGGER_KINDS.join(", ")})`);
    }
  }
  const kinds = {} as Record<TriggerKind, Readonly<TriggerKindOptions>>;
  for (const k of TRIGGER_KINDS) {
    const o: TriggerKindOptions = { ...DEFAULT_TRIGGER_CONFIG.kinds[k], ...options.kinds?.[k] };
    if (typeof o.enabled !== "boolean") {
      throw new RangeError(`triggers.kinds.${k}.enabled must be a boolean, got ${String(o.enabled)}`);
    }
    if (typeof o.useCase !== "string" || o.useCase === "") {
      throw new RangeError(
        `triggers.kinds.${k}.useCase must be a non-empty string, got ${String(o.useCase)}`,
      );
    }
    if (!isChannel(o.channel)) {
      throw new RangeError(
        `triggers.kinds.${k}.channel must be a Channel number (1..7), got ${String(o.channel)}`,
      );
    }
    integer(`kinds.${k}.limit`, o.limit, 1, 1000);
    kinds[k] = Object.freeze(o);
  }
  const { kinds: _ignored, ...rest } = options;
  const c = { ...DEFAULT_TRIGGER_CONFIG, ...rest, kinds: Object.freeze(kinds) };
  integer("cartIdleMs", c.cartIdleMs, 1, MAX_MS);
  integer("browseIdleMs", c.browseIdleMs, 1, MAX_MS);
  integer("lifeEventLeadDays", c.lifeEventLeadDays, 0, 366);
  if (typeof c.winBackIntervals !== "number" || !(c.winBackIntervals >= 1 && c.winBackIntervals <= 100)) {
    throw new RangeError(
      `triggers.winBackIntervals must be a number in [1, 100], got ${String(c.winBackIntervals)}`,
    );
  }
  integer("winBackMinMs", c.winBackMinMs, 1, MAX_MS);
  integer("maxSkus", c.maxSkus, 1, 1000);
  integer("maxLateMs", c.maxLateMs, 0, MAX_MS);
  return Object.freeze(c);
}
