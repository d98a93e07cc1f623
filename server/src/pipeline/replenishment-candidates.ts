import { type CandidateList, candidateSku, candidatesFromStrings } from "../domain/candidate-list.js";
import { type ExcludedItem, PolicyReason } from "../domain/decision.js";
import type { PersonFacts } from "../policy/conditions.js";

/**
 * For a use case that ranks only what the person buys again (replenishment):
 * the caller's candidates the person has a repeat-purchase cycle for, or —
 * when the caller sent none — those SKUs themselves, soonest due first. The
 * other candidates are excluded as NOT_DUE. A decision without the profile
 * (control, no consent) knows no cycles and so ranks nothing.
 */
export function narrowToReplenishment(
  candidates: CandidateList,
  facts: PersonFacts,
  useCaseId: string,
): { candidates: CandidateList; notDue: ExcludedItem[] } {
  const due = facts.profile?.signals.replenishment ?? [];
  if (candidates.count === 0) return { candidates: candidatesFromStrings(due.map((r) => r.sku)), notDue: [] };
  const dueSkus = new Set(due.map((r) => r.sku));
  const keep: string[] = [];
  const base: number[] = [];
  const notDue: ExcludedItem[] = [];
  for (let i = 0; i < candidates.count; i++) {
    const sku = candidateSku(candidates, i);
    if (dueSkus.has(sku)) {
      keep.push(sku);
      base.push(candidates.base[i]!);
    } else notDue.push({ sku, reason: PolicyReason.NOT_DUE, ruleId: `${useCaseId}.replenishment_only` });
  }
  return { candidates: candidatesFromStrings(keep, base), notDue };
}
