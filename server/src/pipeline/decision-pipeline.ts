import { hash, randomUUID } from "node:crypto";
import { MAX_TOP_K, Reason } from "../../../core-wasm/src/layout.js";
import type { CapStore, ReservationResult } from "../caps/cap-store.js";
import type { ResidentCatalog } from "../catalog/resident-catalog.js";
import type { DecisionLog, DecisionRecord } from "../decision-log/decision-log.js";
import {
  type DecidedItem,
  type Decision,
  Degradation,
  type ExcludedItem,
  Treatment,
  type ValidDecisionRequest,
} from "../domain/decision.js";
import type { PersonRead, ProfileStore } from "../domain/index.js";
import { DecisionError, invalidField } from "../errors/index.js";
import { applicableCaps } from "../policy/cap-counters.js";
import type { ItemFacts } from "../policy/conditions.js";
import { experienceIdsFor } from "../policy/experience-id.js";
import { finishItems, type RankedItem, reservationFor, talkingPoints } from "../policy/finish-decision.js";
import { type DecisionPlan, planDecision, Suppression } from "../policy/plan-decision.js";
import type { Policy } from "../policy/policy.js";
import type { CircuitBreaker } from "../redis/circuit-breaker.js";
import { ioTimeoutAt } from "../redis/io-timeout.js";
import type { ScoreResult, Scorer } from "../scoring/scorer.js";
import { modelFor, type ScoringModel } from "../scoring/scoring-model.js";
import { itemFactsOf } from "./item-facts.js";
import { narrowToReplenishment } from "./replenishment-candidates.js";
import { resolvePerson } from "./resolve-person.js";

const TIMED_OUT: PersonRead = Object.freeze({ kind: "timeout" });
const CIRCUIT_OPEN: PersonRead = Object.freeze({
  kind: "unavailable",
  detail: "redis circuit open: not asked",
});
const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_ITEMS: readonly DecidedItem[] = Object.freeze([]);
const NO_EXCLUDED: readonly ExcludedItem[] = Object.freeze([]);
const NO_START = Number.NEGATIVE_INFINITY;
const NO_END = Number.POSITIVE_INFINITY;
/** Item facts of a decision no rule reads facts in. */
const NO_FACTS: ItemFacts = Object.freeze({
  sku: "",
  price: 0,
  margin: 0,
  stock: 0,
  returnRate: 0,
  inCart: false,
});

/** How one call constrains the work done for it. */
export interface DecideCall {
  /** Absolute deadline in ms since the epoch; Infinity for none. */
  readonly deadlineMs: number;
  /**
   * True once the caller has cancelled or gone away. A function rather than an
   * AbortSignal: an AbortController per call cost ~2 % of the server thread.
   */
  readonly isCancelled: () => boolean;
}

export interface DecisionPipelineOptions {
  readonly store: ProfileStore;
  readonly catalog: ResidentCatalog;
  readonly scorer: Scorer;
  /** The server's model: feature weights, and scalar weights for what the policy leaves unset. */
  readonly model: ScoringModel;
  readonly kernelVersion: string;
  /** The policy in force, read once per decision (`PolicyHolder.current`). */
  readonly policy: () => Policy;
  /** Cap reservations, experience records and redemptions. */
  readonly caps: CapStore;
  readonly decisionLog: DecisionLog;
  /** Longest wait for the profile store, further bounded by the call's deadline. */
  readonly profileTimeoutMs: number;
  /** Time kept back from the deadline for scoring and the response. */
  readonly reserveMs: number;
  /** Longest wait for the cap reservation, further bounded by the call's deadline. @default profileTimeoutMs */
  readonly capsTimeoutMs?: number;
  /**
   * Guards the profile read and the cap reservation (both on Redis): while it
   * is open they are not attempted and the decision falls back at once.
   * Without one, every call waits its full budget on a stalled store.
   */
  readonly breaker?: CircuitBreaker;
  /** Behaviour events a profile needs to be personalised with (see `resolvePerson`). @default 0 */
  readonly minProfileEvents?: number;
  /** Told how long each stage took (metrics): the profile read, scoring (pool queue and kernel), the cap reservation. */
  readonly observeStage?: (stage: "profile" | "score" | "caps", ms: number) => void;
  readonly now?: () => number;
}

