import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { equals } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Channel } from "../../server/src/gen/relevance/v1/common_pb.js";
import { Fact, OfferKind, PolicySchema } from "../../server/src/gen/relevance/v1/policy_pb.js";
import {
  loadPolicyFile,
  type PolicyFormat,
  parsePolicyText,
  policyFormatOf,
} from "../../server/src/policy/parse-policy.js";
import { PolicyError } from "../../server/src/policy/policy-error.js";
import { fixturePath } from "./support/fixtures.js";

/** The problems parsing `text` throws; fails when it parses. */
function problemsOf(text: string, format: PolicyFormat = "json"): readonly string[] {
  try {
    parsePolicyText(text, format);
  } catch (e) {
    if (e instanceof PolicyError) return e.problems;
    throw e;
  }
  throw new Error("expected the policy not to parse, it did");
}

const KINDS =
  "OFFER_KIND_PERCENT_OFF, OFFER_KIND_AMOUNT_OFF, OFFER_KIND_FREE_SHIPPING, OFFER_KIND_REMINDER, OFFER_KIND_URGENCY, OFFER_KIND_PERK, OFFER_KIND_SERVICE";

describe("parsePolicyText()", () => {
  it.each<[string, string, PolicyFormat, readonly string[]]>([
    [
      "an unknown field deep down, by its path",
      `{"use_cases":[{},{},{"id":"a","offer_rules":[{"offer_idd":"x"}]}]}`,
      "json",
      ["use_cases[2].offer_rules[0].offer_idd: unknown field"],
    ],
    [
      "a lowerCamel path in snake_case",
      `{"useCases":[{"offerRules":[{"offerId":7}]}]}`,
      "json",
      ["use_cases[0].offer_rules[0].offer_id: must be a string, got 7"],
    ],
    ["a number for a string", `{"version":3}`, "json", ["version: must be a string, got 3"]],
    ["an object for a list", `{"offers":{}}`, "json", ["offers: must be a list, got an object"]],
    ["a list for a message", `{"weights":[]}`, "json", ["weights: must be an object, got a list"]],
    [
      "a string for a number",
      `{"holdout_share":"half"}`,
      "json",
      ['holdout_share: must be a number, got "half"'],
    ],
    [
      "a string for a bool",
      `{"use_cases":[{"transactional":"yes"}]}`,
      "json",
      ['use_cases[0].transactional: must be true or false, got "yes"'],
    ],
    [
      "a negative uint32",
      `{"caps":[{"limit":-1}]}`,
      "json",
      ["caps[0].limit: must be an integer in [0, 4294967295], got -1"],
    ],
    [
      "a fraction for a uint32",
      `{"caps":[{"window_seconds":1.5}]}`,
      "json",
      ["caps[0].window_seconds: must be an integer in [0, 4294967295], got 1.5"],
    ],
    [
      "a bad enum name",
      `{"offers":[{"kind":"PERCENT"}]}`,
      "json",
      [`offers[0].kind: must be one of ${KINDS} (or its number), got "PERCENT"`],
    ],
    [
      "an unknown enum number",
      `{"offers":[{"kind":42}]}`,
      "json",
      [`offers[0].kind: must be one of ${KINDS} (or its number), got 42`],
    ],
    [
      "a bad enum in a list",
      `{"caps":[{"channels":["CHANNEL_WEB","WEB"]}]}`,
      "json",
      [
        'caps[0].channels[1]: must be one of CHANNEL_WEB, CHANNEL_APP, CHANNEL_EMAIL, CHANNEL_SMS, CHANNEL_PUSH, CHANNEL_IN_STORE, CHANNEL_PAID_MEDIA (or its number), got "WEB"',
      ],
    ],
    [
      "a timestamp that is not RFC 3339",
      `{"offers":[{"valid_from":"2026-11-24"}]}`,
      "json",
      [
        'offers[0].valid_from: must be an RFC 3339 timestamp such as "2026-11-24T09:00:00Z", got "2026-11-24"',
      ],
    ],
    ["a null list item", `{"offers":[null]}`, "json", ["offers[0]: must not be null"]],
    [
      "a field set by both names",
      `{"use_cases":[],"useCases":[]}`,
      "json",
      ['use_cases: set twice, as "use_cases" and "useCases"'],
    ],
    ["a list at the top", `[]`, "json", ["policy: must be an object, got a list"]],
    ["an empty file", "  \n", "yaml", ["policy: empty"]],
    [
      "every problem, not the first",
      `{"version":1,"name":2,"nope":3}`,
      "json",
      ["version: must be a string, got 1", "name: must be a string, got 2", "nope: unknown field"],
    ],
    [
      "a YAML key given twice, by line",
      "version: a\nversion: b\n",
      "yaml",
      ["line 2, column 1: map keys must be unique"],
    ],
    ["a YAML infinity", "weights:\n  base: .inf\n", "yaml", ["weights.base: must be a number, got Infinity"]],
    ["a YAML number where a string belongs", "version: 1.0\n", "yaml", ["version: must be a string, got 1"]],
    [
      "an unknown field in YAML",
      "use_cases:\n  - id: a\n    boosts:\n      - categorys: [shoes]\n",
      "yaml",
      ["use_cases[0].boosts[0].categorys: unknown field"],
    ],
  ])("should name %s", (_, text, format, expected) => {
    expect(problemsOf(text, format)).toEqual(expected);
  });

  it("should name a JSON syntax error", () => {
    const problems = problemsOf(`{"version": }`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^policy: not valid JSON: /);
  });

  it("should take snake_case and lowerCamel names, enum names and numbers, numeric strings", () => {
    const p = parsePolicyText(
      `{"version":"v1","use_cases":[{"id":"a","fallbackChannels":["CHANNEL_EMAIL",5]}],
        "offers":[{"id":"o","kind":1,"value":"0.25","validUntil":"2026-12-31T23:59:59.5+01:00",
        "eligibility":[{"fact":"FACT_ITEM_PRICE","max":"1e3"}]}]}`,
      "json",
    );
    expect(p.useCases[0]!.fallbackChannels).toEqual([Channel.EMAIL, Channel.PUSH]);
    expect(p.offers[0]!.kind).toBe(OfferKind.PERCENT_OFF);
    expect(p.offers[0]!.value).toBe(0.25);
    expect(p.offers[0]!.validUntil?.seconds).toBe(BigInt(Date.parse("2026-12-31T22:59:59Z") / 1000));
    expect(p.offers[0]!.validUntil?.nanos).toBe(500_000_000);
    expect(p.offers[0]!.eligibility[0]).toMatchObject({ fact: Fact.ITEM_PRICE, max: 1000 });
  });

  it("should treat null as the default, as proto3 JSON does", () => {
    const p = parsePolicyText("version: v1\nname:\noffers:\nweights:\n", "yaml");
    expect(p.name).toBe("");
    expect(p.offers).toEqual([]);
    expect(p.weights).toBeUndefined();
  });

  it("should check structure only, leaving values to validatePolicy", () => {
    expect(parsePolicyText(`{"holdout_share": 7}`, "json").holdoutShare).toBe(7);
  });
});

