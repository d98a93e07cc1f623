/**
 * Golden files: the committed expected output of a renderer. Tests run from
 * dist/test/adapters/render/, so the goldens are found from the repository
 * root, four levels up, never in dist/. `UPDATE_GOLDEN=1` rewrites them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** test/adapters/render/golden/ in the source tree. */
export const GOLDEN_DIR: string = fileURLToPath(
  new URL("../../../../test/adapters/render/golden/", import.meta.url),
);

/** Compares `value`, as indented JSON, with `golden/<name>.json`; writes it instead under UPDATE_GOLDEN=1. */
export function expectGolden(name: string, value: unknown): void {
  const path = `${GOLDEN_DIR}${name}.json`;
  const actual = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`golden ${path} is missing: run the tests with UPDATE_GOLDEN=1 and commit it`);
  }
  expect(actual, `output differs from ${path} (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(path, "utf8"),
  );
}
