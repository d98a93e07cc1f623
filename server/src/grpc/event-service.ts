import { create, toBinary } from "@bufbuild/protobuf";
import type {
  ServerReadableStream,
  ServerUnaryCall,
  sendUnaryData,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { PersonEvent } from "../domain/event.js";
import { DecisionError, ErrorCatalogue, exceedsLimit, invalidField } from "../errors/index.js";
import type { EventIntake } from "../events/event-intake.js";
import {
  type EventError,
  EventErrorSchema,
  type Event as ProtoEvent,
  TrackRequestSchema,
  TrackResponseSchema,
  TrackStreamRequestSchema,
  TrackStreamResponseSchema,
} from "../gen/relevance/v1/events_pb.js";
import type { IdentifierHasher } from "../identity/identifier-hasher.js";
import { type EventLimits, eventFromProto } from "./event-from-proto.js";
import { decodeMessage } from "./message-codec.js";
import { toServiceError } from "./to-service-error.js";

export interface EventServiceOptions {
  readonly intake: EventIntake;
  readonly hasher: IdentifierHasher;
  readonly limits: EventLimits;
  /** Events per Track call or TrackStream message. @see ServerOptions.maxTrackEvents */
  readonly maxTrackEvents: number;
  /** Events per TrackStream stream. @see ServerOptions.maxTrackStreamEvents */
  readonly maxTrackStreamEvents: number;
}

const INVALID_ID = ErrorCatalogue.INVALID_FIELD.id;
const INVALID_CODE = ErrorCatalogue.INVALID_FIELD.code;

/** Checks a batch event by event: the valid ones in order, and one EventError per invalid one. */
function sortBatch(
  events: readonly ProtoEvent[],
  firstIndex: number,
  options: EventServiceOptions,
): { valid: PersonEvent[]; validIndexes: number[]; rejected: EventError[] } {
  const now = Date.now();
  const valid: PersonEvent[] = [];
  const validIndexes: number[] = [];
  const rejected: EventError[] = [];
  events.forEach((e, i) => {
    const index = firstIndex + i;
    const r = eventFromProto(e, `events[${index}]`, options.limits, options.hasher, now);
    if (!r.ok) {
      rejected.push(
        create(EventErrorSchema, {
          index,
          code: INVALID_CODE,
          field: r.field,
          message: r.message,
          errorId: INVALID_ID,
        }),
      );
      return;
    }
    // The same event twice in a batch is accepted twice and applied once (deduplicated on event id).
    valid.push(r.event);
    validIndexes.push(index);
  });
  return { valid, validIndexes, rejected };
}

function checkBatchSize(n: number, max: number): void {
  if (n === 0) throw invalidField("events", "required, at least one event");
  if (n > max) throw new DecisionError("LIMIT_EXCEEDED", exceedsLimit("events", n, max, "maxTrackEvents"));
}

/**
 * gRPC handlers of `relevance.v1.EventService`. An event is accepted once it
 * is in the event log; a bad event is rejected on its own (INVALID_ARGUMENT
 * with its index and field) and the rest of the batch still goes in. A call
 * fails as a whole only for an unusable batch (malformed, empty, too many
 * events) or when the log cannot take events (RESOURCE_EXHAUSTED, UNAVAILABLE):
 * then nothing of that batch was accepted.
 */
export function eventServiceHandlers(options: EventServiceOptions): UntypedServiceImplementation {
  const { intake, maxTrackEvents, maxTrackStreamEvents } = options;

  return {
    track(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
      Promise.resolve()
        .then(async () => {
          const req = decodeMessage(TrackRequestSchema, call.request);
          checkBatchSize(req.events.length, maxTrackEvents);
          const { valid, validIndexes, rejected } = sortBatch(req.events, 0, options);
          await intake.accept(valid);
          const bytes = toBinary(
            TrackResponseSchema,
            create(TrackResponseSchema, { accepted: validIndexes, rejected }),
          );
          callback(null, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        })
        .catch((e: unknown) => callback(toServiceError(e)));
    },

    trackStream(call: ServerReadableStream<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
      const accepted: number[] = [];
      const rejected: EventError[] = [];
      let count = 0;
      let failed = false;
      // Messages are appended one at a time, in order: reading pauses while one is written.
      let chain = Promise.resolve();
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        call.removeAllListeners("data");
        // Earlier messages are already durable: say so, so the caller resends only the rest.
        const error =
          e instanceof DecisionError && count > 0
            ? new DecisionError(
                e.kind,
                `${e.message} (the stream's events before index ${accepted.length + rejected.length} were already handled: ${accepted.length} accepted, ${rejected.length} rejected)`,
              )
            : e;
        callback(toServiceError(error));
      };
      call.on("data", (bytes: Buffer) => {
        call.pause();
        chain = chain
          .then(async () => {
            if (failed) return;
            const msg = decodeMessage(TrackStreamRequestSchema, bytes);
            checkBatchSize(msg.events.length, maxTrackEvents);
            if (count + msg.events.length > maxTrackStreamEvents) {
              throw new DecisionError(
                "LIMIT_EXCEEDED",
                exceedsLimit(
                  "events",
                  count + msg.events.length,
                  maxTrackStreamEvents,
                  "maxTrackStreamEvents",
                ),
              );
            }
            const batch = sortBatch(msg.events, count, options);
            count += msg.events.length;
            await intake.accept(batch.valid);
            accepted.push(...batch.validIndexes);
            rejected.push(...batch.rejected);
          })
          .then(
            () => {
              call.resume();
            },
            (e: unknown) => fail(e),
          );
      });
      call.on("end", () => {
        chain.then(() => {
          if (failed) return;
          if (count === 0) return fail(invalidField("events", "required, at least one event"));
          const bytes = toBinary(
            TrackStreamResponseSchema,
            create(TrackStreamResponseSchema, { accepted, rejected }),
          );
          callback(null, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        });
      });
      call.on("error", () => {
        failed = true;
      });
    },
  };
}
