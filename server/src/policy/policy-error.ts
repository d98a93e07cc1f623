/**
 * Problems shown in one message (an error's `message`, a status's `details`);
 * ValidatePolicy lists them all.
 */
export const PROBLEMS_IN_MESSAGE = 20;

/**
 * The first `max` problems joined by "; ", then how many were left out:
 * `offers[0].id: required; … ; and 3 more problems`.
 */
export function describeProblems(problems: readonly string[], max = PROBLEMS_IN_MESSAGE): string {
  const shown = problems.slice(0, max).join("; ");
  const rest = problems.length - max;
  if (rest <= 0) return shown;
  return `${shown}; and ${rest} more problem${rest === 1 ? "" : "s"}`;
}

/**
 * A policy that cannot be taken: unreadable, structurally wrong (an unknown
 * field, a wrong type) or breaking a rule of `validatePolicy`. `problems` holds
 * every one, each `path: what is wrong`; the message names the source and the
 * first PROBLEMS_IN_MESSAGE of them. The policy in force stays when one is thrown.
 */
export class PolicyError extends Error {
  override readonly name = "PolicyError";
  readonly problems: readonly string[];

  /** `source` names where the policy came from in the message, for example a file path. */
  constructor(problems: readonly string[], source = "", options?: { cause?: unknown }) {
    super(`policy${source === "" ? "" : ` ${source}`} is invalid: ${describeProblems(problems)}`, options);
    this.problems = Object.freeze([...problems]);
  }
}
