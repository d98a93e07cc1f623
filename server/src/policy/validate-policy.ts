import type { DescEnum } from "@bufbuild/protobuf";
import { type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import { LIFE_EVENT_TYPES } from "../domain/event.js";
import { ChannelSchema } from "../gen/relevance/v1/common_pb.js";
import {
  CapUnitSchema,
  type Condition,
  FactSchema,
  type Offer,
  OfferKindSchema,
  type Policy as PolicyProto,
  type ScoringWeights,
  type UseCase,
} from "../gen/relevance/v1/policy_pb.js";
import { Fact, ITEM_FACTS, OfferKind } from "./policy.js";

/**
 * Every limit a policy is held to, in one place. Problems name the limit they
 * break; the proto comments state the same numbers.
 */
export const POLICY_LIMITS = Object.freeze({
  maxVersionLength: 64,
  maxNameLength: 128,
  maxHoldoutShare: 0.5,
  maxHoldoutSaltLength: 128,
  maxTimeZoneLength: 64,
  /** Scalar weights lie in [-maxWeight, maxWeight]. */
  maxWeight: 100,
  /** margin_floor lies in [-maxMarginFloor, maxMarginFloor]. */
  maxMarginFloor: 1,
  maxOffers: 1000,
  maxUseCases: 200,
  maxCaps: 200,
  maxQuietHours: 64,
  /** Per list of a use case: eligibility, boosts, offer_rules, talking_points. */
  maxRules: 64,
  /** Per rule `when`, and per offer `eligibility`. */
  maxConditions: 32,
  /** Offer, cap, use case and rule ids. */
  maxIdLength: 64,
  maxPercentOff: 0.9,
  maxAmountOff: 1_000_000,
  maxOfferMessageLength: 500,
  maxCapLimit: 1000,
  /** A year. */
  maxCapWindowSeconds: 31_536_000,
  maxBoost: 10,
  maxBoostCategories: 64,
  /** Category names in boosts and condition arguments. */
  maxCategoryLength: 128,
  maxTalkingPointLength: 300,
  maxDescriptionLength: 500,
});

const L = POLICY_LIMITS;
const VERSION = /^[A-Za-z0-9._-]+$/;
const OFFER_OR_CAP_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const USE_CASE_ID = /^[a-z0-9_]{1,64}$/;
const CHANNELS: DescEnum = ChannelSchema;
const MIN_TIMESTAMP_MS = Date.parse("0001-01-01T00:00:00Z");
const MAX_TIMESTAMP_MS = Date.parse("9999-12-31T23:59:59Z");

/**
 * Checks a policy against every rule of the schema and returns all problems,
 * each `path: what is wrong` with the path in snake_case and indexed
 * (`offers[0].value: must be at most 0.9 for OFFER_KIND_PERCENT_OFF`), naming
 * the limit broken. Empty when the policy is valid; only then may it be
 * compiled (`compilePolicy`) and put in force.
 */
export function validatePolicy(policy: PolicyProto): string[] {
  const out: string[] = [];
  const p = policy;

  if (p.version === "") out.push("version: required");
  else {
    tooLong(p.version, "version", L.maxVersionLength, out);
    if (!VERSION.test(p.version)) out.push('version: must contain only A-Z, a-z, 0-9, ".", "_" and "-"');
  }
  tooLong(p.name, "name", L.maxNameLength, out);
  inRange(p.holdoutShare, "holdout_share", 0, L.maxHoldoutShare, out);
  const shared = [p.holdoutShare, ...p.useCases.map((u) => u.holdoutShare)].some((s) => s > 0);
  if (shared && p.holdoutSalt === "") out.push("holdout_salt: required when a holdout share is set");
  tooLong(p.holdoutSalt, "holdout_salt", L.maxHoldoutSaltLength, out);
  if (p.defaultTimeZone !== "") {
    if (!tooLong(p.defaultTimeZone, "default_time_zone", L.maxTimeZoneLength, out)) {
      timeZone(p.defaultTimeZone, "default_time_zone", out);
    }
  }
  weights(p.weights, "weights", out);

  const offerIds = new Map<string, string>();
  tooMany(p.offers.length, "offers", L.maxOffers, "offers", out);
  for (const [i, o] of p.offers.entries()) offer(o, `offers[${i}]`, offerIds, out);

  const useCaseIds = new Map<string, string>();
  for (const [i, u] of p.useCases.entries()) uniqueId(u.id, `use_cases[${i}].id`, useCaseIds);

  const capIds = new Map<string, string>();
  tooMany(p.caps.length, "caps", L.maxCaps, "caps", out);
  p.caps.forEach((c, i) => {
    const path = `caps[${i}]`;
    id(c.id, `${path}.id`, OFFER_OR_CAP_ID, out, capIds);
    enumValue(c.unit, `${path}.unit`, CapUnitSchema, out);
    inRange(c.limit, `${path}.limit`, 1, L.maxCapLimit, out);
    inRange(c.windowSeconds, `${path}.window_seconds`, 1, L.maxCapWindowSeconds, out);
    channels(c.channels, `${path}.channels`, out);
    tooMany(c.useCases.length, `${path}.use_cases`, L.maxUseCases, "use cases", out);
    const named = new Set<string>();
    c.useCases.forEach((name, j) => {
      const at = `${path}.use_cases[${j}]`;
      if (!useCaseIds.has(name)) out.push(`${at}: no use case ${JSON.stringify(name)}`);
      else if (named.has(name)) out.push(`${at}: repeats ${JSON.stringify(name)}`);
      named.add(name);
    });
  });

  tooMany(p.quietHours.length, "quiet_hours", L.maxQuietHours, "quiet hours", out);
  p.quietHours.forEach((q, i) => {
    const path = `quiet_hours[${i}]`;
    const start = inRange(q.startHour, `${path}.start_hour`, 0, 23, out);
    const end = inRange(q.endHour, `${path}.end_hour`, 0, 23, out);
    if (start && end && q.startHour === q.endHour) {
      out.push(`${path}.end_hour: must differ from start_hour (both ${q.startHour})`);
    }
    if (q.channels.length === 0) out.push(`${path}.channels: required, at least one channel`);
    channels(q.channels, `${path}.channels`, out);
  });

  tooMany(p.useCases.length, "use_cases", L.maxUseCases, "use cases", out);
  const seenUseCases = new Map<string, string>();
  const offersNamed = new Set(p.offers.map((o) => o.id));
  for (const [i, u] of p.useCases.entries()) useCase(u, `use_cases[${i}]`, seenUseCases, offersNamed, out);
  return out;
}

function offer(o: Offer, path: string, ids: Map<string, string>, out: string[]): void {
  id(o.id, `${path}.id`, OFFER_OR_CAP_ID, out, ids);
  const kind = enumValue(o.kind, `${path}.kind`, OfferKindSchema, out);
  const at = `${path}.value`;
  if (!Number.isFinite(o.value)) out.push(`${at}: must be a finite number, got ${o.value}`);
  else if (kind !== undefined) {
    const name = OfferKindSchema.value[o.kind]!.name;
    if (o.kind === OfferKind.PERCENT_OFF || o.kind === OfferKind.AMOUNT_OFF) {
      const max = o.kind === OfferKind.PERCENT_OFF ? L.maxPercentOff : L.maxAmountOff;
      if (o.value <= 0) out.push(`${at}: must be greater than 0 for ${name}`);
      else if (o.value > max) out.push(`${at}: must be at most ${max} for ${name}`);
    } else if (o.value !== 0) {
      out.push(`${at}: must be 0 for ${name} (only percent-off and amount-off offers carry a value)`);
    }
  }
  inRange(o.marginImpact, `${path}.margin_impact`, 0, 1, out);
  channels(o.channels, `${path}.channels`, out);
  const from = timestamp(o.validFrom, `${path}.valid_from`, out);
  const until = timestamp(o.validUntil, `${path}.valid_until`, out);
  if (from !== undefined && until !== undefined && until <= from) {
    out.push(`${path}.valid_until: must be after valid_from`);
  }
  conditions(o.eligibility, `${path}.eligibility`, false, out);
  tooLong(o.message, `${path}.message`, L.maxOfferMessageLength, out);
}

function useCase(
  u: UseCase,
  path: string,
  ids: Map<string, string>,
  offerIds: ReadonlySet<string>,
  out: string[],
): void {
  id(u.id, `${path}.id`, USE_CASE_ID, out, ids);
  tooLong(u.description, `${path}.description`, L.maxDescriptionLength, out);
  channels(u.channels, `${path}.channels`, out);
  inRange(u.holdoutShare, `${path}.holdout_share`, 0, L.maxHoldoutShare, out);
  weights(u.weights, `${path}.weights`, out);

  // Rule ids are unique across the use case's four lists: explanations name a rule by id alone.
  const ruleIds = new Map<string, string>();
  const rules = <R extends { id: string; when: Condition[] }>(
    list: readonly R[],
    name: string,
    personOnly: boolean,
    each: (r: R, at: string) => void,
  ) => {
    tooMany(list.length, `${path}.${name}`, L.maxRules, "rules", out);
    list.forEach((r, i) => {
      const at = `${path}.${name}[${i}]`;
      if (r.id === "") out.push(`${at}.id: required`);
      else if (!tooLong(r.id, `${at}.id`, L.maxIdLength, out)) duplicate(r.id, `${at}.id`, ruleIds, out);
      conditions(r.when, `${at}.when`, personOnly, out);
      each(r, at);
    });
  };
  // Eligibility decides whether the use case answers at all, before any item is looked at.
  rules(u.eligibility, "eligibility", true, () => {});
  rules(u.boosts, "boosts", false, (b, at) => {
    inRange(b.boost, `${at}.boost`, -L.maxBoost, L.maxBoost, out);
    if (b.categories.length === 0) out.push(`${at}.categories: required, at least one category`);
    tooMany(b.categories.length, `${at}.categories`, L.maxBoostCategories, "categories", out);
    const seen = new Set<string>();
    b.categories.forEach((c, j) => {
      const cat = `${at}.categories[${j}]`;
      if (c === "") out.push(`${cat}: must not be empty`);
      else if (seen.has(c.toLowerCase())) out.push(`${cat}: repeats ${JSON.stringify(c)}`);
      else tooLong(c, cat, L.maxCategoryLength, out);
      seen.add(c.toLowerCase());
    });
  });
  rules(u.offerRules, "offer_rules", false, (r, at) => {
    if (r.offerId === "") out.push(`${at}.offer_id: required`);
    else if (!offerIds.has(r.offerId)) out.push(`${at}.offer_id: no offer ${JSON.stringify(r.offerId)}`);
  });
  rules(u.talkingPoints, "talking_points", false, (t, at) => {
    if (t.text === "") out.push(`${at}.text: required`);
    else tooLong(t.text, `${at}.text`, L.maxTalkingPointLength, out);
  });
  channels(u.fallbackChannels, `${path}.fallback_channels`, out);
}

function conditions(list: readonly Condition[], path: string, personOnly: boolean, out: string[]): void {
  tooMany(list.length, path, L.maxConditions, "conditions", out);
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    const fact = enumValue(c.fact, `${at}.fact`, FactSchema, out);
    const name = fact === undefined ? "" : FactSchema.value[c.fact]!.name;
    if (fact !== undefined && personOnly && ITEM_FACTS.has(c.fact as Fact)) {
      out.push(`${at}.fact: ${name} is an item fact; use case eligibility may use only person facts`);
    }
    if (c.fact === Fact.CATEGORY_AFFINITY) {
      if (c.arg === "") out.push(`${at}.arg: required for ${name} (a top-level category)`);
      else tooLong(c.arg, `${at}.arg`, L.maxCategoryLength, out);
    } else if (c.fact === Fact.LIFE_EVENT_DAYS) {
      if (c.arg !== "" && !(LIFE_EVENT_TYPES as readonly string[]).includes(c.arg)) {
        out.push(
          `${at}.arg: must be one of ${LIFE_EVENT_TYPES.join(", ")} or "" for any, got ${JSON.stringify(c.arg)}`,
        );
      }
    } else if (fact !== undefined && c.arg !== "") {
      out.push(`${at}.arg: must be empty for ${name}`);
    }
    for (const [bound, v] of [
      ["min", c.min],
      ["max", c.max],
    ] as const) {
      if (v !== undefined && !Number.isFinite(v)) {
        out.push(`${at}.${bound}: must be a finite number (leave it unset for an open bound), got ${v}`);
      }
    }
    if (c.min !== undefined && c.max !== undefined && c.min > c.max) {
      out.push(`${at}: min ${c.min} is greater than max ${c.max}`);
    }
  });
}

