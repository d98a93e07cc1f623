import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DedupeLedger, openDedupeLedger } from "../../../adapters/src/dedupe-ledger.js";
import { makeTempDir } from "./support/temp-dir.js";

let dir: string;
let remove: () => Promise<void>;
let path: string;
const open: DedupeLedger[] = [];
beforeEach(async () => {
  ({ dir, remove } = await makeTempDir());
  path = join(dir, "ledger.jsonl");
});
afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
  await remove();
});

/** A ledger on `path` (or `at`) whose clock is `clock.now`. */
async function ledger(
  clock: { now: number },
  windowMs: number,
  extra: { compactMinLines?: number; at?: string } = {},
) {
  const l = await openDedupeLedger(extra.at ?? path, {
    windowMs,
    now: () => clock.now,
    ...(extra.compactMinLines === undefined ? {} : { compactMinLines: extra.compactMinLines }),
  });
  open.push(l);
  return l;
}

function fileLines(p: string = path): string[] {
  const text = readFileSync(p, "utf8");
  return text === "" ? [] : text.slice(0, -1).split("\n");
}

describe("openDedupeLedger()", () => {
  it("should answer has() for added ids only", async () => {
    const l = await ledger({ now: 100 }, 1000);
    expect(l.has("exp-1")).toBe(false);
    l.add("exp-1", 100);
    expect(l.has("exp-1")).toBe(true);
    expect(l.has("exp-2")).toBe(false);
    expect(l.size).toBe(1);
    expect(fileLines()).toEqual(['{"experience_id":"exp-1","at_ms":100}']);
  });

  it("should forget an id windowMs after it was added", async () => {
    const clock = { now: 0 };
    const l = await ledger(clock, 1000);
    l.add("exp-1", 0);
    clock.now = 999;
    expect(l.has("exp-1")).toBe(true);
    clock.now = 1000;
    expect(l.has("exp-1")).toBe(false);
  });

  it("should remember ids across a restart and forget the expired ones", async () => {
    const clock = { now: 0 };
    const first = await ledger(clock, 1000);
    first.add("old", 0);
    first.add("new", 600);
    await first.close();

    clock.now = 1200;
    const second = await ledger(clock, 1000);
    expect(second.has("new")).toBe(true);
    expect(second.has("old")).toBe(false);
    expect(second.size).toBe(1);
  });

  it("should hold only the ids of the last window in memory", async () => {
    const clock = { now: 0 };
    const l = await ledger(clock, 100);
    for (let t = 0; t < 10_000; t++) {
      clock.now = t;
      l.add(`exp-${t}`, t);
    }
    // Live at 9999: added at 9900..9999.
    expect(l.size).toBe(100);
    expect(l.has("exp-9900")).toBe(true);
    expect(l.has("exp-9899")).toBe(false);
  });

  it("should compact on open when more than half the lines are stale", async () => {
    const clock = { now: 0 };
    const first = await ledger(clock, 1000);
    for (let n = 0; n < 6; n++) first.add(`old-${n}`, 0);
    first.add("kept", 2000);
    first.add("twice", 1800);
    first.add("twice", 2100); // supersedes the line before
    await first.close();
    expect(fileLines()).toHaveLength(9);

    clock.now = 2500;
    const second = await ledger(clock, 1000);
    expect(fileLines()).toEqual([
      '{"experience_id":"kept","at_ms":2000}',
      '{"experience_id":"twice","at_ms":2100}',
    ]);
    expect(second.has("twice")).toBe(true);
    second.add("after", 2500);
    expect(fileLines()).toHaveLength(3);
    expect(existsSync(`${path}.compact`)).toBe(false);
  });

  it("should leave the file as it is when at most half the lines are stale", async () => {
    const clock = { now: 0 };
    const first = await ledger(clock, 1000);
    for (let n = 0; n < 3; n++) first.add(`old-${n}`, 0);
    for (let n = 0; n < 3; n++) first.add(`new-${n}`, 2000);
    await first.close();
    const before = readFileSync(path);

    clock.now = 2500;
    const second = await ledger(clock, 1000);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(second.size).toBe(3);
  });

  it("should compact while running once the file passes compactMinLines and twice the live entries", async () => {
    const clock = { now: 0 };
    const l = await ledger(clock, 10, { compactMinLines: 20 });
    for (let t = 0; t < 200; t++) {
      clock.now = t;
      l.add(`exp-${t}`, t);
      expect(fileLines().length).toBeLessThan(21);
    }
    await l.close();
    const reopened = await ledger(clock, 10);
    for (let t = 190; t < 200; t++) expect(reopened.has(`exp-${t}`)).toBe(true);
    expect(reopened.size).toBe(10);
  });

  it("should cut a torn last line and keep appending cleanly", async () => {
    const clock = { now: 0 };
    const first = await ledger(clock, 1000);
    first.add("a", 0);
    await first.close();
    writeFileSync(path, `${readFileSync(path, "utf8")}{"experience_id":"b","at`);

    const second = await ledger(clock, 1000);
    expect(second.has("a")).toBe(true);
    expect(second.has("b")).toBe(false);
    second.add("c", 1);
    expect(fileLines()).toEqual(['{"experience_id":"a","at_ms":0}', '{"experience_id":"c","at_ms":1}']);
  });

  it("should remove a compaction temp file left by a kill before its rename", async () => {
    const first = await ledger({ now: 0 }, 1000);
    first.add("a", 0);
    await first.close();
    writeFileSync(`${path}.compact`, '{"experience_id":"half-writ');
    const second = await ledger({ now: 0 }, 1000);
    expect(existsSync(`${path}.compact`)).toBe(false);
    expect(second.has("a")).toBe(true);
  });

  it("should keep exactly the complete lines when the file is cut at any byte", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.string({ unit: "binary", minLength: 1, maxLength: 10 }), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (ids, cutAt) => {
          const at = join(dir, `cut-${run++}.jsonl`);
          const first = await ledger({ now: 0 }, 1000, { at });
          const ends: number[] = [];
          for (const id of ids) {
            first.add(id, 0);
            ends.push(statSync(at).size);
          }
          await first.close();
          const cut = Math.floor(cutAt * statSync(at).size);
          truncateSync(at, cut);

          const complete = ends.filter((end) => end <= cut).length;
          const second = await ledger({ now: 0 }, 1000, { at });
          expect(ids.filter((id) => second.has(id))).toEqual(ids.slice(0, complete));
          expect(statSync(at).size).toBe(complete === 0 ? 0 : ends[complete - 1]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    [{ windowMs: 0 }, "options.windowMs must be a positive integer, got 0"],
    [{ windowMs: 10, compactMinLines: 0 }, "options.compactMinLines must be a positive integer, got 0"],
  ])("should refuse bad options %j", async (options, expected) => {
    await expect(openDedupeLedger(path, options)).rejects.toThrow(new RangeError(expected));
  });
});
