import type { ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from "@grpc/grpc-js";
import { DecisionError, invalidField } from "../errors/index.js";
import {
  GetPolicyResponseSchema,
  type Policy,
  SetPolicyRequestSchema,
  SetPolicyResponseSchema,
  ValidatePolicyRequestSchema,
  ValidatePolicyResponseSchema,
} from "../gen/relevance/v1/policy_pb.js";
import { describeProblems, PolicyError } from "../policy/policy-error.js";
import type { PolicyHolder } from "../policy/policy-holder.js";
import { validatePolicy } from "../policy/validate-policy.js";
import { decodeMessage, encodeMessage } from "./message-codec.js";
import { toServiceError } from "./to-service-error.js";

/**
 * Problems one ValidatePolicy response lists; the last line says how many more
 * there were. A 4 MiB policy can break thousands of rules, and the response
 * must stay a sendable message.
 */
export const MAX_LISTED_PROBLEMS = 1000;

export interface PolicyServiceOptions {
  readonly holder: PolicyHolder;
}

function requiredPolicy(policy: Policy | undefined): Policy {
  if (policy === undefined) throw invalidField("policy", "required");
  return policy;
}

/**
 * gRPC handlers of `relevance.v1.PolicyService`. SetPolicy puts a valid policy
 * in force through the holder (atomically; decisions already running finish
 * under the old one) and answers INVALID_POLICY (INVALID_ARGUMENT) with the
 * first problems by path otherwise, keeping the policy in force.
 */
export function policyServiceHandlers(options: PolicyServiceOptions): UntypedServiceImplementation {
  const { holder } = options;
  const unary =
    (handle: (request: Buffer) => Buffer) =>
    (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
      let bytes: Buffer;
      try {
        bytes = handle(call.request);
      } catch (e) {
        callback(toServiceError(e));
        return;
      }
      callback(null, bytes);
    };

  return {
    getPolicy: unary(() => encodeMessage(GetPolicyResponseSchema, { policy: holder.current().proto })),

    setPolicy: unary((bytes) => {
      const policy = requiredPolicy(decodeMessage(SetPolicyRequestSchema, bytes).policy);
      try {
        const next = holder.set(policy, "PolicyService.SetPolicy");
        return encodeMessage(SetPolicyResponseSchema, { version: next.policy.version });
      } catch (e) {
        if (e instanceof PolicyError) throw new DecisionError("INVALID_POLICY", describeProblems(e.problems));
        throw e;
      }
    }),

    validatePolicy: unary((bytes) => {
      const policy = requiredPolicy(decodeMessage(ValidatePolicyRequestSchema, bytes).policy);
      const problems = validatePolicy(policy);
      const rest = problems.length - MAX_LISTED_PROBLEMS;
      const listed =
        rest > 0
          ? [...problems.slice(0, MAX_LISTED_PROBLEMS), `and ${rest} more problem${rest === 1 ? "" : "s"}`]
          : problems;
      return encodeMessage(ValidatePolicyResponseSchema, { problems: listed });
    }),
  };
}
