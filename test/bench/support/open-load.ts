import { type ClientHttp2Stream, connect } from "node:http2";
import { status } from "@grpc/grpc-js";

/** One Decide call of an open-model run, on the run's clock (ms since it started). */
export interface CallSample {
  readonly sentAt: number;
  readonly ms: number;
  readonly code: status;
  /** What `classify` said of the answer (OK calls only); "" otherwise. */
  readonly kind: string;
  /** How late the client itself sent the call, ms: a client stall, not the server's. */
  readonly sendLagMs: number;
}

export interface OpenLoadRun {
  readonly address: string;
  /** Calls a second, sent on a fixed schedule whether or not answers come back (open model). */
  readonly rate: number;
  readonly durationMs: number;
  /** Encoded DecideRequests, sent in turn. */
  readonly requests: readonly Buffer[];
  /** The deadline every call carries, ms. */
  readonly deadlineMs: number;
  /** Names an OK answer (e.g. its treatment); called on the raw response bytes. */
  readonly classify?: (response: Buffer) => string;
  /** Told the run's clock once a millisecond or so, to inject faults at set times. */
  readonly onTick?: (elapsedMs: number) => void;
  /** Stops sending (but still waits for answers) once it returns true. */
  readonly stopSending?: () => boolean;
  /** HTTP/2 connections to spread calls over. @default 2 */
  readonly channels?: number;
}

export interface OpenLoadResult {
  readonly samples: readonly CallSample[];
  /** Calls sent a second, over the sending time. */
  readonly achievedRate: number;
  /** How far behind its schedule the client sent its latest call, ms: a busy client shows here. */
  readonly maxSendLagMs: number;
}

const DECIDE_PATH = "/relevance.v1.DecisionService/Decide";

/** A gRPC length-prefixed message frame (uncompressed). */
function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

/**
 * Sends Decide calls at a fixed rate for a fixed time from this process and
 * records every call's send time, latency, status and (optionally) what its
 * answer was. Calls go out on Node's own HTTP/2 client with pre-framed
 * requests, not through grpc-js: a grpc-js client call costs several times
 * more CPU, and at three times the server's capacity that client fell a second
 * behind its own schedule on this 2-core machine (measured while building
 * bench:faults). Latency is measured from the scheduled send time, so a
 * client that falls behind counts the delay against the server rather than
 * hiding it (no coordinated omission); the deadline (`grpc-timeout`) is what
 * is left of the call's budget when it goes out.
 */
export async function runOpenLoad(run: OpenLoadRun): Promise<OpenLoadResult> {
  const sessions = Array.from({ length: run.channels ?? 2 }, () => {
    const s = connect(`http://${run.address}`);
    s.on("error", () => {});
    return s;
  });
  const bodies = run.requests.map(frame);
  const samples: CallSample[] = [];
  const t0 = performance.now();
  let sent = 0;
  let pending = 0;
  let stopped = false;
  let lastSendAt = 0;
  let maxLag = 0;

  const send = (scheduledAt: number): void => {
    const body = bodies[sent % bodies.length]!;
    const session = sessions[sent % sessions.length]!;
    sent++;
    const lag = performance.now() - t0 - scheduledAt;
    if (lag > maxLag) maxLag = lag;
    const left = Math.max(1, Math.floor(run.deadlineMs - lag));
    pending++;
    let code: number | null = null;
    const chunks: Buffer[] = [];
    const done = (): void => {
      pending--;
      const ms = performance.now() - t0 - scheduledAt;
      const c = code ?? status.UNKNOWN;
      let kind = "";
      if (c === status.OK && run.classify !== undefined) {
        kind = run.classify(Buffer.concat(chunks).subarray(5));
      }
      samples.push({ sentAt: scheduledAt, ms, code: c, kind, sendLagMs: lag });
    };
    let stream: ClientHttp2Stream;
    try {
      stream = session.request({
        ":method": "POST",
        ":path": DECIDE_PATH,
        "content-type": "application/grpc",
        te: "trailers",
        "grpc-timeout": `${left}m`,
      });
    } catch {
      code = status.UNAVAILABLE;
      done();
      return;
    }
    // A trailers-only answer (errors) carries grpc-status in the headers.
    stream.on("response", (h) => {
      if (h["grpc-status"] !== undefined) code = Number(h["grpc-status"]);
    });
    stream.on("trailers", (h) => {
      if (h["grpc-status"] !== undefined) code = Number(h["grpc-status"]);
    });
    if (run.classify !== undefined) stream.on("data", (d: Buffer) => chunks.push(d));
    else stream.resume();
    stream.on("error", () => {
      code ??= status.UNAVAILABLE;
    });
    stream.on("close", done);
    stream.end(body);
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now() - t0;
      run.onTick?.(now);
      if (!stopped && run.stopSending?.() === true) stopped = true;
      if (!stopped) {
        const due = Math.floor((Math.min(now, run.durationMs) * run.rate) / 1000);
        while (sent < due) {
          lastSendAt = (sent * 1000) / run.rate;
          send(lastSendAt);
        }
        if (now >= run.durationMs) stopped = true;
      }
      if (stopped && pending === 0) {
        resolve();
        return;
      }
      setTimeout(tick, 1);
    };
    tick();
  });
  for (const s of sessions) s.close();
  samples.sort((a, b) => a.sentAt - b.sentAt);
  return { samples, achievedRate: lastSendAt > 0 ? (sent * 1000) / lastSendAt : 0, maxSendLagMs: maxLag };
}
