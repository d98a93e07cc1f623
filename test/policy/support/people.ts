/** People and clocks for the policy tests that go through Decide. */
import { CATEGORY_SLOTS } from "../../../core-wasm/src/layout.js";
import { categorySlot } from "../../../server/src/domain/category-slot.js";
import { ALL_CONSENT } from "../../../server/src/domain/consent.js";
import { NO_SIGNALS, type PersonSignals, type Profile } from "../../../server/src/domain/profile.js";
import { FEATURES } from "../../server/support/model.js";

export interface PersonSpec {
  consent?: number;
  ds?: number;
  churn?: number;
  tier?: 0 | 1 | 2 | 3;
  affinity?: Record<string, number>;
  signals?: Partial<PersonSignals>;
}

/** A consenting, well-known person (50 events) with the traits a rule tests; everything else neutral. */
export function person(userId: string, spec: PersonSpec = {}): Profile {
  const categoryAffinity = new Float32Array(CATEGORY_SLOTS);
  for (const [c, a] of Object.entries(spec.affinity ?? {})) categoryAffinity[categorySlot(c)] = a;
  return {
    userId,
    vector: new Float32Array(FEATURES).fill(0.1),
    categoryAffinity,
    priceAnchor: Math.log(60),
    discountSensitivity: spec.ds ?? 0.2,
    churnRisk: spec.churn ?? 0.1,
    loyaltyTier: spec.tier ?? 0,
    events: 50,
    consent: spec.consent ?? ALL_CONSENT,
    updatedAtMs: Date.now(),
    signals: { ...NO_SIGNALS, ...spec.signals },
  };
}

/**
 * An IANA zone where it is `hour` o'clock now (Etc/GMT-x is UTC+x), so tests
 * do not depend on the time of day they run at: the demo policy keeps push
 * and SMS quiet from 21:00 to 08:00 in the person's time zone.
 */
export function zoneAt(hour: number): string {
  let x = (((hour - new Date().getUTCHours()) % 24) + 24) % 24;
  if (x > 14) x -= 24;
  return x === 0 ? "Etc/GMT" : x > 0 ? `Etc/GMT-${x}` : `Etc/GMT+${-x}`;
}
