import { create, toBinary } from "@bufbuild/protobuf";
import { type ServiceError, status } from "@grpc/grpc-js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCatalog, generateProfiles } from "../../server/src/demo/synthetic.js";
import { ALL_CONSENT, Consent } from "../../server/src/domain/consent.js";
import type { Profile } from "../../server/src/domain/profile.js";
import { Channel } from "../../server/src/gen/relevance/v1/common_pb.js";
import {
  DecideRequestSchema,
  type DecideResponse,
  Degradation,
  ExclusionReason,
  Treatment,
} from "../../server/src/gen/relevance/v1/decision_pb.js";
import type { Scorer } from "../../server/src/scoring/scorer.js";
import { type RedisServerHandle, startRedisServer } from "../support/redis-process.js";
import { ALL_SKUS, CATALOG, KEPT_ON_WEB, PEOPLE } from "./support/catalog-fixture.js";
import {
  type DecideInit,
  errorId,
  grpcError,
  looksLikeStack,
  type RawDecisionClient,
  rawDecisionClient,
  STORE_KINDS,
  type StoreTarget,
  sleep,
  slowProfileStore,
  startTestServer,
  storeTarget,
  TEST_IDENTITY_KEY,
  type TestServer,
  upsert,
  within,
} from "./support/harness.js";
import {
  CatalogModel,
  FEATURES,
  type ItemInit,
  itemFromDomain,
  type ModelRequest,
  profile,
} from "./support/model.js";

/** Items and exclusions of a response, in the shape the model answers. */
function outcome(r: DecideResponse): {
  items: { sku: string; score: number }[];
  excluded: { sku: string; reason: number }[];
} {
  return {
    items: r.items.map((i) => ({ sku: i.sku, score: i.score })),
    excluded: r.excluded.map((e) => ({ sku: e.sku, reason: e.reason })),
  };
}

function expectRanked(r: DecideResponse, limit: number): void {
  expect(r.items.length).toBeLessThanOrEqual(limit);
  expect(r.items.map((i) => i.rank)).toEqual(r.items.map((_, i) => i + 1));
  for (let i = 1; i < r.items.length; i++)
    expect(r.items[i - 1]!.score).toBeGreaterThanOrEqual(r.items[i]!.score);
  expect(new Set(r.items.map((i) => i.sku)).size).toBe(r.items.length);
}

const MAIN_OPTIONS = { maxCandidates: 24, maxLimit: 50, maxMessageBytes: 4096 } as const;
const MARKETING = [Channel.EMAIL, Channel.SMS, Channel.PUSH, Channel.IN_STORE, Channel.PAID_MEDIA] as const;
const STORE_SKUS = ALL_SKUS.filter((s) => s !== "email-only-sold-out");

