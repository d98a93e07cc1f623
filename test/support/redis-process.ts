import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** Options of `startRedisServer`. */
export interface RedisServerOptions {
  /**
   * TCP port on 127.0.0.1. Pass the port of a stopped server to restart "the
   * same" Redis (empty: nothing is persisted).
   * @default a free port chosen by the OS
   */
  readonly port?: number;
  /**
   * The redis-server executable, a name looked up on PATH or a path.
   * @default "redis-server"
   */
  readonly bin?: string;
  /** Extra command-line arguments, e.g. `["--maxmemory", "64mb"]`. @default [] */
  readonly args?: readonly string[];
  /** How long to wait for the first PONG, in ms. @default 10000 */
  readonly startTimeoutMs?: number;
}

/** A private redis-server child process. */
export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the server (resuming it first if paused) and removes its directory. Idempotent. */
  stop(): Promise<void>;
  /** Freezes the server with SIGSTOP: connections stay open, nothing is answered. */
  pause(): void;
  /** Thaws a paused server with SIGCONT. */
  resume(): void;
}

/** What a missing redis-server is reported as: a failure that says how to fix it. */
export const REDIS_MISSING_MESSAGE =
  "redis-server not found on PATH: install it with `apt-get install -y redis-server` (or run `sh test/support/ensure-debian-package.sh redis-server redis-server`)";

const OUTPUT_LIMIT = 8192;

/**
 * Starts a throwaway redis-server on 127.0.0.1 (no persistence, its own temp
 * directory) and resolves once it answers PING. Used by the vitest global
 * setup, fault-injection tests and benchmarks. Throws `REDIS_MISSING_MESSAGE`
 * when the executable is not found: callers must fail, never skip.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  return (await launchRedisServer(options, false)).start();
}

/** A redis-server whose process exists but has not started yet: see `prepareRedisServer`. */
export interface PreparedRedisServer {
  readonly port: number;
  /** Starts the server and resolves once it answers PING, as `startRedisServer` does. */
  start(): Promise<RedisServerHandle>;
}

/**
 * Forks the process of a redis-server now (a shell waiting on its stdin) and
 * execs redis-server in it only when `start()` is called. For a load generator
 * that restarts Redis in the middle of a measured run: forking a large Node
 * process held its event loop for ~150 ms (measured in bench:faults after the
 * fuzz scenario), which its callers would otherwise have charged to the server.
 */
export async function prepareRedisServer(options: RedisServerOptions = {}): Promise<PreparedRedisServer> {
  return launchRedisServer(options, true);
}

async function launchRedisServer(options: RedisServerOptions, held: boolean): Promise<PreparedRedisServer> {
  const bin = options.bin ?? "redis-server";
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const executable = findExecutable(bin);
  if (executable === undefined) {
    throw new Error(
      bin === "redis-server" ? REDIS_MISSING_MESSAGE : `redis server executable not found: ${bin}`,
    );
  }
  const port = options.port ?? (await findFreePort());
  const dir = await mkdtemp(join(tmpdir(), "relevance-redis-"));
  const redisArgs = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    ...(options.args ?? []),
  ];
  // Held: `sh` waits for a line on stdin, then replaces itself with redis-server (same pid).
  const child = held
    ? spawn("/bin/sh", ["-c", 'read -r _ && exec "$0" "$@"', executable, ...redisArgs], {
        stdio: ["pipe", "pipe", "pipe"],
      })
    : spawn(executable, redisArgs, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  child.stdin?.on("error", () => {});
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      resolve();
    });
    child.once("error", () => {
      exited = true;
      resolve();
    });
  });
  // A test run that dies must not leave servers behind.
  const killOnExit = (): void => {
    if (!exited) child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  const cleanup = async (): Promise<void> => {
    process.off("exit", killOnExit);
    await rm(dir, { recursive: true, force: true });
  };

  const start = async (): Promise<RedisServerHandle> => {
    child.stdin?.end("start\n");
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (exited) {
        await cleanup();
        throw new Error(`redis-server on port ${port} exited before answering PING:\n${output.trim()}`);
      }
      if (await ping(port)) break;
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        await exitedPromise;
        await cleanup();
        throw new Error(
          `redis-server on port ${port} did not answer PING within ${startTimeoutMs} ms:\n${output.trim()}`,
        );
      }
      await sleep(20);
    }
    return handle(child, port, () => exited, exitedPromise, cleanup);
  };
  return { port, start };
}

function handle(
  child: ChildProcess,
  port: number,
  isExited: () => boolean,
  exitedPromise: Promise<void>,
  cleanup: () => Promise<void>,
): RedisServerHandle {
  const pid = child.pid;
  if (pid === undefined) throw new Error("redis-server started without a pid");
  let paused = false;
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid,
    pause() {
      if (isExited()) throw new Error(`redis-server on port ${port} is not running`);
      child.kill("SIGSTOP");
      paused = true;
    },
    resume() {
      if (isExited()) throw new Error(`redis-server on port ${port} is not running`);
      child.kill("SIGCONT");
      paused = false;
    },
    stop() {
      stopping ??= stopChild(child, isExited, exitedPromise, paused).then(cleanup);
      return stopping;
    },
  };
}

/** Asks the OS for a free TCP port on 127.0.0.1 (bind port 0, read it, close). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("could not get a free port"))));
    });
  });
}

async function stopChild(
  child: ChildProcess,
  isExited: () => boolean,
  exitedPromise: Promise<void>,
  paused: boolean,
): Promise<void> {
  if (isExited()) return;
  // A stopped process only acts on SIGTERM once continued.
  if (paused) child.kill("SIGCONT");
  child.kill("SIGTERM");
  const killTimer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exitedPromise;
  clearTimeout(killTimer);
}

function findExecutable(bin: string): string | undefined {
  const candidates = bin.includes("/")
    ? [bin]
    : (process.env.PATH ?? "")
        .split(delimiter)
        .filter((d) => d !== "")
        .map((d) => join(d, bin));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    let reply = "";
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
