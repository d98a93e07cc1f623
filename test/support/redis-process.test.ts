import { createConnection } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { prepareRedisServer, type RedisServerHandle, startRedisServer } from "./redis-process.js";

/** True when something accepts a TCP connection on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("prepareRedisServer()", () => {
  const started: RedisServerHandle[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((h) => h.stop()));
  });

  it("should not listen until start(), then answer on the prepared port", async () => {
    const prepared = await prepareRedisServer();
    expect(await listening(prepared.port)).toBe(false);
    const handle = await prepared.start();
    started.push(handle);
    expect(handle.port).toBe(prepared.port);
    expect(await listening(handle.port)).toBe(true);
  });

  it("should take over the port of a killed server, as the kill scenario of bench:faults does", async () => {
    const first = await startRedisServer();
    started.push(first);
    const replacement = await prepareRedisServer({ port: first.port });
    process.kill(first.pid, "SIGKILL");
    const second = await replacement.start();
    started.push(second);
    expect(second.pid).not.toBe(first.pid);
    expect(await listening(second.port)).toBe(true);
  });
});
