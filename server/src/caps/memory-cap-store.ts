import type { MemoryProfileStore } from "../profile/memory-profile-store.js";
import {
  assertDecisionId,
  assertExperienceId,
  assertPersonId,
  assertReservationRequest,
} from "./assert-reservation-request.js";
import { counterSuffix, DECISION_TAG, reservationMember } from "./cap-keys.js";
import { type CapCounter, type CapStore, CapStoreTimeoutError, type RedeemOutcome } from "./cap-store.js";
import { type CapStoreOptions, experienceExpiry, resolveCapStoreOptions } from "./cap-store-options.js";
import { keyCount, mergePersonCaps, type PersonCaps } from "./memory-person-caps.js";

/** Options of `createMemoryCapStore`. */
export interface MemoryCapStoreOptions extends CapStoreOptions {
  /**
   * The clock, in ms since the epoch; tests pass one they can move, to slide
   * windows without waiting.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * The in-process profile store whose redeemed sets `redeem` adds
   * `useCase\tsku` to, as the Redis store adds to `:redeemed`; without it a
   * redemption is kept in the experience record only.
   * @default undefined
   */
  readonly profiles?: MemoryProfileStore;
}

/** The in-process `CapStore`, plus the hooks `createMemoryPersonStore` calls on merge and Forget. */
export interface MemoryCapStore extends CapStore {
  /**
   * The cap part of merging person `from` into `into`, as the Redis merge
   * script does it: counters and reservation records are unioned into the
   * same-named ones of `into` (each keeps the later expiry), experience
   * records are added where `into` has none (a redeemed flag on either side
   * wins), and `from` keeps nothing.
   */
  mergePerson(into: string, from: string): void;
  /**
   * Deletes everything kept for the person, as Forget does in Redis; returns
   * how many Redis keys that stands for (live counters, reservation records,
   * the index and the experience hash), the count Forget reports.
   */
  forgetPerson(personId: string): number;
}

/**
 * Creates the embedded `CapStore`: the Redis store's semantics (same windows,
 * same expiries, the same order of checks) on Maps in this process, with an
 * injectable clock, so the contract tests hold both to one behaviour and
 * tests can slide windows without waiting. Pass it to
 * `createMemoryPersonStore` (option `caps`) so merge and Forget reach it.
 */
