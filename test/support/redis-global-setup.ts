import type { TestProject } from "vitest/node";
import { startRedisServer } from "./redis-process.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the Redis the global setup started for this test run. */
    redisUrl: string;
  }
}

/**
 * vitest global setup: starts one private redis-server on a free port for the
 * whole run, provides its URL as `inject("redisUrl")`, and stops it after.
 * Throws (the run fails, nothing is skipped) when redis-server is missing.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer();
  project.provide("redisUrl", server.url);
  return async () => {
    await server.stop();
  };
}
