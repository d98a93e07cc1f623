import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PolicySchema } from "../../server/src/gen/relevance/v1/policy_pb.js";
import type { Logger } from "../../server/src/log.js";
import type { Weights } from "../../server/src/policy/policy.js";
import { PolicyError } from "../../server/src/policy/policy-error.js";
import { BARE_POLICY, createPolicyHolder, type PolicyHolder } from "../../server/src/policy/policy-holder.js";
import { fixturePath, fixturePolicy } from "./support/fixtures.js";

const DEFAULTS: Weights = {
  base: 1,
  affinity: 0.5,
  price: 0.3,
  margin: 0.2,
  popularity: 0.3,
  marginFloor: 0.05,
};

interface Entry {
  readonly level: string;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

function recordingLogger(): Logger & { entries: Entry[] } {
  const entries: Entry[] = [];
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      entries.push({ level, msg, fields });
    };
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

describe("createPolicyHolder()", () => {
  let log: ReturnType<typeof recordingLogger>;
  let holder: PolicyHolder;

  beforeEach(() => {
    log = recordingLogger();
    holder = createPolicyHolder({ defaults: DEFAULTS, log, debounceMs: 20 });
  });
  afterEach(() => holder.close());

  it("should start under the bare policy", () => {
    const { policy, proto } = holder.current();
    expect(policy.version).toBe("none");
    expect(policy.useCases.size).toBe(0);
    expect(policy.weights).toEqual(DEFAULTS);
    expect(proto).toBe(BARE_POLICY);
  });

  it("should put a valid policy in force as one frozen object", () => {
    const next = holder.set(fixturePolicy());
    expect(holder.current()).toBe(next);
    expect(next.policy.version).toBe("test-2026-11-24.1");
    expect(next.policy.useCases.has("cart_abandonment")).toBe(true);
    expect(Object.isFrozen(next)).toBe(true);
    expect(Object.isFrozen(next.proto.offers[0])).toBe(true);
    expect(log.entries).toEqual([
      { level: "info", msg: "policy in force", fields: { version: "test-2026-11-24.1", previous: "none" } },
    ]);
  });

  it("should keep its own copy of the proto", () => {
    const proto = fixturePolicy();
    const bytes = toBinary(PolicySchema, proto);
    holder.set(proto);
    proto.version = "changed";
    proto.offers.pop();
    expect(toBinary(PolicySchema, holder.current().proto)).toEqual(bytes);
    expect(holder.current().policy.version).toBe("test-2026-11-24.1");
  });

  it("should refuse an invalid policy with every problem and keep the old one", () => {
    const before = holder.set(fixturePolicy());
    const bad = fixturePolicy();
    bad.version = "";
    bad.offers[0]!.value = 2;
    let thrown: unknown;
    try {
      holder.set(bad, "test");
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PolicyError);
    expect((thrown as PolicyError).problems).toEqual([
      "version: required",
      "offers[0].value: must be at most 0.9 for OFFER_KIND_PERCENT_OFF",
    ]);
    expect((thrown as PolicyError).message).toBe(
      "policy test is invalid: version: required; offers[0].value: must be at most 0.9 for OFFER_KIND_PERCENT_OFF",
    );
    expect(holder.current()).toBe(before);
  });

  it("should let a reader that took the policy once keep its version across a swap", () => {
    const first = holder.current();
    holder.set(fixturePolicy());
    expect(first.policy.version).toBe("none");
    expect(first.proto.version).toBe("none");
    expect(holder.current().policy.version).toBe("test-2026-11-24.1");
  });

  describe("files", () => {
    let dir: string;
    let path: string;
    const fixture = readFile(fixturePath("policy.yaml"), "utf8");
    const withVersion = async (version: string) =>
      (await fixture).replace(/^version: .*$/m, `version: ${version}`);
    const errorsLogged = () => log.entries.filter((e) => e.level === "error");

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "relevance-policy-"));
      path = join(dir, "policy.yaml");
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("should load a file and fail on an invalid one, naming it", async () => {
      await writeFile(path, await withVersion("v1"));
      await holder.loadFile(path);
      expect(holder.current().policy.version).toBe("v1");
      await writeFile(path, "version: v2\nholdout_share: 0.9\n");
      await expect(holder.loadFile(path)).rejects.toThrow(
        `policy ${path} is invalid: holdout_share: must be in [0, 0.5], got 0.9; holdout_salt: required when a holdout share is set`,
      );
      expect(holder.current().policy.version).toBe("v1");
    });

    it("should reload a valid edit, ignore an invalid one and pick up the next valid one", async () => {
      await writeFile(path, await withVersion("v1"));
      await holder.loadFile(path);
      holder.watchFile(path);

      await writeFile(path, await withVersion("v2"));
      await vi.waitFor(() => expect(holder.current().policy.version).toBe("v2"), { timeout: 10_000 });

      await writeFile(path, (await withVersion("v3")).replace("value: 0.1", "value: 1.5"));
      await vi.waitFor(() => expect(errorsLogged()).toHaveLength(1), { timeout: 10_000 });
      expect(errorsLogged()[0]).toEqual({
        level: "error",
        msg: "policy file is invalid; keeping the policy in force",
        fields: {
          file: path,
          version: "v2",
          problems: ["offers[0].value: must be at most 0.9 for OFFER_KIND_PERCENT_OFF"],
        },
      });
      expect(holder.current().policy.version).toBe("v2");

      // Saved the way editors do: a new file renamed over the old one.
      await writeFile(join(dir, "policy.yaml.tmp"), await withVersion("v4"));
      await rename(join(dir, "policy.yaml.tmp"), path);
      await vi.waitFor(() => expect(holder.current().policy.version).toBe("v4"), { timeout: 10_000 });
      expect(errorsLogged()).toHaveLength(1);
    });

    it("should stop reloading once closed", async () => {
      await writeFile(path, await withVersion("v1"));
      await holder.loadFile(path);
      holder.watchFile(path);
      holder.close();
      // A witness on the same file, slower to react than the holder would have been.
      const witness = createPolicyHolder({ defaults: DEFAULTS, log: recordingLogger(), debounceMs: 300 });
      try {
        await witness.loadFile(path);
        witness.watchFile(path);
        await writeFile(path, await withVersion("v2"));
        await vi.waitFor(() => expect(witness.current().policy.version).toBe("v2"), { timeout: 10_000 });
      } finally {
        witness.close();
      }
      expect(holder.current().policy.version).toBe("v1");
    });
  });
});