export function createMemoryCapStore(options: MemoryCapStoreOptions = {}): MemoryCapStore {
  const { experienceRetentionMs, redeemedRetentionMs } = resolveCapStoreOptions(options);
  const clock = options.now ?? Date.now;
  if (typeof clock !== "function") throw new TypeError("options.now must be a function returning ms");
  const redeemedSets = options.profiles?.people.redeemed;
  if (options.profiles !== undefined && redeemedSets === undefined) {
    throw new TypeError("options.profiles must be a store made by createMemoryProfileStore");
  }
  const people = new Map<string, PersonCaps>();

  /** The person's live keys, expired ones dropped; undefined when nothing is left. */
  const read = (personId: string, now: number): PersonCaps | undefined => {
    const p = people.get(personId);
    if (p === undefined) return undefined;
    for (const [suffix, c] of p.counters) if (c.expiresAtMs < now) p.counters.delete(suffix);
    for (const [id, r] of p.reservations) if (r.expiresAtMs < now) p.reservations.delete(id);
    if (p.experiencesExpireAtMs < now) p.experiences.clear();
    if (p.indexExpiresAtMs < now) p.indexExpiresAtMs = 0;
    if (p.counters.size === 0 && p.reservations.size === 0 && p.experiences.size === 0) {
      if (p.indexExpiresAtMs === 0) people.delete(personId);
    }
    return people.get(personId);
  };

  const write = (personId: string, now: number): PersonCaps => {
    let p = read(personId, now);
    if (p === undefined) {
      p = {
        counters: new Map(),
        reservations: new Map(),
        experiences: new Map(),
        experiencesExpireAtMs: 0,
        indexExpiresAtMs: 0,
      };
      people.set(personId, p);
    }
    return p;
  };

  return {
    async reserve(req, timeoutMs) {
      assertReservationRequest(req);
      if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CapStoreTimeoutError(timeoutMs);
      const now = clock();
      const p = write(req.personId, now);
      const { counters } = p;

      // As RESERVE_LUA: drop entries at or before now - window, then count.
      const room = (c: CapCounter): boolean => {
        const suffix = counterSuffix(c.ruleId, c.scope);
        const counter = counters.get(suffix);
        if (counter === undefined) return true;
        for (const [member, at] of counter.entries)
          if (at <= now - c.windowMs) counter.entries.delete(member);
        if (counter.entries.size === 0) counters.delete(suffix);
        return counter.entries.size < c.limit;
      };
      const add = (c: CapCounter, member: string): boolean => {
        const suffix = counterSuffix(c.ruleId, c.scope);
        let counter = counters.get(suffix);
        if (counter === undefined) {
          counter = { entries: new Map(), expiresAtMs: now + c.windowMs };
          counters.set(suffix, counter);
        }
        const added = !counter.entries.has(member);
        counter.entries.set(member, now);
        return added;
      };

      const deniedBy = req.decision.find((c) => !room(c));
      if (deniedBy !== undefined) {
        read(req.personId, now);
        return { atMs: now, deniedBy, granted: [], itemDenials: [] };
      }
      // Decision-level entries first, so an item counting the same counter sees them.
      const decisionMember = reservationMember(req.decisionId, DECISION_TAG);
      const addedDecision = req.decision.map((c) => add(c, decisionMember));

      const granted: number[] = [];
      const itemDenials: { index: number; counter: CapCounter }[] = [];
      const record: string[] = [];
      const expiry = new Map<string, number>();
      let longest = 0;
      const took = (c: CapCounter, tag: string): void => {
        const suffix = counterSuffix(c.ruleId, c.scope);
        record.push(`${tag}|${suffix}`);
        expiry.set(suffix, Math.max(expiry.get(suffix) ?? 0, c.windowMs));
        longest = Math.max(longest, c.windowMs);
      };
      let expStored = false;
      let expUntil = 0;
      for (const [index, item] of req.items.entries()) {
        if (granted.length >= req.want) break;
        const full = item.counters.find((c) => !room(c));
        if (full !== undefined) {
          itemDenials.push({ index, counter: full });
          continue;
        }
        granted.push(index);
        const member = reservationMember(req.decisionId, String(index));
        for (const c of item.counters) {
          add(c, member);
          took(c, String(index));
        }
        const e = item.experience;
        if (e !== null) {
          if (!p.experiences.has(e.experienceId)) {
            p.experiences.set(e.experienceId, {
              useCase: e.useCase,
              offerId: e.offerId,
              sku: e.sku,
              redeemed: false,
            });
          }
          expStored = true;
          if (Number.isFinite(e.untilMs)) expUntil = Math.max(expUntil, Math.ceil(e.untilMs));
        }
      }

      for (const [d, c] of req.decision.entries()) {
        if (granted.length > 0) {
          took(c, DECISION_TAG);
        } else if (addedDecision[d]) {
          const suffix = counterSuffix(c.ruleId, c.scope);
          const counter = counters.get(suffix)!;
          counter.entries.delete(decisionMember);
          if (counter.entries.size === 0) counters.delete(suffix);
        }
      }

      if (record.length > 0) {
        for (const [suffix, windowMs] of expiry) {
          counters.get(suffix)!.expiresAtMs = now + windowMs;
          p.indexExpiresAtMs = Math.max(p.indexExpiresAtMs, now + windowMs);
        }
        let r = p.reservations.get(req.decisionId);
        if (r === undefined) {
          r = { pairs: new Set(), expiresAtMs: 0 };
          p.reservations.set(req.decisionId, r);
        }
        for (const pair of record) r.pairs.add(pair);
        r.expiresAtMs = Math.max(r.expiresAtMs, now + longest);
        p.indexExpiresAtMs = Math.max(p.indexExpiresAtMs, r.expiresAtMs);
      }
      if (expStored) {
        const current = p.experiencesExpireAtMs > now ? p.experiencesExpireAtMs : 0;
        p.experiencesExpireAtMs = experienceExpiry(now, current, expUntil, experienceRetentionMs);
      }
      read(req.personId, now);
      return { atMs: now, deniedBy: null, granted, itemDenials };
    },

    async release(personId, decisionId) {
      assertPersonId("personId", personId);
      assertDecisionId("decisionId", decisionId);
      const now = clock();
      const p = read(personId, now);
      const r = p?.reservations.get(decisionId);
      if (p === undefined || r === undefined) return 0;
      let released = 0;
      for (const pair of r.pairs) {
        const bar = pair.indexOf("|");
        const suffix = pair.slice(bar + 1);
        const counter = p.counters.get(suffix);
        if (counter?.entries.delete(reservationMember(decisionId, pair.slice(0, bar)))) released++;
        if (counter?.entries.size === 0) p.counters.delete(suffix);
      }
      p.reservations.delete(decisionId);
      read(personId, now);
      return released;
    },

    async isHeld(personId, decisionId) {
      assertPersonId("personId", personId);
      assertDecisionId("decisionId", decisionId);
      const r = read(personId, clock())?.reservations.get(decisionId);
      return r !== undefined && r.pairs.size > 0;
    },

    async redeem(personId, experienceId): Promise<RedeemOutcome> {
      assertPersonId("personId", personId);
      assertExperienceId("experienceId", experienceId);
      const now = clock();
      const e = read(personId, now)?.experiences.get(experienceId);
      if (e === undefined) return { kind: "unknown" };
      const { useCase, offerId, sku } = e;
      if (e.redeemed) return { kind: "already_redeemed", useCase, offerId, sku };
      e.redeemed = true;
      if (redeemedSets !== undefined) {
        // As markRedeemed: the set lives redeemedRetentionMs after the last redemption.
        let mine = redeemedSets.get(personId);
        if (mine === undefined || mine.expiresAtMs <= now) {
          mine = { skus: new Set(), expiresAtMs: 0 };
          redeemedSets.set(personId, mine);
        }
        mine.skus.add(`${useCase}\t${sku}`);
        mine.expiresAtMs = now + redeemedRetentionMs;
      }
      return { kind: "redeemed", useCase, offerId, sku };
    },

    mergePerson(into, from) {
      const now = clock();
      const f = read(from, now);
      people.delete(from);
      if (f === undefined) return;
      mergePersonCaps(write(into, now), f);
      read(into, now);
    },

    forgetPerson(personId) {
      const p = read(personId, clock());
      people.delete(personId);
      if (p === undefined) return 0;
      return keyCount(p);
    },
  };
}
