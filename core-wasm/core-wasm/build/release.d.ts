declare namespace __AdaptedExports {
  /** Exported memory */
  export const memory: WebAssembly.Memory;
  /**
   * core-wasm/assembly/index/kernelAbiVersion
   * @returns `u32`
   */
  export function kernelAbiVersion(): number;
  /**
   * core-wasm/assembly/index/decide
   * @param req `usize`
   * @returns `u32`
   */
  export function decide(req: number): number;
}
/** Instantiates the compiled WebAssembly module with the given imports. */
export declare function instantiate(module: WebAssembly.Module, imports: {
}): Promise<typeof __AdaptedExports>;