/** Counters a test or a metrics endpoint can read. */
export interface PipelineStats {
  decisions: number;
  fallbacks: number;
  /** Calls whose work stopped because the caller's deadline passed or it cancelled. */
  abandoned: number;
  /** Decisions scored on the pool, split ones included. */
  pooled: number;
  /** Catalog scans whose first shard the server thread scanned itself, a quiet server's (see Scorer.score). */
  split: number;
  /** Decisions scored on the scoring lane's worker (see Scorer.score). */
  laned: number;
  inline: number;
  /** Decisions answered empty by policy (quiet hours, eligibility, caps, consent). */
  suppressed: number;
  /** Items a cap kept out of a decision. */
  capDenials: number;
}

/**
 * The stages of a decision after decoding and validation:
 * fetch person → plan (policy: channel, holdout, quiet hours, eligibility,
 * boosts) → score, constrain, rank (kernel) → offers and experience ids →
 * reserve caps → log → answer. It checks the call before each expensive
 * stage and stops as soon as the caller is gone.
 */
export interface DecisionPipeline {
  decide(req: ValidDecisionRequest, call: DecideCall): Promise<Decision>;
  readonly stats: Readonly<PipelineStats>;
}

export function createDecisionPipeline(options: DecisionPipelineOptions): DecisionPipeline {
  const { store, catalog, scorer, caps, decisionLog, breaker } = options;
  const now = options.now ?? Date.now;
  const capsTimeoutMs = options.capsTimeoutMs ?? options.profileTimeoutMs;
  const stats: PipelineStats = {
    decisions: 0,
    fallbacks: 0,
    abandoned: 0,
    pooled: 0,
    split: 0,
    laned: 0,
    inline: 0,
    suppressed: 0,
    capDenials: 0,
  };

  function stopIfGone(call: DecideCall, stage: string): void {
    const expired = now() >= call.deadlineMs;
    if (!expired && !call.isCancelled()) return;
    stats.abandoned++;
    if (expired) throw new DecisionError("DEADLINE_EXCEEDED", `deadline: passed before ${stage}`);
    throw new DecisionError("CANCELLED", `call: cancelled before ${stage}`);
  }

  /**
   * Tells the breaker a Redis call failed, unless it only "timed out" because
   * this thread was busy: a timer that fires far past its time (a GC pause, a
   * burst of work) says nothing about Redis, and must not open the breaker
   * for everyone.
   */
  function blame(read: PersonRead, askedAt: number, budgetMs: number): void {
    if (breaker === undefined) return;
    if (read.kind === "timeout" && performance.now() - askedAt > budgetMs * 2 + 2) breaker.inconclusive();
    else breaker.failed();
  }

  /**
   * Reads the person within the budget. The store is asked to give up in time,
   * and a timer of our own makes sure of it: a store that ignores its timeout
   * must not hold the decision (contract test "should not wait past
   * profileTimeoutMs for a store that does not time out by itself").
   */
  function readPerson(req: ValidDecisionRequest, call: DecideCall): Promise<PersonRead> {
    const budget = Math.min(options.profileTimeoutMs, call.deadlineMs - now() - options.reserveMs);
    if (budget <= 0) return Promise.resolve(TIMED_OUT);
    if (breaker !== undefined && !breaker.tryAcquire()) return Promise.resolve(CIRCUIT_OPEN);
    return new Promise<PersonRead>((resolve) => {
      let settled = false;
      const asked = breaker === undefined ? 0 : performance.now();
      const settle = (read: PersonRead): void => {
        if (settled) return;
        settled = true;
        cancelTimer();
        if (read.kind === "timeout" || read.kind === "unavailable") blame(read, asked, budget);
        else breaker?.succeeded();
        resolve(read);
      };
      const cancelTimer = ioTimeoutAt(() => settle(TIMED_OUT), now() + budget + 1, now);
      store
        .readPerson(req.userId, budget)
        .then(settle, (e: unknown) =>
          settle({ kind: "unavailable", detail: e instanceof Error ? e.message : String(e) }),
        );
    });
  }

  /** Reserves within the budget; null when the store failed or did not answer in time. */
  function reserveCaps(
    request: Parameters<CapStore["reserve"]>[0],
    call: DecideCall,
  ): Promise<ReservationResult | null> {
    const budget = Math.min(capsTimeoutMs, call.deadlineMs - now() - options.reserveMs);
    if (budget <= 0) return Promise.resolve(null);
    if (breaker !== undefined && !breaker.tryAcquire()) return Promise.resolve(null);
    return new Promise((resolve) => {
      let settled = false;
      const asked = breaker === undefined ? 0 : performance.now();
      const settle = (r: ReservationResult | null): void => {
        if (settled) return;
        settled = true;
        cancelTimer();
        if (r === null) blame(TIMED_OUT, asked, budget);
        else breaker?.succeeded();
        resolve(r);
      };
      const cancelTimer = ioTimeoutAt(() => settle(null), now() + budget + 1, now);
      caps.reserve(request, budget).then(settle, () => settle(null));
    });
  }

  return {
    stats,
    async decide(req, call) {
      // One read of the policy: this decision sees exactly this version.
      const policy = options.policy();
      if (policy.useCases.size > 0 && !policy.useCases.has(req.useCase)) {
        throw invalidField("use_case", `"${req.useCase}" is not a use case of policy ${policy.version}`);
      }
      stopIfGone(call, "the profile read");
      const observe = options.observeStage;
      let t0 = observe === undefined ? 0 : performance.now();
      const read = await readPerson(req, call);
      if (observe !== undefined) observe("profile", performance.now() - t0);
      stopIfGone(call, "scoring");
      // Read now, not before the profile read: the catalog may change meanwhile.
      const catalogVersion = `c${catalog.version}`;
      const nowMs = now();
      const decisionId = decisionIdFor(req);
      const personId = "personId" in read ? read.personId : req.userId;
      const found = read.kind === "found" ? read.profile : null;

      let person = resolvePerson(read, req.channel, options.minProfileEvents ?? 0);
      const plan = planDecision({
        policy,
        useCaseId: req.useCase,
        channel: req.channel,
        treatment: person.treatment,
        found,
        personId,
        nowMs,
        timeZone: req.context.timeZone,
      });
      if (plan.channel !== req.channel)
        person = resolvePerson(read, plan.channel, options.minProfileEvents ?? 0);
      let degradations = person.degradations;

      const base = {
        decisionId,
        treatment: plan.treatment,
        catalogVersion,
        policyVersion: policy.version,
        kernelVersion: options.kernelVersion,
        useCase: req.useCase,
        channel: plan.channel,
      };
      const finish = (decision: Decision): Decision => {
        stats.decisions++;
        if (decision.degradations.length > 0) stats.fallbacks++;
        if (decision.suppression !== Suppression.NONE) stats.suppressed++;
        decisionLog.append(recordOf(decision, personId, plan, nowMs));
        return decision;
      };
      const answer = (items: readonly DecidedItem[]): Decision =>
        finish(decisionOf(base, items, degradations, excluded, Suppression.NONE, "", talkingPoints(plan)));
      if (plan.suppression !== Suppression.NONE) {
        return finish(empty(base, degradations, plan.suppression, plan.suppressionRuleId));
      }

      const useCase = plan.useCase;
      const model = modelFor(options.model, useCase?.weights ?? policy.weights);
      const redeemed =
        useCase?.excludeRedeemed === true
          ? redeemedSkusFor(person.redeemed, useCase.id)
          : plainSkus(person.redeemed);
      let candidates = req.candidates;
      let notDue: ExcludedItem[] = [];
      if (useCase?.replenishmentOnly === true) {
        ({ candidates, notDue } = narrowToReplenishment(req.candidates, plan.facts, useCase.id));
        if (candidates.count === 0)
          return finish(withExcluded(empty(base, degradations, 0, ""), req.explain, notDue));
      }
      // Caps on items may skip some ranked items: rank a few more so the answer stays full.
      const applicable = useCase === undefined ? null : applicableCaps(policy, useCase, plan.channel);
      const itemCaps = applicable !== null && (applicable.item.length > 0 || applicable.offer.length > 0);
      const k = itemCaps ? Math.min(MAX_TOP_K, req.limit * 2 + 8) : req.limit;
      if (observe !== undefined) t0 = performance.now();
      const result: ScoreResult = await scorer
        .score({
          candidates,
          k,
          explain: req.explain,
          storeId: req.context.storeId,
          channel: plan.channel,
          blockReason: person.blockReason,
          model,
          person: plan.treatment === Treatment.PERSONALIZED ? person.profile : null,
          capped: person.capped,
          redeemed,
          categoryBoost: plan.categoryBoost,
          deadlineMs: call.deadlineMs,
        })
        .catch((e: unknown) => {
          // The job waited out the caller's deadline in the pool's queue and was dropped.
          if (e instanceof DecisionError && e.kind === "DEADLINE_EXCEEDED") stats.abandoned++;
          throw e;
        });
      if (observe !== undefined) observe("score", performance.now() - t0);
      if (result.ran === "pool") stats.pooled++;
      else if (result.ran === "split") {
        stats.pooled++;
        stats.split++;
      } else if (result.ran === "lane") stats.laned++;
      else stats.inline++;
      if (result.saturated) degradations = [...degradations, Degradation.POOL_SATURATED];
      const excluded: ExcludedItem[] = req.explain
        ? [
            ...notDue,
            ...result.excluded.map((e) => ({
              sku: e.sku,
              reason: e.reason,
              ruleId: RULE_OF_REASON[e.reason] ?? "",
            })),
          ]
        : [];
      if (person.blockReason !== 0) {
        return finish(empty(base, degradations, Suppression.NO_CONSENT, "", excluded));
      }

      // Facts are read only when a rule can ask for them: a plain re-rank (search) reads none.
      const needsFacts =
        useCase !== undefined && (useCase.offerRules.length > 0 || useCase.tagAvailableHere || itemCaps);
      if (!needsFacts && !req.explain && (applicable === null || applicable.decision.length === 0)) {
        // A plain re-rank: nothing to offer, tag or reserve. Straight to the answer,
        // without the intermediate objects of the general path (bench:decide's case).
        const idOf = experienceIdsFor(personId, useCase?.id ?? "", "", NO_START, NO_END);
        const items = result.items.slice(0, req.limit).map(
          (it): DecidedItem => ({
            sku: it.sku,
            score: it.score,
            rank: it.rank,
            experienceId: idOf(it.sku),
            offer: null,
            tags: NO_STRINGS,
            parts: null,
            ruleIds: NO_STRINGS,
          }),
        );
        return answer(items);
      }
      const storeColumn = req.context.storeId === "" ? -1 : catalog.storeColumn(req.context.storeId);
      const cart = req.context.cartSkus;
      const ranked: RankedItem[] = result.items.map((it) => ({
        sku: it.sku,
        score: it.score,
        facts: needsFacts ? itemFactsOf(catalog, it.itemIndex, it.sku, storeColumn, cart) : NO_FACTS,
        slot: req.explain ? catalog.topCategorySlot(it.itemIndex) : -1,
        parts: it.parts,
      }));
      const finished = finishItems(ranked, {
        policy,
        plan,
        personId,
        storeId: req.context.storeId,
        marginFloor: model.marginFloor,
        explain: req.explain,
        redeemed: new Set(person.redeemed),
        caps: applicable,
      });

      let chosen = finished.items.slice(0, req.limit);
      if (finished.reserve) {
        stopIfGone(call, "the cap reservation");
        if (observe !== undefined) t0 = performance.now();
        const reservation = await reserveCaps(
          reservationFor(personId, decisionId, finished, req.limit),
          call,
        );
        if (observe !== undefined) observe("caps", performance.now() - t0);
        if (reservation === null) {
          degradations = [...degradations, Degradation.CAPS_UNAVAILABLE];
          // Fail closed: without a reservation a capped decision could exceed its caps.
          const capped =
            finished.decisionCounters.length > 0 || finished.items.some((i) => i.counters.length > 0);
          if (capped) return finish(empty(base, degradations, Suppression.CAPPED, "", excluded));
        } else if (reservation.deniedBy !== null) {
          return finish(empty(base, degradations, Suppression.CAPPED, reservation.deniedBy.ruleId, excluded));
        } else {
          chosen = reservation.granted.map((i) => finished.items[i]!);
          stats.capDenials += reservation.itemDenials.length;
          if (req.explain) {
            for (const d of reservation.itemDenials) {
              const item = finished.items[d.index]!;
              excluded.push({ sku: item.sku, reason: Reason.CAPPED, ruleId: d.counter.ruleId });
            }
          }
        }
      }

      const items: DecidedItem[] = chosen.map((i, n) => ({
        sku: i.sku,
        score: i.score,
        rank: n + 1,
        experienceId: i.experienceId,
        offer: i.offer,
        tags: i.tags,
        parts: i.parts,
        ruleIds: i.ruleIds,
      }));
      return answer(items);
    },
  };
}

