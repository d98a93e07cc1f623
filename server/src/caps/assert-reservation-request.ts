import type { CapCounter, ExperienceRecord, ReservationRequest } from "./cap-store.js";
import { MAX_EXPERIENCE_RETENTION_MS } from "./cap-store-options.js";

/**
 * What a cap store accepts. Rule ids, scopes and decision ids become parts of
 * Redis keys, so they are bounded and free of `}` (which would end the
 * person's hash tag); a rule id has no `:` either, so `cap:<ruleId>:<scope>`
 * names one counter only. The experience fields are joined with tabs, so
 * they have none.
 */
export const CAP_LIMITS = Object.freeze({
  maxRuleIdLength: 128,
  maxScopeLength: 256,
  maxDecisionIdLength: 128,
  maxExperienceIdLength: 128,
  /** Use case, offer id and SKU of an experience. */
  maxExperienceFieldLength: 256,
  maxLimit: 10_000,
  minWindowMs: 1000,
  maxWindowMs: MAX_EXPERIENCE_RETENTION_MS,
  maxDecisionCounters: 64,
  maxItemCounters: 64,
  maxItems: 5000,
});

/**
 * Throws a `RangeError` naming the field (`req.items[2].counters[0].ruleId`…)
 * unless `req` is a request both cap stores can carry out. Both call it
 * before touching their data, so a bad request changes nothing.
 */
export function assertReservationRequest(req: ReservationRequest): void {
  if (req === null || typeof req !== "object") throw new RangeError("req must be a ReservationRequest");
  assertPersonId("req.personId", req.personId);
  assertDecisionId("req.decisionId", req.decisionId);
  const L = CAP_LIMITS;
  assertList("req.decision", req.decision, L.maxDecisionCounters);
  for (const [i, c] of req.decision.entries()) assertCapCounter(`req.decision[${i}]`, c);
  assertList("req.items", req.items, L.maxItems);
  for (const [i, item] of req.items.entries()) {
    const field = `req.items[${i}]`;
    if (item === null || typeof item !== "object") throw new RangeError(`${field} must be an object`);
    assertList(`${field}.counters`, item.counters, L.maxItemCounters);
    for (const [j, c] of item.counters.entries()) assertCapCounter(`${field}.counters[${j}]`, c);
    if (item.experience !== null) assertExperience(`${field}.experience`, item.experience);
  }
  if (!Number.isSafeInteger(req.want) || req.want < 0) {
    throw new RangeError(`req.want must be a non-negative integer, got ${req.want}`);
  }
}

/**
 * Throws a `RangeError` naming `field` unless `counter` is one a cap store
 * accepts (see `CAP_LIMITS`). Exported so a policy can be checked when it is
 * loaded rather than on the first decision.
 */
export function assertCapCounter(field: string, counter: CapCounter): void {
  if (counter === null || typeof counter !== "object") throw new RangeError(`${field} must be a CapCounter`);
  const L = CAP_LIMITS;
  const { ruleId, scope, limit, windowMs } = counter;
  if (
    typeof ruleId !== "string" ||
    ruleId.length === 0 ||
    ruleId.length > L.maxRuleIdLength ||
    /[:}]/.test(ruleId)
  ) {
    throw new RangeError(
      `${field}.ruleId must be 1..${L.maxRuleIdLength} characters without ':' or '}', got ${show(ruleId)}`,
    );
  }
  if (typeof scope !== "string" || scope.length > L.maxScopeLength || scope.includes("}")) {
    throw new RangeError(
      `${field}.scope must be at most ${L.maxScopeLength} characters without '}', got ${show(scope)}`,
    );
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > L.maxLimit) {
    throw new RangeError(`${field}.limit must be an integer in 1..${L.maxLimit}, got ${limit}`);
  }
  if (!Number.isSafeInteger(windowMs) || windowMs < L.minWindowMs || windowMs > L.maxWindowMs) {
    throw new RangeError(
      `${field}.windowMs must be an integer in ${L.minWindowMs}..${L.maxWindowMs}, got ${windowMs}`,
    );
  }
}

/** Throws a `RangeError` naming `field` unless `personId` is a non-empty string. */
export function assertPersonId(field: string, personId: string): void {
  if (typeof personId !== "string" || personId.length === 0) {
    throw new RangeError(`${field} must be a non-empty string, got ${show(personId)}`);
  }
}

/** Throws a `RangeError` naming `field` unless `decisionId` can name a reservation record. */
export function assertDecisionId(field: string, decisionId: string): void {
  const max = CAP_LIMITS.maxDecisionIdLength;
  if (
    typeof decisionId !== "string" ||
    decisionId.length === 0 ||
    decisionId.length > max ||
    decisionId.includes("}")
  ) {
    throw new RangeError(`${field} must be 1..${max} characters without '}', got ${show(decisionId)}`);
  }
}

/** Throws a `RangeError` naming `field` unless `experienceId` is 1..128 characters. */
export function assertExperienceId(field: string, experienceId: string): void {
  const max = CAP_LIMITS.maxExperienceIdLength;
  if (typeof experienceId !== "string" || experienceId.length === 0 || experienceId.length > max) {
    throw new RangeError(`${field} must be 1..${max} characters, got ${show(experienceId)}`);
  }
}

function assertExperience(field: string, e: ExperienceRecord): void {
  if (typeof e !== "object") throw new RangeError(`${field} must be an ExperienceRecord or null`);
  assertExperienceId(`${field}.experienceId`, e.experienceId);
  const max = CAP_LIMITS.maxExperienceFieldLength;
  for (const key of ["useCase", "offerId", "sku"] as const) {
    const v = e[key];
    if (typeof v !== "string" || v.length > max || v.includes("\t")) {
      throw new RangeError(`${field}.${key} must be at most ${max} characters without a tab, got ${show(v)}`);
    }
  }
  if (typeof e.untilMs !== "number" || Number.isNaN(e.untilMs)) {
    throw new RangeError(
      `${field}.untilMs must be ms since the epoch or Infinity (keep for experienceRetentionMs), got ${e.untilMs}`,
    );
  }
}

function assertList(field: string, list: readonly unknown[], max: number): void {
  if (!Array.isArray(list)) throw new RangeError(`${field} must be an array`);
  if (list.length > max) throw new RangeError(`${field}: ${list.length} entries exceed the limit of ${max}`);
}

/** A value for a message: JSON, cut to 80 characters. */
function show(value: unknown): string {
  const s = typeof value === "string" ? JSON.stringify(value) : String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
