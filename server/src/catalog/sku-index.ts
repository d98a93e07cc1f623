import type { Arena } from "../../../core-wasm/src/arena.js";

/** Bytes of one table slot: [hash, row + 1, keyLength, keyOffset] then the key's first bytes. */
const SLOT_BYTES = 32;
const SLOT_INTS = SLOT_BYTES / 4;
/** Key bytes kept in the slot itself. */
const INLINE_KEY_BYTES = 16;
const INLINE_KEY_AT = 16;

/**
 * Where an index's table and keys sit in the shared kernel memory: enough for
 * another thread to read the index (`SkuTableReader`) without a copy.
 */
export interface SkuTableLocation {
  /** Byte offset of the table (SLOT_BYTES per slot). */
  readonly tableAt: number;
  /** Table slots, a power of two. */
  readonly slots: number;
  /** Byte offset of the key bytes. */
  readonly keysAt: number;
  readonly keysCapacity: number;
}

/**
 * SKU → catalog row, keyed by the SKU's UTF-8 bytes, living in the shared
 * kernel memory.
 *
 * Why not a `Map<string, number>`: a Decide request carries its SKUs as bytes;
 * making 200 strings and looking each up in a 100k-entry Map was ~15 % of the
 * server thread under load (bench:decide profile). Here a lookup hashes the
 * request's bytes in place and probes an open-addressing table.
 *
 * A slot is 32 bytes, two to a cache line: hash, row + 1, key length, where
 * the whole key is, and the key's first 16 bytes. A SKU of up to 16 bytes is
 * found, or ruled out, by reading that one line. The lookups are cache misses
 * in real use: between two requests the rest of the server's work evicts the
 * table, so what a lookup costs is the lines it touches. With 16-byte slots
 * and the key elsewhere a hit read two lines, and the lookups of a
 * 200-candidate request were ~10 % of the server thread at bench:decide's
 * maximum. `npm run bench:sku-index` measures them with caches hot and
 * evicted.
 *
 * Its arrays live in the shared kernel memory, next to the catalog they index.
 * Written by the main thread only. Other threads read it through a
 * `SkuTableReader` at a `location` taken on the main thread: a table or key
 * array outgrown later is abandoned, never freed or reused, so a reader keeps
 * answering for every SKU indexed when the location was taken. A SKU inserted
 * while a reader probes may or may not be found; its row is then at or past
 * the catalog's row count of that moment, which the reader's caller checks.
 */
export class SkuIndex {
  private readonly arena: Arena;
  /** Slots of SLOT_INTS ints (see SLOT_BYTES); row + 1 = 0 marks an empty slot. */
  private table!: Int32Array;
  /** The same slots, as bytes (for the inline key). */
  private tableBytes!: Uint8Array;
  private mask = 0;
  private keys!: Uint8Array;
  private keysBuf!: Buffer;
  /** Per row: [keyOffset, keyLength]. */
  private rows!: Int32Array;
  private keysUsed = 0;
  private size = 0;
  /** Reads the current table and keys; rebuilt when either moves. */
  private reader!: SkuTableReader;

  constructor(arena: Arena, initialRows: number) {
    this.arena = arena;
    const slots = nextPowerOfTwo(Math.max(16, initialRows * 2));
    this.setKeys(Math.max(1024, initialRows * 12));
    this.setTable(this.allocTable(slots), slots - 1);
    this.setRows(Math.max(16, initialRows));
  }

  /** Number of SKUs indexed. */
  get count(): number {
    return this.size;
  }

  /** Where the table and keys are now, for a reader on another thread. */
  get location(): SkuTableLocation {
    return this.reader.location;
  }

  /** Row of the SKU whose UTF-8 bytes are `bytes[start, end)`, or -1. */
  lookupBytes(bytes: Uint8Array, start: number, end: number): number {
    return this.reader.lookupBytes(bytes, start, end);
  }

  /** Rows of `count` SKUs at once; see `SkuTableReader.lookupMany`. */
  lookupMany(
    bytes: Uint8Array,
    start: ArrayLike<number>,
    end: ArrayLike<number>,
    count: number,
    out: Int32Array,
  ): void {
    this.reader.lookupMany(bytes, start, end, count, out);
  }

