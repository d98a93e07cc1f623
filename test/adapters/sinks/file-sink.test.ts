import { appendFileSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RenderedMessage } from "../../../adapters/src/render/rendered.js";
import { openFileSink } from "../../../adapters/src/sinks/file-sink.js";
import { message } from "./support/messages.js";
import { makeTempDir } from "./support/temp-dir.js";

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ dir, remove } = await makeTempDir());
});
afterEach(async () => {
  await remove();
});

/** The file's lines, each parsed; fails the test when the file is not valid JSONL (ends with a newline, or empty). */
function readJsonl(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, "utf8");
  if (text === "") return [];
  expect(text.endsWith("\n")).toBe(true);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("openFileSink()", () => {
  it("should write one JSON line per message with written_at_ms", async () => {
    const path = join(dir, "out.jsonl");
    let now = 1000;
    const sink = await openFileSink(path, { now: () => now++ });
    await sink.send(message(1));
    await sink.send(message(2, { channel: "sms", body: { segments: ["a", "ü"] } }));
    await sink.close();

    expect(readJsonl(path)).toEqual([
      {
        experience_id: "exp-1",
        delivery_id: "del-1",
        channel: "email",
        recipient: "person-1",
        body: message(1).body,
        written_at_ms: 1000,
      },
      {
        experience_id: "exp-2",
        delivery_id: "del-2",
        channel: "sms",
        recipient: "person-2",
        body: { segments: ["a", "ü"] },
        written_at_ms: 1001,
      },
    ]);
    expect([...sink.delivered]).toEqual(["exp-1", "exp-2"]);
    expect(sink.truncatedBytes).toBe(0);
  });

  it("should create a missing file and know no ids", async () => {
    const sink = await openFileSink(join(dir, "new.jsonl"));
    expect(sink.delivered.size).toBe(0);
    await sink.close();
    expect(readFileSync(join(dir, "new.jsonl"), "utf8")).toBe("");
  });

  it("should yield the written ids as delivered on reopen and not write a held experience again", async () => {
    const path = join(dir, "out.jsonl");
    const first = await openFileSink(path);
    for (let n = 0; n < 5; n++) await first.send(message(n));
    await first.close();

    const second = await openFileSink(path);
    expect([...second.delivered].sort()).toEqual(["exp-0", "exp-1", "exp-2", "exp-3", "exp-4"]);
    await second.send(message(3, { deliveryId: "del-3-redelivered" }));
    await second.send(message(5));
    await second.close();
    expect(readJsonl(path).map((l) => l.experience_id)).toEqual([
      "exp-0",
      "exp-1",
      "exp-2",
      "exp-3",
      "exp-4",
      "exp-5",
    ]);
  });

  it("should cut a torn last line on open and start the next line clean", async () => {
    const path = join(dir, "out.jsonl");
    const sink = await openFileSink(path);
    await sink.send(message(1));
    await sink.close();
    const torn = '{"experience_id":"exp-2","delivery_id":"del-';
    appendFileSync(path, torn);

    const reopened = await openFileSink(path);
    expect(reopened.truncatedBytes).toBe(Buffer.byteLength(torn));
    expect([...reopened.delivered]).toEqual(["exp-1"]);
    await reopened.send(message(2));
    await reopened.close();
    expect(readJsonl(path).map((l) => l.experience_id)).toEqual(["exp-1", "exp-2"]);
  });

  it("should cut a last line that parses but lacks its newline", async () => {
    const path = join(dir, "out.jsonl");
    writeFileSync(path, '{"experience_id":"a"}\n{"experience_id":"b"}');
    const sink = await openFileSink(path);
    await sink.close();
    expect([...sink.delivered]).toEqual(["a"]);
    expect(readFileSync(path, "utf8")).toBe('{"experience_id":"a"}\n');
  });

  it("should cut a garbage tail of complete lines left by power loss", async () => {
    const path = join(dir, "out.jsonl");
    writeFileSync(path, `{"experience_id":"a"}\n${"\0".repeat(100)}\n{"experie\n\0\0`);
    const sink = await openFileSink(path);
    await sink.close();
    expect([...sink.delivered]).toEqual(["a"]);
    expect(readFileSync(path, "utf8")).toBe('{"experience_id":"a"}\n');
  });

  it("should refuse a file with a bad line before valid ones, leaving it untouched", async () => {
    const path = join(dir, "out.jsonl");
    const text = '{"experience_id":"a"}\n{"experience_id":"b"}\nnot json\n{"experience_id":"c"}\n';
    writeFileSync(path, text);
    await expect(openFileSink(path)).rejects.toThrow(
      `${path}: line 3 (byte 44) is not a valid record but valid lines follow it; ` +
        "the file was changed by something other than its one writer; repair or move it away",
    );
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("should scan lines longer than its read chunk and multi-byte characters across chunks", async () => {
    const path = join(dir, "out.jsonl");
    const sink = await openFileSink(path);
    const ids: string[] = [];
    for (let n = 0; n < 4000; n++) {
      const id = `exp-${n}-€𝄞`;
      ids.push(id);
      // A 3 MB line every 1000 lines spans several 1 MiB chunks.
      await sink.send(
        message(n, { experienceId: id }, n % 1000 === 999 ? "ä".repeat(1_500_000) : "ß".repeat(n % 300)),
      );
    }
    await sink.close();
    appendFileSync(path, '{"experience_id":"torn-€');

    const reopened = await openFileSink(path);
    await reopened.close();
    expect([...reopened.delivered]).toEqual(ids);
    expect(reopened.truncatedBytes).toBe(Buffer.byteLength('{"experience_id":"torn-€'));
    expect(readJsonl(path)).toHaveLength(4000);
  });

  it("should keep exactly the complete lines when the file is cut at any byte (a kill at any instant)", async () => {
    const idArb = fc.string({ unit: "binary", minLength: 1, maxLength: 12 });
    const bodyArb = fc.dictionary(
      fc.string({ maxLength: 5 }),
      fc.oneof(fc.string({ unit: "binary" }), fc.integer()),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ id: idArb, body: bodyArb }), {
          minLength: 1,
          maxLength: 20,
          selector: (m) => m.id,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (messages, cutAt) => {
          const path = join(dir, `cut-${run++}.jsonl`);
          const sink = await openFileSink(path, { now: () => 5 });
          const ends: number[] = [];
          for (const m of messages) {
            const rendered: RenderedMessage = { ...message(0), experienceId: m.id, body: m.body };
            await sink.send(rendered);
            ends.push(readFileSync(path).length);
          }
          await sink.close();
          const full = readFileSync(path);
          const cut = Math.floor(cutAt * full.length);
          truncateSync(path, cut);

          const complete = ends.filter((end) => end <= cut).length;
          const kept = complete === 0 ? 0 : ends[complete - 1]!;
          const reopened = await openFileSink(path);
          await reopened.close();
          expect([...reopened.delivered]).toEqual(messages.slice(0, complete).map((m) => m.id));
          expect(reopened.truncatedBytes).toBe(cut - kept);
          expect(readFileSync(path).equals(full.subarray(0, kept))).toBe(true);
          expect(readJsonl(path).map((l) => l.experience_id)).toEqual(
            messages.slice(0, complete).map((m) => m.id),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("should reject a send after close", async () => {
    const path = join(dir, "out.jsonl");
    const sink = await openFileSink(path, { fsync: "interval", fsyncIntervalMs: 10 });
    await sink.send(message(1));
    await sink.close();
    await expect(sink.send(message(2))).rejects.toThrow(`file sink ${path}: send after close`);
  });

  it.each([
    [{ fsync: "always" as "never" }, 'options.fsync must be "never" or "interval", got always'],
    [{ fsyncIntervalMs: 0 }, "options.fsyncIntervalMs must be a positive integer, got 0"],
  ])("should refuse bad options %j", async (options, expected) => {
    await expect(openFileSink(join(dir, "x.jsonl"), options)).rejects.toThrow(new RangeError(expected));
  });
});
