import type { FileHandle } from "node:fs/promises";

/** Bytes read per chunk while scanning; lines may span chunks. */
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** What `scanJsonl` found. */
export interface JsonlScan {
  /** Bytes of the valid prefix: every line in it ended with a newline and was accepted. */
  readonly validBytes: number;
  /** Lines in the valid prefix. */
  readonly lines: number;
  /** Bytes after the valid prefix (a torn last write, or garbage after a crash); 0 when the file is clean. */
  readonly tailBytes: number;
}

/**
 * Reads an append-only JSONL file from its start, chunk by chunk (never the
 * whole file as one string), and hands each complete line to `accept`.
 *
 * The files it reads (the file sink's output, the dedupe ledger) have one
 * writer that appends each line with a single `write(2)`, newline last. A
 * process killed mid-write leaves at most a partial last line without its
 * newline; power loss can leave a tail of garbage. So the file is read as a
 * valid prefix plus a tail: the tail starts at the first line that has no
 * newline or that `accept` refuses, and must hold no accepted line after it.
 * A valid line after a refused one is corruption in the middle that no crash
 * of the one writer explains; cutting there would forget the lines after it,
 * so this throws instead, naming the file, line and byte offset.
 *
 * `accept` gets the line without its newline and returns false when it is
 * not a valid record (unparseable JSON, missing fields).
 */
export async function scanJsonl(
  handle: FileHandle,
  path: string,
  accept: (line: string) => boolean,
): Promise<JsonlScan> {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0; // file offset of carry[0]: every byte before it is in complete lines
  let lines = 0;
  let refused: { line: number; offset: number } | null = null;

  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, offset + carry.length);
    if (bytesRead === 0) break;
    const read = chunk.subarray(0, bytesRead);
    const data = carry.length === 0 ? read : Buffer.concat([carry, read]);
    const lastNewline = data.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      // One line longer than a chunk: keep reading until its newline (or EOF).
      carry = Buffer.from(data);
      continue;
    }
    // 0x0a never occurs inside a multi-byte UTF-8 sequence, so decoding up to
    // a newline never splits a character.
    const text = data.toString("utf8", 0, lastNewline);
    let start = 0;
    for (;;) {
      const end = text.indexOf("\n", start);
      const ok = accept(end < 0 ? text.slice(start) : text.slice(start, end));
      if (ok && refused !== null) {
        throw new Error(
          `${path}: line ${refused.line + 1} (byte ${refused.offset}) is not a valid record but valid lines follow it; ` +
            "the file was changed by something other than its one writer; repair or move it away",
        );
      }
      if (ok) lines++;
      // Byte offsets are only needed for the first refused line, so only then is the prefix measured.
      else if (refused === null)
        refused = { line: lines, offset: offset + Buffer.byteLength(text.slice(0, start)) };
      if (end < 0) break;
      start = end + 1;
    }
    const consumed = lastNewline + 1;
    carry = Buffer.from(data.subarray(consumed));
    offset += consumed;
  }
  const size = offset + carry.length;
  const validBytes = refused === null ? offset : refused.offset;
  return { validBytes, lines, tailBytes: size - validBytes };
}
