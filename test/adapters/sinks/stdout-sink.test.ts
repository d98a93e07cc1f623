import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createStdoutSink } from "../../../adapters/src/sinks/stdout-sink.js";
import { message } from "./support/messages.js";

/** A stream with a tiny buffer whose writes complete only when the test says so. */
function slowStream(): { stream: Writable; lines: string[]; release: () => void } {
  const lines: string[] = [];
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      pending.push(() => callback());
    },
  });
  return {
    stream,
    lines,
    release: () => {
      for (const done of pending.splice(0)) done();
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("createStdoutSink()", () => {
  it("should write one JSON line per message", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const sink = createStdoutSink({ stream });
    await sink.send(message(1));
    await sink.close();
    expect(lines).toEqual([
      `${JSON.stringify({ experience_id: "exp-1", delivery_id: "del-1", channel: "email", recipient: "person-1", body: message(1).body })}\n`,
    ]);
    expect(sink.kind).toBe("stdout");
    expect(sink.delivered.size).toBe(0);
  });

  it("should not resolve a send until a full stream drains", async () => {
    const { stream, lines, release } = slowStream();
    const sink = createStdoutSink({ stream });
    let resolved = false;
    const sent = sink.send(message(2)).then(() => {
      resolved = true;
    });
    await tick();
    await tick();
    expect(lines).toHaveLength(1);
    expect(resolved).toBe(false);
    release();
    await sent;
    expect(resolved).toBe(true);
  });

  it("should reject a send waiting for drain when the stream is destroyed", async () => {
    const { stream } = slowStream();
    const sink = createStdoutSink({ stream });
    const sent = sink.send(message(3));
    await tick();
    stream.destroy();
    await expect(sent).rejects.toThrow("stdout sink: stream closed before it drained");
    await expect(sink.send(message(4))).rejects.toThrow("stdout sink: stream is closed");
  });
});
