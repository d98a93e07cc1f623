import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import {
  type DescEnum,
  type DescField,
  type DescMessage,
  fromJson,
  type JsonValue,
  ScalarType,
} from "@bufbuild/protobuf";
import { LineCounter, parseDocument } from "yaml";
import { type Policy as PolicyProto, PolicySchema } from "../gen/relevance/v1/policy_pb.js";
import { PolicyError } from "./policy-error.js";

/** The text formats a policy is written in; both hold the proto3 JSON form of `relevance.v1.Policy`. */
export type PolicyFormat = "json" | "yaml";

/**
 * Parses a policy written in the proto3 JSON form of `relevance.v1.Policy`, as
 * JSON or YAML: field names in snake_case or lowerCamelCase, enums by name
 * ("CHANNEL_EMAIL") or number, timestamps as RFC 3339 strings.
 *
 * Checks structure only (unknown fields, wrong types, unknown enum names) and
 * throws a PolicyError naming each problem by its path in snake_case
 * (`use_cases[2].offer_rules[0].offer_idd: unknown field`), where protobuf-es
 * alone would stop at the first with a message naming neither. Whether the
 * values make sense is `validatePolicy`'s job.
 */
export function parsePolicyText(text: string, format: PolicyFormat, source = ""): PolicyProto {
  const json = format === "json" ? parseJsonText(text, source) : parseYamlText(text, source);
  const problems: string[] = [];
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    problems.push(`policy: must be an object, got ${show(json)}`);
  } else {
    checkMessage(PolicySchema, json as Record<string, unknown>, "", problems);
  }
  if (problems.length > 0) throw new PolicyError(problems, source);
  try {
    return fromJson(PolicySchema, json as JsonValue);
  } catch (e) {
    // The walk above mirrors what fromJson accepts; this is the net for a case it misses.
    throw new PolicyError([`policy: ${e instanceof Error ? e.message : String(e)}`], source, { cause: e });
  }
}

/** The format of a policy file by its extension: .json, or .yaml / .yml. */
export function policyFormatOf(path: string): PolicyFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".json") return "json";
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  throw new PolicyError([`policy: unknown file extension "${ext}", expected .json, .yaml or .yml`], path);
}

/**
 * Reads and parses a policy file (format by extension, see `policyFormatOf`).
 * Structure only, like `parsePolicyText`; an unreadable file rejects with an
 * Error naming it, a malformed one with a PolicyError.
 */
export async function loadPolicyFile(path: string): Promise<PolicyProto> {
  const format = policyFormatOf(path);
  return parsePolicyText(await readPolicyText(path), format, path);
}

