/** A real decision server (in-process stores, demo policy) and a recording delivery queue for the trigger tests. */
import { readFileSync } from "node:fs";
import type { DeliveryQueue, QueuedDecision } from "../../server/src/delivery/delivery-queue.js";
import type { Profile } from "../../server/src/domain/profile.js";
import type { PersonStateStore } from "../../server/src/domain/stores.js";
import type { EventLog } from "../../server/src/events/event-log.js";
import type { Policy as PolicyProto } from "../../server/src/gen/relevance/v1/policy_pb.js";
import { createIdentifierHasher } from "../../server/src/identity/identifier-hasher.js";
import type { IdentityResolver } from "../../server/src/identity/identity-resolver.js";
import type { Logger } from "../../server/src/log.js";
import { parsePolicyText } from "../../server/src/policy/parse-policy.js";
import { resolveFeatureConfig } from "../../server/src/profile/features/feature-config.js";
import type { TimerSet } from "../../server/src/triggers/timer-store.js";
import type { TriggerKind } from "../../server/src/triggers/trigger-config.js";
import { startTestServer, type TestServer, upsert } from "../server/support/harness.js";
import { item } from "../server/support/model.js";

/** The demo policy, every holdout share at 0 unless `holdouts` names a use case's share. */
export function demoPolicy(holdouts: Record<string, number> = {}): PolicyProto {
  const policy = parsePolicyText(readFileSync("server/policies/demo.yaml", "utf8"), "yaml");
  policy.holdoutShare = 0;
  for (const u of policy.useCases) u.holdoutShare = holdouts[u.id] ?? 0;
  return policy;
}

export const CATALOG = [
  item("bag-roomy", { category: ["luggage"], price: 100, margin: 0.4, stock: 50 }),
  item("bag-last", { category: ["luggage"], price: 100, margin: 0.4, stock: 3 }),
  item("bag-thin", { category: ["luggage"], price: 100, margin: 0.12, stock: 50 }),
  item("soap", { category: ["beauty", "bath"], price: 6, margin: 0.35, stock: 200 }),
  item("lamp", { category: ["home"], price: 60, margin: 0.5, stock: 10, popularity: 0.9 }),
  item("necklace", { category: ["jewelry"], price: 60, margin: 0.5, stock: 10 }),
];

/** A server on the in-process stores with the demo policy and CATALOG loaded, and `people` put. */
export async function startDecisionServer(
  people: readonly Profile[],
  holdouts: Record<string, number> = {},
): Promise<TestServer> {
  const t = await startTestServer({ options: {} }, { policy: demoPolicy(holdouts), consumer: false });
  const res = await upsert(t, CATALOG);
  if (res.upserted !== CATALOG.length)
    throw new Error(`catalog: ${res.upserted} of ${CATALOG.length} upserted`);
  await t.server.profiles.putProfiles(people);
  return t;
}

/** A DeliveryQueue that records what it appended and honours once keys as the Redis queue does. */
export interface RecordingQueue extends DeliveryQueue {
  /** What was appended, in order. */
  readonly appended: { queued: QueuedDecision; onceKey: string }[];
  /** Every call, appended or not. */
  readonly calls: { queued: QueuedDecision; onceKey: string }[];
}

export function recordingQueue(): RecordingQueue {
  const keys = new Set<string>();
  const appended: RecordingQueue["appended"] = [];
  const calls: RecordingQueue["calls"] = [];
  return {
    appended,
    calls,
    async enqueue(queued, onceKey) {
      calls.push({ queued, onceKey });
      if (queued.decision.items.length === 0 || keys.has(onceKey)) return false;
      keys.add(onceKey);
      appended.push({ queued, onceKey });
      return true;
    },
  };
}

/** A logger that keeps warnings and errors for assertions. */
export function recordingLogger(): Logger & { readonly lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  return {
    lines,
    debug() {},
    info() {},
    warn(msg) {
      lines.push({ level: "warn", msg });
    },
    error(msg) {
      lines.push({ level: "error", msg });
    },
  };
}

/** A timer set change with the fields a test does not name at their neutral values. */
export function timerSet(kind: TriggerKind, dueMs: number, fields: Partial<TimerSet> = {}): TimerSet {
  return {
    kind,
    op: "set",
    dueMs,
    due: "later",
    addSkus: [],
    removeSkus: [],
    replaceSkus: false,
    maxSkus: 10,
    cancelWhenEmpty: false,
    unlessLive: null,
    ...fields,
  };
}

/** Features per profile vector of the in-process consumers here. */
export const CONSUMER_FEATURES = 8;
/** The identifier hasher of the in-process consumers and identity resolvers here. */
export const consumerHasher = createIdentifierHasher("test-identity-key-0123456789abcdef");

/** What every in-process consumer here is built with: no catalog, the default feature config, a recording logger. */
export function consumerBase(log: EventLog, people: PersonStateStore, identity: IdentityResolver) {
  return {
    log,
    people,
    hasher: consumerHasher,
    identity,
    items: () => undefined,
    features: CONSUMER_FEATURES,
    featureConfig: resolveFeatureConfig(),
    logger: recordingLogger(),
    name: "consumer-1",
  };
}
