import { describe, expect, it } from "vitest";
import { parseRequestLog } from "../bench/support/h2load.js";

const log = (text: string) => Buffer.from(text, "latin1");

describe("parseRequestLog (h2load --log-file)", () => {
  it("reads the duration in ms of every HTTP 200 row", () => {
    const rows = "1732400000000001\t200\t1500\n1732400000000002\t200\t250\n1732400000000003\t200\t1000000\n";
    expect(Array.from(parseRequestLog(log(rows)))).toEqual([1.5, 0.25, 1000]);
  });

  it("skips other statuses, malformed rows and blank lines; the last row needs no newline", () => {
    const rows = [
      "1\t200\t100",
      "2\t503\t200",
      "3\t200",
      "",
      "4\t20x\t300",
      "5\t200\t-7",
      "6\t200\t",
      "7\t200\t400\t9",
      "8\t200\t500",
    ].join("\n");
    expect(Array.from(parseRequestLog(log(rows)))).toEqual([0.1, 0.5]);
  });

  it("gives an empty array for an empty log", () => {
    expect(parseRequestLog(log("")).length).toBe(0);
    expect(parseRequestLog(log("\n")).length).toBe(0);
  });

  it("agrees with splitting the text on a large log", () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++)
      lines.push(`${1_700_000_000_000_000 + i}\t${i % 97 === 0 ? 500 : 200}\t${(i * 7919) % 100_000}`);
    const text = `${lines.join("\n")}\n`;
    const expected = lines
      .map((l) => l.split("\t"))
      .filter((c) => c[1] === "200")
      .map((c) => Number(c[2]) / 1000);
    expect(Array.from(parseRequestLog(log(text)))).toEqual(expected);
  });
});
