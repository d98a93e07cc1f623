/**
 * bench:gc — what a call leaves to the server's old generation, and what the
 * full collections it brings cost. A probe kept as a benchmark: bench:decide's
 * p99 at half of the maximum rate is set by mark-compact pauses (RESULTS.md),
 * and how often they come depends on how many bytes each call promotes.
 *
 * The bench re-runs itself as a child under `node --trace-gc-nvp` (V8 prints
 * one line per collection with its pause phases and the bytes promoted). The
 * child starts a private Redis seeded like bench:decide (100,000 SKUs, 10,000
 * profiles), the real server under the demo policy with the transport-only
 * Echo method beside Decide, and drives each phase with h2load on a fixed
 * schedule (4 connections × 64 streams): Echo, then Decide, at each rate.
 * The parent reads the child's collections per phase.
 *
 *   npm run bench:gc   (needs redis-server and h2load)
 *   BENCH_GC_RATES=1200,2400 BENCH_GC_SECONDS=8 to change the phases;
 *   BENCH_GC_NODE_ARGS="--heap-growing-percent=300" to try V8 flags on the server,
 *   BENCH_GC_V8_TUNING=0 to run it without the settings main.ts applies.
 *
 * Prints a line per phase, then one JSON line: per phase `target` (echo or
 * decide), `rate`, `calls`, `scavenges`, `promoted_kb_per_call` (scavenges'
 * promoted bytes), `old_growth_kb_per_call` (growth of the heap after
 * collections, so promoted plus what was allocated in the old generation
 * directly), `mark_compacts`, `mark_compact_pauses_ms`, and for the longest
 * mark-compact its largest pause phases.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { applyV8Tuning, V8_START_FLAGS } from "../../server/src/runtime/v8-tuning.js";
import { startRedisServer } from "../support/redis-process.js";
import { startEchoAndDecide } from "./support/echo-and-decide.js";
import { runH2load } from "./support/h2load.js";
import { seedRedis } from "./support/seed-redis.js";
import { machine } from "./support/stats.js";

const ITEMS = 100_000;
const PROFILES = 10_000;
const RATES = (process.env.BENCH_GC_RATES ?? "1200,2400").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_GC_SECONDS ?? 8);
const CHILD = process.env.BENCH_GC_CHILD === "1";
const NODE_ARGS = (process.env.BENCH_GC_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
/** Marks a phase's start and end in the child's stdout, between V8's lines. */
const MARK = "@@phase";

const say = (line: string) => process.stderr.write(`${line}\n`);

/** The child: the server and the load, phase by phase. */
async function child(): Promise<void> {
  // The server's V8 settings, as main.ts applies them; BENCH_GC_V8_TUNING=0 leaves V8's defaults.
  if (process.env.BENCH_GC_V8_TUNING !== "0") applyV8Tuning();
  const redisServer = await startRedisServer();
  try {
    await seedRedis(redisServer.url, { items: ITEMS, profiles: PROFILES, seed: 42, features: 64 });
    const { server, body, urls } = await startEchoAndDecide(
      redisServer.url,
      "server/policies/demo.yaml",
      ITEMS,
    );
    try {
      // Warm-up: the JIT and the heap's first growth are not what is measured.
      await runH2load({ url: urls.decide, body, clients: 4, streamsPerClient: 64, durationS: 3, warmUpS: 1 });
      for (const rate of RATES) {
        for (const target of ["echo", "decide"] as const) {
          const before = server.pipeline.stats.decisions;
          process.stdout.write(`${MARK} start ${target} ${rate}\n`);
          const run = await runH2load({
            url: urls[target],
            body,
            clients: 4,
            streamsPerClient: 64,
            scheduleRatePerS: rate,
            requests: rate * SECONDS,
          });
          const decided = server.pipeline.stats.decisions - before;
          if (run.failed > 0 || (target === "decide" && decided < run.succeeded)) {
            throw new Error(
              `${target} at ${rate}/s: ${run.failed} failed, ${decided} decisions for ${run.succeeded} answers`,
            );
          }
          process.stdout.write(`${MARK} end ${target} ${rate} ${run.succeeded} ${run.seconds}\n`);
        }
      }
    } finally {
      await server.close(1000);
    }
  } finally {
    await redisServer.stop();
  }
}

interface Phase {
  target: string;
  rate: number;
  calls: number;
  achieved_rps: number;
  scavenges: number;
  promoted_kb_per_call: number;
  old_growth_kb_per_call: number;
  mark_compacts: number;
  mark_compact_pauses_ms: number[];
  /** The longest mark-compact's largest pause phases, ms. */
  longest_mark_compact_phases: Record<string, number>;
}