function weights(w: ScoringWeights | undefined, path: string, out: string[]): void {
  if (w === undefined) return;
  for (const [name, v] of [
    ["base", w.base],
    ["affinity", w.affinity],
    ["price", w.price],
    ["margin", w.margin],
    ["popularity", w.popularity],
  ] as const) {
    if (v !== undefined) inRange(v, `${path}.${name}`, -L.maxWeight, L.maxWeight, out);
  }
  if (w.marginFloor !== undefined) {
    inRange(w.marginFloor, `${path}.margin_floor`, -L.maxMarginFloor, L.maxMarginFloor, out);
  }
}

function channels(list: readonly number[], path: string, out: string[]): void {
  const seen = new Set<number>();
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (c === 0) out.push(`${at}: must not be CHANNEL_UNSPECIFIED`);
    else if (CHANNELS.value[c] === undefined) out.push(`${at}: ${c} is not a Channel`);
    else if (seen.has(c)) out.push(`${at}: repeats ${CHANNELS.value[c]!.name}`);
    seen.add(c);
  });
}

/** Checks an enum field is set to a known value; returns the value when it is. */
function enumValue(v: number, path: string, schema: DescEnum, out: string[]): number | undefined {
  if (v === 0) out.push(`${path}: required`);
  else if (schema.value[v] === undefined) out.push(`${path}: ${v} is not a ${schema.name}`);
  else return v;
  return undefined;
}

