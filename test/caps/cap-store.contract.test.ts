import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CapCounter,
  CapStoreTimeoutError,
  type ReservationItem,
  type ReservationRequest,
} from "../../server/src/caps/cap-store.js";
import { MAX_EXPERIENCE_RETENTION_MS } from "../../server/src/caps/cap-store-options.js";
import { createMemoryCapStore } from "../../server/src/caps/memory-cap-store.js";
import { createRedisCapStore } from "../../server/src/caps/redis-cap-store.js";
import { personKeys } from "../../server/src/profile/redis-profile-store.js";
import {
  CAP_HARNESSES,
  type CapHarness,
  counter,
  experience,
  item,
  mergePeople,
} from "./support/cap-harness.js";

let nextId = 0;
const fresh = (name: string) => `${name}-${nextId++}`;

describe.each(CAP_HARNESSES)("%s CapStore contract", (_kind, create) => {
  let h: CapHarness;
  beforeAll(async () => {
    h = await create();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  const reserve = (
    personId: string,
    items: ReservationItem[],
    extra: { decision?: CapCounter[]; want?: number; decisionId?: string } = {},
  ) =>
    h.caps.reserve({
      personId,
      decisionId: extra.decisionId ?? fresh("decision"),
      decision: extra.decision ?? [],
      items,
      want: extra.want ?? items.length,
    });

  describe("reserve()", () => {
    it("should grant up to the limit, then deny naming the full counter", async () => {
      const p = fresh("person");
      const offer = counter("per-offer", "offer-1", 2);
      const before = h.now();
      const first = await reserve(p, [item([offer])]);
      expect(first).toEqual({ atMs: first.atMs, deniedBy: null, granted: [0], itemDenials: [] });
      expect(first.atMs).toBeGreaterThanOrEqual(before - 50);
      expect(first.atMs).toBeLessThanOrEqual(h.now() + 50);
      expect((await reserve(p, [item([offer])])).granted).toEqual([0]);
      const third = await reserve(p, [item([offer])]);
      expect(third).toEqual({
        atMs: third.atMs,
        deniedBy: null,
        granted: [],
        itemDenials: [{ index: 0, counter: offer }],
      });
    });

    it("should slide the window: a reservation older than windowMs no longer counts", async () => {
      const p = fresh("person");
      const daily = counter("per-window", "", 1, 1000);
      expect((await reserve(p, [item()], { decision: [daily] })).granted).toEqual([0]);
      expect((await reserve(p, [item()], { decision: [daily] })).deniedBy).toEqual(daily);
      await h.advance(1100);
      expect((await reserve(p, [item()], { decision: [daily] })).granted).toEqual([0]);
    });

    it("should reserve nothing when a decision-level counter is full", async () => {
      const p = fresh("person");
      const [open, full] = [counter("open", "", 3), counter("contacts", "", 1)];
      const offer = counter("per-offer", "o", 5);
      expect((await reserve(p, [item([offer])], { decision: [open, full] })).granted).toEqual([0]);
      const denied = await reserve(p, [item([offer]), item()], { decision: [open, full] });
      expect(denied).toEqual({ atMs: denied.atMs, deniedBy: full, granted: [], itemDenials: [] });
      // Neither the open decision counter nor the offer counter took anything: 4 of 5
      // offers left, and 2 of 3 decisions.
      const items = Array.from({ length: 5 }, () => item([offer]));
      expect(await reserve(p, items, { decision: [open] })).toMatchObject({
        granted: [0, 1, 2, 3],
        itemDenials: [{ index: 4, counter: offer }],
      });
      expect((await reserve(p, [item()], { decision: [open] })).granted).toEqual([0]);
      expect((await reserve(p, [item()], { decision: [open] })).deniedBy).toEqual(open);
    });

    it("should skip an item whose counter is full and grant the next ones, in rank order", async () => {
      const p = fresh("person");
      const a = counter("per-offer", "a", 1);
      const b = counter("per-offer", "b", 1);
      expect((await reserve(p, [item([a])])).granted).toEqual([0]);
      const r = await reserve(p, [item([b, a]), item([b]), item([]), item([a])], { want: 3 });
      expect(r).toMatchObject({
        granted: [1, 2],
        itemDenials: [
          { index: 0, counter: a },
          { index: 3, counter: a },
        ],
      });
    });

    it("should count grants made earlier in the same call", async () => {
      const p = fresh("person");
      const offer = counter("per-offer", "shared", 1);
      expect(await reserve(p, [item([offer]), item([offer]), item()])).toMatchObject({
        granted: [0, 2],
        itemDenials: [{ index: 1, counter: offer }],
      });
    });

    it.each([
      [0, []],
      [2, [0, 1]],
      [9, [0, 1, 2, 3]],
    ])("should grant items without counters up to want (want %i)", async (want, granted) => {
      const p = fresh("person");
      const r = await reserve(p, [item(), item(), item(), item()], { want });
      expect(r).toMatchObject({ deniedBy: null, granted, itemDenials: [] });
    });

    it("should stop trying items once want are granted", async () => {
      const p = fresh("person");
      const full = counter("per-offer", "full", 1);
      await reserve(p, [item([full])]);
      expect(await reserve(p, [item(), item([full])], { want: 1 })).toMatchObject({
        granted: [0],
        itemDenials: [],
      });
    });

    it("should not consume decision-level counters when no item is granted", async () => {
      const p = fresh("person");
      const contacts = counter("contacts", "", 1);
      const full = counter("per-offer", "full", 1);
      await reserve(p, [item([full])]);
      expect(await reserve(p, [item([full])], { decision: [contacts] })).toMatchObject({
        deniedBy: null,
        granted: [],
        itemDenials: [{ index: 0, counter: full }],
      });
      expect((await reserve(p, [], { decision: [contacts] })).granted).toEqual([]);
      expect((await reserve(p, [item()], { decision: [contacts], want: 0 })).granted).toEqual([]);
      expect((await reserve(p, [item()], { decision: [contacts] })).granted).toEqual([0]);
    });

    it("should let an item counting a decision-level counter see the decision's reservation", async () => {
      const p = fresh("person");
      const both = counter("any", "", 1);
      expect(await reserve(p, [item([both])], { decision: [both] })).toMatchObject({
        deniedBy: null,
        granted: [],
        itemDenials: [{ index: 0, counter: both }],
      });
      // Nothing granted, so the decision's reservation was taken back.
      expect((await reserve(p, [item()], { decision: [both] })).granted).toEqual([0]);
      expect((await reserve(p, [item()], { decision: [both] })).deniedBy).toEqual(both);
    });

    it("should keep people apart", async () => {
      const [p, q] = [fresh("person"), fresh("person")];
      const offer = counter("per-offer", "o", 1);
      expect((await reserve(p, [item([offer])])).granted).toEqual([0]);
      expect((await reserve(q, [item([offer])])).granted).toEqual([0]);
    });

    it("should reject with CapStoreTimeoutError and reserve nothing when no time is left", async () => {
      const p = fresh("person");
      const offer = counter("per-offer", "o", 1);
      const req: ReservationRequest = {
        personId: p,
        decisionId: fresh("decision"),
        decision: [],
        items: [item([offer])],
        want: 1,
      };
      await expect(h.caps.reserve(req, 0)).rejects.toThrow(new CapStoreTimeoutError(0));
      await expect(h.caps.reserve(req, 0)).rejects.toBeInstanceOf(CapStoreTimeoutError);
      expect((await h.caps.reserve(req, 5000)).granted).toEqual([0]);
    });

    const valid: ReservationRequest = {
      personId: "p",
      decisionId: "d",
      decision: [counter("r", "", 1)],
      items: [item([counter("r", "s", 1)], experience("x", "sku"))],
      want: 1,
    };
    const long = "x".repeat(129);
    it.each<[string, Partial<ReservationRequest>, string]>([
      ["personId", { personId: "" }, 'req.personId must be a non-empty string, got ""'],
      ["decisionId", { decisionId: "" }, `req.decisionId must be 1..128 characters without '}', got ""`],
      [
        "decisionId",
        { decisionId: "a}b" },
        `req.decisionId must be 1..128 characters without '}', got "a}b"`,
      ],
      [
        "decisionId",
        { decisionId: long },
        `req.decisionId must be 1..128 characters without '}', got "${"x".repeat(76)}...`,
      ],
      [
        "ruleId",
        { decision: [counter("a:b", "", 1)] },
        `req.decision[0].ruleId must be 1..128 characters without ':' or '}', got "a:b"`,
      ],
      [
        "scope",
        { items: [item([counter("r", "a}", 1)])] },
        `req.items[0].counters[0].scope must be at most 256 characters without '}', got "a}"`,
      ],
      [
        "limit",
        { items: [item(), item([counter("r", "s", 0)])] },
        "req.items[1].counters[0].limit must be an integer in 1..10000, got 0",
      ],
      [
        "windowMs",
        { decision: [counter("r", "", 1, 999)] },
        `req.decision[0].windowMs must be an integer in 1000..${MAX_EXPERIENCE_RETENTION_MS}, got 999`,
      ],
      [
        "experience.sku",
        { items: [item([], { ...experience("x", "a"), sku: "a\tb" })] },
        'req.items[0].experience.sku must be at most 256 characters without a tab, got "a\\tb"',
      ],
      [
        "experience.experienceId",
        { items: [item([], experience("", "a"))] },
        'req.items[0].experience.experienceId must be 1..128 characters, got ""',
      ],
      [
        "experience.untilMs",
        { items: [item([], experience("x", "a", Number.NaN))] },
        "req.items[0].experience.untilMs must be ms since the epoch or Infinity (keep for experienceRetentionMs), got NaN",
      ],
      ["want", { want: -1 }, "req.want must be a non-negative integer, got -1"],
      ["want", { want: 1.5 }, "req.want must be a non-negative integer, got 1.5"],
    ])("should reject a bad %s, naming the field", async (_field, change, message) => {
      await expect(h.caps.reserve({ ...valid, ...change })).rejects.toThrow(new RangeError(message));
    });
  });

  describe("release()", () => {
    it("should give back every reservation of the decision, once", async () => {
      const p = fresh("person");
      const contacts = counter("contacts", "", 1);
      const offer = counter("per-offer", "o", 1);
      const sku = counter("per-item", "sku-1", 1);
      const decisionId = fresh("decision");
      const r = await reserve(p, [item([offer, sku]), item()], { decision: [contacts], decisionId });
      expect(r.granted).toEqual([0, 1]);
      expect((await reserve(p, [item()], { decision: [contacts] })).deniedBy).toEqual(contacts);
      expect(await h.caps.release(p, decisionId)).toBe(3);
      expect(await h.caps.release(p, decisionId)).toBe(0);
      expect((await reserve(p, [item([offer, sku])], { decision: [contacts] })).granted).toEqual([0]);
    });

    it("should give back nothing for an unknown decision or person", async () => {
      expect(await h.caps.release(fresh("person"), "never-made")).toBe(0);
    });

    it("should reject a bad decision id, naming the field", async () => {
      await expect(h.caps.release("p", "")).rejects.toThrow(
        new RangeError(`decisionId must be 1..128 characters without '}', got ""`),
      );
    });
  });

  describe("isHeld()", () => {
    it("should hold a decision that consumed counters until it is released", async () => {
      const p = fresh("person");
      const decisionId = fresh("decision");
      await reserve(p, [item([counter("per-offer", "o", 2)])], { decisionId });
      expect(await h.caps.isHeld(p, decisionId)).toBe(true);
      await h.caps.release(p, decisionId);
      expect(await h.caps.isHeld(p, decisionId)).toBe(false);
    });

    it("should not hold a decision that consumed no counter, nor an unknown one", async () => {
      const p = fresh("person");
      const decisionId = fresh("decision");
      await reserve(p, [item()], { decisionId });
      expect(await h.caps.isHeld(p, decisionId)).toBe(false);
      expect(await h.caps.isHeld(fresh("person"), "never-made")).toBe(false);
    });
  });

  describe("redeem()", () => {
    it("should redeem an experience once, then report it already redeemed", async () => {
      const p = fresh("person");
      const x = experience(fresh("x"), "SKU-9");
      await reserve(p, [item([], x)]);
      const closed = { useCase: "uc-home", offerId: "offer-SKU-9", sku: "SKU-9" };
      expect(await h.caps.redeem(p, x.experienceId)).toEqual({ kind: "redeemed", ...closed });
      expect(await h.caps.redeem(p, x.experienceId)).toEqual({ kind: "already_redeemed", ...closed });
      // Decide reads it from the redeemed set.
      expect(await h.profiles.readPerson(p, 1000)).toMatchObject({ redeemed: ["uc-home\tSKU-9"] });
      // Handing the same experience out again keeps it redeemed.
      await reserve(p, [item([], x)]);
      expect((await h.caps.redeem(p, x.experienceId)).kind).toBe("already_redeemed");
    });

    it("should report unknown for an id never handed out, or handed out to someone else", async () => {
      const [p, q] = [fresh("person"), fresh("person")];
      const x = experience(fresh("x"), "SKU-1");
      await reserve(p, [item([], x)]);
      expect(await h.caps.redeem(q, x.experienceId)).toEqual({ kind: "unknown" });
      expect(await h.caps.redeem(p, "never")).toEqual({ kind: "unknown" });
    });

    it("should store only the experiences of granted items", async () => {
      const p = fresh("person");
      const full = counter("per-offer", "full", 1);
      await reserve(p, [item([full])]);
      const [denied, beyondWant, given] = [fresh("x"), fresh("x"), fresh("x")];
      await reserve(
        p,
        [
          item([full], experience(denied, "a")),
          item([], experience(given, "b")),
          item([], experience(beyondWant, "c")),
        ],
        {
          want: 1,
        },
      );
      expect((await h.caps.redeem(p, denied)).kind).toBe("unknown");
      expect((await h.caps.redeem(p, beyondWant)).kind).toBe("unknown");
      expect((await h.caps.redeem(p, given)).kind).toBe("redeemed");
    });
  });

  describe("experience retention", () => {
    it("should keep experiences for experienceRetentionMs, or until a later untilMs", async () => {
      const short = await create({ experienceRetentionMs: 1000 });
      try {
        const [p, q] = [fresh("person"), fresh("person")];
        const [x, y] = [fresh("x"), fresh("x")];
        await short.caps.reserve({
          personId: p,
          decisionId: fresh("decision"),
          decision: [],
          items: [item([], experience(x, "a"))],
          want: 1,
        });
        await short.caps.reserve({
          personId: q,
          decisionId: fresh("decision"),
          decision: [],
          items: [item([], experience(y, "b", short.now() + 60_000))],
          want: 1,
        });
        await short.advance(1300);
        expect(await short.caps.redeem(p, x)).toEqual({ kind: "unknown" });
        expect((await short.caps.redeem(q, y)).kind).toBe("redeemed");
      } finally {
        await short.cleanup();
      }
    });
  });

  describe("merge and Forget", () => {
    it("should move counters, reservations and experiences to the person a merge keeps", async () => {
      const [into, from] = [fresh("into"), fresh("from")];
      const offer = counter("per-offer", "o", 3);
      const [x, y] = [fresh("x"), fresh("x")];
      await reserve(into, [item([offer], experience(x, "a"))]);
      const fromDecision = fresh("decision");
      await reserve(from, [item([offer], experience(y, "b")), item([offer], experience(x, "a"))], {
        decisionId: fromDecision,
      });
      expect((await h.caps.redeem(from, x)).kind).toBe("redeemed");
      await mergePeople(h.people, into, from);

      // into's counter counts both persons' reservations: 3 of 3.
      expect((await reserve(into, [item([offer])])).itemDenials).toEqual([{ index: 0, counter: offer }]);
      // The redeemed flag of either side wins; from's experiences are into's now.
      expect((await h.caps.redeem(into, x)).kind).toBe("already_redeemed");
      expect((await h.caps.redeem(into, y)).kind).toBe("redeemed");
      expect(await h.caps.redeem(from, y)).toEqual({ kind: "unknown" });
      // A decision made for from is released through the person it resolves to.
      expect(await h.caps.release(into, fromDecision)).toBe(2);
      expect((await reserve(into, [item([offer]), item([offer])])).granted).toEqual([0, 1]);
    });

    it("should delete a person's caps on Forget and count their keys", async () => {
      const p = fresh("forget-me");
      const contacts = counter("contacts", "", 1);
      const offer = counter("per-offer", "o", 1);
      const x = fresh("x");
      await reserve(p, [item([offer], experience(x, "a"))], { decision: [contacts] });
      // Counters contacts and offer, the reservation record, the index, the experiences.
      expect(await h.people.forget(p, [])).toBe(5);
      expect(await h.caps.redeem(p, x)).toEqual({ kind: "unknown" });
      expect((await reserve(p, [item([offer])], { decision: [contacts] })).granted).toEqual([0]);
    });
  });
});

describe("createRedisCapStore()", () => {
  it("should reject a key prefix that would override the hash tag, naming the option", () => {
    expect(() => createRedisCapStore({ redis: {} as never, keyPrefix: "a{" })).toThrow(
      new RangeError(
        `options.keyPrefix must be a string without '{' or '}' (it would override the hash tag), got "a{"`,
      ),
    );
  });
});

describe("createMemoryCapStore()", () => {
  it.each([
    [
      { experienceRetentionMs: 0 },
      `options.experienceRetentionMs must be an integer in 1..${MAX_EXPERIENCE_RETENTION_MS}, got 0`,
    ],
    [
      { experienceRetentionMs: MAX_EXPERIENCE_RETENTION_MS + 1 },
      `options.experienceRetentionMs must be an integer in 1..${MAX_EXPERIENCE_RETENTION_MS}, got ${MAX_EXPERIENCE_RETENTION_MS + 1}`,
    ],
    [{ redeemedRetentionMs: -1 }, "options.redeemedRetentionMs must be a positive integer, got -1"],
  ])("should reject %o, naming the option", (options, message) => {
    expect(() => createMemoryCapStore(options)).toThrow(new RangeError(message));
  });
});

describe("redis CapStore keys", () => {
  let h: CapHarness;
  beforeAll(async () => {
    h = await CAP_HARNESSES[1]![1]({ experienceRetentionMs: 120_000 });
  });
  afterAll(async () => {
    await h.cleanup();
  });

  it("should write the documented keys, each with an expiry", async () => {
    const { redis, keyPrefix } = h.redis!;
    const base = `${keyPrefix}{u:kp}:`;
    const contacts = counter("contacts", "", 2, 30_000);
    const offer = counter("per-offer", "offer:1", 1, 90_000);
    const r = await h.caps.reserve({
      personId: "kp",
      decisionId: "d1",
      decision: [contacts],
      items: [item([offer], experience("x1", "SKU-1", Date.now() + 200_000)), item([offer])],
      want: 2,
    });
    expect(r.granted).toEqual([0]);
    expect(await h.caps.redeem("kp", "x1")).toMatchObject({ kind: "redeemed" });
    const keys = (await redis.keys(`${keyPrefix}*`)).sort();
    expect(keys).toEqual(
      [
        `${base}cap:contacts:`,
        `${base}cap:per-offer:offer:1`,
        `${base}resv:d1`,
        `${base}capkeys`,
        `${base}exp`,
        personKeys(keyPrefix, "kp").redeemed,
      ].sort(),
    );
    expect(await redis.zrange(`${base}cap:contacts:`, 0, -1, "WITHSCORES")).toEqual(["d1#d", String(r.atMs)]);
    expect(await redis.zrange(`${base}cap:per-offer:offer:1`, 0, -1, "WITHSCORES")).toEqual([
      "d1#0",
      String(r.atMs),
    ]);
    expect((await redis.smembers(`${base}resv:d1`)).sort()).toEqual([
      "0|cap:per-offer:offer:1",
      "d|cap:contacts:",
    ]);
    expect(await redis.zrange(`${base}capkeys`, 0, -1, "WITHSCORES")).toEqual([
      "cap:contacts:",
      String(r.atMs + 30_000),
      "cap:per-offer:offer:1",
      String(r.atMs + 90_000),
      "resv:d1",
      String(r.atMs + 90_000),
    ]);
    expect(await redis.hgetall(`${base}exp`)).toEqual({ x1: "uc-home\toffer-SKU-1\tSKU-1\t1" });
    expect(await redis.smembers(personKeys(keyPrefix, "kp").redeemed)).toEqual(["uc-home\tSKU-1"]);
    const limits: Record<string, [number, number]> = {
      [`${base}cap:contacts:`]: [29_000, 30_000],
      [`${base}cap:per-offer:offer:1`]: [89_000, 90_000],
      [`${base}resv:d1`]: [89_000, 90_000],
      [`${base}capkeys`]: [89_000, 90_000],
      [`${base}exp`]: [199_000, 200_000],
      [personKeys(keyPrefix, "kp").redeemed]: [364 * 86_400_000, 365 * 86_400_000],
    };
    for (const key of keys) {
      const pttl = await redis.pttl(key);
      const [min, max] = limits[key]!;
      expect({ key, pttl, ok: pttl >= min && pttl <= max }).toEqual({ key, pttl, ok: true });
    }
    expect(await h.caps.release("kp", "d1")).toBe(2);
    expect((await redis.keys(`${keyPrefix}*`)).sort()).toEqual(
      [`${base}capkeys`, `${base}exp`, personKeys(keyPrefix, "kp").redeemed].sort(),
    );
  });
});
