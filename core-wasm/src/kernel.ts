/**
 * Loading and instantiating the compiled kernel (`core-wasm/build/release.wasm`).
 * Compilation is synchronous and cached per thread and path: every Piscina
 * worker compiles once at start-up, then instantiates against the process's
 * one shared memory.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** ABI version this host code speaks; must equal the kernel's `kernelAbiVersion()`. */
export const KERNEL_ABI_VERSION = 2;

/**
 * Finds the repository root from this file's location: sources live in
 * `<root>/core-wasm/src`, compiled code in `<root>/dist/core-wasm/src`.
 */
function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = basename(resolve(here, "..", "..")) === "dist";
  return resolve(here, ...(compiled ? ["..", "..", ".."] : ["..", ".."]));
}

/** Absolute path of the release build of the kernel. */
export const KERNEL_WASM_PATH: string = resolve(repoRoot(), "core-wasm", "build", "release.wasm");

const modules = new Map<string, WebAssembly.Module>();
const versions = new Map<string, string>();

function readWasm(path: string): Buffer {
  if (!existsSync(path)) {
    const name = path === KERNEL_WASM_PATH ? "core-wasm/build/release.wasm" : path;
    throw new Error(`${name} not found: run \`npm run build\``);
  }
  return readFileSync(path);
}

/**
 * Compiles the kernel at `path` synchronously, once per thread and path. Call
 * at start-up (main thread and each worker), not on the request path.
 */
export function loadKernelModule(path: string = KERNEL_WASM_PATH): WebAssembly.Module {
  let module = modules.get(path);
  if (module === undefined) {
    module = new WebAssembly.Module(readWasm(path));
    modules.set(path, module);
  }
  return module;
}

/** One thread's handle on the kernel. */
export interface Kernel {
  /**
   * Runs `decide` on the RequestDesc at byte offset `req` and returns how many
   * results it wrote. The slot at `req` must be the calling thread's own.
   */
  decide(req: number): number;
}

interface KernelExports {
  decide(req: number): number;
  kernelAbiVersion(): number;
}

/**
 * Instantiates `module` against `memory` (the process's shared kernel memory,
 * see `createKernelMemory`) and checks its ABI version. One instance per
 * thread; instances are cheap since the module is compiled once.
 */
export function instantiateKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernel {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort(_message: number, _file: number, line: number, column: number): never {
        throw new Error(`kernel aborted at line ${line}, column ${column}`);
      },
    },
  });
  const exports = instance.exports as unknown as KernelExports;
  const abi = exports.kernelAbiVersion();
  if (abi !== KERNEL_ABI_VERSION) {
    throw new Error(
      `kernel abi version ${abi} does not match the host's ${KERNEL_ABI_VERSION}: rebuild with \`npm run build\``,
    );
  }
  const decide = exports.decide;
  return { decide: (req: number): number => decide(req) >>> 0 };
}

/**
 * Identifies the kernel build: `"as-simd-abi2-"` plus the first 12 hex digits
 * of the SHA-256 of the wasm bytes. Logged with every decision so a ranking can
 * be traced to the exact kernel that produced it. Cached per path.
 */
export function kernelVersion(path: string = KERNEL_WASM_PATH): string {
  let version = versions.get(path);
  if (version === undefined) {
    const digest = createHash("sha256").update(readWasm(path)).digest("hex");
    version = `as-simd-abi${KERNEL_ABI_VERSION}-${digest.slice(0, 12)}`;
    versions.set(path, version);
  }
  return version;
}
