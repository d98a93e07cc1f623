import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import type { Redis } from "ioredis";
import { DELIVERY_GROUP, deliveryKeys } from "../../../server/src/delivery/delivery-keys.js";
import type { RedisDeliveryHub } from "../../../server/src/delivery/redis-delivery-queue.js";
import { Channel } from "../../../server/src/domain/channel.js";
import { decisionFor } from "./subscriber.js";

/** The compiled adapter CLI. */
export const ADAPTER_CLI = new URL("../../../adapters/src/cli/relevance-adapter.js", import.meta.url)
  .pathname;

export interface KillRestartOptions {
  /** The decision server's `host:port`. */
  readonly address: string;
  readonly hub: RedisDeliveryHub;
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** Decisions to deliver, to as many distinct experiences. */
  readonly count: number;
  /** People the decisions go to (they need email consent). */
  readonly recipients: readonly string[];
  /** JSONL file the adapter's file sink writes. */
  readonly sinkPath: string;
  /** The adapter's state directory (its dedupe ledger). */
  readonly stateDir: string;
  /** SIGKILL the adapter once the sink holds this share of the decisions. @default 0.5 */
  readonly killAt?: number;
  /** Give up waiting after this long, in ms. @default 120000 */
  readonly timeoutMs?: number;
  /** Extra adapter arguments. */
  readonly adapterArgs?: readonly string[];
  readonly say?: (line: string) => void;
}

export interface KillRestartResult {
  readonly count: number;
  /** From the first adapter's start to the last decision in the sink, restart included. */
  readonly elapsedMs: number;
  readonly lines: number;
  readonly distinct: number;
  /** Lines naming an experience an earlier line named. */
  readonly duplicates: number;
  /** Decisions enqueued whose experience never reached the sink. */
  readonly lost: number;
  /** Lines in the sink when the adapter was killed. */
  readonly linesAtKill: number;
  /** Entries left on the stream (unacked) at the end. */
  readonly leftOnStream: number;
}

/** Enqueues `count` email decisions with distinct experience ids; returns the ids. */
export async function enqueueDecisions(o: KillRestartOptions): Promise<Set<string>> {
  const ids = new Set<string>();
  const chunk = 500;
  for (let start = 0; start < o.count; start += chunk) {
    const batch: Promise<boolean>[] = [];
    for (let i = start; i < Math.min(o.count, start + chunk); i++) {
      const recipient = o.recipients[i % o.recipients.length]!;
      const decision = decisionFor(recipient, i, Channel.EMAIL);
      ids.add(decision.items[0]!.experienceId);
      batch.push(
        o.hub.enqueue(
          {
            decision,
            recipient,
            trigger: "cart_abandonment",
            timeZone: "UTC",
            locale: "en-GB",
            tokens: {},
            expiresAtMs: Date.now() + 3600_000,
          },
          `kill-restart-${decision.decisionId}`,
        ),
      );
    }
    const queued = await Promise.all(batch);
    if (queued.some((q) => !q)) throw new Error("a decision was not enqueued");
  }
  return ids;
}

/** Counts the lines of a growing file, reading only what was appended since the last call. */
function lineCounter(path: string): () => number {
  let offset = 0;
  let lines = 0;
  const chunk = Buffer.alloc(1 << 20);
  return () => {
    if (!existsSync(path)) return 0;
    const fd = openSync(path, "r");
    try {
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, offset);
        if (n === 0) break;
        for (let i = 0; i < n; i++) if (chunk[i] === 0x0a) lines++;
        offset += n;
      }
    } finally {
      closeSync(fd);
    }
    return lines;
  };
}

function startAdapter(o: KillRestartOptions): ChildProcess {
  // BENCH_ADAPTER_NODE_ARGS: extra node flags for the adapter (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const nodeArgs = (process.env.BENCH_ADAPTER_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
  return spawn(
    process.execPath,
    [
      ...nodeArgs,
      ADAPTER_CLI,
      "--server",
      o.address,
      "--channel",
      "email",
      "--consumer",
      "kill-restart",
      "--sink",
      `file:${o.sinkPath}`,
      "--state-dir",
      o.stateDir,
      ...(o.adapterArgs ?? []),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
}

/**
 * Delivers `count` decisions through a real adapter process (the CLI, file
 * sink), SIGKILLs it once the sink holds `killAt` of them, starts it again
 * under the same consumer name, and waits until every experience is in the
 * sink and nothing is left unacked. Then counts lines, duplicates and losses
 * in the sink file.
 */
export async function deliverWithKillRestart(
  o: KillRestartOptions,
  expected: Set<string>,
): Promise<KillRestartResult> {
  const say = o.say ?? (() => {});
  const timeoutMs = o.timeoutMs ?? 120_000;
  const killAt = Math.floor(o.count * (o.killAt ?? 0.5));
  const stream = deliveryKeys(o.keyPrefix, Channel.EMAIL).stream;
  let stderr = "";
  const started = Date.now();
  const deadline = started + timeoutMs;
  let adapter = startAdapter(o);
  adapter.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
  const lineCount = lineCounter(o.sinkPath);
  let linesAtKill = 0;
  while (Date.now() < deadline) {
    linesAtKill = lineCount();
    if (linesAtKill >= killAt) break;
    if (adapter.exitCode !== null) throw new Error(`adapter exited early (${adapter.exitCode}): ${stderr}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  adapter.kill("SIGKILL");
  await new Promise((r) => adapter.once("exit", r));
  say(`killed the adapter with ${linesAtKill} of ${o.count} in the sink`);
  adapter = startAdapter(o);
  adapter.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
  let lastLineAtMs = Date.now();
  let lines = 0;
  try {
    while (Date.now() < deadline) {
      const now = lineCount();
      if (now !== lines) {
        lines = now;
        lastLineAtMs = Date.now();
      }
      if (lines >= o.count) {
        const pending = (await o.redis.xpending(stream, DELIVERY_GROUP)) as [number, ...unknown[]];
        if (Number(pending[0]) === 0) break;
      }
      if (adapter.exitCode !== null)
        throw new Error(`restarted adapter exited (${adapter.exitCode}): ${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    adapter.kill("SIGTERM");
    await new Promise((r) => (adapter.exitCode !== null ? r(null) : adapter.once("exit", r)));
  }
  const elapsedMs = lastLineAtMs - started;
  const seen = new Set<string>();
  let duplicates = 0;
  const text = readFileSync(o.sinkPath, "utf8");
  let total = 0;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    total++;
    const id = (JSON.parse(line) as { experience_id: string }).experience_id;
    if (seen.has(id)) duplicates++;
    seen.add(id);
  }
  let lost = 0;
  for (const id of expected) if (!seen.has(id)) lost++;
  const leftOnStream = Number(await o.redis.xlen(stream));
  return {
    count: o.count,
    elapsedMs,
    lines: total,
    distinct: seen.size,
    duplicates,
    lost,
    linesAtKill,
    leftOnStream,
  };
}
