import { describe, expect, it } from "vitest";
import { Reason } from "../../core-wasm/src/layout.js";
import {
  Channel,
  Consent,
  Degradation,
  type PersonRead,
  type Profile,
  Treatment,
} from "../../server/src/domain/index.js";
import { NO_SIGNALS } from "../../server/src/domain/profile.js";
import { resolvePerson } from "../../server/src/pipeline/resolve-person.js";

function profile(consent: number): Profile {
  return {
    userId: "u",
    vector: new Float32Array(4),
    categoryAffinity: new Float32Array(32),
    priceAnchor: 3,
    discountSensitivity: 0.5,
    churnRisk: 0,
    loyaltyTier: 0,
    events: 10,
    consent,
    signals: NO_SIGNALS,
    updatedAtMs: 0,
  };
}

const found = (consent: number): PersonRead => ({
  kind: "found",
  personId: "u1",
  profile: profile(consent),
  capped: ["C"],
  redeemed: ["R"],
});
const ALL = Object.values(Consent).reduce((a, b) => a | b, 0);

describe("resolvePerson()", () => {
  it.each<[string, PersonRead, Channel, Treatment, number, boolean]>([
    ["full consent on web", found(ALL), Channel.WEB, Treatment.PERSONALIZED, 0, true],
    ["full consent on email", found(ALL), Channel.EMAIL, Treatment.PERSONALIZED, 0, true],
    [
      "no personalisation consent on web",
      found(ALL & ~Consent.PERSONALIZATION),
      Channel.WEB,
      Treatment.NON_PERSONALIZED,
      0,
      false,
    ],
    [
      "personalisation but no email consent",
      found(Consent.PERSONALIZATION),
      Channel.EMAIL,
      Treatment.PERSONALIZED,
      Reason.NO_CONSENT,
      true,
    ],
    [
      "personalisation but no sms consent",
      found(Consent.PERSONALIZATION | Consent.EMAIL),
      Channel.SMS,
      Treatment.PERSONALIZED,
      Reason.NO_CONSENT,
      true,
    ],
    [
      "no push consent",
      found(Consent.PERSONALIZATION),
      Channel.PUSH,
      Treatment.PERSONALIZED,
      Reason.NO_CONSENT,
      true,
    ],
    [
      "no clienteling consent",
      found(Consent.PERSONALIZATION),
      Channel.IN_STORE,
      Treatment.PERSONALIZED,
      Reason.NO_CONSENT,
      true,
    ],
    [
      "no ads consent",
      found(Consent.PERSONALIZATION),
      Channel.PAID_MEDIA,
      Treatment.PERSONALIZED,
      Reason.NO_CONSENT,
      true,
    ],
    [
      "app needs no marketing purpose",
      found(Consent.PERSONALIZATION),
      Channel.APP,
      Treatment.PERSONALIZED,
      0,
      true,
    ],
    ["nothing at all on app", found(0), Channel.APP, Treatment.NON_PERSONALIZED, 0, false],
  ])("should give %s the right treatment and block", (_name, read, channel, treatment, block, personal) => {
    const r = resolvePerson(read, channel);
    expect(r.treatment).toBe(treatment);
    expect(r.blockReason).toBe(block);
    expect(r.profile !== null).toBe(personal);
    expect(r.degradations).toEqual([]);
    expect(r.capped).toEqual(["C"]);
    expect(r.redeemed).toEqual(["R"]);
  });

  it.each<[PersonRead, Degradation]>([
    [{ kind: "missing", personId: "u1", capped: ["C"], redeemed: [] }, Degradation.PROFILE_MISSING],
    [
      { kind: "invalid", personId: "u1", detail: "bad", capped: [], redeemed: ["R"] },
      Degradation.PROFILE_INVALID,
    ],
    [{ kind: "timeout" }, Degradation.PROFILE_TIMEOUT],
    [{ kind: "unavailable", detail: "down" }, Degradation.PROFILE_UNAVAILABLE],
  ])(
    "should fail closed on a %o read: fallback, nothing personal, marketing channels blocked",
    (read, degradation) => {
      for (const channel of Object.values(Channel)) {
        const r = resolvePerson(read, channel);
        expect(r.treatment).toBe(Treatment.FALLBACK);
        expect(r.degradations).toEqual([degradation]);
        expect(r.profile).toBeNull();
        const owned = channel === Channel.WEB || channel === Channel.APP;
        expect(r.blockReason).toBe(owned ? 0 : Reason.NO_CONSENT);
      }
    },
  );

  it("should keep the exclusions it could read on a missing profile, and none on a failed read", () => {
    expect(
      resolvePerson({ kind: "missing", personId: "u1", capped: ["C"], redeemed: ["R"] }, Channel.WEB),
    ).toMatchObject({
      capped: ["C"],
      redeemed: ["R"],
    });
    expect(resolvePerson({ kind: "timeout" }, Channel.WEB)).toMatchObject({ capped: [], redeemed: [] });
  });
});
