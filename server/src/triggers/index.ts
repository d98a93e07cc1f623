export {
  createMemoryTimerStore,
  type MemoryTimerStore,
  type MemoryTimerStoreOptions,
} from "./memory-timer-store.js";
export { planTimers } from "./plan-timers.js";
export {
  createRedisTimerStore,
  type RedisTimerStoreOptions,
  type TimerKeys,
  timerKeys,
  timerSkuKey,
} from "./redis-timer-store.js";
export {
  createTimerForgetHook,
  createTimerHook,
  type OnApplied,
  type TimerHookOptions,
} from "./timer-hook.js";
export type {
  ClaimResult,
  FiredTrigger,
  LiveTimer,
  TimerCancel,
  TimerChange,
  TimerSet,
  TimerSku,
  TimerStore,
} from "./timer-store.js";
export {
  DEFAULT_TRIGGER_CONFIG,
  isTriggerKind,
  resolveTriggerConfig,
  TRIGGER_KINDS,
  type TriggerConfig,
  type TriggerKind,
  type TriggerKindOptions,
  type TriggerOptions,
} from "./trigger-config.js";
export {
  createTriggerRunner,
  type TriggerRunner,
  type TriggerRunnerOptions,
  type TriggerRunnerStats,
} from "./trigger-runner.js";
