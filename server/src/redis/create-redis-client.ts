import { Redis } from "ioredis";

/**
 * How the hot-path Redis client connects, fails and recovers. Every field has a
 * default; `createRedisClient` validates the merged options once.
 */
export interface RedisClientOptions {
  /**
   * How long to wait for the connection to become ready (TCP connect, ready
   * check) before `createRedisClient` rejects, in ms.
   * @default 2000
   */
  readonly connectTimeoutMs: number;
  /**
   * Backstop for every command, in ms: a command without a reply by then is
   * rejected, so a stalled Redis cannot pile up pending commands forever.
   * Per-request deadlines are shorter and enforced by the callers
   * (`ProfileStore.readPerson` races its own timer). 0 disables the backstop.
   * @default 2000
   */
  readonly commandTimeoutMs: number;
  /**
   * How many times a command in flight when the connection drops is resent
   * after reconnecting before it is rejected.
   * @default 1
   */
  readonly maxRetriesPerRequest: number;
  /**
   * Upper bound of the reconnect backoff, in ms. The client never gives up
   * reconnecting, so the service recovers without a restart once Redis is back.
   * 1000 ms left a restarted Redis unused for up to a second (bench:faults kill
   * scenario: back 600–850 ms after the restart began, 246 ms with 250); a
   * connect attempt to a closed loopback port costs next to nothing.
   * @default 250
   */
  readonly reconnectMaxDelayMs: number;
  /**
   * Coalesce the commands issued in one event-loop turn into one socket write
   * (`coalesceWrites`). Measured with `npm run bench:decide` on this 2-core VM:
   * +25–30 % Decide throughput (3.2–3.4k → 4.2k req/s, four interleaved runs),
   * because every loopback write is a costly syscall here. DESIGN.md's earlier
   * probe saw −10 % for bare GETs; with real work per request the trade-off is
   * reversed.
   * @default true
   */
  readonly autoPipelining: boolean;
  /**
   * Name shown by `CLIENT LIST`.
   * @default "relevance"
   */
  readonly connectionName: string;
  /**
   * Receives connection errors (refused, reset, ...). The client keeps
   * reconnecting on its own; this is for logs and health.
   * @default writes the error to stderr, at most once per distinct message every 10 s
   */
  readonly onError: (error: Error) => void;
}

/** Defaults of `RedisClientOptions`. */
export const REDIS_CLIENT_DEFAULTS: Readonly<RedisClientOptions> = Object.freeze({
  connectTimeoutMs: 2000,
  commandTimeoutMs: 2000,
  maxRetriesPerRequest: 1,
  reconnectMaxDelayMs: 250,
  autoPipelining: true,
  connectionName: "relevance",
  onError: createRateLimitedStderrLogger(10_000),
});

/** First reconnect delay; doubled on every failed attempt up to `reconnectMaxDelayMs`. */
const RECONNECT_BASE_DELAY_MS = 50;

/**
 * Creates an ioredis client tuned for the request hot path (see DESIGN.md):
 * no offline queue (a command while disconnected fails at once instead of
 * waiting), at most `maxRetriesPerRequest` resends, the commands of one loop
 * turn sharing a write (`coalesceWrites`), a command timeout backstop, and a reconnect
 * loop with capped exponential backoff that never gives up.
 *
 * Resolves once the client is ready; rejects when it is not ready within
 * `connectTimeoutMs`, with a message naming the URL without credentials. The
 * caller owns the client and ends it with `quit()` or `disconnect()`.
 */
