import { describe, expect, it } from "vitest";
import { parseSink } from "../../../adapters/src/sinks/parse-sink.js";

const ACCEPTED =
  "expected webhook:http(s)://host[:port]/path, file:/path/to.jsonl (relative allowed) or stdout";

describe("parseSink()", () => {
  it.each([
    ["stdout", { kind: "stdout" }],
    ["webhook:http://localhost:8080/hooks/x", { kind: "webhook", url: "http://localhost:8080/hooks/x" }],
    ["webhook:https://example.com/a?b=c", { kind: "webhook", url: "https://example.com/a?b=c" }],
    ["file:/var/lib/relevance/email.jsonl", { kind: "file", path: "/var/lib/relevance/email.jsonl" }],
    ["file:out/email.jsonl", { kind: "file", path: "/srv/adapter/out/email.jsonl" }],
    ["file:./email.jsonl", { kind: "file", path: "/srv/adapter/email.jsonl" }],
    ["file:///tmp/with%20space.jsonl", { kind: "file", path: "/tmp/with space.jsonl" }],
  ])("should parse %s", (spec, expected) => {
    expect(parseSink(spec, "/srv/adapter")).toEqual(expected);
  });

  it.each([
    ["", 'unknown sink ""'],
    ["kafka:topic", 'unknown sink "kafka"'],
    ["STDOUT", 'unknown sink "STDOUT"'],
    ["stdout:", 'unknown sink "stdout"'],
    ["webhook:", "not an absolute URL after webhook:"],
    ["webhook:localhost:8080/x", "webhook URL must be http: or https:, got localhost:"],
    ["webhook:ftp://host/x", "webhook URL must be http: or https:, got ftp:"],
    ["file:", "no path after file:"],
  ])("should refuse %j", (spec, problem) => {
    expect(() => parseSink(spec)).toThrow(
      new Error(`sink spec ${JSON.stringify(spec)}: ${problem}; ${ACCEPTED}`),
    );
  });

  it("should refuse a file URL with a remote host", () => {
    expect(() => parseSink("file://server/share/x.jsonl")).toThrow(
      /^sink spec "file:\/\/server\/share\/x.jsonl": not a local file URL/,
    );
  });
});
