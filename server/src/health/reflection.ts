import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Server } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";

/** The repository's `proto/` folder, from `dist/server/src/health/` or `server/src/health/`. */
function protoRoot(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  return here.includes("/dist/")
    ? fileURLToPath(new URL("../../../../proto/", import.meta.url))
    : fileURLToPath(new URL("../../../proto/", import.meta.url));
}

/**
 * Adds gRPC server reflection (v1 and v1alpha, grpc-node's @grpc/reflection)
 * for every relevance.v1 service, so grpcurl and k6 can call the server
 * without the .proto files. Loaded from the same proto/ files the code is
 * generated from.
 */
export function addReflection(server: Server): void {
  const root = protoRoot();
  const files = readdirSync(`${root}relevance/v1`)
    .filter((f) => f.endsWith(".proto"))
    .map((f) => `relevance/v1/${f}`);
  const pkg = loadSync(files, {
    includeDirs: [root],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  new ReflectionService(pkg).addToServer(server);
}