  /** Row of a SKU given as a string, or -1. */
  lookup(sku: string): number {
    const bytes = Buffer.from(sku, "utf8");
    return this.lookupBytes(bytes, 0, bytes.length);
  }

  /** The SKU of a row, as a string. */
  skuAt(row: number): string {
    const off = this.rows[2 * row]!;
    const len = this.rows[2 * row + 1]!;
    return this.keysBuf.toString("utf8", off, off + len);
  }

  /** Adds a SKU that is not in the index yet, at `row` (rows are dense: row === count). */
  insert(sku: string, row: number): void {
    const bytes = Buffer.from(sku, "utf8");
    if (row >= this.rows.length / 2) this.growRows(row + 1);
    if (this.keysUsed + bytes.length > this.keys.length) this.growKeys(this.keysUsed + bytes.length);
    const off = this.keysUsed;
    this.keys.set(bytes, off);
    this.keysUsed += bytes.length;
    this.rows[2 * row] = off;
    this.rows[2 * row + 1] = bytes.length;
    if ((this.size + 1) * 2 > this.mask + 1) this.growTable();
    const h = hashRange(bytes, 0, bytes.length);
    const slot = freeSlot(this.table, this.mask, h);
    const at = SLOT_INTS * slot;
    // Everything but row + 1 first: a reader on another thread treats the
    // slot as empty until row + 1 is set.
    this.table[at] = h;
    this.table[at + 2] = bytes.length;
    this.table[at + 3] = off;
    this.tableBytes.set(bytes.subarray(0, INLINE_KEY_BYTES), SLOT_BYTES * slot + INLINE_KEY_AT);
    Atomics.store(this.table, at + 1, row + 1);
    this.size++;
  }

  private allocTable(slots: number): Int32Array {
    // Aligned to a cache line, so no slot straddles two.
    const ptr = this.arena.alloc(slots * SLOT_BYTES, 64);
    return new Int32Array(this.arena.memory.buffer, ptr, slots * SLOT_INTS);
  }

  private setTable(table: Int32Array, mask: number): void {
    this.table = table;
    this.tableBytes = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
    this.mask = mask;
    this.newReader();
  }

  private setKeys(capacity: number): void {
    const ptr = this.arena.alloc(capacity, 8);
    const old = this.keys as Uint8Array | undefined;
    this.keys = new Uint8Array(this.arena.memory.buffer, ptr, capacity);
    this.keysBuf = Buffer.from(this.keys.buffer, ptr, capacity);
    if (old !== undefined) {
      this.keys.set(old.subarray(0, this.keysUsed));
      this.newReader();
    }
  }

  private newReader(): void {
    this.reader = new SkuTableReader(this.arena.memory.buffer, {
      tableAt: this.table.byteOffset,
      slots: this.mask + 1,
      keysAt: this.keys.byteOffset,
      keysCapacity: this.keys.length,
    });
  }

  private setRows(capacity: number): void {
    const ptr = this.arena.alloc(capacity * 8, 8);
    const old = this.rows as Int32Array | undefined;
    this.rows = new Int32Array(this.arena.memory.buffer, ptr, capacity * 2);
    if (old !== undefined) this.rows.set(old);
  }

  private growKeys(needed: number): void {
    // Moved keys: slots keep their offsets, valid in the copy. Readers at the
    // old location keep reading the old array, which still holds them.
    this.setKeys(nextPowerOfTwo(needed * 2));
  }

  private growRows(needed: number): void {
    this.setRows(nextPowerOfTwo(needed * 2));
  }

  /** Rebuilds the table at twice the size (arena memory is never freed; the old table is abandoned). */
  private growTable(): void {
    const slots = (this.mask + 1) * 2;
    const next = this.allocTable(slots);
    const mask = slots - 1;
    // A slot carries everything it needs, the hash included: moved whole, no rehashing.
    const old = this.table;
    for (let at = 0; at < old.length; at += SLOT_INTS) {
      if (old[at + 1] === 0) continue;
      next.set(old.subarray(at, at + SLOT_INTS), SLOT_INTS * freeSlot(next, mask, old[at]!));
    }
    this.setTable(next, mask);
  }
}

