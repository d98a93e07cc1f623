/**
 * The part of the WebAssembly JS API this project uses. Node 20 has all of it,
 * but @types/node@20 does not declare it and `lib: ["DOM"]` would bring browser
 * globals into server code.
 */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: BufferSource);
  }
  type ExportValue = ((...args: number[]) => number) | Memory;
  type Exports = Record<string, ExportValue>;
  type ImportValue = Memory | ((...args: number[]) => void);
  type Imports = Record<string, Record<string, ImportValue>>;
  class Instance {
    constructor(module: Module, importObject?: Imports);
    readonly exports: Exports;
  }
  class CompileError extends Error {}
  class RuntimeError extends Error {}
}
