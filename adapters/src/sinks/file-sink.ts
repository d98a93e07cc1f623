import { fsyncSync, ftruncateSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import type { RenderedMessage } from "../render/rendered.js";
import { scanJsonl } from "../scan-jsonl.js";
import type { Sink } from "./sink.js";
import { toWireMessage } from "./wire-message.js";

/** Options of `openFileSink`. */
export interface FileSinkOptions {
  /**
   * When written lines are flushed to the disk. Each line is one `write(2)`,
   * so it survives the adapter process dying at any instant (SIGKILL, OOM):
   * the kernel holds it. Only power loss or a kernel crash can lose lines
   * the kernel has not yet written back; "interval" bounds that loss to
   * `fsyncIntervalMs` by calling fsync on a timer. Never per line: that
   * would cap the sink at the disk's flush rate.
   * @default "never"
   */
  readonly fsync?: "never" | "interval";
  /**
   * Period of the fsync timer when `fsync` is "interval", in ms.
   * @default 1000
   */
  readonly fsyncIntervalMs?: number;
  /**
   * Clock for `written_at_ms`.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** Defaults of the optional `FileSinkOptions`. */
export const FILE_SINK_DEFAULTS = Object.freeze({
  fsync: "never" as const,
  fsyncIntervalMs: 1000,
  now: Date.now,
});

/** A file sink also reports where it writes and how much it cut on open. */
export interface FileSink extends Sink {
  readonly kind: "file";
  readonly path: string;
  /** Bytes of a torn or garbled tail cut from the file when it was opened (0 for a clean file). */
  readonly truncatedBytes: number;
}

function resolveOptions(options: FileSinkOptions): Readonly<Required<FileSinkOptions>> {
  const resolved = { ...FILE_SINK_DEFAULTS, ...options };
  if (resolved.fsync !== "never" && resolved.fsync !== "interval") {
    throw new RangeError(`options.fsync must be "never" or "interval", got ${String(resolved.fsync)}`);
  }
  const i = resolved.fsyncIntervalMs;
  if (!Number.isSafeInteger(i) || i <= 0) {
    throw new RangeError(`options.fsyncIntervalMs must be a positive integer, got ${i}`);
  }
  return Object.freeze(resolved);
}

/** The experience id of one line of the file, or null when the line is not a record this sink wrote. */
function experienceIdOf(line: string): string | null {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== "object" || value === null) return null;
    const id = (value as { experience_id?: unknown }).experience_id;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

/**
 * Opens (or creates) a JSONL file and returns a sink that appends one line
 * per message: `{experience_id, delivery_id, channel, recipient, body, written_at_ms}`.
 *
 * On open it scans the file (see `scanJsonl`): every experience id in it goes
 * into `delivered`, and a torn last line (a write cut short by SIGKILL, no
 * newline) or a garbage tail is truncated away, so the file stays valid JSONL
 * and the next line starts clean. A file with a bad line in the middle is
 * refused (throws) rather than silently shortened.
 *
 * Each `send` is one synchronous `write(2)` of the whole line on an
 * append-mode fd, so `send` resolving means the kernel holds the line.
 * The sink is idempotent by experience id: a message whose experience is
 * already in the file (a redelivery) resolves without writing. `delivered`
 * grows with each line, so memory grows with the file: one id per line.
 *
 * One writer per file: two sinks on one path would interleave torn lines.
 */
export async function openFileSink(path: string, options: FileSinkOptions = {}): Promise<FileSink> {
  const opts = resolveOptions(options);
  // "a+": create if missing, read for the scan, and every write appends.
  const handle = await open(path, "a+");
  const delivered = new Set<string>();
  let size: number;
  let truncatedBytes: number;
  try {
    const scan = await scanJsonl(handle, path, (line) => {
      const id = experienceIdOf(line);
      if (id === null) return false;
      delivered.add(id);
      return true;
    });
    if (scan.tailBytes > 0) await handle.truncate(scan.validBytes);
    size = scan.validBytes;
    truncatedBytes = scan.tailBytes;
  } catch (e) {
    await handle.close();
    throw e;
  }
  const fd = handle.fd;
  let closed = false;
  let dirty = false;
  const timer =
    opts.fsync === "interval"
      ? setInterval(() => {
          if (!dirty || closed) return;
          dirty = false;
          fsyncSync(fd);
        }, opts.fsyncIntervalMs)
      : null;
  timer?.unref();

  return {
    kind: "file",
    path,
    truncatedBytes,
    delivered,
    async send(message: RenderedMessage): Promise<void> {
      if (closed) throw new Error(`file sink ${path}: send after close`);
      if (delivered.has(message.experienceId)) return;
      const line = Buffer.from(
        `${JSON.stringify({ ...toWireMessage(message), written_at_ms: opts.now() })}\n`,
      );
      const written = writeSync(fd, line);
      if (written !== line.length) {
        // A short write (disk full, file size limit) left a partial line; cut
        // it now, or the next append would glue onto it mid-file.
        ftruncateSync(fd, size);
        throw new Error(
          `file sink ${path}: short write (${written} of ${line.length} bytes); line not written`,
        );
      }
      size += written;
      dirty = true;
      delivered.add(message.experienceId);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (timer !== null) clearInterval(timer);
      if (opts.fsync === "interval" && dirty) fsyncSync(fd);
      // The FileHandle owns the fd; closing it through the handle keeps Node
      // from closing it a second time when the handle is collected.
      await handle.close();
    },
  };
}
