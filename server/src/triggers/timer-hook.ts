import type { PersonEvent } from "../domain/event.js";
import type { FeatureState } from "../profile/features/feature-state.js";
import { planTimers } from "./plan-timers.js";
import type { TimerStore } from "./timer-store.js";
import type { TriggerConfig } from "./trigger-config.js";

/** Options of `createTimerHook`. */
export interface TimerHookOptions {
  readonly timers: TimerStore;
  readonly config: TriggerConfig;
  readonly now?: () => number;
}

/** What the profile consumer calls with each person's freshly applied events (`ProfileConsumerOptions.onApplied`). */
export type OnApplied = (
  personId: string,
  events: readonly PersonEvent[],
  state: FeatureState,
) => Promise<void>;

/**
 * The profile consumer's hook that keeps a person's timers in step with their
 * events: plans the changes (`planTimers`) and applies them in one call to the
 * store, or makes no call when there are none.
 */
export function createTimerHook(options: TimerHookOptions): OnApplied {
  const { timers, config } = options;
  const now = options.now ?? Date.now;
  return async (personId, events, state) => {
    const changes = planTimers(events, state, config, now());
    if (changes.length > 0) await timers.apply(personId, changes);
  };
}

/**
 * The profile consumer's hook for a person it finds forgotten
 * (`ProfileConsumerOptions.onForgotten`): drops their timers, which the timer
 * hook may have set after Forget dropped them.
 */
export function createTimerForgetHook(timers: TimerStore): (personId: string) => Promise<void> {
  return async (personId) => {
    await timers.forgetPerson(personId);
  };
}
