import { createHash, randomUUID } from "node:crypto";
import type { ResidentCatalog } from "../catalog/resident-catalog.js";
import { type Decision, Degradation, type ValidDecisionRequest } from "../domain/decision.js";
import type { PersonRead, ProfileStore } from "../domain/index.js";
import { DecisionError } from "../errors/index.js";
import type { Scorer } from "../scoring/scorer.js";
import type { ScoringModel } from "../scoring/scoring-model.js";
import { resolvePerson } from "./resolve-person.js";

const TIMED_OUT: PersonRead = Object.freeze({ kind: "timeout" });

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
  readonly model: ScoringModel;
  readonly kernelVersion: string;
  /** Names the policy in every response; "none" until policies exist. */
  readonly policyVersion: string;
  /** Longest wait for the profile store, further bounded by the call's deadline. */
  readonly profileTimeoutMs: number;
  /** Time kept back from the deadline for scoring and the response. */
  readonly reserveMs: number;
  /** Behaviour events a profile needs to be personalised with (see `resolvePerson`). @default 0 */
  readonly minProfileEvents?: number;
  readonly now?: () => number;
}

/** Counters a test or a metrics endpoint can read. */
export interface PipelineStats {
  decisions: number;
  fallbacks: number;
  /** Calls whose work stopped because the caller's deadline passed or it cancelled. */
  abandoned: number;
  pooled: number;
  inline: number;
}

/**
 * The stages of a decision after decoding and validation:
 * fetch person → resolve consent and treatment → score, constrain, rank →
 * assemble the decision. It checks the call before each expensive stage and
 * stops as soon as the caller is gone.
 */
export interface DecisionPipeline {
  decide(req: ValidDecisionRequest, call: DecideCall): Promise<Decision>;
  readonly stats: Readonly<PipelineStats>;
}

export function createDecisionPipeline(options: DecisionPipelineOptions): DecisionPipeline {
  const { store, catalog, scorer, model } = options;
  const now = options.now ?? Date.now;
  const stats: PipelineStats = { decisions: 0, fallbacks: 0, abandoned: 0, pooled: 0, inline: 0 };

  function stopIfGone(call: DecideCall, stage: string): void {
    const expired = now() >= call.deadlineMs;
    if (!expired && !call.isCancelled()) return;
    stats.abandoned++;
    if (expired) throw new DecisionError("DEADLINE_EXCEEDED", `deadline: passed before ${stage}`);
    throw new DecisionError("CANCELLED", `call: cancelled before ${stage}`);
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
    return new Promise<PersonRead>((resolve) => {
      const timer = setTimeout(resolve, budget + 1, TIMED_OUT);
      store.readPerson(req.userId, budget).then(
        (read) => {
          clearTimeout(timer);
          resolve(read);
        },
        (e: unknown) => {
          clearTimeout(timer);
          resolve({ kind: "unavailable", detail: e instanceof Error ? e.message : String(e) });
        },
      );
    });
  }

  return {
    stats,
    async decide(req, call) {
      stopIfGone(call, "the profile read");
      const read = await readPerson(req, call);
      stopIfGone(call, "scoring");
      // Read now, not before the profile read: the catalog may change meanwhile.
      const catalogVersion = `c${catalog.version}`;

      const person = resolvePerson(read, req.channel, options.minProfileEvents ?? 0);
      const result = await scorer.score({
        candidates: req.candidates,
        k: req.limit,
        explain: req.explain,
        storeId: req.context.storeId,
        channel: req.channel,
        blockReason: person.blockReason,
        model,
        // A Profile is a PersonFeatures: no copy.
        person: person.profile,
        capped: person.capped,
        redeemed: person.redeemed,
        categoryBoost: null,
      });

      stats.decisions++;
      if (result.ran === "pool") stats.pooled++;
      else stats.inline++;
      if (person.degradations.length > 0) stats.fallbacks++;
      const degradations = result.saturated
        ? [...person.degradations, Degradation.POOL_SATURATED]
        : person.degradations;
      return {
        decisionId: decisionIdFor(req),
        items: result.items.map(({ sku, score, rank }) => ({ sku, score, rank })),
        treatment: person.treatment,
        degradations,
        excluded: result.excluded,
        catalogVersion,
        policyVersion: options.policyVersion,
        kernelVersion: options.kernelVersion,
      };
    },
  };
}

/**
 * A caller that sends `request_id` gets the same decision id when it retries, so
 * logs and measurement can join retries; otherwise every decision gets a new id.
 */
function decisionIdFor(req: ValidDecisionRequest): string {
  if (req.requestId === "") return randomUUID();
  const h = createHash("sha256").update(req.userId).update("\0").update(req.requestId).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
