import type { Arena } from "../../../core-wasm/src/arena.js";

/**
 * SKU → catalog row, keyed by the SKU's UTF-8 bytes, living in the shared
 * kernel memory.
 *
 * Why not a `Map<string, number>`: a Decide request carries its SKUs as bytes;
 * making 200 strings and looking each up in a 100k-entry Map was ~15 % of the
 * server thread under load (bench:decide profile). Here a lookup hashes the
 * request's bytes in place and probes an open-addressing table whose slots hold
 * the hash, the row and where the key's bytes are, so a hit costs one table
 * line and one key compare. (With the key's place in a per-row array instead,
 * a hit read three cache lines, and the lookups of a 200-candidate request were
 * ~9 % of the server thread at bench:decide's maximum: cache misses.)
 * Its arrays live in the shared kernel memory, next to the catalog they index.
 * Written and read by the main thread.
 */
export class SkuIndex {
  private readonly arena: Arena;
  /** Slots of [hash, row + 1, keyOffset, keyLength]; row + 1 = 0 marks an empty slot. */
  private table!: Int32Array;
  private mask = 0;
  private keys!: Uint8Array;
  private keysBuf!: Buffer;
  /** Per row: [keyOffset, keyLength]. */
  private rows!: Int32Array;
  private keysUsed = 0;
  private size = 0;

  constructor(arena: Arena, initialRows: number) {
    this.arena = arena;
    const slots = nextPowerOfTwo(Math.max(16, initialRows * 2));
    this.setTable(this.allocTable(slots), slots - 1);
    this.setKeys(Math.max(1024, initialRows * 12));
    this.setRows(Math.max(16, initialRows));
  }

  /** Number of SKUs indexed. */
  get count(): number {
    return this.size;
  }

  /** Row of the SKU whose UTF-8 bytes are `bytes[start, end)`, or -1. */
  lookupBytes(bytes: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    const table = this.table;
    const mask = this.mask;
    const len = end - start;
    const keys = this.keys;
    probe: for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = 4 * slot;
      const row1 = table[at + 1]!;
      if (row1 === 0) return -1;
      if (table[at] !== h || table[at + 3] !== len) continue;
      const off = table[at + 2]!;
      for (let i = 0; i < len; i++) if (keys[off + i] !== bytes[start + i]) continue probe;
      return row1 - 1;
    }
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
    this.place(this.table, this.mask, hashOf(bytes), row, off, bytes.length);
    this.size++;
  }

  private place(
    table: Int32Array,
    mask: number,
    h: number,
    row: number,
    keyOff: number,
    keyLen: number,
  ): void {
    let slot = h & mask;
    while (table[4 * slot + 1] !== 0) slot = (slot + 1) & mask;
    const at = 4 * slot;
    table[at] = h;
    table[at + 1] = row + 1;
    table[at + 2] = keyOff;
    table[at + 3] = keyLen;
  }

  private allocTable(slots: number): Int32Array {
    const ptr = this.arena.alloc(slots * 16, 16);
    return new Int32Array(this.arena.memory.buffer, ptr, slots * 4);
  }

  private setTable(table: Int32Array, mask: number): void {
    this.table = table;
    this.mask = mask;
  }

  private setKeys(capacity: number): void {
    const ptr = this.arena.alloc(capacity, 8);
    const old = this.keys as Uint8Array | undefined;
    this.keys = new Uint8Array(this.arena.memory.buffer, ptr, capacity);
    this.keysBuf = Buffer.from(this.keys.buffer, ptr, capacity);
    if (old !== undefined) this.keys.set(old.subarray(0, this.keysUsed));
  }

  private setRows(capacity: number): void {
    const ptr = this.arena.alloc(capacity * 8, 8);
    const old = this.rows as Int32Array | undefined;
    this.rows = new Int32Array(this.arena.memory.buffer, ptr, capacity * 2);
    if (old !== undefined) this.rows.set(old);
  }

  private growKeys(needed: number): void {
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
    // The old slots carry everything a slot needs, the hash included: no rehashing.
    const old = this.table;
    for (let at = 0; at < old.length; at += 4) {
      const row1 = old[at + 1]!;
      if (row1 !== 0) this.place(next, mask, old[at]!, row1 - 1, old[at + 2]!, old[at + 3]!);
    }
    this.setTable(next, mask);
  }
}

function hashOf(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