/** Rule ids named for the kernel's exclusions: the hard constraints are rules too. */
const RULE_OF_REASON: Readonly<Record<number, string>> = {
  [Reason.OUT_OF_STOCK]: "stock",
  [Reason.BELOW_MARGIN_FLOOR]: "margin_floor",
  [Reason.NO_CONSENT]: "consent",
  [Reason.CAPPED]: "caps",
  [Reason.INELIGIBLE]: "channel_eligibility",
  [Reason.REDEEMED]: "redeemed",
  [Reason.UNKNOWN_SKU]: "catalog",
};

type DecisionBase = Pick<
  Decision,
  "decisionId" | "treatment" | "catalogVersion" | "policyVersion" | "kernelVersion" | "useCase" | "channel"
>;

/**
 * Every Decision is built here, its properties always in this order, so all
 * decisions share one hidden class. Not with object spread: on Node 20's V8 a
 * spread copy that gets a property more (`{ ...base, items }`) is given a new
 * hidden class every time, allocated in the old generation: about 1.8 KB of
 * maps and descriptor arrays a decision that only a mark-compact frees, and
 * every reader of the decision (encoder, decision log) goes megamorphic
 * (test/style/hidden-class.test.ts, RESULTS.md).
 */
function decisionOf(
  base: DecisionBase,
  items: readonly DecidedItem[],
  degradations: readonly Degradation[],
  excluded: readonly ExcludedItem[],
  suppression: number,
  suppressionRuleId: string,
  talkingPoints: readonly string[],
): Decision {
  return {
    decisionId: base.decisionId,
    items,
    treatment: base.treatment,
    degradations,
    excluded,
    catalogVersion: base.catalogVersion,
    policyVersion: base.policyVersion,
    kernelVersion: base.kernelVersion,
    useCase: base.useCase,
    channel: base.channel,
    suppression,
    suppressionRuleId,
    talkingPoints,
  };
}

