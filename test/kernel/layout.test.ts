import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as layout from "../../core-wasm/src/layout.js";

// Compiled to dist/test/kernel: the repository root is three levels up.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const assemblyLayout = readFileSync(resolve(root, "core-wasm", "assembly", "layout.ts"), "utf8");

/** Every `export const NAME: type = value;` of the AssemblyScript layout, namespaced as `Ns.NAME`. */
function parseAssemblyConstants(source: string): Map<string, number> {
  const constants = new Map<string, number>();
  let namespace = "";
  for (const line of source.split("\n")) {
    const open = /^export namespace (\w+) \{/.exec(line);
    if (open) {
      namespace = `${open[1]}.`;
      continue;
    }
    if (/^\}/.test(line)) {
      namespace = "";
      continue;
    }
    const constant = /^\s*export const (\w+): \w+ = (-?\d+);/.exec(line);
    if (constant) constants.set(namespace + constant[1], Number(constant[2]));
  }
  return constants;
}

/** The numeric constants of `src/layout.ts`, flattened the same way. */
function typescriptConstants(): Map<string, number> {
  const constants = new Map<string, number>();
  for (const [name, value] of Object.entries(layout)) {
    if (typeof value === "number") constants.set(name, value);
    else if (!Array.isArray(value) && typeof value === "object" && value !== null) {
      for (const [field, n] of Object.entries(value)) constants.set(`${name}.${field}`, n as number);
    }
  }
  return constants;
}

const assembly = parseAssemblyConstants(assemblyLayout);
const typescript = typescriptConstants();

describe("core-wasm/assembly/layout.ts", () => {
  it("should declare exactly the constants of src/layout.ts", () => {
    expect([...assembly.keys()].sort()).toEqual([...typescript.keys()].sort());
  });

  it.each([...typescript.entries()])("should give %s the value %d", (name, value) => {
    expect(assembly.get(name)).toBe(value);
  });
});

describe("src/layout.ts", () => {
  it.each([
    ["CatalogDesc", layout.CatalogDesc],
    ["RequestDesc", layout.RequestDesc],
  ] as const)("should lay out %s as distinct 4-byte fields inside SIZE", (_name, desc) => {
    const { SIZE, ...fields } = desc;
    const offsets = Object.values(fields).sort((a, b) => a - b);
    expect(offsets.every((offset) => offset % 4 === 0 && offset + 4 <= SIZE)).toBe(true);
    expect(new Set(offsets).size).toBe(offsets.length);
  });

  it("should keep every reason code within the 3 bits the kernel packs it into", () => {
    expect(Object.values(layout.Reason).every((code) => code >= 0 && code <= 7)).toBe(true);
  });

  it("should list every exclusion reason once in REASON_PRECEDENCE", () => {
    const excluded = Object.values(layout.Reason).filter((code) => code !== layout.Reason.KEPT);
    expect([...layout.REASON_PRECEDENCE].sort()).toEqual(excluded.sort());
  });
});