describe.each(STORE_KINDS)("Decide on the %s store", (kind) => {
  describe("with the hand-made catalog", () => {
    let target: StoreTarget;
    let t: TestServer;
    const model = new CatalogModel();
    const base = (over: Partial<DecideInit> = {}): DecideInit =>
      ({ userId: PEOPLE.all.userId, channel: Channel.WEB, useCase: "search", ...over }) as DecideInit;
    const cands = (skus: readonly string[]) => skus.map((sku) => ({ sku }));

    beforeAll(async () => {
      target = await storeTarget(kind);
      t = await startTestServer(target, MAIN_OPTIONS);
      await upsert(t, CATALOG, 5);
      model.upsert(CATALOG);
      await t.server.profiles.putProfiles(Object.values(PEOPLE));
    });
    afterAll(async () => {
      await t?.close();
      await target?.cleanup();
    });

    describe("ranking", () => {
      it("should rank a consenting person's candidates personalised, best first, cut at limit", async () => {
        const r = await t.decision.decide(base({ candidates: cands(ALL_SKUS), limit: 5 }));
        expect(r.treatment).toBe(Treatment.PERSONALIZED);
        expect(r.degradations).toEqual([]);
        expectRanked(r, 5);
        expect(r.items).toHaveLength(5);
        const want = model.decide({
          channel: Channel.WEB,
          candidates: cands(ALL_SKUS),
          limit: 5,
          person: PEOPLE.all,
        });
        expect(outcome(r).items).toEqual(want.items);
        expect(r.excluded).toEqual([]);
      });

      it("should set the catalog, policy and kernel versions", async () => {
        const r = await t.decision.decide(base({ candidates: cands(["shoe-run"]) }));
        expect(r.catalogVersion).toBe("c1");
        expect(r.policyVersion).toBe("none");
        expect(r.kernelVersion).toMatch(/^as-simd-abi2-[0-9a-f]{12}$/);
        expect(r.kernelVersion).toBe(t.server.kernelVersion);
        expect(r.decisionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      });

      it("should give a retried request_id the same decision id, and another person another one", async () => {
        const a = await t.decision.decide(base({ requestId: "req-1", candidates: cands(["shoe-run"]) }));
        const b = await t.decision.decide(base({ requestId: "req-1", candidates: cands(["shoe-run"]) }));
        const c = await t.decision.decide(
          base({ userId: PEOPLE.reasons.userId, requestId: "req-1", candidates: cands(["shoe-run"]) }),
        );
        const d = await t.decision.decide(base({ candidates: cands(["shoe-run"]) }));
        const e = await t.decision.decide(base({ candidates: cands(["shoe-run"]) }));
        expect(b.decisionId).toBe(a.decisionId);
        expect(c.decisionId).not.toBe(a.decisionId);
        expect(d.decisionId).not.toBe(e.decisionId);
      });

      it.each([1, 3, 8, 50])(
        "should rank the catalog (no candidates) personalised with limit %i",
        async (limit) => {
          const r = await t.decision.decide(base({ limit }));
          expect(r.treatment).toBe(Treatment.PERSONALIZED);
          expectRanked(r, limit);
          const want = model.decide({ channel: Channel.WEB, limit, person: PEOPLE.all });
          expect(outcome(r).items).toEqual(want.items);
          expect(r.items).toHaveLength(Math.min(limit, KEPT_ON_WEB.length));
        },
      );

      it("should use the default limit (20) when limit is 0", async () => {
        const r = await t.decision.decide(base({ candidates: cands(ALL_SKUS), limit: 0 }));
        expect(r.items.map((i) => i.sku).sort()).toEqual([...KEPT_ON_WEB].sort());
      });

      it("should add the caller's base score with weight 1", async () => {
        const candidates = [
          { sku: "cream-day", baseScore: 5 },
          { sku: "shoe-run" },
          { sku: "mug-owned", baseScore: -2 },
        ];
        const r = await t.decision.decide(base({ candidates, limit: 3 }));
        const want = model.decide({ channel: Channel.WEB, candidates, limit: 3, person: PEOPLE.all });
        expect(outcome(r).items).toEqual(want.items);
        expect(r.items[0]!.sku).toBe("cream-day");
        expect(r.items[2]!.sku).toBe("mug-owned");
      });

      it("should accept duplicate-free candidates and return each sku at most once when one repeats", async () => {
        const ok = await t.decision.decide(
          base({ candidates: cands(["shoe-run", "cream-day"]), explain: true }),
        );
        expect(ok.items.map((i) => i.sku).sort()).toEqual(["cream-day", "shoe-run"]);
        // A repeated SKU is either rejected naming the repeat, or decided once.
        const call = t.decision.decide(
          base({
            candidates: cands(["shoe-run", "cream-day", "shoe-run", "sold-out", "sold-out"]),
            explain: true,
          }),
        );
        const settled = await call.then(
          (r) => ({ ok: true as const, r }),
          (e: ServiceError) => ({ ok: false as const, e }),
        );
        if (settled.ok) {
          const skus = [...settled.r.items.map((i) => i.sku), ...settled.r.excluded.map((e) => e.sku)];
          expect(skus.sort()).toEqual(["cream-day", "shoe-run", "sold-out"]);
        } else {
          expect(settled.e.code).toBe(status.INVALID_ARGUMENT);
          expect(settled.e.details).toMatch(/^candidates\[2\]\.sku: /);
        }
      });
    });

    describe("hard constraints", () => {
      // Candidate mode and catalog mode, for no store, two known stores and an unknown one.
      const storeCases: [string, string, readonly string[]][] = [
        ["no store", "", KEPT_ON_WEB],
        ["store s1", "s1", ["shoe-run", "shirt-oxford", "shirt-floor", "cream-day", "lamp-web", "mug-owned"]],
        [
          "store s2",
          "s2",
          ["shoe-trail", "shirt-oxford", "dress-silk", "cream-day", "lamp-web", "mug-owned"],
        ],
        ["an unknown store (zero stock there)", "nowhere", []],
      ];

      it.each(storeCases)(
        "should keep exactly the in-stock, in-margin items at %s (candidate mode)",
        async (_, storeId, kept) => {
          const r = await t.decision.decide(
            base({ candidates: cands(ALL_SKUS), context: { storeId }, limit: 50, explain: true }),
          );
          expect(r.items.map((i) => i.sku).sort()).toEqual([...kept].sort());
          const want = model.decide({
            channel: Channel.WEB,
            storeId,
            candidates: cands(ALL_SKUS),
            limit: 50,
            explain: true,
            person: PEOPLE.all,
          });
          expect(outcome(r)).toEqual({ items: want.items, excluded: want.excluded });
          for (const e of r.excluded) {
            if (e.sku === "email-only-sold-out") expect(e.reason).toBe(ExclusionReason.INELIGIBLE);
            else if (e.sku === "thin-margin" || e.sku === "loss-leader") {
              expect([ExclusionReason.OUT_OF_STOCK, ExclusionReason.BELOW_MARGIN_FLOOR]).toContain(e.reason);
            } else expect(e.reason).toBe(ExclusionReason.OUT_OF_STOCK);
          }
        },
      );

      it.each(storeCases)(
        "should keep exactly the in-stock, in-margin items at %s (catalog mode)",
        async (_, storeId, kept) => {
          const r = await t.decision.decide(base({ context: { storeId }, limit: 50, explain: true }));
          expect(r.items.map((i) => i.sku).sort()).toEqual([...kept].sort());
          const want = model.decide({
            channel: Channel.WEB,
            storeId,
            limit: 50,
            explain: true,
            person: PEOPLE.all,
          });
          expect(outcome(r)).toEqual({ items: want.items, excluded: want.excluded });
        },
      );

      it("should never return an item out of stock overall even when a store in context has it", async () => {
        const r = await t.decision.decide(
          base({ candidates: cands(["sold-out", "shoe-run"]), context: { storeId: "s1" }, explain: true }),
        );
        expect(r.items.map((i) => i.sku)).toEqual(["shoe-run"]);
        expect(r.excluded).toEqual([
          expect.objectContaining({ sku: "sold-out", reason: ExclusionReason.OUT_OF_STOCK }),
        ]);
      });

      it("should exclude a margin below the floor and keep one exactly at the floor", async () => {
        const r = await t.decision.decide(
          base({ candidates: cands(["thin-margin", "loss-leader", "shirt-floor"]), explain: true }),
        );
        expect(r.items.map((i) => i.sku)).toEqual(["shirt-floor"]);
        expect(outcome(r).excluded).toEqual([
          { sku: "thin-margin", reason: ExclusionReason.BELOW_MARGIN_FLOOR },
          { sku: "loss-leader", reason: ExclusionReason.BELOW_MARGIN_FLOOR },
        ]);
      });

      it("should name OUT_OF_STOCK before BELOW_MARGIN_FLOOR and INELIGIBLE before OUT_OF_STOCK", async () => {
        const r = await t.decision.decide(
          base({ candidates: cands(["sold-out-thin", "email-only-sold-out"]), explain: true }),
        );
        expect(outcome(r).excluded).toEqual([
          { sku: "sold-out-thin", reason: ExclusionReason.OUT_OF_STOCK },
          { sku: "email-only-sold-out", reason: ExclusionReason.INELIGIBLE },
        ]);
      });
    });

    describe("consent", () => {
      it("should send nothing by email to a person without EMAIL consent, every candidate NO_CONSENT", async () => {
        const r = await t.decision.decide(
          base({
            userId: PEOPLE.noEmail.userId,
            channel: Channel.EMAIL,
            candidates: cands(ALL_SKUS),
            explain: true,
          }),
        );
        expect(r.items).toEqual([]);
        expect(outcome(r).excluded).toEqual(
          ALL_SKUS.map((sku) => ({ sku, reason: ExclusionReason.NO_CONSENT })),
        );
        expect(r.degradations).toEqual([]);
      });

      it("should send nothing by email from the catalog to a person without EMAIL consent", async () => {
        const r = await t.decision.decide(
          base({ userId: PEOPLE.noEmail.userId, channel: Channel.EMAIL, limit: 50, explain: true }),
        );
        expect(r.items).toEqual([]);
        expect(r.excluded).toHaveLength(ALL_SKUS.length);
        for (const e of r.excluded) expect(e.reason).toBe(ExclusionReason.NO_CONSENT);
      });

      it("should still name UNKNOWN_SKU before NO_CONSENT", async () => {
        const r = await t.decision.decide(
          base({
            userId: PEOPLE.noEmail.userId,
            channel: Channel.EMAIL,
            candidates: cands(["nope", "shoe-run"]),
            explain: true,
          }),
        );
        expect(outcome(r).excluded).toEqual([
          { sku: "nope", reason: ExclusionReason.UNKNOWN_SKU },
          { sku: "shoe-run", reason: ExclusionReason.NO_CONSENT },
        ]);
      });

      it("should email a person with EMAIL but without PERSONALIZATION consent a non-personalised ranking", async () => {
        const candidates = cands(ALL_SKUS);
        const r = await t.decision.decide(
          base({ userId: PEOPLE.emailOnly.userId, channel: Channel.EMAIL, candidates, limit: 50 }),
        );
        expect(r.treatment).toBe(Treatment.NON_PERSONALIZED);
        const want = model.decide({
          channel: Channel.EMAIL,
          candidates,
          limit: 50,
          person: PEOPLE.emailOnly,
        });
        expect(outcome(r).items).toEqual(want.items);
        expect(r.items.length).toBeGreaterThan(0);
      });

      it("should rank a person without PERSONALIZATION consent exactly as a person without a profile", async () => {
        const candidates = cands(ALL_SKUS);
        const noConsent = await t.decision.decide(
          base({ userId: PEOPLE.noPersonalisation.userId, candidates, limit: 50, explain: true }),
        );
        const missing = await t.decision.decide(
          base({ userId: `ghost-${kind}-1`, candidates, limit: 50, explain: true }),
        );
        expect(noConsent.treatment).toBe(Treatment.NON_PERSONALIZED);
        expect(noConsent.degradations).toEqual([]);
        expect(missing.treatment).toBe(Treatment.FALLBACK);
        expect(missing.degradations).toEqual([Degradation.PROFILE_MISSING]);
        expect(outcome(noConsent)).toEqual(outcome(missing));
        // Nothing of the person: the scores are the common part only (popularity and boost).
        const want = model.decide({
          channel: Channel.WEB,
          candidates,
          limit: 50,
          explain: true,
          person: null,
        });
        expect(outcome(noConsent)).toEqual({ items: want.items, excluded: want.excluded });
        const personal = model.decide({
          channel: Channel.WEB,
          candidates,
          limit: 50,
          person: PEOPLE.noPersonalisation,
        });
        expect(personal.items).toEqual(want.items);
      });

      it("should rank the catalog for a person without PERSONALIZATION consent as for a missing person", async () => {
        const noConsent = await t.decision.decide(
          base({ userId: PEOPLE.noPersonalisation.userId, limit: 50 }),
        );
        const missing = await t.decision.decide(base({ userId: `ghost-${kind}-2`, limit: 50 }));
        expect(noConsent.treatment).toBe(Treatment.NON_PERSONALIZED);
        expect(missing.treatment).toBe(Treatment.FALLBACK);
        expect(outcome(noConsent)).toEqual(outcome(missing));
      });

      it.each(MARKETING)(
        "should fail closed on marketing channel %i for a person without a profile",
        async (channel) => {
          const r = await t.decision.decide(
            base({ userId: `ghost-${kind}-3`, channel, candidates: cands(STORE_SKUS), explain: true }),
          );
          expect(r.items).toEqual([]);
          expect(r.treatment).toBe(Treatment.FALLBACK);
          expect(r.degradations).toEqual([Degradation.PROFILE_MISSING]);
          expect(outcome(r).excluded).toEqual(
            STORE_SKUS.map((sku) => ({ sku, reason: ExclusionReason.NO_CONSENT })),
          );
          const catalog = await t.decision.decide(base({ userId: `ghost-${kind}-3`, channel, limit: 50 }));
          expect(catalog.items).toEqual([]);
        },
      );

      it.each(MARKETING)("should rank for a consenting person on marketing channel %i", async (channel) => {
        const candidates = cands(ALL_SKUS);
        const r = await t.decision.decide(base({ channel, candidates, limit: 50, explain: true }));
        expect(r.treatment).toBe(Treatment.PERSONALIZED);
        const want = model.decide({ channel, candidates, limit: 50, explain: true, person: PEOPLE.all });
        expect(outcome(r)).toEqual({ items: want.items, excluded: want.excluded });
        expect(r.items.length).toBeGreaterThan(0);
      });

      it.each([Channel.WEB, Channel.APP])(
        "should rank for a person without a profile on owned channel %i",
        async (channel) => {
          const r = await t.decision.decide(
            base({ userId: `ghost-${kind}-4`, channel, candidates: cands(ALL_SKUS) }),
          );
          expect(r.treatment).toBe(Treatment.FALLBACK);
          expect(r.items.length).toBeGreaterThan(0);
        },
      );
    });

    describe("explain", () => {
      const user = `${PEOPLE.reasons.userId}`;
      const candidates = cands([
        "nope",
        "lamp-web",
        "sold-out",
        "thin-margin",
        "shirt-oxford",
        "cream-day",
        "dress-silk",
        "shoe-trail",
        "shoe-run",
        "shirt-floor",
        "mug-owned",
        "sold-out-thin",
        "email-only-sold-out",
      ]);

      beforeAll(async () => {
        const p = t.server.profiles;
        await p.capItem(user, "shirt-oxford", Date.now() + 60_000);
        await p.capItem(user, "cream-day", Date.now() + 150);
        await p.markRedeemed(user, "dress-silk");
        await p.capItem(user, "shoe-trail", Date.now() + 60_000);
        await p.markRedeemed(user, "shoe-trail");
        await p.capItem(user, "sold-out", Date.now() + 60_000);
        await p.capItem(user, "ghost-sku", Date.now() + 60_000);
        await sleep(300); // the cream-day cap expires
      });

      it("should return or exclude every candidate exactly once, each exclusion with its first failing check", async () => {
        const r = await t.decision.decide(
          base({ userId: user, channel: Channel.APP, candidates, limit: 50, explain: true }),
        );
        expect(r.treatment).toBe(Treatment.PERSONALIZED);
        const seen = [...r.items.map((i) => i.sku), ...r.excluded.map((e) => e.sku)];
        expect(seen.sort()).toEqual(candidates.map((c) => c.sku).sort());
        for (const e of r.excluded) expect(e.reason).not.toBe(ExclusionReason.UNSPECIFIED);
        expect(outcome(r).excluded).toEqual([
          { sku: "nope", reason: ExclusionReason.UNKNOWN_SKU },
          { sku: "lamp-web", reason: ExclusionReason.INELIGIBLE },
          { sku: "sold-out", reason: ExclusionReason.OUT_OF_STOCK },
          { sku: "thin-margin", reason: ExclusionReason.BELOW_MARGIN_FLOOR },
          { sku: "shirt-oxford", reason: ExclusionReason.CAPPED },
          { sku: "dress-silk", reason: ExclusionReason.REDEEMED },
          { sku: "shoe-trail", reason: ExclusionReason.CAPPED },
          { sku: "sold-out-thin", reason: ExclusionReason.OUT_OF_STOCK },
          { sku: "email-only-sold-out", reason: ExclusionReason.INELIGIBLE },
        ]);
        expect(r.items.map((i) => i.sku).sort()).toEqual([
          "cream-day",
          "mug-owned",
          "shirt-floor",
          "shoe-run",
        ]);
        const want = model.decide({
          channel: Channel.APP,
          candidates,
          limit: 50,
          explain: true,
          person: PEOPLE.reasons,
          capped: ["shirt-oxford", "shoe-trail", "sold-out", "ghost-sku"],
          redeemed: ["dress-silk", "shoe-trail"],
        });
        expect(outcome(r)).toEqual({ items: want.items, excluded: want.excluded });
      });

      it("should never return a capped or redeemed item from the catalog", async () => {
        const r = await t.decision.decide(base({ userId: user, limit: 50, explain: true }));
        const skus = r.items.map((i) => i.sku);
        for (const sku of ["shirt-oxford", "dress-silk", "shoe-trail"]) expect(skus).not.toContain(sku);
        expect(skus).toContain("cream-day");
        expect(r.excluded).toContainEqual(
          expect.objectContaining({ sku: "shirt-oxford", reason: ExclusionReason.CAPPED }),
        );
        expect(r.excluded).toContainEqual(
          expect.objectContaining({ sku: "dress-silk", reason: ExclusionReason.REDEEMED }),
        );
      });

      it("should apply caps of a person without a profile", async () => {
        const ghost = `ghost-${kind}-capped`;
        await t.server.profiles.capItem(ghost, "shirt-oxford", Date.now() + 60_000);
        const r = await t.decision.decide(
          base({ userId: ghost, candidates: cands(["shirt-oxford", "shoe-run"]), explain: true }),
        );
        expect(r.treatment).toBe(Treatment.FALLBACK);
        expect(outcome(r).excluded).toEqual([{ sku: "shirt-oxford", reason: ExclusionReason.CAPPED }]);
      });

      it("should list nothing excluded without explain", async () => {
        const r = await t.decision.decide(
          base({ userId: user, channel: Channel.APP, candidates, limit: 50 }),
        );
        expect(r.excluded).toEqual([]);
        expect(r.items).toHaveLength(4);
      });
    });

    describe("bad input", () => {
      const long = (n: number) => "x".repeat(n);
      const cases: [string, DecideInit, status, string, string][] = [
        ["a missing user_id", base({ userId: "" }), status.INVALID_ARGUMENT, "user_id: required", "RL1001"],
        [
          "a user_id over maxUserIdLength",
          base({ userId: long(257) }),
          status.INVALID_ARGUMENT,
          "user_id: 257 characters exceeds the limit of 256 characters (option maxUserIdLength)",
          "RL1003",
        ],
        [
          "channel 0",
          base({ channel: Channel.UNSPECIFIED }),
          status.INVALID_ARGUMENT,
          "channel: required, one of web, app, email, sms, push, in_store, paid_media",
          "RL1001",
        ],
        [
          "unknown channel 99",
          base({ channel: 99 as Channel }),
          status.INVALID_ARGUMENT,
          "channel: 99 is not a known channel",
          "RL1001",
        ],
        [
          "negative channel -1",
          base({ channel: -1 as Channel }),
          status.INVALID_ARGUMENT,
          "channel: -1 is not a known channel",
          "RL1001",
        ],
        [
          "a missing use_case",
          base({ useCase: "" }),
          status.INVALID_ARGUMENT,
          "use_case: required",
          "RL1001",
        ],
        [
          "a malformed use_case",
          base({ useCase: "Search" }),
          status.INVALID_ARGUMENT,
          "use_case: must be 1-64 characters of a-z, 0-9, '_', '.', '-', starting with a letter or digit",
          "RL1001",
        ],
        [
          "candidates over maxCandidates",
          base({ candidates: Array.from({ length: 25 }, (_, i) => ({ sku: `s${i}` })) }),
          status.INVALID_ARGUMENT,
          "candidates: 25 exceeds the limit of 24 (option maxCandidates)",
          "RL1003",
        ],
        [
          "limit over maxLimit",
          base({ limit: 51 }),
          status.INVALID_ARGUMENT,
          "limit: 51 exceeds the limit of 50 (option maxLimit)",
          "RL1003",
        ],
        [
          "an empty sku",
          base({ candidates: [{ sku: "shoe-run" }, { sku: "" }] }),
          status.INVALID_ARGUMENT,
          "candidates[1].sku: required",
          "RL1001",
        ],
        [
          "a sku over maxSkuLength",
          base({ candidates: [{ sku: long(129) }] }),
          status.INVALID_ARGUMENT,
          "candidates[0].sku: 129 bytes exceeds the limit of 128 bytes (option maxSkuLength)",
          "RL1003",
        ],
        [
          "a NaN base score",
          base({ candidates: [{ sku: "shoe-run", baseScore: Number.NaN }] }),
          status.INVALID_ARGUMENT,
          "candidates[0].base_score: must be a finite number within ±1000000000",
          "RL1001",
        ],
        [
          "an infinite base score",
          base({
            candidates: [{ sku: "shoe-run" }, { sku: "cream-day", baseScore: Number.NEGATIVE_INFINITY }],
          }),
          status.INVALID_ARGUMENT,
          "candidates[1].base_score: must be a finite number within ±1000000000",
          "RL1001",
        ],
        [
          "a negative timestamp",
          base({ context: { timestampMs: -1n } }),
          status.INVALID_ARGUMENT,
          "context.timestamp_ms: must not be negative",
          "RL1001",
        ],
        [
          "a store id over 128 characters",
          base({ context: { storeId: long(129) } }),
          status.INVALID_ARGUMENT,
          "context.store_id: 129 characters exceeds the limit of 128",
          "RL1001",
        ],
      ];

      it.each(cases)(
        "should reject %s with its code, exact message and error id",
        async (_, req, code, details, id) => {
          const e = await grpcError(t.decision.decide(req));
          expect({ code: e.code, details: e.details, id: errorId(e) }).toEqual({ code, details, id });
          expect(looksLikeStack(e.details)).toBe(false);
        },
      );

      describe("on the wire", () => {
        let raw: RawDecisionClient;
        beforeAll(() => {
          raw = rawDecisionClient(t.server.address);
        });
        afterAll(() => raw?.close());

        const malformed: [string, number[], string][] = [
          [
            "a length past the end",
            [0x12, 0x05, 0x61],
            "request is not a valid relevance.v1.DecideRequest: length exceeds the message at byte 1",
          ],
          [
            "field number 0",
            [0x00],
            "request is not a valid relevance.v1.DecideRequest: field number 0 at byte 1",
          ],
          [
            "a user_id that is not UTF-8",
            [0x12, 0x01, 0xff],
            "request is not a valid relevance.v1.DecideRequest: string is not valid UTF-8 at byte 2",
          ],
          [
            "a candidate sku that is not UTF-8",
            [0x3a, 0x03, 0x0a, 0x01, 0xff],
            "request is not a valid relevance.v1.DecideRequest: string is not valid UTF-8 at byte 4",
          ],
          [
            "wire type 7",
            [0x0f],
            "request is not a valid relevance.v1.DecideRequest: unsupported wire type 7 at byte 1",
          ],
          [
            "a truncated varint",
            [0x18, 0x80],
            "request is not a valid relevance.v1.DecideRequest: truncated varint at byte 1",
          ],
          [
            "a candidate overrunning its length",
            [0x3a, 0x02, 0x0a, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65],
            "request is not a valid relevance.v1.DecideRequest: embedded message overruns its length at byte 9",
          ],
        ];

        it.each(malformed)(
          "should reject malformed bytes (%s) with INVALID_ARGUMENT",
          async (_, bytes, details) => {
            const e = await grpcError(raw.decide(Buffer.from(bytes)));
            expect({ code: e.code, details: e.details, id: errorId(e) }).toEqual({
              code: status.INVALID_ARGUMENT,
              details,
              id: "RL1002",
            });
          },
        );

        it("should answer random bytes with OK or INVALID_ARGUMENT, never another code", async () => {
          await fc.assert(
            fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (bytes) => {
              const settled = await raw.decide(Buffer.from(bytes)).then(
                () => null,
                (e: ServiceError) => e,
              );
              if (settled === null) return;
              expect(settled.code).toBe(status.INVALID_ARGUMENT);
              expect(["RL1001", "RL1002", "RL1003"]).toContain(errorId(settled));
              expect(looksLikeStack(settled.details)).toBe(false);
            }),
            { numRuns: 60 },
          );
        });

        it("should reject a message over maxMessageBytes with RESOURCE_EXHAUSTED naming the option", async () => {
          const req = create(DecideRequestSchema, base({ context: { page: long(5000) } }));
          const bytes = Buffer.from(toBinary(DecideRequestSchema, req));
          expect(bytes.length).toBeGreaterThan(4096);
          const e = await grpcError(raw.decide(bytes));
          expect({ code: e.code, details: e.details, id: errorId(e) }).toEqual({
            code: status.RESOURCE_EXHAUSTED,
            details: `message: ${bytes.length} bytes exceeds the limit of 4096 bytes (option maxMessageBytes)`,
            id: "RL1004",
          });
        });

        it("should reject a message far over maxMessageBytes with RESOURCE_EXHAUSTED", async () => {
          const e = await grpcError(t.decision.decide(base({ context: { page: long(20_000) } })));
          expect(e.code).toBe(status.RESOURCE_EXHAUSTED);
          expect(looksLikeStack(e.details)).toBe(false);
        });

        it("should still answer a valid request on the same connection afterwards", async () => {
          const req = create(DecideRequestSchema, base({ candidates: cands(["shoe-run"]) }));
          const res = await raw.decide(Buffer.from(toBinary(DecideRequestSchema, req)));
          expect(res.length).toBeGreaterThan(0);
        });
      });
    });

    it("should have logged no internal error", () => {
      expect(t.errors).toEqual([]);
    });
  });

  describe("on random catalogs (property)", () => {
    let target: StoreTarget;
    let t: TestServer;
    const model = new CatalogModel();
    const POOL = Array.from({ length: 24 }, (_, i) => `r-${String(i).padStart(2, "0")}`);
    const STORES = ["s1", "s2", "s3"];
    const people: Record<string, Profile | null> = {
      "q-all": profile("q-all", ALL_CONSENT, { seed: 21 }),
      "q-perso-only": profile("q-perso-only", Consent.PERSONALIZATION, { seed: 22, favourite: "home" }),
      "q-ghost": null,
    };

    beforeAll(async () => {
      target = await storeTarget(kind);
      t = await startTestServer(target, { maxCandidates: 64, maxLimit: 50 });
      await t.server.profiles.putProfiles(Object.values(people).filter((p): p is Profile => p !== null));
    });
    afterAll(async () => {
      await t?.close();
      await target?.cleanup();
    });

    const f32 = (min: number, max: number) => fc.float({ min, max, noNaN: true });
    const itemArb: fc.Arbitrary<ItemInit> = fc.record({
      sku: fc.constantFrom(...POOL),
      categoryPath: fc.constantFrom(["shoes"], ["apparel", "tops"], ["home"], ["beauty", "skin"], ["toys"]),
      brand: fc.constant("b"),
      price: fc.double({ min: 0.5, max: 1000, noNaN: true }),
      margin: fc.oneof(fc.constantFrom(-0.5, 0, 0.049, 0.05, 0.0501, 0.3), f32(-1, 1)),
      stock: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })),
      storeStock: fc.dictionary(fc.constantFrom(...STORES), fc.integer({ min: 0, max: 2 }), { maxKeys: 3 }),
      returnRate: fc.constant(0),
      features: fc.array(f32(-1, 1), { minLength: FEATURES, maxLength: FEATURES }),
      channels: fc.subarray([1, 2, 3, 4, 5, 6, 7] as Channel[]),
      popularity: f32(0, 1),
      boost: fc.constantFrom(0, 0.25, -0.5),
    });
    const requestArb = fc.record({
      userId: fc.constantFrom(...Object.keys(people)),
      channel: fc.constantFrom(1, 2, 3, 4, 5, 6, 7) as fc.Arbitrary<Channel>,
      storeId: fc.constantFrom("", "", "s1", "s2", "s3", "nowhere"),
      candidates: fc.oneof(
        fc.constant([] as { sku: string; baseScore?: number }[]),
        fc.uniqueArray(
          fc.record(
            {
              sku: fc.oneof(fc.constantFrom(...POOL), fc.constantFrom("unknown-1", "unknown-2")),
              baseScore: f32(-2, 2),
            },
            { requiredKeys: ["sku"] },
          ),
          { minLength: 1, maxLength: 30, selector: (c) => c.sku },
        ),
      ),
      limit: fc.integer({ min: 1, max: 50 }),
      explain: fc.boolean(),
    });

    it("should never return an item out of stock, out of stock at the store, below the floor or barred from the channel", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(itemArb, { minLength: 1, maxLength: 10 }),
          fc.array(requestArb, { minLength: 1, maxLength: 3 }),
          async (items, requests) => {
            await upsert(t, items, 4);
            model.upsert(items);
            for (const q of requests) {
              const r = await t.decision.decide({ ...q, useCase: "prop", context: { storeId: q.storeId } });
              const person = people[q.userId] ?? null;
              const req: ModelRequest = { ...q, person };
              const want = model.decide(req);
              // The safety rules, stated directly…
              const kept = new Set(
                model.decide({ ...req, limit: 1000, candidates: [] }).items.map((i) => i.sku),
              );
              for (const i of r.items) expect(kept.has(i.sku)).toBe(true);
              if (q.candidates.length > 0) {
                const asked = new Set(q.candidates.map((c) => c.sku));
                for (const i of r.items) expect(asked.has(i.sku)).toBe(true);
              }
              expectRanked(r, q.limit);
              // …and the whole answer, exactly.
              expect(outcome(r)).toEqual({ items: want.items, excluded: want.excluded });
              expect(r.items).toHaveLength(Math.min(q.limit, want.keptCount));
              expect(r.catalogVersion).toBe(`c${model.version}`);
              if (q.explain && q.candidates.length > 0) {
                expect(r.items.length + r.excluded.length).toBe(
                  Math.min(q.limit, want.keptCount) + (q.candidates.length - want.keptCount),
                );
              }
            }
          },
        ),
        { numRuns: 25 },
      );
    });

    it("should have logged no internal error", () => {
      expect(t.errors).toEqual([]);
    });
  });

  describe("with a small maxExclusions", () => {
    let target: StoreTarget;
    let t: TestServer;

    beforeAll(async () => {
      target = await storeTarget(kind);
      t = await startTestServer(target, { maxExclusions: 2 });
      await upsert(t, CATALOG);
    });
    afterAll(async () => {
      await t?.close();
      await target?.cleanup();
    });

    it("should exclude a capped item when the person also has caps on SKUs no longer in the catalog", async () => {
      const user = `p-delisted-${kind}`;
      await t.server.profiles.putProfiles([profile(user, ALL_CONSENT, { seed: 31 })]);
      // Caps on two delisted SKUs, then on a live one (the latest expiry, so it is listed last by both stores).
      await t.server.profiles.capItem(user, "delisted-1", Date.now() + 60_000);
      await t.server.profiles.capItem(user, "delisted-2", Date.now() + 60_000);
      await t.server.profiles.capItem(user, "shoe-run", Date.now() + 120_000);
      const r = await t.decision.decide({
        userId: user,
        channel: Channel.WEB,
        useCase: "search",
        candidates: [{ sku: "shoe-run" }, { sku: "cream-day" }],
        explain: true,
      });
      expect(r.items.map((i) => i.sku)).toEqual(["cream-day"]);
      expect(outcome(r).excluded).toEqual([{ sku: "shoe-run", reason: ExclusionReason.CAPPED }]);
    });
  });

  describe("under deadlines", () => {
    let target: StoreTarget;
    let slowRead: TestServer;
    let stalled: TestServer;
    let slowStoreTimeout: TestServer;
    let ignoringStoreTimeout: TestServer;
    const req = (): DecideInit => ({
      userId: PEOPLE.all.userId,
      channel: Channel.WEB,
      useCase: "search",
      candidates: KEPT_ON_WEB.map((sku) => ({ sku })),
    });

    beforeAll(async () => {
      target = await storeTarget(kind);
      const start = async (profileTimeoutMs: number, honourTimeout: boolean) => {
        const s = await startTestServer(
          target,
          { profileTimeoutMs },
          { profileStore: slowProfileStore(target.profileStore(), 200, honourTimeout) },
        );
        await upsert(s, CATALOG);
        await s.server.profiles.putProfiles([PEOPLE.all]);
        return s;
      };
      slowRead = await start(1000, true);
      stalled = await start(1000, false);
      slowStoreTimeout = await start(20, true);
      ignoringStoreTimeout = await start(20, false);
    });
    afterAll(async () => {
      for (const s of [slowRead, stalled, slowStoreTimeout, ignoringStoreTimeout]) {
        await s?.close();
        await s?.server.profiles.close();
      }
      await target?.cleanup();
    });

    it("should answer DEADLINE_EXCEEDED and stop its work when the caller's deadline passes during the profile read", async () => {
      // The store answers after 200 ms whatever time it is given: only the pipeline can notice the deadline.
      const stats = stalled.server.pipeline.stats;
      const before = { abandoned: stats.abandoned, decisions: stats.decisions };
      const e = await grpcError(stalled.decision.decide(req(), within(50)));
      expect(e.code).toBe(status.DEADLINE_EXCEEDED);
      // The store answers at 200 ms; on a loaded machine the pipeline may see it later: wait up to 3 s.
      const until = Date.now() + 3000;
      while (stats.abandoned === before.abandoned && Date.now() < until) await sleep(20);
      expect(stats.abandoned).toBe(before.abandoned + 1);
      expect(stats.decisions).toBe(before.decisions);
    });

    it("should personalise when the slow store answers within profileTimeoutMs", async () => {
      const r = await slowRead.decision.decide(req(), within(2000));
      expect(r.treatment).toBe(Treatment.PERSONALIZED);
      expect(r.degradations).toEqual([]);
    });

    it("should answer FALLBACK with PROFILE_TIMEOUT when the store takes longer than profileTimeoutMs", async () => {
      const r = await slowStoreTimeout.decision.decide(req(), within(2000));
      expect(r.treatment).toBe(Treatment.FALLBACK);
      expect(r.degradations).toEqual([Degradation.PROFILE_TIMEOUT]);
      expect(r.items.map((i) => i.sku).sort()).toEqual([...KEPT_ON_WEB].sort());
    });

    it("should not wait past profileTimeoutMs for a store that does not time out by itself", async () => {
      const r = await ignoringStoreTimeout.decision.decide(req(), within(2000));
      expect({ treatment: r.treatment, degradations: r.degradations }).toEqual({
        treatment: Treatment.FALLBACK,
        degradations: [Degradation.PROFILE_TIMEOUT],
      });
    });

    it("should report the catalog version the decision was made with when the catalog changes during the read", async () => {
      const pending = slowRead.decision.decide({ ...req(), explain: true }, within(2000));
      await sleep(60);
      const change = await slowRead.catalog.setStock({ updates: [{ sku: "shoe-run", quantity: 0 }] });
      const r = await pending;
      expect(r.excluded).toContainEqual(
        expect.objectContaining({ sku: "shoe-run", reason: ExclusionReason.OUT_OF_STOCK }),
      );
      // The decision excluded shoe-run, so it was made on the changed catalog.
      expect(r.catalogVersion).toBe(change.catalogVersion);
      await slowRead.catalog.setStock({ updates: [{ sku: "shoe-run", quantity: 12 }] });
    });

    it("should have logged no internal error", () => {
      expect([
        ...slowRead.errors,
        ...stalled.errors,
        ...slowStoreTimeout.errors,
        ...ignoringStoreTimeout.errors,
      ]).toEqual([]);
    });
  });

  describe("pooled, laned and inline scoring", () => {
    let pooledTarget: StoreTarget;
    let lanedTarget: StoreTarget;
    let inlineTarget: StoreTarget;
    let pooled: TestServer;
    /** Candidate jobs on the scoring lane from the second to reach scoring in one turn; catalog scans on the pool. */
    let laned: TestServer;
    let inline: TestServer;
    const catalog = generateCatalog({ items: 2100, stores: 4, features: FEATURES, seed: 5 }).map(
      itemFromDomain,
    );
    const profiles = generateProfiles({ count: 12, features: FEATURES, seed: 5, idPrefix: "u-" });
    const skus = catalog.map((i) => i.sku!);

    beforeAll(async () => {
      pooledTarget = await storeTarget(kind);
      lanedTarget = await storeTarget(kind);
      inlineTarget = await storeTarget(kind);
      pooled = await startTestServer(pooledTarget, {
        threads: 2,
        inlineMaxCandidates: 0,
        inlineMaxCatalogItems: 0,
        maxCandidates: 64,
      });
      laned = await startTestServer(lanedTarget, {
        threads: 1,
        inlineMaxCandidates: 64,
        scoringLaneBatch: 2,
        inlineMaxCatalogItems: 0,
        maxCandidates: 64,
      });
      inline = await startTestServer(inlineTarget, { threads: 0, maxCandidates: 64 });
      for (const s of [pooled, laned, inline]) {
        await upsert(s, catalog, 300);
        await s.server.profiles.putProfiles(profiles);
      }
    });
    afterAll(async () => {
      await pooled?.close();
      await laned?.close();
      await inline?.close();
      await pooledTarget?.cleanup();
      await lanedTarget?.cleanup();
      await inlineTarget?.cleanup();
    });

    it("should decide identically on the pool, on the lane and inline", async () => {
      const requestArb = fc.record({
        userId: fc.constantFrom(...profiles.map((p) => p.userId), "u-nobody"),
        channel: fc.constantFrom(1, 2, 3, 4, 5, 6, 7) as fc.Arbitrary<Channel>,
        useCase: fc.constant("home"),
        context: fc.record({ storeId: fc.constantFrom("", "store-001", "store-003", "nowhere") }),
        candidates: fc.oneof(
          fc.constant([] as { sku: string; baseScore?: number }[]),
          fc.uniqueArray(
            fc.record(
              {
                sku: fc.constantFrom(...skus, "nope"),
                baseScore: fc.float({ min: -1, max: 1, noNaN: true }),
              },
              { requiredKeys: ["sku"] },
            ),
            { minLength: 1, maxLength: 64, selector: (c) => c.sku },
          ),
        ),
        limit: fc.integer({ min: 0, max: 60 }),
        explain: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(requestArb, { minLength: 1, maxLength: 4 }), async (reqs) => {
          // Concurrent calls, so pooled ones share the pool and its request
          // slots, and laned ones reach scoring in one turn and share the lane.
          const [a, l, b] = await Promise.all([
            Promise.all(reqs.map((q) => pooled.decision.decide(q))),
            Promise.all(reqs.map((q) => laned.decision.decide(q))),
            Promise.all(reqs.map((q) => inline.decision.decide(q))),
          ]);
          a.forEach((ra, i) => {
            const rb = b[i]!;
            expect({ ...ra, decisionId: "" }).toEqual({ ...rb, decisionId: "" });
            expect({ ...l[i]!, decisionId: "" }).toEqual({ ...rb, decisionId: "" });
            expectRanked(ra, reqs[i]!.limit === 0 ? 20 : reqs[i]!.limit!);
          });
        }),
        { numRuns: 30 },
      );
      const ps = pooled.server.pipeline.stats;
      expect(ps.pooled).toBeGreaterThan(0);
      expect(ps.inline).toBe(0);
      expect(ps.pooled).toBe(ps.decisions);
      expect(inline.server.pipeline.stats.pooled).toBe(0);
      expect(inline.server.pipeline.stats.laned).toBe(0);
      // A lane only where small jobs may be scored inline on a server with workers.
      expect([pooled, laned, inline].map((s) => s.server.scorer.hasLane)).toEqual([false, true, false]);
      const ls = laned.server.pipeline.stats;
      expect(ls.laned).toBeGreaterThan(0);
      expect(ls.pooled).toBeGreaterThan(0);
      expect(ls.laned + ls.pooled + ls.inline).toBe(ls.decisions);
    });

    it("should have no scoring lane with the option scoringLane off", async () => {
      const target = await storeTarget(kind);
      try {
        const s = await startTestServer(target, { threads: 1, inlineMaxCandidates: 64, scoringLane: false });
        try {
          expect(s.server.scorer.hasLane).toBe(false);
        } finally {
          await s.close();
        }
      } finally {
        await target.cleanup();
      }
    });

    it("should return the default limit of 20 items from a large catalog", async () => {
      for (const s of [pooled, laned, inline]) {
        const r = await s.decision.decide({
          userId: profiles[0]!.userId,
          channel: Channel.WEB,
          useCase: "home",
        });
        expect(r.items).toHaveLength(20);
        expectRanked(r, 20);
      }
    });

    it("should have logged no internal error", () => {
      expect([...pooled.errors, ...laned.errors, ...inline.errors]).toEqual([]);
    });
  });
});

