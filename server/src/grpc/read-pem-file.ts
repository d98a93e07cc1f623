import { readFileSync } from "node:fs";

/**
 * Reads a PEM file for TLS, failing with a message that names the setting it
 * came from (`options.tls.keyFile`, `RELEVANCE_TLS_CA_FILE`) and the path, so
 * a wrong path is found from the message alone instead of a handshake error later.
 */
export function readPemFile(setting: string, path: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new Error(`${setting}: cannot read ${path} (${code})`);
  }
  if (!pem.includes("-----BEGIN ")) {
    throw new Error(`${setting}: ${path} is not PEM (no "-----BEGIN" line)`);
  }
  return pem;
}
