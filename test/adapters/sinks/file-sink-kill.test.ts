/**
 * The file sink in a real child process (support/write-forever.ts), SIGKILLed
 * mid-stream and restarted on the same file, KILLS times. Each restart opens
 * the file the way a restarted adapter would; at the end every line parses
 * and the file holds exp-0 … exp-N exactly once each, in order: nothing torn
 * survives and no experience was written twice.
 *
 * A kill rarely lands inside a write(2) (Linux mostly finishes the write
 * first), so torn tails are covered for certain by the cut-at-any-byte
 * property in file-sink.test.ts; this test holds the whole loop to account.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFileSink } from "../../../adapters/src/sinks/file-sink.js";
import { makeTempDir } from "./support/temp-dir.js";

const KILLS = 8;
const script = new URL("./support/write-forever.js", import.meta.url).pathname;

/** Starts the writer; resolves once it has written at least one new line. */
function startWriter(path: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, path], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready")) resolve(child);
    });
    child.on("exit", (code, signal) =>
      reject(new Error(`writer exited (${code ?? signal}) before ready:\n${err}`)),
    );
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe("openFileSink() in a process killed with SIGKILL", () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir());
  });
  afterAll(async () => {
    await remove();
  });

  it("should keep every complete line, cut the torn tail and never write an experience twice", async () => {
    const path = join(dir, "killed.jsonl");
    for (let round = 0; round < KILLS; round++) {
      const child = await startWriter(path);
      // Kill at a different point of the stream each round (0-40 ms after ready).
      await new Promise((resolve) => setTimeout(resolve, (round * 37) % 41));
      await kill(child);
      const size = readFileSync(path).length;
      const sink = await openFileSink(path);
      await sink.close();
      expect(readFileSync(path).length).toBe(size - sink.truncatedBytes);
    }

    const text = readFileSync(path, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    const ids = text
      .slice(0, -1)
      .split("\n")
      .map((line) => (JSON.parse(line) as { experience_id: string }).experience_id);
    expect(ids.length).toBeGreaterThan(KILLS);
    expect(ids).toEqual(ids.map((_id, n) => `exp-${n}`));
  });
});
