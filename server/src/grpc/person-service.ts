import type { ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from "@grpc/grpc-js";
import { Consent } from "../domain/consent.js";
import type { LifeEventType as DomainLifeEvent } from "../domain/event.js";
import type { PersonStateStore } from "../domain/stores.js";
import { DecisionError, exceedsLimit, invalidField } from "../errors/index.js";
import {
  ForgetRequestSchema,
  ForgetResponseSchema,
  GetPersonRequestSchema,
  GetPersonResponseSchema,
  IdentifyRequestSchema,
  IdentifyResponseSchema,
  LifeEventType,
  Purpose,
} from "../gen/relevance/v1/events_pb.js";
import { IdentifierError, type IdentifierHasher } from "../identity/identifier-hasher.js";
import type { IdentityResolver } from "../identity/identity-resolver.js";
import { deriveFeatures } from "../profile/features/derive.js";
import type { FeatureConfig } from "../profile/features/feature-config.js";
import { decodeMessage, encodeMessage } from "./message-codec.js";
import { toServiceError } from "./to-service-error.js";

export interface PersonServiceOptions {
  readonly identity: IdentityResolver;
  readonly people: PersonStateStore;
  readonly hasher: IdentifierHasher;
  readonly features: number;
  readonly featureConfig: FeatureConfig;
  readonly limits: { readonly maxUserIdLength: number };
  /** Trigger timers, dropped with the person by Forget. @default undefined (no triggers) */
  readonly timers?: { forgetPerson(personId: string): Promise<number> };
}

function userId(value: string, max: number): string {
  if (value === "") throw invalidField("user_id", "required");
  if (value.length > max) {
    throw new DecisionError(
      "LIMIT_EXCEEDED",
      exceedsLimit("user_id", value.length, max, "maxUserIdLength", " characters"),
    );
  }
  return value;
}

const PURPOSES: readonly [number, Purpose][] = [
  [Consent.PERSONALIZATION, Purpose.PERSONALIZATION],
  [Consent.EMAIL, Purpose.EMAIL],
  [Consent.SMS, Purpose.SMS],
  [Consent.PUSH, Purpose.PUSH],
  [Consent.IN_STORE, Purpose.IN_STORE],
  [Consent.ADS, Purpose.ADS],
];
const purposes = (bits: number) => PURPOSES.filter(([bit]) => (bits & bit) !== 0).map(([, p]) => p);

const LIFE_EVENTS: Readonly<Record<DomainLifeEvent, LifeEventType>> = {
  birthday: LifeEventType.BIRTHDAY,
  wedding: LifeEventType.WEDDING,
  anniversary: LifeEventType.ANNIVERSARY,
  new_baby: LifeEventType.NEW_BABY,
  graduation: LifeEventType.GRADUATION,
  move: LifeEventType.MOVE,
};

/**
 * gRPC handlers of `relevance.v1.PersonService`: Identify (link and merge),
 * Forget (erase) and GetPerson (what the engine knows, with the evidence
 * behind each feature).
 */
export function personServiceHandlers(options: PersonServiceOptions): UntypedServiceImplementation {
  const { identity, people, hasher, featureConfig, limits } = options;
  const unary =
    (handle: (request: Buffer) => Promise<Buffer>) =>
    (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
      handle(call.request).then(
        (bytes) => callback(null, bytes),
        (e: unknown) => callback(toServiceError(e)),
      );
    };

  return {
    identify: unary(async (bytes) => {
      const req = decodeMessage(IdentifyRequestSchema, bytes);
      const id = userId(req.userId, limits.maxUserIdLength);
      const raw = req.identifiers;
      if (raw === undefined || (raw.email === "" && raw.phone === "" && raw.loyaltyId === "")) {
        throw invalidField("identifiers", "required, at least one of email, phone, loyalty_id");
      }
      let hashed: ReturnType<IdentifierHasher["hashIdentifiers"]>;
      try {
        hashed = hasher.hashIdentifiers(raw);
      } catch (error) {
        if (error instanceof IdentifierError) throw invalidField(`identifiers.${error.field}`, error.message);
        throw error;
      }
      const result = await identity.link(id, hashed);
      return encodeMessage(IdentifyResponseSchema, {
        personId: result.personId,
        mergedIds: result.mergedIds,
      });
    }),

    forget: unary(async (bytes) => {
      const req = decodeMessage(ForgetRequestSchema, bytes);
      const result = await identity.forget(userId(req.userId, limits.maxUserIdLength));
      const timers = options.timers;
      if (timers !== undefined) await Promise.all(result.ids.map((id) => timers.forgetPerson(id)));
      return encodeMessage(ForgetResponseSchema, {
        idsForgotten: result.idsForgotten,
        keysDeleted: result.keysDeleted,
        logEntriesDeleted: result.logEntriesDeleted,
      });
    }),

    getPerson: unary(async (bytes) => {
      const req = decodeMessage(GetPersonRequestSchema, bytes);
      const id = userId(req.userId, limits.maxUserIdLength);
      const read = await identity.read(id);
      const consent = read.forgotten ? null : await people.readConsent(read.personId);
      if (read.state === null) {
        return encodeMessage(GetPersonResponseSchema, { personId: read.personId, found: false });
      }
      const now = Date.now();
      const f = deriveFeatures(read.state, now, featureConfig);
      const feature = (x: { value: number; events: number }) => ({ value: x.value, events: x.events });
      const affinity: Record<number, number> = {};
      f.categoryAffinity.forEach((value, slot) => {
        if (value > 0) affinity[slot] = value;
      });
      const replenishment: Record<string, number> = {};
      for (const [sku, r] of f.replenishmentDays) replenishment[sku] = r.value;
      return encodeMessage(GetPersonResponseSchema, {
        personId: read.personId,
        found: true,
        recencyDays: feature(f.recencyDays),
        frequency: feature(f.frequency),
        monetary: feature(f.monetary),
        discountSensitivity: feature(f.discountSensitivity),
        sessionIntent: feature(f.sessionIntent),
        churnRisk: feature(f.churnRisk),
        loyaltyTier: feature(f.loyaltyTier),
        categoryAffinity: affinity,
        replenishmentDays: replenishment,
        upcomingLifeEvents: f.upcomingLifeEvents.map((e) => ({
          type: LIFE_EVENTS[e.type],
          date: e.date,
          daysUntil: e.daysUntil,
        })),
        consentGranted: consent === null ? [] : purposes(consent.granted),
        consentDenied: consent === null ? [] : purposes(consent.denied),
        globalOptOut: consent?.globalOptOut ?? false,
        eventsApplied: BigInt(f.eventsApplied),
      });
    }),
  };
}
