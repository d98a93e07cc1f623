import type { RenderedMessage } from "../render/rendered.js";

/**
 * Where an adapter puts rendered messages. `send` resolves once the message
 * is durably handed over (the webhook answered 2xx, the line is written).
 */
export interface Sink {
  /** "webhook", "file" or "stdout", for logs. */
  readonly kind: string;
  /**
   * Experience ids this sink already holds, read when it opens (a JSONL file
   * scans itself; the others know none). The runner seeds its dedupe with them,
   * so a restarted adapter never sends an experience twice.
   */
  readonly delivered: ReadonlySet<string>;
  /** Hands one message over; rejects with `SinkRejectedError` when it can never be delivered. */
  send(message: RenderedMessage): Promise<void>;
  close(): Promise<void>;
}

/** The sink refused a message for good (e.g. HTTP 4xx other than 408/429): retrying cannot help. */
export class SinkRejectedError extends Error {
  override readonly name = "SinkRejectedError";
}
