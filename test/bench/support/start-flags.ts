import { spawn } from "node:child_process";
import { constants } from "node:os";
import { missingStartFlags } from "../../../server/src/runtime/v8-tuning.js";

/**
 * The benches that host the server in their own process must run with the V8
 * flags a server starts with (`V8_START_FLAGS`), which only work on the
 * command line. When this process lacks one, this runs the same script again
 * in a child with the flags added, passes its output through and exits with
 * its code; the caller stops (returns true). With the flags already there it
 * returns false and the bench runs here. A flag given on the command line with
 * another value (`node --max-semi-space-size=4 …`) is kept, to try others.
 */
export async function rerunWithStartFlags(): Promise<boolean> {
  const missing = missingStartFlags();
  if (missing.length === 0) return false;
  const child = spawn(process.execPath, [...missing, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  const code = await new Promise<number>((resolve) => {
    // A child killed by a signal exits the way a shell reports it: 128 + the signal number.
    child.on("exit", (c, signal) => resolve(c ?? (signal === null ? 1 : 128 + constants.signals[signal])));
  });
  process.exitCode = code;
  return true;
}