describe("Decide on a private Redis that stalls and dies", () => {
  let redis: RedisServerHandle;
  let t: TestServer;
  const req: DecideInit = {
    userId: PEOPLE.all.userId,
    channel: Channel.WEB,
    useCase: "search",
    candidates: KEPT_ON_WEB.map((sku) => ({ sku })),
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    t = await startTestServer(
      { options: { redisUrl: redis.url, redisKeyPrefix: "private:", identityKey: TEST_IDENTITY_KEY } },
      { profileTimeoutMs: 100 },
    );
    await upsert(t, CATALOG);
    await t.server.profiles.putProfiles([PEOPLE.all]);
  });
  afterAll(async () => {
    try {
      redis?.resume();
    } catch {
      // already stopped
    }
    await t?.close();
    await redis?.stop();
  });

  it("should personalise while Redis answers", async () => {
    expect(t.server.storeKind).toBe("redis");
    const r = await t.decision.decide(req, within(5000));
    expect(r.treatment).toBe(Treatment.PERSONALIZED);
  });

  it("should answer FALLBACK with PROFILE_TIMEOUT while Redis is paused", async () => {
    redis.pause();
    const rs = await Promise.all([1, 2, 3].map(() => t.decision.decide(req, within(5000))));
    for (const r of rs) {
      expect(r.treatment).toBe(Treatment.FALLBACK);
      expect(r.degradations).toEqual([Degradation.PROFILE_TIMEOUT]);
      expect(r.items.map((i) => i.sku).sort()).toEqual([...KEPT_ON_WEB].sort());
    }
  });

  it("should personalise again once Redis resumes", async () => {
    redis.resume();
    const r = await t.decision.decide(req, within(5000));
    expect(r.treatment).toBe(Treatment.PERSONALIZED);
    expect(r.degradations).toEqual([]);
  });

  it("should answer FALLBACK with PROFILE_UNAVAILABLE or PROFILE_TIMEOUT once Redis is stopped", async () => {
    await redis.stop();
    for (let i = 0; i < 3; i++) {
      const r = await t.decision.decide(req, within(5000));
      expect(r.treatment).toBe(Treatment.FALLBACK);
      expect(r.degradations).toHaveLength(1);
      expect([Degradation.PROFILE_UNAVAILABLE, Degradation.PROFILE_TIMEOUT]).toContain(r.degradations[0]);
      expect(r.items.length).toBeGreaterThan(0);
    }
  });

  it("should have logged no internal error", () => {
    expect(t.errors).toEqual([]);
  });
});

