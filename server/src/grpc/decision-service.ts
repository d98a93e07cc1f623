import type { ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from "@grpc/grpc-js";
import { DecisionError, exceedsLimit } from "../errors/index.js";
import type { DecisionPipeline } from "../pipeline/decision-pipeline.js";
import { type RequestLimits, validateDecisionRequest } from "../pipeline/validate-decision-request.js";
import { decodeDecideRequest } from "./decode-decide-request.js";
import { encodeDecideResponse } from "./encode-decide-response.js";
import { toServiceError } from "./to-service-error.js";

export interface DecisionServiceOptions {
  readonly pipeline: DecisionPipeline;
  readonly limits: RequestLimits;
  /** Requests larger than this are rejected with a message naming option maxMessageBytes. */
  readonly maxMessageBytes: number;
  /**
   * Decide calls being worked on at once; one more is rejected at once with
   * RESOURCE_EXHAUSTED, so overload sheds in microseconds instead of queueing
   * into everyone's deadline.
   */
  readonly maxInFlight: number;
  /** Told how long decoding (with validation) and encoding took (metrics). */
  readonly observeStage?: (stage: "decode" | "encode", ms: number) => void;
}

/**
 * gRPC handlers of `relevance.v1.DecisionService`: decode → validate → run the
 * pipeline under the call's deadline → encode. The only place Decide touches
 * wire formats.
 */
export function decisionServiceHandlers(options: DecisionServiceOptions): UntypedServiceImplementation {
  const { pipeline, limits, maxMessageBytes, maxInFlight } = options;
  let inFlight = 0;
  return {
    decide(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
      if (inFlight >= maxInFlight) {
        callback(
          toServiceError(
            new DecisionError(
              "OVERLOADED",
              `decide: ${inFlight} calls in flight, the limit (option maxInFlightDecides); retry with backoff`,
            ),
          ),
        );
        return;
      }
      inFlight++;
      const isCancelled = () => call.cancelled;
      const deadline = call.getDeadline();
      const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
      run()
        .then((bytes) => callback(null, bytes))
        .catch((e: unknown) => callback(toServiceError(e)))
        .finally(() => inFlight--);

      async function run(): Promise<Buffer> {
        const bytes = call.request;
        if (bytes.length > maxMessageBytes) {
          throw new DecisionError(
            "MESSAGE_TOO_LARGE",
            exceedsLimit("message", bytes.length, maxMessageBytes, "maxMessageBytes", " bytes"),
          );
        }
        const observe = options.observeStage;
        let t0 = observe === undefined ? 0 : performance.now();
        const req = validateDecisionRequest(decodeDecideRequest(bytes), limits);
        if (observe !== undefined) observe("decode", performance.now() - t0);
        const decision = await pipeline.decide(req, { deadlineMs, isCancelled });
        if (observe === undefined) return encodeDecideResponse(decision);
        t0 = performance.now();
        const out = encodeDecideResponse(decision);
        observe("encode", performance.now() - t0);
        return out;
      }
    },
  };
}