/** Checks a timestamp lies in the proto range; returns it in ms when it is set and does. */
function timestamp(t: Timestamp | undefined, path: string, out: string[]): number | undefined {
  if (t === undefined) return undefined;
  const ms = t.nanos >= 0 && t.nanos <= 999_999_999 ? timestampMs(t) : Number.NaN;
  if (!(ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS)) {
    out.push(`${path}: must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z`);
    return undefined;
  }
  return ms;
}

function timeZone(tz: string, path: string, out: string[]): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
  } catch {
    out.push(`${path}: ${JSON.stringify(tz)} is not an IANA time zone (for example "Europe/London")`);
  }
}

function id(value: string, path: string, pattern: RegExp, out: string[], ids: Map<string, string>): void {
  if (value === "") out.push(`${path}: required`);
  else if (!pattern.test(value)) {
    out.push(`${path}: must match ${pattern.source}, got ${JSON.stringify(clip(value))}`);
  } else duplicate(value, path, ids, out);
}

/** Records a use case id without reporting, so caps can name use cases defined after them. */
function uniqueId(value: string, path: string, ids: Map<string, string>): void {
  if (!ids.has(value)) ids.set(value, path);
}

function duplicate(value: string, path: string, ids: Map<string, string>, out: string[]): void {
  const first = ids.get(value);
  if (first === undefined) ids.set(value, path);
  else out.push(`${path}: ${JSON.stringify(value)} is already ${first}`);
}

/** Checks `lo <= v <= hi` (and that v is a number); returns true when it holds. */
function inRange(v: number, path: string, lo: number, hi: number, out: string[]): boolean {
  if (v >= lo && v <= hi) return true;
  out.push(`${path}: must be in [${lo}, ${hi}], got ${v}`);
  return false;
}

/** Reports a list longer than its limit. */
function tooMany(n: number, path: string, max: number, what: string, out: string[]): void {
  if (n > max) out.push(`${path}: ${n} exceeds the limit of ${max} ${what}`);
}

/** Reports a string longer than its limit, in characters (code points); returns true when it is. */
function tooLong(s: string, path: string, max: number, out: string[]): boolean {
  if (s.length <= max) return false; // code points never outnumber UTF-16 units
  let n = 0;
  for (const _ of s) n++;
  if (n <= max) return false;
  out.push(`${path}: ${n} characters exceeds the limit of ${max} characters`);
  return true;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
