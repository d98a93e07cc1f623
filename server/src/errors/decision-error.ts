import type { status } from "@grpc/grpc-js";
import { ErrorCatalogue, type ErrorKind } from "./error-catalogue.js";

/**
 * The one error type of the service: a catalogue entry, a message meant for the
 * caller, and an optional cause that stays on the server.
 *
 * Messages are lowercase, without a trailing period, and name the bad input and
 * the setting that limits it: `candidates: 5001 exceeds the limit of 5000 (option maxCandidates)`.
 */
export class DecisionError extends Error {
  override readonly name = "DecisionError";
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }

  /** The gRPC status code of this error. */
  get code(): status {
    return ErrorCatalogue[this.kind].code;
  }

  /** The stable catalogue id of this error. */
  get id(): string {
    return ErrorCatalogue[this.kind].id;
  }

  /**
   * Normalises anything caught into a DecisionError. Unknown errors become
   * INTERNAL with a generic message; the original is kept as `cause` for logs.
   */
  static from(e: unknown): DecisionError {
    if (e instanceof DecisionError) return e;
    return new DecisionError("INTERNAL", "internal error", { cause: e });
  }
}

/** Shorthand for the most common error: a field outside its domain. */
export function invalidField(field: string, problem: string): DecisionError {
  return new DecisionError("INVALID_FIELD", `${field}: ${problem}`);
}

/**
 * The one wording of an exceeded limit: `candidates: 5001 exceeds the limit of
 * 5000 (option maxCandidates)`. `unit` (" bytes", " characters") follows both
 * numbers. Callers pick the error kind; the message reads the same everywhere.
 */
export function exceedsLimit(
  field: string,
  actual: number,
  limit: number,
  option: string,
  unit = "",
): string {
  return `${field}: ${actual}${unit} exceeds the limit of ${limit}${unit} (option ${option})`;
}
