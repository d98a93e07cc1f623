import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { equals } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PolicySchema, PolicyService } from "../../server/src/gen/relevance/v1/policy_pb.js";
import { createServiceClient, type ServiceClient } from "../../server/src/grpc/service-client.js";
import { fixturePath, fixturePolicy } from "../policy/support/fixtures.js";
import {
  errorId,
  grpcError,
  type StoreTarget,
  startTestServer,
  storeTarget,
  type TestServer,
} from "./support/harness.js";

// The policy service touches no store: the in-process one is enough.
describe("PolicyService", () => {
  let target: StoreTarget;
  let t: TestServer;
  let client: ServiceClient<typeof PolicyService>;

  beforeEach(async () => {
    target = await storeTarget("memory");
    t = await startTestServer(target);
    client = createServiceClient(PolicyService, t.server.address);
  });
  afterEach(async () => {
    client.close();
    await t.close();
    await target.cleanup();
    expect(t.errors).toEqual([]);
  });

  it("should serve the bare policy until given one", async () => {
    const res = await client.getPolicy({});
    expect(res.policy?.version).toBe("none");
    expect(res.policy?.useCases).toEqual([]);
  });

  it("should put a valid policy in force and return it from GetPolicy", async () => {
    const policy = fixturePolicy();
    const set = await client.setPolicy({ policy });
    expect(set.version).toBe("test-2026-11-24.1");
    const got = await client.getPolicy({});
    expect(equals(PolicySchema, got.policy!, policy)).toBe(true);
    expect(t.server.policy.current().policy.useCases.has("cart_abandonment")).toBe(true);
  });

  it("should refuse an invalid policy with INVALID_ARGUMENT naming the path, and keep the one in force", async () => {
    await client.setPolicy({ policy: fixturePolicy() });
    const bad = fixturePolicy();
    bad.version = "v2";
    bad.useCases[1]!.offerRules[0]!.offerId = "x";
    const e = await grpcError(client.setPolicy({ policy: bad }));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.details).toBe('use_cases[1].offer_rules[0].offer_id: no offer "x"');
    expect(errorId(e)).toBe("RL1011");
    expect((await client.getPolicy({})).policy?.version).toBe("test-2026-11-24.1");
  });

  it("should list the first 20 problems of SetPolicy and say how many more there were", async () => {
    const bad = fixturePolicy();
    for (let i = 0; i < 22; i++)
      bad.useCases[1]!.offerRules.push({ ...bad.useCases[1]!.offerRules[0]!, id: `r${i}`, offerId: `o${i}` });
    const e = await grpcError(client.setPolicy({ policy: bad }));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    const parts = e.details.split("; ");
    expect(parts).toHaveLength(21);
    expect(parts[0]).toBe('use_cases[1].offer_rules[2].offer_id: no offer "o0"');
    expect(parts[20]).toBe("and 2 more problems");
  });

  it("should refuse SetPolicy without a policy", async () => {
    const e = await grpcError(client.setPolicy({}));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.details).toBe("policy: required");
  });

  it("should list every problem from ValidatePolicy without taking the policy", async () => {
    const bad = fixturePolicy();
    bad.version = "";
    bad.offers[0]!.value = 0.95;
    const res = await client.validatePolicy({ policy: bad });
    expect(res.problems).toEqual([
      "version: required",
      "offers[0].value: must be at most 0.9 for OFFER_KIND_PERCENT_OFF",
    ]);
    expect((await client.validatePolicy({ policy: fixturePolicy() })).problems).toEqual([]);
    expect((await client.getPolicy({})).policy?.version).toBe("none");
  });
});

describe("createServer() with a policy", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "relevance-policy-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("should start under options.policyFile", async () => {
    const t = await startTestServer({ options: {} }, { policyFile: fixturePath("policy.json") });
    try {
      expect(t.server.policy.current().policy.version).toBe("test-2026-11-24.1");
    } finally {
      await t.close();
    }
  });

  it("should start under options.policy", async () => {
    const t = await startTestServer({ options: {} }, { policy: fixturePolicy() });
    try {
      expect(t.server.policy.current().policy.version).toBe("test-2026-11-24.1");
    } finally {
      await t.close();
    }
  });

  it("should fail to start on an invalid policy file, naming it and its problems", async () => {
    const path = join(dir, "bad.json");
    await writeFile(
      path,
      JSON.stringify({ version: "v1", offers: [{ id: "x", kind: "OFFER_KIND_PERCENT_OFF", value: 2 }] }),
    );
    await expect(startTestServer({ options: {} }, { policyFile: path })).rejects.toThrow(
      `policy ${path} is invalid: offers[0].value: must be at most 0.9 for OFFER_KIND_PERCENT_OFF`,
    );
  });

  it("should refuse both options.policy and options.policyFile", async () => {
    await expect(
      startTestServer({ options: {} }, { policy: fixturePolicy(), policyFile: fixturePath("policy.json") }),
    ).rejects.toThrow("options.policy and options.policyFile are exclusive: give one");
  });
});
