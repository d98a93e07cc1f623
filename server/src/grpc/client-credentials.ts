import { type ChannelCredentials, credentials } from "@grpc/grpc-js";
import { readPemFile } from "./read-pem-file.js";

/** PEM files a client dials a TLS or mTLS server with. */
export interface ClientTlsFiles {
  /** CAs that sign the server's certificate; left out: the system's roots. */
  readonly caFile?: string;
  /** The client's certificate chain, for a server that requires one (mTLS); with `keyFile`. */
  readonly certFile?: string;
  /** The client certificate's private key, unencrypted; with `certFile`. */
  readonly keyFile?: string;
}

/** The environment variables the project's clients (the `relevance` and `relevance-adapter` CLIs) read. */
export const CLIENT_TLS_ENV: Readonly<Record<keyof ClientTlsFiles, string>> = Object.freeze({
  caFile: "RELEVANCE_TLS_CA_FILE",
  certFile: "RELEVANCE_TLS_CLIENT_CERT_FILE",
  keyFile: "RELEVANCE_TLS_CLIENT_KEY_FILE",
});

/**
 * TLS channel credentials from PEM files: the server is checked against
 * `caFile` (or the system's roots), and `certFile` + `keyFile`, when given,
 * are presented to an mTLS server. `names` labels the files in error
 * messages (option names by default, environment variables for the CLIs).
 * API keys still go in call metadata on top.
 */
export function clientCredentialsFromFiles(
  files: ClientTlsFiles,
  names: Readonly<Record<keyof ClientTlsFiles, string>> = {
    caFile: "caFile",
    certFile: "certFile",
    keyFile: "keyFile",
  },
): ChannelCredentials {
  if (files.certFile !== undefined && files.keyFile === undefined) {
    throw new Error(
      `${names.keyFile} is required with ${names.certFile}: a client certificate needs its key`,
    );
  }
  if (files.keyFile !== undefined && files.certFile === undefined) {
    throw new Error(
      `${names.certFile} is required with ${names.keyFile}: a key needs its client certificate`,
    );
  }
  const read = (key: keyof ClientTlsFiles) => {
    const path = files[key];
    return path === undefined ? null : readPemFile(names[key], path);
  };
  return credentials.createSsl(read("caFile"), read("keyFile"), read("certFile"));
}

/**
 * A CLI's channel credentials from its environment (CLIENT_TLS_ENV): TLS when
 * any of the variables is set, plaintext when none is. Errors name the variable.
 */
export function clientCredentialsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): ChannelCredentials {
  const files: { -readonly [K in keyof ClientTlsFiles]?: string } = {};
  for (const [key, name] of Object.entries(CLIENT_TLS_ENV) as [keyof ClientTlsFiles, string][]) {
    const v = env[name];
    if (v !== undefined && v !== "") files[key] = v;
  }
  if (Object.keys(files).length === 0) return credentials.createInsecure();
  return clientCredentialsFromFiles(files, CLIENT_TLS_ENV);
}