describe("Decide behind the Redis circuit breaker", () => {
  let redis: RedisServerHandle;
  let t: TestServer;
  const req: DecideInit = {
    userId: PEOPLE.all.userId,
    channel: Channel.WEB,
    useCase: "search",
    candidates: KEPT_ON_WEB.map((sku) => ({ sku })),
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    t = await startTestServer(
      { options: { redisUrl: redis.url, redisKeyPrefix: "breaker:", identityKey: TEST_IDENTITY_KEY } },
      { profileTimeoutMs: 50, redisBreakerFailures: 3, redisBreakerOpenMs: 300 },
    );
    await upsert(t, CATALOG);
    await t.server.profiles.putProfiles([PEOPLE.all]);
  });
  afterAll(async () => {
    redis?.resume();
    await t?.close();
    await redis?.stop();
  });

  it("should stop asking a paused Redis after failures in a row, answering PROFILE_UNAVAILABLE", async () => {
    const breaker = t.server.redisBreaker!;
    expect((await t.decision.decide(req, within(5000))).treatment).toBe(Treatment.PERSONALIZED);
    redis.pause();
    for (let i = 0; i < 3; i++) {
      const r = await t.decision.decide(req, within(5000));
      expect(r.degradations).toEqual([Degradation.PROFILE_TIMEOUT]);
    }
    expect(breaker.state).toBe("open");
    for (let i = 0; i < 5; i++) {
      const r = await t.decision.decide(req, within(5000));
      expect(r.treatment).toBe(Treatment.FALLBACK);
      expect(r.degradations).toEqual([Degradation.PROFILE_UNAVAILABLE]);
      expect(r.items.map((i) => i.sku).sort()).toEqual([...KEPT_ON_WEB].sort());
    }
    expect(breaker.stats.refused).toBeGreaterThanOrEqual(5);
  });

  it("should personalise again without a restart once Redis resumes, after one probe", async () => {
    const breaker = t.server.redisBreaker!;
    redis.resume();
    let r = await t.decision.decide(req, within(5000));
    const until = Date.now() + 5000;
    while (r.treatment !== Treatment.PERSONALIZED && Date.now() < until) {
      await new Promise((done) => setTimeout(done, 20));
      r = await t.decision.decide(req, within(5000));
    }
    expect(r.treatment).toBe(Treatment.PERSONALIZED);
    expect(r.degradations).toEqual([]);
    expect(breaker.state).toBe("closed");
    expect(breaker.stats.opened).toBe(1);
  });

  it("should have logged no internal error", () => {
    expect(t.errors).toEqual([]);
  });
});

