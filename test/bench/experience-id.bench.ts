/**
 * bench:experience-id — what a decision's experience ids cost the server
 * thread: the 20 ids of one answer (one person, 20 catalog SKUs), with the
 * recipe in use (`x2`: one SHA-256 key per decision, MurmurHash3 per SKU in
 * JS) against the previous one (`x1`: one-shot SHA-256 per SKU, kept here as
 * the comparison), alternating in the same rounds. Each decision is a new
 * person, as at Decide's maximum.
 *
 *   npm run bench:experience-id
 *
 * Prints a line per round, then one JSON line: {"ids","x1_us","x2_us",
 * "speedup","machine"} (medians over the rounds, µs per decision).
 */
import { hash } from "node:crypto";
import { syntheticSku } from "../../server/src/demo/synthetic.js";
import { experienceIdsFor } from "../../server/src/policy/experience-id.js";
import { machine, median } from "./support/stats.js";

const IDS = 20;
const DECISIONS = 20_000;
const ROUNDS = 7;
const say = (line: string) => process.stderr.write(`${line}\n`);

/** Recipe x1, as it was: the first 132 bits of SHA-256 over the six inputs, base64url. */
function x1IdsFor(personId: string, useCase: string): (sku: string) => string {
  const head = `${personId}\0${useCase}\0\0`;
  return (sku) => `x1${hash("sha256", `${head}${sku}\0-\0+`, "base64url").slice(0, 22)}`;
}

function x2IdsFor(personId: string, useCase: string): (sku: string) => string {
  return experienceIdsFor(personId, useCase, "", Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
}

function main(): void {
  const skus = Array.from({ length: IDS }, (_, i) => syntheticSku((i * 7919) % 100_000));
  const people = Array.from({ length: DECISIONS }, (_, i) => `bench-person-${i}`);
  let chars = 0;
  let ids = 0;
  const perDecision = (idsFor: (person: string, useCase: string) => (sku: string) => string): number => {
    const t = process.hrtime.bigint();
    for (let d = 0; d < DECISIONS; d++) {
      const idOf = idsFor(people[d]!, "search");
      for (let i = 0; i < IDS; i++) chars += idOf(skus[i]!).length;
    }
    ids += DECISIONS * IDS;
    return Number(process.hrtime.bigint() - t) / DECISIONS / 1000;
  };
  perDecision(x1IdsFor); // warm-up: compile both paths
  perDecision(x2IdsFor);
  const x1: number[] = [];
  const x2: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    x1.push(perDecision(x1IdsFor));
    x2.push(perDecision(x2IdsFor));
    say(
      `round ${round}: x1 ${x1.at(-1)!.toFixed(2)} µs, x2 ${x2.at(-1)!.toFixed(2)} µs per decision (${IDS} ids)`,
    );
  }
  // Every id read, so none is optimised away, and each of the 24 characters both recipes give.
  if (chars !== ids * 24) throw new Error("an id was not 24 characters");
  const round2 = (x: number) => Number(x.toFixed(2));
  console.log(
    JSON.stringify({
      ids: IDS,
      x1_us: round2(median(x1)),
      x2_us: round2(median(x2)),
      speedup: round2(median(x1) / median(x2)),
      machine: machine(),
    }),
  );
}

main();