describe("policyFormatOf()", () => {
  it.each([
    ["p.json", "json"],
    ["dir/p.YAML", "yaml"],
    ["p.yml", "yaml"],
  ])("should read %s as %s", (path, format) => {
    expect(policyFormatOf(path)).toBe(format);
  });

  it("should refuse another extension, naming the ones it takes", () => {
    expect(() => policyFormatOf("p.toml")).toThrow(
      'policy p.toml is invalid: policy: unknown file extension ".toml", expected .json, .yaml or .yml',
    );
  });
});

describe("loadPolicyFile()", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "relevance-policy-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("should parse the YAML and the JSON fixture to the same policy", async () => {
    const yaml = await loadPolicyFile(fixturePath("policy.yaml"));
    const json = await loadPolicyFile(fixturePath("policy.json"));
    expect(yaml.version).toBe("test-2026-11-24.1");
    expect(yaml.useCases.map((u) => u.id)).toEqual(["homepage_hero", "cart_abandonment"]);
    expect(equals(PolicySchema, yaml, json)).toBe(true);
  });

  it("should name the file in the error of a malformed one", async () => {
    const path = join(dir, "bad.yaml");
    await writeFile(path, "version: v1\noffers:\n  - idd: x\n");
    await expect(loadPolicyFile(path)).rejects.toThrow(
      `policy ${path} is invalid: offers[0].idd: unknown field`,
    );
  });

  it("should name a file it cannot read", async () => {
    const path = join(dir, "missing.json");
    await expect(loadPolicyFile(path)).rejects.toThrow(`cannot read policy file ${path}: ENOENT`);
  });
});