function empty(
  base: DecisionBase,
  degradations: readonly Degradation[],
  suppression: number,
  suppressionRuleId: string,
  excluded: readonly ExcludedItem[] = NO_EXCLUDED,
): Decision {
  return decisionOf(base, NO_ITEMS, degradations, excluded, suppression, suppressionRuleId, NO_STRINGS);
}

function withExcluded(d: Decision, explain: boolean, excluded: readonly ExcludedItem[]): Decision {
  return explain
    ? decisionOf(d, d.items, d.degradations, excluded, d.suppression, d.suppressionRuleId, d.talkingPoints)
    : d;
}

/** Redeemed SKUs for a use case that excludes them: plain SKUs and this use case's redeemed experiences. */
function redeemedSkusFor(members: readonly string[], useCase: string): readonly string[] {
  const prefix = `${useCase}\t`;
  const out: string[] = [];
  for (const m of members) {
    if (!m.includes("\t")) out.push(m);
    else if (m.startsWith(prefix)) out.push(m.slice(prefix.length));
  }
  return out;
}

/** Redeemed SKUs that exclude an item everywhere (marked through `ProfileStore.markRedeemed`). */
function plainSkus(members: readonly string[]): readonly string[] {
  if (members.length === 0) return members;
  return members.filter((m) => !m.includes("\t"));
}

