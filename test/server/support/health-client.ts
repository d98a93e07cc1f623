import type { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import { credentials, loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

/** A grpc.health.v1.Health client, loaded from grpc-health-check's own proto. */
export interface HealthClient {
  check(service: string): Promise<string>;
  watch(service: string): EventEmitter & { cancel(): void };
  close(): void;
}

type RawHealth = {
  check(r: { service: string }, cb: (e: Error | null, r: { status: string }) => void): void;
  watch(r: { service: string }): EventEmitter & { cancel(): void };
  close(): void;
};

export function healthClient(address: string): HealthClient {
  const require = createRequire(import.meta.url);
  const protoPath = (require("grpc-health-check") as { protoPath: string }).protoPath;
  const pkg = loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: unknown) => RawHealth } } };
  };
  const raw = new pkg.grpc.health.v1.Health(address, credentials.createInsecure());
  return {
    check: (service) =>
      new Promise((resolve, reject) => raw.check({ service }, (e, r) => (e ? reject(e) : resolve(r.status)))),
    watch: (service) => raw.watch({ service }),
    close: () => raw.close(),
  };
}

/**
 * Watches `service` as a load balancer would: `notServing()` turns true once
 * health says NOT_SERVING, and a caller stops sending. `close` ends the watch.
 */
export function watchForNotServing(
  address: string,
  service: string,
): { notServing(): boolean; close(): void } {
  const health = healthClient(address);
  let notServing = false;
  const watch = health.watch(service);
  watch.on("data", (r: { status: string }) => {
    if (r.status === "NOT_SERVING") notServing = true;
  });
  watch.on("error", () => {});
  return {
    notServing: () => notServing,
    close: () => health.close(),
  };
}
