import { type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import { categorySlot } from "../domain/category-slot.js";
import { ALL_CHANNELS_MASK, type Channel } from "../domain/channel.js";
import type {
  Condition as ConditionProto,
  Policy as PolicyProto,
  ScoringWeights,
  UseCase as UseCaseProto,
} from "../gen/relevance/v1/policy_pb.js";
import type { ScoringModel } from "../scoring/scoring-model.js";
import type {
  BoostRule,
  CapRule,
  CapUnit,
  Condition,
  Fact,
  Offer,
  OfferKind,
  OfferRule,
  Policy,
  QuietHours,
  Rule,
  TalkingPoint,
  UseCase,
  Weights,
} from "./policy.js";

/**
 * Makes the pipeline's policy from a `relevance.v1.Policy` that `validatePolicy`
 * accepted (it does not check again): weights resolved use case over policy
 * over `defaults`, channel lists as masks (bit c for channel c, every channel
 * when the list is empty), timestamps in ms (open bounds ±Infinity), condition
 * bounds ±Infinity when unset, boost categories with their slots. The result is
 * frozen throughout, maps and sets included.
 */
export function compilePolicy(proto: PolicyProto, defaults: Weights): Policy {
  const weights = resolveWeights(proto.weights, defaults);
  return Object.freeze({
    version: proto.version,
    name: proto.name,
    holdoutShare: proto.holdoutShare,
    holdoutSalt: proto.holdoutSalt,
    defaultTimeZone: proto.defaultTimeZone,
    weights,
    offers: frozenMap(
      proto.offers.map((o): [string, Offer] => [
        o.id,
        Object.freeze({
          id: o.id,
          kind: o.kind as number as OfferKind,
          value: o.value,
          marginImpact: o.marginImpact,
          channelMask: channelMask(o.channels),
          validFromMs: timeMs(o.validFrom, Number.NEGATIVE_INFINITY),
          validUntilMs: timeMs(o.validUntil, Number.POSITIVE_INFINITY),
          eligibility: conditions(o.eligibility),
          message: o.message,
        }),
      ]),
    ),
    caps: Object.freeze(
      proto.caps.map(
        (c): CapRule =>
          Object.freeze({
            id: c.id,
            unit: c.unit as number as CapUnit,
            limit: c.limit,
            windowMs: c.windowSeconds * 1000,
            channelMask: channelMask(c.channels),
            useCases: frozenSet(c.useCases),
            marketing: c.marketing,
          }),
      ),
    ),
    quietHours: Object.freeze(
      proto.quietHours.map(
        (q): QuietHours =>
          Object.freeze({
            channelMask: channelMask(q.channels),
            startHour: q.startHour,
            endHour: q.endHour,
          }),
      ),
    ),
    useCases: frozenMap(proto.useCases.map((u): [string, UseCase] => [u.id, useCase(u, weights)])),
  });
}

/** The scalar weights of a scoring model: the server defaults under every policy. */
export function modelWeights(model: ScoringModel): Weights {
  return Object.freeze({
    base: model.wBase,
    affinity: model.wAffinity,
    price: model.wPrice,
    margin: model.wMargin,
    popularity: model.wPopularity,
    marginFloor: model.marginFloor,
  });
}

/** Bit c set for each channel c; ALL_CHANNELS_MASK for an empty list (every channel). */
export function channelMask(channels: readonly number[]): number {
  if (channels.length === 0) return ALL_CHANNELS_MASK;
  let mask = 0;
  for (const c of channels) mask |= 1 << c;
  return mask;
}

function useCase(u: UseCaseProto, policyWeights: Weights): UseCase {
  const rule = (r: { id: string; when: ConditionProto[] }): Rule => ({ id: r.id, when: conditions(r.when) });
  return Object.freeze({
    id: u.id,
    description: u.description,
    channelMask: channelMask(u.channels),
    transactional: u.transactional,
    holdoutShare: u.holdoutShare,
    weights: resolveWeights(u.weights, policyWeights),
    eligibility: Object.freeze(u.eligibility.map((r) => Object.freeze(rule(r)))),
    boosts: Object.freeze(
      u.boosts.map(
        (b): BoostRule =>
          Object.freeze({
            ...rule(b),
            // Two categories may hash to one slot: the boost applies to it once.
            slots: Object.freeze([...new Set(b.categories.map(categorySlot))]),
            categories: Object.freeze([...b.categories]),
            boost: b.boost,
          }),
      ),
    ),
    offerRules: Object.freeze(
      u.offerRules.map((r): OfferRule => Object.freeze({ ...rule(r), offerId: r.offerId })),
    ),
    offerItems: u.offerItems,
    talkingPoints: Object.freeze(
      u.talkingPoints.map((t): TalkingPoint => Object.freeze({ ...rule(t), text: t.text })),
    ),
    fallbackChannels: Object.freeze(u.fallbackChannels.map((c) => c as number as Channel)),
    excludeRedeemed: u.excludeRedeemed,
    tagAvailableHere: u.tagAvailableHere,
    replenishmentOnly: u.replenishmentOnly,
  });
}

function resolveWeights(w: ScoringWeights | undefined, under: Weights): Weights {
  if (w === undefined) return under;
  return Object.freeze({
    base: w.base ?? under.base,
    affinity: w.affinity ?? under.affinity,
    price: w.price ?? under.price,
    margin: w.margin ?? under.margin,
    popularity: w.popularity ?? under.popularity,
    marginFloor: w.marginFloor ?? under.marginFloor,
  });
}

function conditions(list: readonly ConditionProto[]): readonly Condition[] {
  return Object.freeze(
    list.map(
      (c): Condition =>
        Object.freeze({
          fact: c.fact as number as Fact,
          arg: c.arg,
          min: c.min ?? Number.NEGATIVE_INFINITY,
          max: c.max ?? Number.POSITIVE_INFINITY,
        }),
    ),
  );
}

function timeMs(t: Timestamp | undefined, open: number): number {
  return t === undefined ? open : timestampMs(t);
}

function refuse(): never {
  throw new TypeError("a compiled policy is immutable");
}

/** A Map whose mutators throw: Object.freeze alone leaves a Map's entries writable. */
function frozenMap<K, V>(entries: readonly (readonly [K, V])[]): ReadonlyMap<K, V> {
  const map = new Map<K, V>(entries);
  return Object.freeze(Object.assign(map, { set: refuse, delete: refuse, clear: refuse }));
}

/** A Set whose mutators throw, like `frozenMap`. */
function frozenSet<T>(values: readonly T[]): ReadonlySet<T> {
  const set = new Set<T>(values);
  return Object.freeze(Object.assign(set, { add: refuse, delete: refuse, clear: refuse }));
}