function recordOf(d: Decision, personId: string, plan: DecisionPlan, atMs: number): DecisionRecord {
  const skus = new Array<string>(d.items.length);
  let offers: [number, string, string][] | undefined;
  for (let i = 0; i < d.items.length; i++) {
    const item = d.items[i]!;
    skus[i] = item.sku;
    if (item.offer === null) continue;
    offers ??= [];
    offers.push([item.rank, item.offer.offerId, item.experienceId]);
  }
  return {
    decisionId: d.decisionId,
    atMs,
    personId,
    useCase: d.useCase,
    channel: d.channel,
    treatment: d.treatment,
    holdout: plan.holdout ?? "",
    policyVersion: d.policyVersion,
    catalogVersion: d.catalogVersion,
    suppression: d.suppression,
    suppressionRuleId: d.suppressionRuleId,
    degradations: d.degradations,
    skus,
    // Undefined rather than absent (JSON leaves both out): one hidden class for every record.
    offers,
    excluded: d.excluded.length > 0 ? d.excluded.map((e) => [e.sku, e.reason, e.ruleId] as const) : undefined,
  };
}

/**
 * A caller that sends `request_id` gets the same decision id when it retries, so
 * logs and measurement can join retries; otherwise every decision gets a new id.
 */
function decisionIdFor(req: ValidDecisionRequest): string {
  if (req.requestId === "") return randomUUID();
  const h = hash("sha256", `${req.userId}\0${req.requestId}`, "hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
