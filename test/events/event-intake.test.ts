import { describe, expect, it } from "vitest";
import type { PersonEvent } from "../../server/src/domain/event.js";
import { DecisionError } from "../../server/src/errors/index.js";
import { createEventIntake } from "../../server/src/events/event-intake.js";
import type { EventLog } from "../../server/src/events/event-log.js";
import { createMemoryEventLog } from "../../server/src/events/memory-event-log.js";
import { createIdentifierHasher } from "../../server/src/identity/identifier-hasher.js";
import { createMemoryPersonStore } from "../../server/src/profile/memory-person-store.js";
import { createMemoryProfileStore } from "../../server/src/profile/memory-profile-store.js";

const view = (n: number): PersonEvent => ({
  kind: "view_item",
  eventId: `e${n}`,
  userId: "u1",
  anonymous: false,
  timestampMs: Date.now(),
  channel: 1,
  sku: "S",
  category: "",
  price: 1,
});

function intakeOn(log: EventLog, maxBacklog = 100) {
  const people = createMemoryPersonStore({ profiles: createMemoryProfileStore({ features: 8 }) });
  return createEventIntake({ log, people, hasher: createIdentifierHasher("x".repeat(16)), maxBacklog });
}

async function rejection(p: Promise<unknown>): Promise<DecisionError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DecisionError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("event intake", () => {
  it("appends events and counts them", async () => {
    const log = createMemoryEventLog();
    const intake = intakeOn(log);
    await intake.accept([view(1), view(2)]);
    expect(await log.backlog()).toEqual({ undelivered: 2, pending: 0 });
    expect(intake.stats.accepted).toBe(2);
  });

  it("answers UNAVAILABLE, never INTERNAL, when the log cannot take the batch", async () => {
    const log = createMemoryEventLog();
    const intake = intakeOn(log);
    await log.close();
    const e = await rejection(intake.accept([view(1)]));
    expect(e.kind).toBe("UNAVAILABLE");
    expect(e.message).toMatch(/^events: the event log is unavailable.*resend it/);
  });

  it("answers UNAVAILABLE when the backlog cannot be read", async () => {
    const log = createMemoryEventLog();
    const broken: EventLog = { ...log, backlog: () => Promise.reject(new Error("connection refused")) };
    const e = await rejection(intakeOn(broken).accept([view(1)]));
    expect(e.kind).toBe("UNAVAILABLE");
  });

  it("refuses a batch that would take the backlog past its limit, naming the option", async () => {
    const log = createMemoryEventLog();
    const intake = intakeOn(log, 2);
    await intake.accept([view(1), view(2)]);
    const e = await rejection(intake.accept([view(3)]));
    expect(e.kind).toBe("OVERLOADED");
    expect(e.message).toMatch(/option maxEventBacklog/);
    expect(intake.stats.refusedBacklog).toBe(1);
    expect(await log.backlog()).toEqual({ undelivered: 2, pending: 0 });
  });
});
