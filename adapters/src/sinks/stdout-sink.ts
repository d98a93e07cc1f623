import type { Writable } from "node:stream";
import type { RenderedMessage } from "../render/rendered.js";
import type { Sink } from "./sink.js";
import { toWireMessage } from "./wire-message.js";

/** Options of `createStdoutSink`. */
export interface StdoutSinkOptions {
  /**
   * Where lines go; tests pass their own stream.
   * @default process.stdout
   */
  readonly stream?: Writable;
}

/**
 * A sink that prints one JSON line per message (`{experience_id, delivery_id,
 * channel, recipient, body}`) to stdout, for piping into another tool or for
 * trying an adapter out. It knows no delivered ids and keeps none: what was
 * printed before a restart is the reader's to dedupe (by `experience_id`).
 *
 * `send` resolves once the stream took the line; when the stream's buffer is
 * full it waits for 'drain', so a slow reader slows the adapter (and, through
 * unacked credits, the server) instead of growing memory. `close` leaves the
 * stream open: stdout belongs to the process.
 */
export function createStdoutSink(options: StdoutSinkOptions = {}): Sink {
  const stream = options.stream ?? process.stdout;
  let closed = false;

  function waitForDrain(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (e?: Error) => {
        stream.off("drain", onDrain);
        stream.off("error", done);
        stream.off("close", onClose);
        if (e) reject(e);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error("stdout sink: stream closed before it drained"));
      stream.on("drain", onDrain);
      stream.on("error", done);
      stream.on("close", onClose);
    });
  }

  return {
    kind: "stdout",
    delivered: new Set<string>(),
    async send(message: RenderedMessage): Promise<void> {
      if (closed) throw new Error("stdout sink: send after close");
      if (stream.destroyed || !stream.writable) throw new Error("stdout sink: stream is closed");
      const line = `${JSON.stringify(toWireMessage(message))}\n`;
      if (!stream.write(line)) await waitForDrain();
    },
    async close(): Promise<void> {
      closed = true;
      if (stream.writableNeedDrain) await waitForDrain();
    },
  };
}