describe("Decide after pooled scoring is aborted", () => {
  let t: TestServer;
  const items = 200_000;
  const capped = Array.from({ length: 64 }, (_, i) => `k${i}`);
  const person = profile("p-abandoning", ALL_CONSENT, { seed: 41 });

  beforeAll(async () => {
    t = await startTestServer(
      { options: {} },
      { threads: 1, inlineMaxCandidates: 0, inlineMaxCatalogItems: 0, catalogCapacity: items },
    );
    // A catalog big enough that one personalised scan takes a few milliseconds on the worker.
    // Loaded through the catalog manager: UpsertItems itself is covered elsewhere.
    const vector = new Float32Array(FEATURES).fill(0.1);
    await t.server.catalog.upsert(
      Array.from({ length: items }, (_, i) => ({
        sku: `k${i}`,
        categoryPath: ["shoes"],
        brand: "",
        price: 10 + (i % 50),
        margin: 0.3,
        stock: 5,
        storeStock: {},
        returnRate: 0,
        features: vector,
        channels: 0b1111_1110,
        popularity: (i % 97) / 100,
        boost: 0,
      })),
    );
    await t.server.profiles.putProfiles([person]);
    for (const sku of capped) await t.server.profiles.capItem(person.userId, sku, Date.now() + 600_000);
  });
  afterAll(async () => {
    await t?.close();
  });

  const nobody = () =>
    t.decision.decide({
      userId: "p-nobody",
      channel: Channel.WEB,
      useCase: "search",
      candidates: capped.map((sku) => ({ sku })),
      limit: 100,
      explain: true,
    });

  it("should not let a pooled scoring job aborted mid-run change another person's decision", async () => {
    expect((await nobody()).items).toHaveLength(64);
    // Capture the capped person's catalog scan exactly as the pipeline builds it…
    const scorer = t.server.scorer as { score: Scorer["score"] };
    const score = scorer.score;
    const jobs: Parameters<Scorer["score"]>[0][] = [];
    scorer.score = (job, ...rest) => {
      jobs.push(job);
      return score.call(t.server.scorer, job, ...rest);
    };
    try {
      await t.decision.decide({
        userId: person.userId,
        channel: Channel.WEB,
        useCase: "search",
        explain: true,
      });
    } finally {
      scorer.score = score;
    }
    const job = jobs[0]!;
    // …then run it on the pool with an AbortSignal (Scorer.score and scorePooled take
    // one) aborted while the worker scans: Piscina terminates that worker.
    await t.server.scorer.scorePooled(job); // warms the worker
    for (const abortAfterMs of [2, 1, 3, 2, 4]) {
      const abort = new AbortController();
      const running = t.server.scorer.scorePooled(job, abort.signal).catch(() => undefined);
      setTimeout(() => abort.abort(), abortAfterMs);
      await running;
      const r = await nobody();
      expect(outcome(r).excluded).toEqual([]);
      expect(r.items).toHaveLength(64);
    }
  });
});