/** Phases of a mark-compact's atomic pause worth naming (V8's --trace-gc-nvp keys). */
const PAUSE_PHASES = [
  "mark",
  "evacuate.copy",
  "evacuate.update_pointers",
  "clear.external_string_table",
  "clear.weak_global_handles",
  "heap.external.weak_global_handles",
  "clear.weak_references",
  "sweep",
];

/** Reads the child's stdout: V8's collections between the phase marks. */
function parseGcLog(text: string): Phase[] {
  const phases: Phase[] = [];
  let open: {
    target: string;
    rate: number;
    promoted: number;
    growth: number;
    sc: number;
    mc: Record<string, number>[];
  } | null = null;
  let lastAfter: number | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith(MARK)) {
      const [, what, target, rate, calls, seconds] = line.split(" ");
      if (what === "start")
        open = { target: target!, rate: Number(rate), promoted: 0, growth: 0, sc: 0, mc: [] };
      else if (open !== null) {
        const n = Number(calls);
        const longest = open.mc.reduce<Record<string, number> | null>(
          (a, b) => (a === null || (b.pause ?? 0) > (a.pause ?? 0) ? b : a),
          null,
        );
        phases.push({
          target: open.target,
          rate: open.rate,
          calls: n,
          achieved_rps: Math.round(n / Number(seconds)),
          scavenges: open.sc,
          promoted_kb_per_call: round(open.promoted / n / 1024),
          old_growth_kb_per_call: round(open.growth / n / 1024),
          mark_compacts: open.mc.length,
          mark_compact_pauses_ms: open.mc.map((m) => m.pause ?? 0),
          longest_mark_compact_phases:
            longest === null ? {} : Object.fromEntries(PAUSE_PHASES.map((k) => [k, longest[k] ?? 0])),
        });
        open = null;
      }
      continue;
    }
    const kind = / gc=(\w+) /.exec(line)?.[1];
    if (kind !== "s" && kind !== "mc") continue;
    const fields: Record<string, number> = {};
    for (const m of line.matchAll(/ ([\w.]+)=([0-9.]+)/g)) fields[m[1]!] = Number(m[2]);
    const after = fields.total_size_after ?? 0;
    if (open !== null && kind === "s") {
      open.sc++;
      open.promoted += fields.promoted ?? 0;
      if (lastAfter !== null) open.growth += after - lastAfter;
    }
    if (open !== null && kind === "mc") open.mc.push(fields);
    lastAfter = after;
  }
  return phases;
}

function round(x: number): number {
  return Number(x.toFixed(2));
}

async function parent(): Promise<void> {
  say(
    `bench:gc on ${machine()}: Echo and Decide at ${RATES.join(", ")} calls/s, ${SECONDS} s each${NODE_ARGS.length > 0 ? `, server flags ${NODE_ARGS.join(" ")}` : ""}…`,
  );
  const out = await new Promise<string>((resolve, reject) => {
    // The server's start flags first: a flag in BENCH_GC_NODE_ARGS comes later and wins.
    const args = [...V8_START_FLAGS, "--trace-gc-nvp", ...NODE_ARGS, fileURLToPath(import.meta.url)];
    const proc = spawn(process.execPath, args, {
      env: { ...process.env, BENCH_GC_CHILD: "1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const chunks: Buffer[] = [];
    proc.stdout.on("data", (d: Buffer) => chunks.push(d));
    proc.on("error", reject);
    proc.on("exit", (code) =>
      code === 0
        ? resolve(Buffer.concat(chunks).toString())
        : reject(new Error(`bench child exited ${code}`)),
    );
  });
  const phases = parseGcLog(out);
  if (phases.length !== RATES.length * 2)
    throw new Error(`expected ${RATES.length * 2} phases, read ${phases.length}`);
  for (const p of phases) {
    say(
      `${p.target.padEnd(6)} at ${p.rate}/s (achieved ${p.achieved_rps}): promoted ${p.promoted_kb_per_call} KB/call, ` +
        `old generation +${p.old_growth_kb_per_call} KB/call, ${p.mark_compacts} mark-compacts ` +
        `(pauses ${p.mark_compact_pauses_ms.join(", ") || "none"} ms), ${p.scavenges} scavenges`,
    );
  }
  process.stdout.write(
    `${JSON.stringify({ machine: machine(), node_args: [...V8_START_FLAGS, ...NODE_ARGS], seconds_per_phase: SECONDS, phases })}\n`,
  );
}

(CHILD ? child() : parent()).catch((e: unknown) => {
  process.stderr.write(`bench:gc failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
