import { createSecureContext } from "node:tls";
import { ServerCredentials } from "@grpc/grpc-js";
import type { ServerTlsOptions } from "../config/server-options.js";
import { readPemFile } from "./read-pem-file.js";

/**
 * The credentials the gRPC port is bound with: plaintext without `tls`, TLS
 * with it, mutual TLS when `tls.clientCaFile` is given (clients must present a
 * certificate signed by one of those CAs, or the handshake fails). Reads the
 * files once and checks that they make a usable key pair, so a bad file fails
 * start-up with the option's name rather than every handshake later.
 */
export function serverCredentials(tls: ServerTlsOptions | null): ServerCredentials {
  if (tls === null) return ServerCredentials.createInsecure();
  const cert = readPemFile("options.tls.certFile", tls.certFile);
  const key = readPemFile("options.tls.keyFile", tls.keyFile);
  const ca =
    tls.clientCaFile === undefined ? null : readPemFile("options.tls.clientCaFile", tls.clientCaFile);
  try {
    createSecureContext({ cert, key, ...(ca !== null ? { ca } : {}) });
  } catch (e) {
    throw new Error(
      `options.tls: ${tls.certFile} and ${tls.keyFile} (certFile, keyFile${ca !== null ? ", clientCaFile" : ""}) are not a usable certificate and key: ${(e as Error).message}`,
    );
  }
  return ServerCredentials.createSsl(ca, [{ private_key: key, cert_chain: cert }], ca !== null);
}
