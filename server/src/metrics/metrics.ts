import { createServer, type Server } from "node:http";
import type { DescService } from "@bufbuild/protobuf";
import { status, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { wrapHandlers } from "../grpc/wrap-handlers.js";

/** Where the metrics read the server's own counters from. */
export interface MetricSources {
  pipeline(): {
    decisions: number;
    fallbacks: number;
    suppressed: number;
    capDenials: number;
    abandoned: number;
  };
  pool(): { utilization: number; queued: number };
  /** Accepted events not yet applied, or null without an event log to ask. */
  eventBacklog(): Promise<number | null>;
  delivery(): {
    sent: number;
    delivered: number;
    deferred: number;
    dead: number;
    dropped: Record<string, number>;
  } | null;
  /** The Redis circuit breaker of the hot path, or null without Redis. */
  redisBreaker(): { open: boolean; opened: number; refused: number } | null;
}

/**
 * Prometheus metrics of one server (prom-client, the de-facto Node client:
 * exposition format, histograms and process metrics done right): calls by
 * method and status code, call latency by method, Decide's stages (decode,
 * profile read, scoring including the pool queue, cap reservation, encode),
 * decisions, fallbacks, suppressions and cap denials, pool utilisation and
 * queue, event backlog, deliveries. Labels never carry a person.
 */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Wraps every handler of `service` to count and time its calls. */
  instrument(service: DescService, handlers: UntypedServiceImplementation): UntypedServiceImplementation;
  observeStage(stage: string, ms: number): void;
  /** Serves `GET /metrics` on `host:port` (0: any free port); resolves with the bound port. */
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

const LATENCY_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createServerMetrics(sources: MetricSources): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "relevance_" });
  const calls = new Counter({
    name: "relevance_grpc_calls_total",
    help: "gRPC calls answered, by method and status code",
    labelNames: ["method", "code"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "relevance_grpc_call_seconds",
    help: "Time from a call's arrival to its answer (unary and client-streaming methods)",
    labelNames: ["method"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const stages = new Histogram({
    name: "relevance_decide_stage_seconds",
    help: "Time in each stage of Decide: decode, profile (Redis), score (pool queue and kernel), caps (Redis), encode",
    labelNames: ["stage"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const pipelineGauge = (name: string, help: string, key: keyof ReturnType<MetricSources["pipeline"]>) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(sources.pipeline()[key]);
      },
    });
  pipelineGauge("relevance_decisions", "Decisions made since start", "decisions");
  pipelineGauge(
    "relevance_fallback_decisions",
    "Decisions made without a usable profile (FALLBACK) since start",
    "fallbacks",
  );
  pipelineGauge(
    "relevance_suppressed_decisions",
    "Decisions answered empty by policy since start",
    "suppressed",
  );
  pipelineGauge(
    "relevance_cap_denials",
    "Items a frequency cap kept out of a decision since start",
    "capDenials",
  );
  pipelineGauge(
    "relevance_abandoned_decisions",
    "Decisions stopped because the caller's deadline passed or it left",
    "abandoned",
  );
  new Gauge({
    name: "relevance_pool_utilization",
    help: "Share of the scoring pool's worker time in use (0..1)",
    registers: [registry],
    collect() {
      this.set(sources.pool().utilization);
    },
  });
  new Gauge({
    name: "relevance_pool_queued_jobs",
    help: "Scoring jobs waiting for a worker",
    registers: [registry],
    collect() {
      this.set(sources.pool().queued);
    },
  });
  new Gauge({
    name: "relevance_event_backlog",
    help: "Accepted events not yet applied to profiles (the consumer's lag)",
    registers: [registry],
    async collect() {
      const n = await sources.eventBacklog().catch(() => null);
      if (n !== null) this.set(n);
    },
  });
  new Gauge({
    name: "relevance_redis_breaker",
    help: "The hot path's Redis circuit breaker: open (1 while open or half-open), opened (times since start), refused (calls not sent to Redis)",
    labelNames: ["value"],
    registers: [registry],
    collect() {
      const b = sources.redisBreaker();
      if (b === null) return;
      this.set({ value: "open" }, b.open ? 1 : 0);
      this.set({ value: "opened" }, b.opened);
      this.set({ value: "refused" }, b.refused);
    },
  });
  new Gauge({
    name: "relevance_deliveries",
    help: "Deliveries by outcome since start (sent, delivered, deferred, dead, dropped_<reason>)",
    labelNames: ["outcome"],
    registers: [registry],
    collect() {
      const d = sources.delivery();
      if (d === null) return;
      for (const k of ["sent", "delivered", "deferred", "dead"] as const) this.set({ outcome: k }, d[k]);
      for (const [reason, n] of Object.entries(d.dropped)) this.set({ outcome: `dropped_${reason}` }, n);
    },
  });

  let http: Server | null = null;
  const codeName = (code: number) => status[code] ?? String(code);

  return {
    registry,
    instrument(service, handlers) {
      return wrapHandlers(service, handlers, ({ path: method, answersOnce }, inner) =>
        answersOnce
          ? (call, cb) => {
              const start = performance.now();
              inner(call, (e, r, trailer, flags) => {
                const code =
                  e === null || e === undefined
                    ? status.OK
                    : ((e as { code?: number }).code ?? status.UNKNOWN);
                calls.inc({ method, code: codeName(code) });
                latency.observe({ method }, (performance.now() - start) / 1000);
                // The trailers carry the request id (request-log.ts): pass them on.
                cb?.(e, r, trailer, flags);
              });
            }
          : (call) => {
              // Streams: counted when they end (OK) or fail.
              let counted = false;
              const count = (code: number) => {
                if (counted) return;
                counted = true;
                calls.inc({ method, code: codeName(code) });
              };
              call.on("finish", () => count(status.OK));
              call.on("error", () => count(status.UNKNOWN));
              call.on("cancelled", () => count(status.CANCELLED));
              inner(call);
            },
      );
    },
    observeStage(stage, ms) {
      stages.observe({ stage }, ms / 1000);
    },
    listen(host, port) {
      http = createServer((req, res) => {
        if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
          res.writeHead(404, { "content-type": "text/plain" }).end("not found: GET /metrics\n");
          return;
        }
        registry.metrics().then(
          (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
          () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable\n"),
        );
      });
      return new Promise((resolve, reject) => {
        http!.once("error", reject);
        http!.listen(port, host, () => {
          const address = http!.address();
          resolve(typeof address === "object" && address !== null ? address.port : port);
        });
      });
    },
    close() {
      return new Promise((resolve) => (http === null ? resolve() : http.close(() => resolve())));
    },
  };
}
