export async function instantiate(module, imports = {}) {
  const { exports } = await WebAssembly.instantiate(module, imports);
  const memory = exports.memory || imports.env.memory;
  const adaptedExports = Object.setPrototypeOf({
    kernelAbiVersion() {
      // core-wasm/assembly/index/kernelAbiVersion() => u32
      return exports.kernelAbiVersion() >>> 0;
    },
    decide(req) {
      // core-wasm/assembly/index/decide(usize) => u32
      return exports.decide(req) >>> 0;
    },
  }, exports);
  return adaptedExports;
}
