import type { CapCounter } from "../caps/cap-store.js";
import type { Channel } from "../domain/channel.js";
import { type CapRule, CapUnit, type Policy, type UseCase } from "./policy.js";

/** The cap rules that count and apply in one decision, split by unit. */
export interface ApplicableCaps {
  readonly decision: readonly CapRule[];
  readonly offer: readonly CapRule[];
  readonly item: readonly CapRule[];
}

const NO_RULES: readonly CapRule[] = Object.freeze([]);
const NO_CAPS: ApplicableCaps = Object.freeze({ decision: NO_RULES, offer: NO_RULES, item: NO_RULES });

const cache = new WeakMap<UseCase, Map<Channel, ApplicableCaps>>();

/**
 * The caps of `policy` that apply to a decision of `useCase` in `channel`: the
 * rule's channels and use cases include them, and a marketing cap only when
 * the use case is not transactional. Memoised per use case object (a policy
 * swap brings new objects), so the hot path filters nothing.
 */
export function applicableCaps(policy: Policy, useCase: UseCase, channel: Channel): ApplicableCaps {
  let byChannel = cache.get(useCase);
  if (byChannel === undefined) {
    byChannel = new Map();
    cache.set(useCase, byChannel);
  }
  let caps = byChannel.get(channel);
  if (caps === undefined) {
    const bit = 1 << channel;
    const rules = policy.caps.filter(
      (r) =>
        (r.channelMask & bit) !== 0 &&
        (r.useCases.size === 0 || r.useCases.has(useCase.id)) &&
        !(r.marketing && useCase.transactional),
    );
    caps =
      rules.length === 0
        ? NO_CAPS
        : Object.freeze({
            decision: rules.filter((r) => r.unit === CapUnit.DECISION),
            offer: rules.filter((r) => r.unit === CapUnit.OFFER),
            item: rules.filter((r) => r.unit === CapUnit.ITEM),
          });
    byChannel.set(channel, caps);
  }
  return caps;
}

/** The counter of `rule` for one scope ("" for a decision-level rule, else the offer id or SKU). */
export function counterOf(rule: CapRule, scope: string): CapCounter {
  return { ruleId: rule.id, scope, limit: rule.limit, windowMs: rule.windowMs };
}
