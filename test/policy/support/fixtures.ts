import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Policy as PolicyProto } from "../../../server/src/gen/relevance/v1/policy_pb.js";
import { parsePolicyText } from "../../../server/src/policy/parse-policy.js";

// Tests run from dist/; the fixtures stay in the source tree.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

/** The path of a file in test/policy/fixtures. */
export function fixturePath(name: string): string {
  return resolve(root, "test", "policy", "fixtures", name);
}

/** A fresh copy of the valid fixture policy (test/policy/fixtures/policy.yaml), for tests to change. */
export function fixturePolicy(): PolicyProto {
  return parsePolicyText(readFileSync(fixturePath("policy.yaml"), "utf8"), "yaml");
}
