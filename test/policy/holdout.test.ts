/**
 * Holdouts: the share held out over 100k persons, and a person's group kept
 * when an anonymous id is stitched to them (real server, both store kinds).
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Treatment } from "../../server/src/gen/relevance/v1/decision_pb.js";
import {
  type EventSchema,
  EventService,
  PersonService,
  Purpose,
} from "../../server/src/gen/relevance/v1/events_pb.js";
import { PolicySchema } from "../../server/src/gen/relevance/v1/policy_pb.js";
import { createServiceClient, type ServiceClient } from "../../server/src/grpc/service-client.js";
import { holdoutGroup, holdoutPosition } from "../../server/src/policy/holdout.js";
import type { Policy, UseCase } from "../../server/src/policy/policy.js";
import {
  STORE_KINDS,
  type StoreTarget,
  sleep,
  startTestServer,
  storeTarget,
  type TestServer,
  upsert,
} from "../server/support/harness.js";
import { item } from "../server/support/model.js";

const SALT = "holdout-test-salt";

function policyOf(share: number, useCaseShare: number): { policy: Policy; useCase: UseCase } {
  const useCase = { id: "search", holdoutShare: useCaseShare, transactional: false } as UseCase;
  const policy = {
    holdoutShare: share,
    holdoutSalt: SALT,
    useCases: new Map([["search", useCase]]),
  } as unknown as Policy;
  return { policy, useCase };
}

describe("holdoutGroup()", () => {
  it.each([
    [0.05, 0],
    [0.1, 0],
    [0.05, 0.1],
    [0.5, 0],
  ])(
    "should hold out the configured share of 100k persons within 0.5 points (global %f, use case %f)",
    (share, ucShare) => {
      const { policy, useCase } = policyOf(share, ucShare);
      const n = 100_000;
      let global = 0;
      let local = 0;
      for (let i = 0; i < n; i++) {
        const g = holdoutGroup(policy, useCase, `person-${i}`);
        if (g === "global") global++;
        else if (g === "use_case") local++;
      }
      const measured = { global: global / n, useCase: local / n };
      console.log(JSON.stringify({ holdout_share: share, use_case_share: ucShare, measured }));
      expect(Math.abs(measured.global - share)).toBeLessThanOrEqual(0.005);
      // The use case's holdout is drawn among those the global one left in.
      expect(Math.abs(measured.useCase - (1 - share) * ucShare)).toBeLessThanOrEqual(0.005);
    },
  );

  it("should not hold anyone out of a transactional use case", () => {
    const { policy } = policyOf(0.5, 0.5);
    const useCase = { id: "post_purchase", holdoutShare: 0.5, transactional: true } as UseCase;
    for (let i = 0; i < 1000; i++) expect(holdoutGroup(policy, useCase, `p-${i}`)).toBeNull();
  });

  it("should depend on the salt", () => {
    expect(holdoutPosition("a", "", "p")).not.toBe(holdoutPosition("b", "", "p"));
  });
});

type EventInit = Exclude<MessageInitShape<typeof EventSchema>, { $typeName: "relevance.v1.Event" }>;
let seq = 0;
const base = (userId: string): Omit<EventInit, "payload"> => ({
  eventId: `h-${seq++}`,
  subject: { case: "userId", value: userId },
  timestampMs: BigInt(Date.now()),
  channel: 1,
});
const view = (userId: string): EventInit => ({
  ...base(userId),
  payload: { case: "viewItem", value: { sku: "SKU-A", category: "apparel > tops", price: 20 } },
});
const grant = (userId: string): EventInit => ({
  ...base(userId),
  payload: {
    case: "consentUpdate",
    value: { changes: [{ purpose: Purpose.PERSONALIZATION, granted: true }] },
  },
});

describe.each(STORE_KINDS)("holdout across identity stitching (%s)", (kind) => {
  let target: StoreTarget;
  let t: TestServer;
  let events: ServiceClient<typeof EventService>;
  let people: ServiceClient<typeof PersonService>;

  beforeAll(async () => {
    target = await storeTarget(kind);
    t = await startTestServer(target, {
      minProfileEvents: 1,
      policy: create(PolicySchema, {
        version: "holdout-1",
        holdoutShare: 0.5,
        holdoutSalt: SALT,
        useCases: [{ id: "search" }],
      }),
    });
    await upsert(t, [item("SKU-A")]);
    events = createServiceClient(EventService, t.server.address);
    people = createServiceClient(PersonService, t.server.address);
  });
  afterAll(async () => {
    events.close();
    people.close();
    await t?.close();
    await target?.cleanup();
  });

  const treatment = async (userId: string): Promise<Treatment> =>
    (await t.decision.decide({ userId, channel: 1, useCase: "search", candidates: [{ sku: "SKU-A" }] }))
      .treatment;

  async function untilTreated(userId: string): Promise<Treatment> {
    for (let i = 0; i < 500; i++) {
      const tr = await treatment(userId);
      if (tr === Treatment.PERSONALIZED || tr === Treatment.HOLDOUT) return tr;
      await sleep(10);
    }
    throw new Error(`${userId} never got a personalised or holdout decision`);
  }

  it("should keep the known person's group for every id stitched to them", async () => {
    const { policy } = policyOf(0.5, 0);
    // A known person and an anonymous visitor who start in different groups.
    let i = 0;
    while (
      holdoutGroup(policy, undefined, `known-${kind}-${i}`) ===
      holdoutGroup(policy, undefined, `anon-${kind}-${i}`)
    )
      i++;
    const known = `known-${kind}-${i}`;
    const anon = `anon-${kind}-${i}`;
    const knownGroup =
      holdoutGroup(policy, undefined, known) === null ? Treatment.PERSONALIZED : Treatment.HOLDOUT;
    const anonGroup = knownGroup === Treatment.HOLDOUT ? Treatment.PERSONALIZED : Treatment.HOLDOUT;

    await events.track({ events: [grant(known), view(known), view(known)] });
    await people.identify({ userId: known, identifiers: { email: `${known}@example.com` } });
    await events.track({ events: [grant(anon), view(anon)] });
    expect(await untilTreated(known)).toBe(knownGroup);
    expect(await untilTreated(anon)).toBe(anonGroup);

    const merged = await people.identify({ userId: anon, identifiers: { email: `${known}@example.com` } });
    expect(merged.personId).toBe(known);
    expect(await treatment(known)).toBe(knownGroup);
    expect(await treatment(anon)).toBe(knownGroup);
  });
});
