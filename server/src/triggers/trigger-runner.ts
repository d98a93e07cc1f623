import type { DeliveryQueue } from "../delivery/delivery-queue.js";
import { candidatesFromStrings, NO_CANDIDATES } from "../domain/candidate-list.js";
import type { Channel } from "../domain/channel.js";
import { type Decision, Treatment, type ValidDecisionRequest } from "../domain/decision.js";
import type { Logger } from "../log.js";
import type { DecisionPipeline } from "../pipeline/decision-pipeline.js";
import { Suppression } from "../policy/plan-decision.js";
import type { FiredTrigger, TimerStore } from "./timer-store.js";
import type { TriggerConfig } from "./trigger-config.js";

/** Options of `createTriggerRunner`. */
export interface TriggerRunnerOptions {
  readonly timers: TimerStore;
  /** The Decide pipeline: policy, caps, consent and holdouts hold for triggered decisions too. */
  readonly pipeline: Pick<DecisionPipeline, "decide">;
  readonly queue: DeliveryQueue;
  readonly config: TriggerConfig;
  readonly logger: Logger;
  /** Unique among the runners of the group (host, pid, random). */
  readonly name: string;
  /** Pause between polls when the last one found nothing to do, in ms. @default 250 */
  readonly pollMs?: number;
  /** Timers popped, and fired entries read, per poll. @default 64 */
  readonly batchSize?: number;
  /** Fired entries pending this long (their runner died) are taken over. @default 10000 */
  readonly claimIdleMs?: number;
  /** Deliveries after which a firing is dead-lettered instead of retried. @default 5 */
  readonly maxDeliveries?: number;
  /** Time each decision gets, in ms. @default 1000 */
  readonly decideTimeoutMs?: number;
  /** How long a queued decision stays deliverable, in ms. @default 86400000 (24 h) */
  readonly expiresAfterMs?: number;
  /**
   * Deliver decisions of people in a holdout group (the non-personalised
   * control). Off by default: for a triggered message the control group's
   * treatment is no message, so the trigger's uplift can be measured.
   * @default false
   */
  readonly deliverHoldouts?: boolean;
  /**
   * When a decision in `channel` suppressed for quiet hours at `atMs` may go
   * out (the end of the quiet hours in the person's zone, e.g.
   * `quietHoursEnd` under the policy in force). The firing is then set again
   * for that time instead of being dropped.
   * @default an hour later
   */
  readonly quietUntil?: (channel: Channel, atMs: number) => number;
  /**
   * Personal tokens for the channel's templates (tier, coming life event),
   * read when a decision is queued; `{}` when they cannot be read.
   * @default none
   */
  readonly tokensFor?: (personId: string) => Promise<Readonly<Record<string, string>>>;
  readonly now?: () => number;
}

/** What a runner has done since it was created. */
export interface TriggerRunnerStats {
  /** Timers this runner moved from the schedule to the fired stream. */
  popped: number;
  /** Firings processed and acknowledged. */
  processed: number;
  /** Decisions handed to the queue that it appended. */
  enqueued: number;
  /** Decisions the queue had appended before (a retried firing, same once key). */
  duplicates: number;
  /** Empty decisions and skipped firings, acknowledged without enqueueing, by reason (`Suppression` names in lower case, "empty", "holdout", "disabled"). */
  suppressed: Record<string, number>;
  /** Firings suppressed by quiet hours and set again for their end. */
  rearmed: number;
  /** Firings left pending after an error (retried after claimIdleMs). */
  errors: number;
  /** Firings taken over from stale runners. */
  claimed: number;
  deadLettered: number;
}

/** Polls the timer store and turns fired timers into decisions for the delivery queue. */
export interface TriggerRunner {
  readonly stats: TriggerRunnerStats;
  /** Starts polling (idempotent). */
  start(): void;
  /** Finishes the poll in hand and stops; resolves when the loop has ended. */
  stop(): Promise<void>;
  /** One poll: pop due timers, take over stale firings, read new ones, process them. Returns the firings processed (acknowledged). */
  tick(): Promise<number>;
}

const SUPPRESSION_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(Suppression).map(([name, n]) => [n, name.toLowerCase()]),
);
const DAY_MS = 86_400_000;

/**
 * The trigger runner. Each firing becomes a Decide request (request id
 * derived from the trigger id, so a retried firing gets the same decision
 * id), for the configured use case and channel, with the timer's SKUs as
 * candidates (none: the catalog) and, for cart abandonment, as the cart. A
 * decision with items goes to the queue with the trigger id as its once key,
 * then the firing is acknowledged; an empty one (suppressed by consent, caps,
 * quiet hours, eligibility) is acknowledged and counted. An error leaves the
 * firing pending: another poll (of any instance) takes it over after
 * `claimIdleMs`, so a firing is processed at least once and, through the once
 * key, delivered at most once.
 */
