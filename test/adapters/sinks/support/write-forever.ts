/**
 * Child process for the SIGKILL test of the file sink: opens the sink at
 * argv[2] and sends `exp-0`, `exp-1`, … forever, as a restarted adapter
 * would (ids the file already holds are skipped by the sink). Every 40th
 * line is large (~300 KB, spanning many pages) so a kill can land inside a
 * write(2). Prints "ready <delivered>" once the sink is open and has written
 * at least one new line, then keeps going until it is killed.
 */
import { openFileSink } from "../../../../adapters/src/sinks/file-sink.js";
import { message } from "./messages.js";

const path = process.argv[2];
if (path === undefined) throw new Error("usage: write-forever <path.jsonl>");
const sink = await openFileSink(path);
const before = sink.delivered.size;
const big = "é".repeat(150_000);
let announced = false;
for (let n = 0; ; n++) {
  await sink.send(message(n, {}, n % 40 === 39 ? big : ""));
  if (!announced && sink.delivered.size > before) {
    announced = true;
    process.stdout.write(`ready ${before}\n`);
  }
}