/** Reads a policy file as UTF-8; rejects with an Error naming the file when it cannot. */
export async function readPolicyText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new Error(`cannot read policy file ${path}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}

function parseJsonText(text: string, source: string): unknown {
  if (text.trim() === "") throw new PolicyError(["policy: empty"], source);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PolicyError([`policy: not valid JSON: ${e instanceof Error ? e.message : String(e)}`], source);
  }
}

function parseYamlText(text: string, source: string): unknown {
  if (text.trim() === "") throw new PolicyError(["policy: empty"], source);
  const lineCounter = new LineCounter();
  // uniqueKeys: a key given twice is a mistake, not "the last one wins".
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return `line ${line}, column ${col}: ${lowerFirst(e.message)}`;
    });
    throw new PolicyError(problems, source);
  }
  return doc.toJS();
}

// ---------------------------------------------------------------------------
// The structural walk: the JSON value against the message descriptor.

const TIMESTAMP = "google.protobuf.Timestamp";
const RFC_3339 =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:Z|([+-][0-9][0-9]:[0-9][0-9]))$/;
const MIN_TIMESTAMP_MS = Date.parse("0001-01-01T00:00:00Z");
const MAX_TIMESTAMP_MS = Date.parse("9999-12-31T23:59:59Z");

const join = (path: string, name: string) => (path === "" ? name : `${path}.${name}`);

function checkMessage(desc: DescMessage, json: Record<string, unknown>, path: string, out: string[]): void {
  const seen = new Map<DescField, string>();
  for (const [key, value] of Object.entries(json)) {
    const field = desc.fields.find((f) => f.name === key || f.jsonName === key);
    if (field === undefined) {
      out.push(`${join(path, key)}: unknown field`);
      continue;
    }
    const fieldPath = join(path, field.name);
    const earlier = seen.get(field);
    if (earlier !== undefined) {
      out.push(`${fieldPath}: set twice, as "${earlier}" and "${key}"`);
      continue;
    }
    seen.set(field, key);
    // proto3 JSON: null is the field's default.
    if (value === null) continue;
    checkField(field, value, fieldPath, out);
  }
}

function checkField(field: DescField, value: unknown, path: string, out: string[]): void {
  switch (field.fieldKind) {
    case "scalar":
      checkScalar(field.scalar, value, path, out);
      return;
    case "enum":
      checkEnum(field.enum, value, path, out);
      return;
    case "message":
      checkNested(field.message, value, path, out);
      return;
    case "list": {
      if (!Array.isArray(value)) {
        out.push(`${path}: must be a list, got ${show(value)}`);
        return;
      }
      value.forEach((item: unknown, i) => {
        const itemPath = `${path}[${i}]`;
        if (item === null) out.push(`${itemPath}: must not be null`);
        else if (field.listKind === "scalar") checkScalar(field.scalar, item, itemPath, out);
        else if (field.listKind === "enum") checkEnum(field.enum, item, itemPath, out);
        else checkNested(field.message, item, itemPath, out);
      });
      return;
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) {
        out.push(`${path}: must be an object, got ${show(value)}`);
        return;
      }
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const itemPath = `${path}["${key}"]`;
        if (item === null) out.push(`${itemPath}: must not be null`);
        else if (field.mapKind === "scalar") checkScalar(field.scalar, item, itemPath, out);
        else if (field.mapKind === "enum") checkEnum(field.enum, item, itemPath, out);
        else checkNested(field.message, item, itemPath, out);
      }
      return;
    }
  }
}

function checkNested(desc: DescMessage, value: unknown, path: string, out: string[]): void {
  if (desc.typeName === TIMESTAMP) {
    checkTimestamp(value, path, out);
    return;
  }
  // Other well-known types have JSON forms of their own; fromJson checks them.
  if (desc.typeName.startsWith("google.protobuf.")) return;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    out.push(`${path}: must be an object, got ${show(value)}`);
    return;
  }
  checkMessage(desc, value as Record<string, unknown>, path, out);
}

function checkTimestamp(value: unknown, path: string, out: string[]): void {
  const m = typeof value === "string" ? RFC_3339.exec(value) : null;
  const ms =
    m === null ? Number.NaN : Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[8] ?? "Z"}`);
  if (Number.isNaN(ms)) {
    out.push(`${path}: must be an RFC 3339 timestamp such as "2026-11-24T09:00:00Z", got ${show(value)}`);
  } else if (ms < MIN_TIMESTAMP_MS || ms > MAX_TIMESTAMP_MS) {
    out.push(`${path}: must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, got ${show(value)}`);
  }
}

function checkEnum(desc: DescEnum, value: unknown, path: string, out: string[]): void {
  if (typeof value === "string" && desc.values.some((v) => v.name === value)) return;
  if (typeof value === "number" && desc.values.some((v) => v.number === value)) return;
  const names = desc.values.filter((v) => v.number !== 0).map((v) => v.name);
  out.push(`${path}: must be one of ${names.join(", ")} (or its number), got ${show(value)}`);
}

const INT32_RANGE: Partial<Record<ScalarType, readonly [number, number]>> = {
  [ScalarType.INT32]: [-0x8000_0000, 0x7fff_ffff],
  [ScalarType.SINT32]: [-0x8000_0000, 0x7fff_ffff],
  [ScalarType.SFIXED32]: [-0x8000_0000, 0x7fff_ffff],
  [ScalarType.UINT32]: [0, 0xffff_ffff],
  [ScalarType.FIXED32]: [0, 0xffff_ffff],
};

/** A number, or a string proto3 JSON accepts for one (no blanks around it). */
function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value !== "" && value.trim() === value) {
    const n = Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function checkScalar(type: ScalarType, value: unknown, path: string, out: string[]): void {
  switch (type) {
    case ScalarType.STRING:
      if (typeof value !== "string") out.push(`${path}: must be a string, got ${show(value)}`);
      return;
    case ScalarType.BOOL:
      if (typeof value !== "boolean") out.push(`${path}: must be true or false, got ${show(value)}`);
      return;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT: {
      if (value === "NaN" || value === "Infinity" || value === "-Infinity") return;
      const n = numberOf(value);
      if (n === undefined || !Number.isFinite(n)) out.push(`${path}: must be a number, got ${show(value)}`);
      return;
    }
    case ScalarType.BYTES:
      if (typeof value !== "string") out.push(`${path}: must be a base64 string, got ${show(value)}`);
      return;
    default: {
      const range = INT32_RANGE[type];
      const n = numberOf(value);
      if (range !== undefined) {
        if (n === undefined || !Number.isInteger(n) || n < range[0] || n > range[1]) {
          out.push(`${path}: must be an integer in [${range[0]}, ${range[1]}], got ${show(value)}`);
        }
      } else if (n === undefined || !Number.isInteger(n)) {
        // 64-bit integers: fromJson checks the range.
        out.push(`${path}: must be an integer, got ${show(value)}`);
      }
    }
  }
}

/** A JSON value as a problem quotes it: strings quoted and cut short, containers by kind. */
function show(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case "object":
      return "an object";
    default:
      return String(value);
  }
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
