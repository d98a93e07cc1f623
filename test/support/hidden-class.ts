/**
 * V8 hidden classes ("maps") for tests that hold hot-path objects to one
 * shape. Objects of one hidden class keep property reads monomorphic and cost
 * no map allocation; on Node 20's V8 an object-spread copy that is given more
 * properties (`{ ...base, extra }`) gets a new hidden class every time, each
 * allocated in the old generation (see `decisionOf` in
 * server/src/pipeline/decision-pipeline.ts).
 */
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--allow-natives-syntax");
// Parsed while the flag is on; the flag is only read by the parser.
const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b);") as (a: object, b: object) => boolean;
setFlagsFromString("--no-allow-natives-syntax");

/** How many hidden classes `objects` have between them. */
export function hiddenClassCount(objects: readonly object[]): number {
  const representatives: object[] = [];
  for (const o of objects) {
    if (!representatives.some((r) => haveSameMap(r, o))) representatives.push(o);
  }
  return representatives.length;
}