export async function createRedisClient(url: string, options?: Partial<RedisClientOptions>): Promise<Redis> {
  const opts = resolveOptions(options);
  const safeUrl = redactRedisUrl(url);
  const client = new Redis(url, {
    enableOfflineQueue: false,
    // Not ioredis's own auto-pipelining: see `coalesceWrites`.
    enableAutoPipelining: false,
    enableReadyCheck: true,
    maxRetriesPerRequest: opts.maxRetriesPerRequest,
    connectTimeout: opts.connectTimeoutMs,
    ...(opts.commandTimeoutMs > 0 ? { commandTimeout: opts.commandTimeoutMs } : {}),
    connectionName: opts.connectionName,
    retryStrategy: (times) =>
      Math.min(RECONNECT_BASE_DELAY_MS * 2 ** Math.min(times - 1, 16), opts.reconnectMaxDelayMs),
  });

  if (opts.autoPipelining) coalesceWrites(client);

  let lastError: Error | undefined;
  client.on("error", (error: Error) => {
    lastError = error;
    opts.onError(error);
  });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      client.disconnect();
      const why = lastError === undefined ? "" : `: ${lastError.message}`;
      reject(
        new Error(
          `redis at ${safeUrl} not ready within ${opts.connectTimeoutMs} ms (option connectTimeoutMs)${why}`,
          {
            cause: lastError,
          },
        ),
      );
    }, opts.connectTimeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
  return client;
}

/**
 * Makes the commands `client` sends in one event-loop turn go out in one
 * socket write: the first command of a turn corks the socket, and the check
 * phase of that turn (setImmediate, after the poll phase has handed every
 * request read in it to its handler) uncorks it, so Node writes them with one
 * writev. Commands are written and queued for their replies in the order they
 * were sent, as without it.
 *
 * This replaces ioredis's `enableAutoPipelining`, which batches the same way
 * but through a Pipeline object per batch (a promise, queues, callbacks and
 * the client's script methods copied onto it). With it, commands and what
 * awaits them outlived young-generation collections: a probe sending plain
 * GETs at 2,400/s promoted 1.1–1.3 KB per command to the old generation with
 * ioredis's auto-pipelining and 0.05 KB without (`--trace-gc-nvp`). In Decide
 * that promotion filled the old generation and brought the mark-compacts whose
 * pauses were the p99 (RESULTS.md, bench:decide).
 */
function coalesceWrites(client: Redis): void {
  const send = client.sendCommand.bind(client);
  let corked: Redis["stream"] | null = null;
  const uncork = (): void => {
    const stream = corked;
    corked = null;
    stream?.uncork();
  };
  client.sendCommand = (command, stream) => {
    // A command with its own stream (an explicit pipeline or transaction)
    // writes through it in one piece already.
    if (corked === null && stream === undefined && client.stream?.writable === true) {
      corked = client.stream;
      corked.cork();
      setImmediate(uncork);
    }
    return send(command, stream);
  };
}

/**
 * Returns `url` with any user name and password removed, for messages and logs.
 * Returns a placeholder when `url` does not parse, so nothing secret can leak.
 */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "<unparseable redis url>";
  }
}

function resolveOptions(options: Partial<RedisClientOptions> | undefined): Readonly<RedisClientOptions> {
  const opts: RedisClientOptions = { ...REDIS_CLIENT_DEFAULTS, ...options };
  const positive: (keyof RedisClientOptions)[] = ["connectTimeoutMs", "reconnectMaxDelayMs"];
  for (const key of positive) {
    const v = opts[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
      throw new RangeError(`options.${key} must be a positive integer, got ${String(v)}`);
    }
  }
  const nonNegative: (keyof RedisClientOptions)[] = ["commandTimeoutMs", "maxRetriesPerRequest"];
  for (const key of nonNegative) {
    const v = opts[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new RangeError(`options.${key} must be a non-negative integer, got ${String(v)}`);
    }
  }
  if (typeof opts.connectionName !== "string" || !/^[!-~]+$/.test(opts.connectionName)) {
    throw new RangeError(
      `options.connectionName must be a non-empty string of printable ascii without spaces, got ${JSON.stringify(opts.connectionName)}`,
    );
  }
  if (typeof opts.onError !== "function") {
    throw new TypeError("options.onError must be a function");
  }
  return Object.freeze(opts);
}

function createRateLimitedStderrLogger(intervalMs: number): (error: Error) => void {
  const lastLogged = new Map<string, number>();
  return (error) => {
    const now = Date.now();
    const last = lastLogged.get(error.message);
    if (last !== undefined && now - last < intervalMs) return;
    if (lastLogged.size > 100) lastLogged.clear();
    lastLogged.set(error.message, now);
    process.stderr.write(`[redis] ${error.message}\n`);
  };
}
