import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A parsed `--sink` spec: which sink, and where it writes. */
export type SinkSpec =
  | { readonly kind: "webhook"; readonly url: string }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "stdout" };

const ACCEPTED =
  "expected webhook:http(s)://host[:port]/path, file:/path/to.jsonl (relative allowed) or stdout";

function bad(spec: string, problem: string): Error {
  return new Error(`sink spec ${JSON.stringify(spec)}: ${problem}; ${ACCEPTED}`);
}

/**
 * Parses the adapter's sink spec (CLI `--sink`):
 * - `webhook:http://host:port/path` or `webhook:https://…`
 * - `file:/path/to.jsonl`, `file:relative.jsonl` (resolved against `cwd`) or
 *   `file:///path/to.jsonl` (a file URL)
 * - `stdout`
 *
 * Throws an Error naming the spec and what is accepted. Only parses; the sink
 * is opened by `openSink`, so a bad spec fails before anything is created.
 */
export function parseSink(spec: string, cwd: string = process.cwd()): SinkSpec {
  if (spec === "stdout") return { kind: "stdout" };
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? "" : spec.slice(colon + 1);
  switch (kind) {
    case "webhook": {
      let url: URL;
      try {
        url = new URL(rest);
      } catch {
        throw bad(spec, "not an absolute URL after webhook:");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw bad(spec, `webhook URL must be http: or https:, got ${url.protocol}`);
      }
      return { kind: "webhook", url: url.href };
    }
    case "file": {
      if (rest === "") throw bad(spec, "no path after file:");
      if (rest.startsWith("//")) {
        // file:///abs/path, the URL form; file://host/… is refused by fileURLToPath.
        try {
          return { kind: "file", path: fileURLToPath(`file:${rest}`) };
        } catch (e) {
          throw bad(spec, `not a local file URL (${e instanceof Error ? e.message : String(e)})`);
        }
      }
      return { kind: "file", path: isAbsolute(rest) ? rest : resolve(cwd, rest) };
    }
    default:
      throw bad(spec, `unknown sink ${JSON.stringify(kind)}`);
  }
}
