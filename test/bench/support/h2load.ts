import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Frames one protobuf message as a gRPC request body (uncompressed). */
export function grpcFrame(message: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt8(0, 0);
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

export interface H2loadResult {
  /** Requests h2load saw complete with HTTP 200 (it cannot see grpc-status). */
  readonly succeeded: number;
  readonly failed: number;
  readonly seconds: number;
  readonly rps: number;
  /** Per-request latency in ms, sorted ascending. */
  readonly latenciesMs: Float64Array;
}

export interface H2loadRun {
  readonly url: string;
  readonly body: Buffer;
  readonly clients: number;
  readonly streamsPerClient: number;
  /** Closed model: run for this many seconds, as fast as the server answers. */
  readonly durationS?: number;
  readonly warmUpS?: number;
  /**
   * Fixed rate: send on a timing script at this many requests per second in
   * total, `requests` requests, whether or not earlier ones were answered (up
   * to `streamsPerClient` in flight per client).
   */
  readonly scheduleRatePerS?: number;
  readonly requests?: number;
}

/**
 * Drives gRPC unary calls with h2load (nghttp2's C load generator: cheap, so the
 * machine's CPU goes to the server). Closed model with `durationS` (maximum
 * rates), or a fixed send schedule with `scheduleRatePerS` (see `runAtRate`).
 */
export async function runH2load(run: H2loadRun): Promise<H2loadResult> {
  const dir = mkdtempSync(join(tmpdir(), "relevance-h2load-"));
  try {
    const bodyPath = join(dir, "body.bin");
    const logPath = join(dir, "requests.log");
    writeFileSync(bodyPath, run.body);
    const args = [
      "-c",
      String(run.clients),
      "-m",
      String(run.streamsPerClient),
      "-t",
      "1",
      "-d",
      bodyPath,
      "-H",
      "content-type: application/grpc",
      "-H",
      "te: trailers",
      "--log-file",
      logPath,
    ];
    if (run.scheduleRatePerS !== undefined) {
      const perClient = Math.ceil((run.requests ?? run.scheduleRatePerS * 5) / run.clients);
      const intervalMs = (1000 * run.clients) / run.scheduleRatePerS;
      const lines: string[] = [];
      for (let i = 0; i < perClient; i++) lines.push(`${(i * intervalMs).toFixed(3)}\t${run.url}`);
      const scriptPath = join(dir, "timing.tsv");
      writeFileSync(scriptPath, `${lines.join("\n")}\n`);
      args.push("--timing-script-file", scriptPath, "-n", String(perClient));
    } else {
      args.push("-D", String(run.durationS ?? 5), "--warm-up-time", String(run.warmUpS ?? 1), run.url);
    }
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn("h2load", args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.on("error", (e) =>
        reject(
          new Error(
            `h2load could not start (${e.message}): install it with apt-get install -y nghttp2-client`,
          ),
        ),
      );
      child.on("exit", (code) =>
        code === 0 ? resolve(out) : reject(new Error(`h2load exited ${code}:\n${out}`)),
      );
    });
    const finished = /finished in ([\d.]+)(m?s), ([\d.]+) req\/s/.exec(output);
    const counts = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed/.exec(output);
    if (finished === null || counts === null) throw new Error(`cannot parse h2load output:\n${output}`);
    const seconds = Number(finished[1]) / (finished[2] === "ms" ? 1000 : 1);
    const latenciesMs = parseRequestLog(readFileSync(logPath)).sort();
    return {
      succeeded: Number(counts[1]),
      failed: Number(counts[2]),
      seconds,
      rps: Number(finished[3]),
      latenciesMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const ZERO = 0x30;

/**
 * The latencies in ms of the HTTP 200 rows of an h2load `--log-file`: one row
 * per request, `<start µs>\t<status>\t<duration µs>`. Read from the bytes
 * without making a string per row: the benches host the server in their own
 * process, and 40,000 rows split into strings is megabytes of garbage in the
 * server's heap, promoted by the scavenges that run while it is parsed and
 * collected by a mark-compact in the next measured window (seen in
 * bench:decide's half-rate run right after a warm-up). Rows that do not have
 * three numeric fields are skipped.
 */
export function parseRequestLog(log: Uint8Array): Float64Array {
  let rows = 0;
  for (let i = 0; i < log.length; i++) if (log[i] === NEWLINE) rows++;
  const out = new Float64Array(rows + 1);
  let n = 0;
  let field = 0;
  let value = 0;
  let digits = 0;
  let status = -1;
  let valid = true;
  for (let i = 0; i <= log.length; i++) {
    const c = i < log.length ? log[i]! : NEWLINE;
    if (c === TAB || c === NEWLINE) {
      if (digits === 0) valid = false;
      if (field === 1) status = value;
      if (c === NEWLINE) {
        if (field === 2 && valid && status === 200) out[n++] = value / 1000;
        field = 0;
        status = -1;
        valid = true;
      } else {
        field++;
      }
      value = 0;
      digits = 0;
    } else if (c >= ZERO && c <= ZERO + 9) {
      value = value * 10 + (c - ZERO);
      digits++;
    } else {
      valid = false;
    }
  }
  return out.subarray(0, n);
}

/** A fixed-rate run: what was asked, what was achieved, and the latencies. */
export interface RateRun extends H2loadResult {
  readonly targetRps: number;
  /** Completed requests per second over the run. */
  readonly achievedRps: number;
  /** The schedule's rate that achieved it (above the target when h2load drifted behind). */
  readonly scheduleRatePerS: number;
}

/**
 * Runs at a fixed rate and makes sure the rate was really offered. h2load's
 * timing script drifts behind its schedule on this machine (measured: 5 s of
 * sends took 6.6 s at ~3k req/s with 2 clients), so the schedule is sped up by
 * the measured shortfall and the run repeated, up to four times, until the
 * achieved rate is within `tolerance` of the target; the result says which rate
 * was achieved, and the caller checks it.
 * Latencies are h2load's, from each request's send to its response.
 */
export async function runAtRate(
  base: { url: string; body: Buffer; clients: number; streamsPerClient: number },
  targetRps: number,
  seconds: number,
  tolerance = 0.05,
): Promise<RateRun> {
  let schedule = targetRps;
  let last: RateRun | null = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    const run = await runH2load({
      ...base,
      scheduleRatePerS: schedule,
      requests: Math.round(targetRps * seconds),
    });
    last = { ...run, targetRps, achievedRps: run.succeeded / run.seconds, scheduleRatePerS: schedule };
    if (Math.abs(last.achievedRps / targetRps - 1) <= tolerance) return last;
    schedule *= targetRps / last.achievedRps;
  }
  return last!;
}
