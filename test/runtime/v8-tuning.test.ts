import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { missingStartFlags, V8_START_FLAGS } from "../../server/src/runtime/v8-tuning.js";

const packageJson = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
  scripts: Record<string, string>;
};

describe("V8 start flags", () => {
  it("should name every start flag as missing from a bare command line", () => {
    expect(missingStartFlags([], "")).toEqual([...V8_START_FLAGS]);
  });

  it("should find a start flag on the command line or in NODE_OPTIONS, with any value", () => {
    expect(missingStartFlags(["--max-semi-space-size=8"], "")).toEqual([]);
    expect(missingStartFlags(["--inspect"], "--max-semi-space-size=4 --trace-gc")).toEqual([]);
    expect(missingStartFlags([], "--max_semi_space_size=16")).toEqual([]);
    expect(missingStartFlags(["--max-old-space-size=8"], "")).toEqual([...V8_START_FLAGS]);
  });

  it.each(["start", "demo"])("should start the server with them in npm run %s", (script) => {
    const command = packageJson.scripts[script]!;
    expect(command).toContain("dist/server/src/main.js");
    for (const flag of V8_START_FLAGS) expect(command).toContain(`node ${flag} `);
  });
});
