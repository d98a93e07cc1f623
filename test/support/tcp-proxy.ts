import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy on 127.0.0.1 in front of a server, for network faults a test
 * controls: when armed with a predicate, the first client→server chunk that
 * matches is held back, with everything that client sends after it, until
 * the client goes away (then it is dropped, as a dying host's unsent bytes
 * are). Used to freeze a consumer right after it committed a batch and before
 * Redis received its XACK.
 */
export interface TcpProxy {
  readonly port: number;
  /** Hold the first matching client chunk (and the rest of that connection's sends). */
  holdWhen(match: (chunk: Buffer) => boolean): void;
  /** Stop holding new chunks (already held ones stay held). */
  disarm(): void;
  /** How many connections have a held chunk now. */
  readonly holding: number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  let match: ((chunk: Buffer) => boolean) | null = null;
  let holding = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    let held = false;
    client.on("data", (chunk: Buffer) => {
      if (!held && match !== null && match(chunk)) {
        held = true;
        holding++;
      }
      if (!held) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    const end = () => {
      if (held) {
        held = false;
        holding--;
      }
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", end);
    upstream.on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    port: address.port,
    holdWhen(m) {
      match = m;
    },
    disarm() {
      match = null;
    },
    get holding() {
      return holding;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
