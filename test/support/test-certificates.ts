import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** PEM files of a throwaway PKI, written by `makeTestCertificates`. */
export interface TestCertificates {
  /** The CA that signs the server's and the trusted client's certificates. */
  readonly caFile: string;
  /** The server's certificate (SAN IP:127.0.0.1, DNS:localhost) and key. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A client certificate signed by `caFile`, and its key. */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** Another CA, which the server does not trust. */
  readonly strangerCaFile: string;
  /** A client certificate signed by `strangerCaFile`, and its key. */
  readonly strangerCertFile: string;
  readonly strangerKeyFile: string;
}

/**
 * Runs `openssl` with the words of `line`; a word `{name}` is replaced by
 * `paths[name]` as one argument, so paths may hold spaces.
 */
function openssl(line: string, paths: Readonly<Record<string, string>>): void {
  const args = line.split(" ").map((w) => (/^\{\w+\}$/.test(w) ? paths[w.slice(1, -1)]! : w));
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === "ENOENT") {
      throw new Error(
        "openssl not found on PATH: the TLS tests make their certificates with it. Install it: sudo apt-get install -y openssl (npm test's pretest does)",
      );
    }
    throw new Error(`openssl ${line} failed: ${err.stderr?.toString().trim() ?? err.message}`);
  }
}

const NEW_KEY = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
const CA_EXTENSIONS =
  "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";

/**
 * Makes a throwaway PKI in `dir` with the openssl CLI: a CA, a server
 * certificate for 127.0.0.1 and localhost, a client certificate from that CA
 * and one from a second CA. P-256 keys, valid for two days: made per run, so
 * nothing expires in the repository and no private key is ever committed.
 */
export function makeTestCertificates(dir: string): TestCertificates {
  const f = (name: string) => join(dir, name);
  const ca = (name: string) =>
    openssl(`req -x509 ${NEW_KEY} -days 2 -subj /CN=${name} ${CA_EXTENSIONS} -keyout {key} -out {cert}`, {
      key: f(`${name}.key`),
      cert: f(`${name}.pem`),
    });
  const leaf = (name: string, caName: string, extensions: string) => {
    const paths = {
      key: f(`${name}.key`),
      csr: f(`${name}.csr`),
      ext: f(`${name}.ext`),
      cert: f(`${name}.pem`),
      caCert: f(`${caName}.pem`),
      caKey: f(`${caName}.key`),
    };
    writeFileSync(paths.ext, extensions);
    openssl(`req ${NEW_KEY} -subj /CN=${name} -keyout {key} -out {csr}`, paths);
    openssl(
      "x509 -req -days 2 -in {csr} -extfile {ext} -CA {caCert} -CAkey {caKey} -CAcreateserial -out {cert}",
      paths,
    );
  };
  ca("test-ca");
  ca("stranger-ca");
  leaf("server", "test-ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  leaf("client", "test-ca", "extendedKeyUsage=clientAuth\n");
  leaf("stranger", "stranger-ca", "extendedKeyUsage=clientAuth\n");
  return {
    caFile: f("test-ca.pem"),
    serverCertFile: f("server.pem"),
    serverKeyFile: f("server.key"),
    clientCertFile: f("client.pem"),
    clientKeyFile: f("client.key"),
    strangerCaFile: f("stranger-ca.pem"),
    strangerCertFile: f("stranger.pem"),
    strangerKeyFile: f("stranger.key"),
  };
}
