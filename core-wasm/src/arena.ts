/**
 * The process's kernel memory and the bump arena that carves it up. Every
 * catalog column, request slot and scratch buffer lives in one shared
 * `WebAssembly.Memory`; nothing is ever freed (the catalog is resident and
 * slots live as long as their thread), so a bump pointer is all we need.
 */

/** Bytes in one WebAssembly page. */
const PAGE_BYTES = 65_536;

/** Options of {@link createKernelMemory}. */
export interface KernelMemoryOptions {
  /**
   * Pages to start with.
   * @default 16
   */
  initialPages?: number;
  /**
   * Pages the memory may grow to; must equal `maximumMemory` in
   * `core-wasm/asconfig.json`, since a shared memory import must declare the
   * same maximum as the module.
   * @default 32768 (2 GiB)
   */
  maximumPages?: number;
}

/** Defaults of {@link KernelMemoryOptions}, equal to `core-wasm/asconfig.json`. */
export const KERNEL_MEMORY_DEFAULTS: Readonly<Required<KernelMemoryOptions>> = Object.freeze({
  initialPages: 16,
  maximumPages: 32_768,
});

/**
 * Creates the shared memory every kernel instance of the process imports as
 * `env.memory`. Fresh wasm memory is zero-filled, which the arena relies on:
 * a newly allocated buffer (marks in particular) starts all zero.
 */
export function createKernelMemory(options: KernelMemoryOptions = {}): WebAssembly.Memory {
  const initial = options.initialPages ?? KERNEL_MEMORY_DEFAULTS.initialPages;
  const maximum = options.maximumPages ?? KERNEL_MEMORY_DEFAULTS.maximumPages;
  if (!Number.isInteger(initial) || initial < 1) {
    throw new RangeError(`options.initialPages must be a positive integer, got ${initial}`);
  }
  if (!Number.isInteger(maximum) || maximum < initial || maximum > 65_536) {
    throw new RangeError(`options.maximumPages must be an integer in [initialPages, 65536], got ${maximum}`);
  }
  return new WebAssembly.Memory({ initial, maximum, shared: true });
}

/** Options of {@link createArena}. */
export interface ArenaOptions {
  /**
   * First byte the arena may hand out. Non-zero so no allocation is ever at
   * address 0 (which the kernel's callers could mistake for "no buffer").
   * @default 1024
   */
  base?: number;
}

/** A bump allocator over a kernel memory. */
export interface Arena {
  /** The memory allocations are made in. */
  readonly memory: WebAssembly.Memory;
  /**
   * Returns the byte offset of `bytes` fresh, zero-filled bytes aligned to
   * `align` (a power of two), growing the memory when needed. Never 0. Views
   * over `memory.buffer` taken before a call that grows the memory still work
   * (the memory is shared) but do not cover the new pages, so take views after
   * allocating.
   */
  alloc(bytes: number, align?: number): number;
  /** Bytes handed out so far, counted from address 0 (alignment padding included). */
  readonly used: number;
}

/**
 * Creates a bump arena over `memory` starting at `options.base`. Allocation is
 * monotonic and never freed: zero-fill comes from the memory being fresh, so
 * two arenas must never share a memory.
 */
export function createArena(memory: WebAssembly.Memory, options: ArenaOptions = {}): Arena {
  const base = options.base ?? 1024;
  if (!Number.isInteger(base) || base < 1) {
    throw new RangeError(`options.base must be a positive integer, got ${base}`);
  }
  let top = base;
  return {
    memory,
    alloc(bytes: number, align = 16): number {
      if (!Number.isInteger(bytes) || bytes < 0) {
        throw new RangeError(`alloc: bytes must be a non-negative integer, got ${bytes}`);
      }
      if (!Number.isInteger(align) || align < 1 || (align & (align - 1)) !== 0) {
        throw new RangeError(`alloc: align must be a power of two, got ${align}`);
      }
      const start = Math.ceil(top / align) * align;
      const end = start + bytes;
      const have = memory.buffer.byteLength;
      if (end > have) {
        const pages = Math.ceil((end - have) / PAGE_BYTES);
        try {
          memory.grow(pages);
        } catch (cause) {
          throw new RangeError(
            `alloc: cannot grow kernel memory by ${pages} pages to hold ${bytes} bytes (option maximumPages)`,
            { cause },
          );
        }
      }
      top = end;
      return start;
    },
    get used(): number {
      return top;
    },
  };
}
