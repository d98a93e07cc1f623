/** Quiet hours: deferral until the exact instant they end in the recipient's zone, across DST changes. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChannelName } from "../../../adapters/src/delivery.js";
import { localHour, quietHoursEnd } from "../../../adapters/src/render/quiet-hours.js";
import { renderDelivery } from "../../../adapters/src/render/render-delivery.js";
import { delivery, options } from "./fixtures.js";

const opts = options();
const H = 3600_000;
const utc = (iso: string): number => Date.parse(iso);

const oracles = new Map<string, Intl.DateTimeFormat>();
/** The local hour by a different Intl path than the code under test. */
function hourIn(atMs: number, timeZone: string): number {
  let f = oracles.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hour: "2-digit", hourCycle: "h23" });
    oracles.set(timeZone, f);
  }
  const parts = f.formatToParts(atMs);
  return Number(parts.find((p) => p.type === "hour")!.value) % 24;
}

/** The UTC offset in force, "GMT+13:45". */
function offsetAt(atMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(
    atMs,
  );
  return parts.find((p) => p.type === "timeZoneName")!.value;
}

function quiet(hour: number, start: number, end: number): boolean {
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}

describe("quietHoursEnd()", () => {
  it.each([
    // New York springs forward at 02:00 EST on 2026-03-08: 02:00 never happens, 03:00 EDT is 07:00Z.
    ["America/New_York", "2026-03-08T05:30:00Z", 22, 2, "2026-03-08T07:00:00Z"],
    ["America/New_York", "2026-03-08T05:30:00Z", 21, 8, "2026-03-08T12:00:00Z"],
    // ...and falls back on 2026-11-01: 01:00 happens twice; quiet 0-2 ends at 02:00 EST, 07:00Z.
    ["America/New_York", "2026-11-01T05:30:00Z", 0, 2, "2026-11-01T07:00:00Z"],
    // London springs forward at 01:00Z on 2026-03-29: 08:00 BST is 07:00Z.
    ["Europe/London", "2026-03-28T22:00:00Z", 21, 8, "2026-03-29T07:00:00Z"],
    ["Europe/London", "2026-10-25T00:30:00Z", 21, 8, "2026-10-25T08:00:00Z"],
    // Kolkata is UTC+05:30 all year.
    ["Asia/Kolkata", "2026-03-08T18:00:00Z", 21, 8, "2026-03-09T02:30:00Z"],
    // Chatham leaves daylight time (+13:45 → +12:45) at 03:45 local on 2026-04-05 (14:00Z on 04-04).
    ["Pacific/Chatham", "2026-04-04T10:00:00Z", 21, 8, "2026-04-04T19:15:00Z"],
    // Quiet from 03:00: falling back from 03:45 to 02:45 leaves quiet hours at once.
    ["Pacific/Chatham", "2026-04-04T13:59:00Z", 3, 0, "2026-04-04T14:00:00Z"],
    ["", "2026-03-08T23:00:00Z", 22, 7, "2026-03-09T07:00:00Z"],
    ["Not/AZone", "2026-03-08T23:00:00Z", 22, 7, "2026-03-09T07:00:00Z"],
  ])("should end quiet hours in %j at %s (%d-%d) at %s", (zone, now, start, end, expected) => {
    expect(new Date(quietHoursEnd(utc(now), zone, { startHour: start, endHour: end })!).toISOString()).toBe(
      new Date(utc(expected)).toISOString(),
    );
  });

  it("should answer null outside quiet hours", () => {
    expect(
      quietHoursEnd(utc("2026-03-08T17:00:00Z"), "America/New_York", { startHour: 21, endHour: 8 }),
    ).toBeNull();
  });
});

describe("renderDelivery() in quiet hours", () => {
  const night = utc("2026-03-10T23:30:00Z"); // 23:30 in London

  it.each(["sms", "push", "email"] as ChannelName[])(
    "should defer %s to the end of quiet hours",
    (channel) => {
      const d = delivery({ channel, timeZone: "Europe/London", quietHours: { startHour: 21, endHour: 8 } });
      expect(renderDelivery(d, opts, night)).toEqual({
        kind: "defer",
        retryAtMs: utc("2026-03-11T08:00:00Z"),
        reason: "quiet hours 21:00-8:00 in Europe/London",
      });
    },
  );

  it("should reject a delivery that expires before quiet hours end", () => {
    const d = delivery({ channel: "sms", quietHours: { startHour: 21, endHour: 8 }, expiresAtMs: night + H });
    expect(renderDelivery(d, opts, night)).toEqual({ kind: "reject", reason: "expires during quiet hours" });
  });

  it("should send a delivery without quiet hours at night", () => {
    expect(renderDelivery(delivery({ channel: "sms" }), opts, night).kind).toBe("send");
  });

  const ZONES = [
    { zone: "America/New_York", around: "2026-03-08T07:00:00Z" },
    { zone: "America/New_York", around: "2026-11-01T06:00:00Z" },
    { zone: "Europe/London", around: "2026-03-29T01:00:00Z" },
    { zone: "Europe/London", around: "2026-10-25T01:00:00Z" },
    { zone: "Asia/Kolkata", around: "2026-03-08T00:00:00Z" },
    { zone: "Pacific/Chatham", around: "2026-04-04T14:00:00Z" },
    { zone: "Pacific/Chatham", around: "2026-09-26T14:00:00Z" },
    { zone: "Australia/Lord_Howe", around: "2026-04-04T15:00:00Z" },
  ];

  it("should never send inside quiet hours and retry at the first instant they end", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: -36 * H, max: 36 * H }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom<ChannelName>("sms", "push", "email"),
        ({ zone, around }, offsetMs, startHour, endHour, channel) => {
          fc.pre(startHour !== endHour);
          const nowMs = utc(around) + offsetMs;
          const d = delivery({ channel, timeZone: zone, quietHours: { startHour, endHour } });
          const outcome = renderDelivery(d, opts, nowMs);
          const quietNow = quiet(hourIn(nowMs, zone), startHour, endHour);
          expect(outcome.kind).toBe(quietNow ? "defer" : "send");
          if (outcome.kind !== "defer") return;
          const retry = outcome.retryAtMs;
          expect(retry).toBeGreaterThan(nowMs);
          expect(quiet(hourIn(retry, zone), startHour, endHour)).toBe(false);
          expect(quiet(hourIn(retry - 1, zone), startHour, endHour)).toBe(true);
          // The clock reads endHour at retry, unless the UTC offset changed right then and
          // moved the clock out of the window otherwise: New York's spring gap skips
          // 02:00, Chatham's fall-back at 03:45 lands at 02:45, before a 03:00 start.
          if (offsetAt(retry - 1, zone) === offsetAt(retry, zone)) expect(hourIn(retry, zone)).toBe(endHour);
          // No earlier minute is out of quiet hours (offsets are whole minutes).
          for (let t = Math.ceil(nowMs / 60_000) * 60_000; t < retry; t += 60_000) {
            if (!quiet(hourIn(t, zone), startHour, endHour))
              throw new Error(`not quiet at ${new Date(t).toISOString()}`);
          }
          expect(localHour(retry, zone)).toBe(hourIn(retry, zone));
        },
      ),
      { numRuns: 300 },
    );
  });
});