/**
 * Looks SKUs up in a `SkuIndex`'s table at one location, from any thread that
 * shares the kernel memory (the index's own thread, or a scoring worker).
 */
export class SkuTableReader {
  readonly location: SkuTableLocation;
  private readonly table: Int32Array;
  private readonly tableBytes: Uint8Array;
  private readonly keys: Uint8Array;
  private readonly mask: number;
  /** lookupMany's hashes, reused. */
  private hashes = new Int32Array(0);

  /** `buffer` is the kernel memory's buffer, covering the location. */
  constructor(buffer: ArrayBufferLike, location: SkuTableLocation) {
    this.location = location;
    this.table = new Int32Array(buffer, location.tableAt, location.slots * SLOT_INTS);
    this.tableBytes = new Uint8Array(buffer, location.tableAt, location.slots * SLOT_BYTES);
    this.keys = new Uint8Array(buffer, location.keysAt, location.keysCapacity);
    this.mask = location.slots - 1;
  }

  /** Row of the SKU whose UTF-8 bytes are `bytes[start, end)`, or -1. */
  lookupBytes(bytes: Uint8Array, start: number, end: number): number {
    return this.probe(hashRange(bytes, start, end), bytes, start, end);
  }

  /**
   * Rows of `count` SKUs at once: `out[i]` is the row of the SKU whose UTF-8
   * bytes are `bytes[start[i], end[i])`, or -1. The same answers as
   * `lookupBytes` per SKU, in three passes: hash every key, touch every key's
   * home slot, then probe. The touches do not depend on each other, so the
   * CPU has many of the cache misses in flight at once instead of one per
   * key (the table is evicted between two requests in real use).
   */
  lookupMany(
    bytes: Uint8Array,
    start: ArrayLike<number>,
    end: ArrayLike<number>,
    count: number,
    out: Int32Array,
  ): void {
    if (this.hashes.length < count) this.hashes = new Int32Array(nextPowerOfTwo(count));
    const hashes = this.hashes;
    for (let i = 0; i < count; i++) hashes[i] = hashRange(bytes, start[i]!, end[i]!);
    // The touch reads the home slot's row + 1: 0 there (an empty slot) already
    // answers -1, anything else is probed.
    const table = this.table;
    const mask = this.mask;
    for (let i = 0; i < count; i++) out[i] = table[SLOT_INTS * (hashes[i]! & mask) + 1]!;
    for (let i = 0; i < count; i++) {
      out[i] = out[i] === 0 ? -1 : this.probe(hashes[i]!, bytes, start[i]!, end[i]!);
    }
  }

  /** Row of the key `bytes[start, end)` whose hash is `h`, or -1. */
  private probe(h: number, bytes: Uint8Array, start: number, end: number): number {
    const table = this.table;
    const tableBytes = this.tableBytes;
    const mask = this.mask;
    const len = end - start;
    const inline = Math.min(len, INLINE_KEY_BYTES);
    probe: for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = SLOT_INTS * slot;
      const row1 = table[at + 1]!;
      if (row1 === 0) return -1;
      if (table[at] !== h || table[at + 2] !== len) continue;
      const key = SLOT_BYTES * slot + INLINE_KEY_AT;
      for (let i = 0; i < inline; i++) if (tableBytes[key + i] !== bytes[start + i]) continue probe;
      if (len > INLINE_KEY_BYTES) {
        const keys = this.keys;
        const off = table[at + 3]!;
        // A key appended after this location was taken may lie past the end
        // of this reader's key array: not found here.
        if (off + len > keys.length) continue;
        for (let i = INLINE_KEY_BYTES; i < len; i++) if (keys[off + i] !== bytes[start + i]) continue probe;
      }
      return row1 - 1;
    }
  }
}

/** The first empty slot of `h`'s probe sequence. */
function freeSlot(table: Int32Array, mask: number, h: number): number {
  let slot = h & mask;
  while (table[SLOT_INTS * slot + 1] !== 0) slot = (slot + 1) & mask;
  return slot;
}

/** FNV-1a of `bytes[start, end)`: the one hash the table is built and probed with. */
function hashRange(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

/** The smallest power of two ≥ n (1 for n ≤ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