export function createTriggerRunner(options: TriggerRunnerOptions): TriggerRunner {
  const { timers, pipeline, queue, config, logger, name } = options;
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 250;
  const batchSize = options.batchSize ?? 64;
  const claimIdleMs = options.claimIdleMs ?? 10_000;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const decideTimeoutMs = options.decideTimeoutMs ?? 1000;
  const expiresAfterMs = options.expiresAfterMs ?? DAY_MS;
  const deliverHoldouts = options.deliverHoldouts ?? false;
  const tokensFor = options.tokensFor ?? (async () => ({}));
  const quietUntil = options.quietUntil ?? ((_channel: Channel, atMs: number) => atMs + 3600_000);
  const stats: TriggerRunnerStats = {
    popped: 0,
    processed: 0,
    enqueued: 0,
    duplicates: 0,
    suppressed: {},
    rearmed: 0,
    errors: 0,
    claimed: 0,
    deadLettered: 0,
  };
  const skip = (reason: string) => {
    stats.suppressed[reason] = (stats.suppressed[reason] ?? 0) + 1;
  };

  /** Decides and enqueues one firing; true when it is done (to acknowledge). */
  const process = async (t: FiredTrigger): Promise<boolean> => {
    const kind = config.kinds[t.kind];
    if (!kind.enabled) {
      skip("disabled");
      return true;
    }
    const at = now();
    const req: ValidDecisionRequest = {
      requestId: `trigger:${t.triggerId}`,
      userId: t.personId,
      channel: kind.channel,
      useCase: kind.useCase,
      placement: "",
      context: {
        device: "",
        storeId: "",
        locale: "",
        timeZone: "",
        query: "",
        page: "",
        cartSkus: t.kind === "cart_abandonment" ? t.skus : [],
        timestampMs: at,
      },
      candidates: t.skus.length > 0 ? candidatesFromStrings(t.skus) : NO_CANDIDATES,
      limit: kind.limit,
      explain: false,
    };
    let decision: Decision;
    try {
      // The deadline is on the pipeline's clock (the wall clock), not on `now`, which tests may shift.
      const deadlineMs = Date.now() + decideTimeoutMs;
      decision = await pipeline.decide(req, { deadlineMs, isCancelled: () => false });
    } catch (error) {
      stats.errors++;
      logger.warn("triggered decision failed; the firing will be retried", {
        trigger: t.triggerId,
        deliveries: t.deliveries,
        err: error,
      });
      return false;
    }
    if (decision.items.length === 0 && decision.suppression === Suppression.QUIET_HOURS) {
      // Not now: fire again when the person's quiet hours end, with the same SKUs.
      const dueMs = Math.max(quietUntil(decision.channel as Channel, at), at + 60_000);
      await timers.apply(t.personId, [
        {
          kind: t.kind,
          op: "set",
          dueMs,
          due: "later",
          addSkus: t.skus.map((sku) => ({ sku, atMs: at })),
          removeSkus: [],
          replaceSkus: false,
          maxSkus: config.maxSkus,
          cancelWhenEmpty: false,
          unlessLive: null,
        },
      ]);
      stats.rearmed++;
      skip("quiet_hours");
      return true;
    }
    if (decision.items.length === 0) {
      skip(decision.suppression !== Suppression.NONE ? SUPPRESSION_NAMES[decision.suppression]! : "empty");
      return true;
    }
    if (decision.treatment === Treatment.HOLDOUT && !deliverHoldouts) {
      skip("holdout");
      return true;
    }
    try {
      const appended = await queue.enqueue(
        {
          decision,
          recipient: t.personId,
          trigger: t.kind,
          timeZone: "",
          locale: "",
          tokens: await tokensFor(t.personId).catch(() => ({})),
          expiresAtMs: at + expiresAfterMs,
        },
        t.triggerId,
      );
      if (appended) stats.enqueued++;
      else stats.duplicates++;
      return true;
    } catch (error) {
      stats.errors++;
      logger.warn("triggered decision not queued; the firing will be retried", {
        trigger: t.triggerId,
        err: error,
      });
      return false;
    }
  };

  const handle = async (fired: readonly FiredTrigger[]): Promise<number> => {
    if (fired.length === 0) return 0;
    const done = await Promise.all(fired.map(process));
    const ids = fired.filter((_, i) => done[i]).map((t) => t.entryId);
    await timers.ack(ids);
    stats.processed += ids.length;
    return ids.length;
  };

  const tick = async (): Promise<number> => {
    stats.popped += await timers.popDue(now(), batchSize);
    const { claimed, deadLettered } = await timers.claimStale(name, claimIdleMs, batchSize, maxDeliveries);
    stats.claimed += claimed.length;
    for (const t of deadLettered) {
      stats.deadLettered++;
      logger.error("trigger dead-lettered", { trigger: t.triggerId, deliveries: t.deliveries });
    }
    const fresh = await timers.readFired(name, batchSize);
    return (await handle(claimed)) + (await handle(fresh));
  };

  let running: Promise<void> | null = null;
  let stopping = false;
  let wake: (() => void) | null = null;
  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!stopping) {
      let busy = false;
      try {
        busy = (await tick()) >= batchSize;
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 100 === 0)
          logger.warn("trigger runner error; retrying", { err: error });
      }
      if (busy || stopping) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(
          resolve,
          failures > 0 ? Math.min(5000, pollMs * 2 ** Math.min(failures, 5)) : pollMs,
        );
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  };

  return {
    stats,
    tick,
    start() {
      stopping = false;
      running ??= loop().finally(() => {
        running = null;
      });
    },
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
  };
}
