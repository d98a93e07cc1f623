/**
 * bench:sku-index — what turning a request's candidate SKUs into catalog rows
 * costs: the SKU index lookup and the duplicate check, for the 200 candidates
 * of a bench:decide request against a 100,000-item catalog, exactly as
 * `Scorer.write` does it.
 *
 * Measured twice: hot (the same request again and again, everything in cache)
 * and evicted (16 MB of other memory touched between requests, as the rest of
 * a server's work does between two decisions). The evicted figure is the one
 * the server sees; the gap between the two is cache misses.
 *
 *   npm run bench:sku-index
 *
 * Prints a line per round, then one JSON line: {"skus","candidates",
 * "hot_us","evicted_us","machine"} (medians over the rounds, µs per request).
 */
import { createArena, createKernelMemory } from "../../core-wasm/src/arena.js";
import { SkuIndex } from "../../server/src/catalog/sku-index.js";
import { syntheticSku } from "../../server/src/demo/synthetic.js";
import { DuplicateRows } from "../../server/src/scoring/duplicate-rows.js";
import { machine, median } from "./support/stats.js";

const SKUS = 100_000;
const CANDIDATES = 200;
const REQUESTS = 2_000;
const ROUNDS = 5;
const EVICT_BYTES = 16 << 20;
const say = (line: string) => process.stderr.write(`${line}\n`);

function main(): void {
  const index = new SkuIndex(createArena(createKernelMemory()), SKUS);
  for (let row = 0; row < SKUS; row++) index.insert(syntheticSku(row), row);
  // A request's SKUs as bench:decide sends them: bytes back to back, spread over the catalog.
  const skus = Array.from({ length: CANDIDATES }, (_, i) => syntheticSku((i * 7919) % SKUS));
  const bytes = Buffer.from(skus.join(""), "utf8");
  // Plain arrays, as a decoded request's CandidateList holds them.
  const start: number[] = new Array(CANDIDATES);
  const end: number[] = new Array(CANDIDATES);
  let at = 0;
  skus.forEach((s, i) => {
    start[i] = at;
    at += Buffer.byteLength(s);
    end[i] = at;
  });
  const rows = new Int32Array(CANDIDATES);
  const duplicates = new DuplicateRows();
  const resolve = (): void => {
    duplicates.begin(CANDIDATES);
    for (let i = 0; i < CANDIDATES; i++) {
      const row = index.lookupBytes(bytes, start[i]!, end[i]!);
      rows[i] = row;
      if (row < 0 || duplicates.firstPosition(row, i) >= 0) throw new Error(`candidate ${i} resolved wrong`);
    }
  };
  const resolveMany = (): void => {
    duplicates.begin(CANDIDATES);
    index.lookupMany(bytes, start, end, CANDIDATES, rows);
    for (let i = 0; i < CANDIDATES; i++) {
      const row = rows[i]!;
      if (row < 0 || duplicates.firstPosition(row, i) >= 0) throw new Error(`candidate ${i} resolved wrong`);
    }
  };
  const other = new Float64Array(EVICT_BYTES / 8);
  const evict = (): void => {
    for (let i = 0; i < other.length; i += 8) other[i]! += 1;
  };
  const perRequest = (between: () => void, run: () => void = resolve): number => {
    let ns = 0n;
    for (let r = 0; r < REQUESTS; r++) {
      between();
      const t = process.hrtime.bigint();
      run();
      ns += process.hrtime.bigint() - t;
    }
    return Number(ns) / REQUESTS / 1000;
  };
  const hot: number[] = [];
  const evicted: number[] = [];
  const hotBatched: number[] = [];
  const evictedBatched: number[] = [];
  perRequest(() => {}); // warm-up: compile every path
  perRequest(() => {}, resolveMany);
  for (let round = 1; round <= ROUNDS; round++) {
    hot.push(perRequest(() => {}));
    evicted.push(perRequest(evict));
    if (rows.some((row, i) => index.skuAt(row) !== skus[i])) throw new Error("rows do not match the SKUs");
    rows.fill(-1);
    hotBatched.push(perRequest(() => {}, resolveMany));
    evictedBatched.push(perRequest(evict, resolveMany));
    if (rows.some((row, i) => index.skuAt(row) !== skus[i]))
      throw new Error("batched rows do not match the SKUs");
    say(
      `round ${round}: one by one hot ${hot.at(-1)!.toFixed(2)} µs, evicted ${evicted.at(-1)!.toFixed(2)} µs; ` +
        `batched hot ${hotBatched.at(-1)!.toFixed(2)} µs, evicted ${evictedBatched.at(-1)!.toFixed(2)} µs per request`,
    );
  }
  const round2 = (x: number) => Number(x.toFixed(2));
  console.log(
    JSON.stringify({
      skus: SKUS,
      candidates: CANDIDATES,
      hot_us: round2(median(hot)),
      evicted_us: round2(median(evicted)),
      hot_batched_us: round2(median(hotBatched)),
      evicted_batched_us: round2(median(evictedBatched)),
      machine: machine(),
    }),
  );
}

main();
