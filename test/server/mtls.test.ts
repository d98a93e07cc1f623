/**
 * TLS and mutual TLS on the gRPC port: a table from how a client dials to
 * what it gets — a certificate from the server's client CA gets through; no
 * certificate, one from another CA, a plaintext client and a client that does
 * not trust the server all fail the handshake (UNAVAILABLE); a TLS-only
 * server lets a client without a certificate in; API keys still hold on top
 * of mTLS. The adapter's Subscribe and the `relevance` and
 * `relevance-adapter` CLIs dial the same way (the CLIs from their
 * environment). Bad TLS settings fail start-up, naming the option or the
 * variable. Certificates are made per run with the openssl CLI.
 */
import { execFile, spawn } from "node:child_process";
import { hash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { credentials, type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSubscription } from "../../adapters/src/subscription-client.js";
import type { ServerOptions } from "../../server/src/config/server-options.js";
import { createServer, type RelevanceServer } from "../../server/src/create-server.js";
import { DecisionService } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { type ClientTlsFiles, clientCredentialsFromFiles } from "../../server/src/grpc/client-credentials.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import { silentLogger } from "../../server/src/log.js";
import { makeTestCertificates, type TestCertificates } from "../support/test-certificates.js";
import { BASE_OPTIONS } from "./support/harness.js";

const MAIN = new URL("../../server/src/main.js", import.meta.url).pathname;
const RELEVANCE_CLI = new URL("../../server/src/cli/relevance.js", import.meta.url).pathname;
const ADAPTER_CLI = new URL("../../adapters/src/cli/relevance-adapter.js", import.meta.url).pathname;
const TOKEN = "tok-adapter";

/** Runs a compiled script to its end (at most 20 s); `code` is null when it was killed. */
function runNode(
  script: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** How a test client dials: TLS from PEM files, or plaintext. */
type Dial = ClientTlsFiles | "plaintext";
const channelCredentials = (dial: Dial) =>
  dial === "plaintext" ? credentials.createInsecure() : clientCredentialsFromFiles(dial);

describe("TLS and mTLS (memory)", () => {
  let dir: string;
  let pki: TestCertificates;
  const servers: Record<"mTLS" | "TLS-only" | "mTLS + API keys", RelevanceServer> = Object.create(null);

  /** The ways a client dials, by name (the certificates exist once beforeAll has run). */
  const dials = {
    "a certificate from its client CA": (): Dial => ({
      caFile: pki.caFile,
      certFile: pki.clientCertFile,
      keyFile: pki.clientKeyFile,
    }),
    "no client certificate": (): Dial => ({ caFile: pki.caFile }),
    "a certificate from another CA": (): Dial => ({
      caFile: pki.caFile,
      certFile: pki.strangerCertFile,
      keyFile: pki.strangerKeyFile,
    }),
    "a plaintext client": (): Dial => "plaintext",
    "a client that does not trust the server's CA": (): Dial => ({
      caFile: pki.strangerCaFile,
      certFile: pki.clientCertFile,
      keyFile: pki.clientKeyFile,
    }),
  };
  type DialName = keyof typeof dials;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "relevance-mtls-"));
    pki = makeTestCertificates(dir);
    const tls = { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile };
    const start = (o: Partial<ServerOptions>) =>
      createServer({ ...BASE_OPTIONS, ...o }, { log: silentLogger });
    servers.mTLS = await start({ tls: { ...tls, clientCaFile: pki.caFile } });
    servers["TLS-only"] = await start({ tls });
    servers["mTLS + API keys"] = await start({
      tls: { ...tls, clientCaFile: pki.caFile },
      apiKeys: [{ name: "adapter", sha256: hash("sha256", TOKEN, "hex"), methods: ["*"] }],
    });
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close(500)));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** "OK" when Decide answers with a decision, else the status code's name. */
  const decide = async (server: RelevanceServer, dial: Dial, token = ""): Promise<string> => {
    const c = createServiceClient(DecisionService, server.address, {
      credentials: channelCredentials(dial),
      ...(token !== "" ? { metadata: { authorization: `Bearer ${token}` } } : {}),
    });
    try {
      const res = await c.decide(
        { userId: "u1", channel: 1, useCase: "search", candidates: [{ sku: "a" }] },
        { deadline: Date.now() + 10_000 },
      );
      return res.decisionId !== "" ? "OK" : "an answer without a decision id";
    } catch (e) {
      return status[(e as ServiceError).code] ?? String(e);
    } finally {
      c.close();
    }
  };

  describe("createServer({ tls })", () => {
    it.each<[keyof typeof servers, DialName, string]>([
      ["mTLS", "a certificate from its client CA", "OK"],
      ["mTLS", "no client certificate", "UNAVAILABLE"],
      ["mTLS", "a certificate from another CA", "UNAVAILABLE"],
      ["mTLS", "a plaintext client", "UNAVAILABLE"],
      ["mTLS", "a client that does not trust the server's CA", "UNAVAILABLE"],
      ["TLS-only", "no client certificate", "OK"],
      ["TLS-only", "a plaintext client", "UNAVAILABLE"],
    ])("%s server, %s: should answer %s", async (server, dial, expected) => {
      expect(await decide(servers[server], dials[dial]())).toBe(expected);
    });

    it.each<{ caller: string; dial: DialName; token: string; expected: string }>([
      {
        caller: "no token",
        dial: "a certificate from its client CA",
        token: "",
        expected: "UNAUTHENTICATED",
      },
      {
        caller: "a bad token",
        dial: "a certificate from its client CA",
        token: "tok-nobody",
        expected: "UNAUTHENTICATED",
      },
      { caller: "a good token", dial: "a certificate from its client CA", token: TOKEN, expected: "OK" },
      {
        caller: "a good token",
        dial: "a certificate from another CA",
        token: TOKEN,
        expected: "UNAVAILABLE",
      },
    ])(
      "mTLS server with API keys, $caller and $dial: should answer $expected",
      async ({ dial, token, expected }) => {
        expect(await decide(servers["mTLS + API keys"], dials[dial](), token)).toBe(expected);
      },
    );

    it.each<[DialName, string]>([
      // Past TLS and the API key: the in-process store has no delivery streams.
      ["a certificate from its client CA", "FAILED_PRECONDITION"],
      ["no client certificate", "UNAVAILABLE"],
    ])("should let an adapter's Subscribe with %s and a good token end in %s", async (dial, expected) => {
      const ended = await new Promise<(Error & { code?: number }) | null>((resolve) => {
        openSubscription(
          servers["mTLS + API keys"].address,
          "email",
          "mtls-test",
          1,
          { onSubscribed() {}, onDelivery() {}, onEnd: resolve },
          TOKEN,
          channelCredentials(dials[dial]()),
        );
      });
      expect(ended?.code === undefined ? String(ended) : status[ended.code]).toBe(expected);
    });
  });

  describe("the relevance and relevance-adapter CLIs", () => {
    /** The environment a CLI dials with: the named way of dialing, as RELEVANCE_TLS_* variables. */
    const tlsEnv = (dial: Dial): Record<string, string> => {
      if (dial === "plaintext") return {};
      const env: Record<string, string> = {};
      if (dial.caFile !== undefined) env.RELEVANCE_TLS_CA_FILE = dial.caFile;
      if (dial.certFile !== undefined) env.RELEVANCE_TLS_CLIENT_CERT_FILE = dial.certFile;
      if (dial.keyFile !== undefined) env.RELEVANCE_TLS_CLIENT_KEY_FILE = dial.keyFile;
      return env;
    };

    it.each<{ what: string; code: number; output: string; env: () => Record<string, string> }>([
      {
        what: "a trusted certificate and the API key",
        code: 0,
        output: '"decisionId"',
        env: () => ({ ...tlsEnv(dials["a certificate from its client CA"]()), RELEVANCE_API_KEY: TOKEN }),
      },
      {
        what: "a trusted certificate and no API key",
        code: 1,
        output: "relevance: UNAUTHENTICATED: authorization: missing",
        env: () => tlsEnv(dials["a certificate from its client CA"]()),
      },
      {
        what: "no client certificate",
        code: 1,
        output: "relevance: UNAVAILABLE: ",
        env: () => ({ ...tlsEnv(dials["no client certificate"]()), RELEVANCE_API_KEY: TOKEN }),
      },
      {
        what: "a client certificate without its key",
        code: 1,
        output:
          "relevance: RELEVANCE_TLS_CLIENT_KEY_FILE is required with RELEVANCE_TLS_CLIENT_CERT_FILE: a client certificate needs its key",
        env: () => ({
          RELEVANCE_TLS_CA_FILE: pki.caFile,
          RELEVANCE_TLS_CLIENT_CERT_FILE: pki.clientCertFile,
        }),
      },
    ])(
      "relevance decide with $what should print $output and exit with the code in the table",
      async ({ code, output, env }) => {
        const address = servers["mTLS + API keys"].address;
        const args = ["decide", "--addr", address, "--user", "u1", "--candidates", "a"];
        const run = await runNode(RELEVANCE_CLI, args, { PATH: process.env.PATH, ...env() });
        expect(run.stdout + run.stderr).toContain(output);
        expect(run.code).toBe(code);
      },
    );

    it.each<[DialName, string]>([
      // Past TLS and the API key: the in-process store has no delivery streams.
      ["a certificate from its client CA", "FAILED_PRECONDITION"],
      ["no client certificate", "UNAVAILABLE"],
    ])("relevance-adapter with %s and the API key should get %s from Subscribe", async (dial, expected) => {
      const args = ["--channel", "email", "--server", servers["mTLS + API keys"].address, "--sink", "stdout"];
      const adapter = spawn(process.execPath, [ADAPTER_CLI, ...args, "--state-dir", join(dir, "adapter")], {
        env: { PATH: process.env.PATH, ...tlsEnv(dials[dial]()), RELEVANCE_API_KEY: TOKEN },
        stdio: ["ignore", "ignore", "pipe"],
      });
      try {
        // The adapter logs why its stream ended, then reconnects: the first such line says how far it got.
        const err = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error("no 'subscription ended' line within 20 s")),
            20_000,
          );
          createInterface({ input: adapter.stderr! }).on("line", (line) => {
            if (!line.startsWith("{")) return; // e.g. node's DEP0123 warning: grpc-js sends an IP as TLS server name
            const entry = JSON.parse(line) as { msg: string; err?: string };
            if (entry.msg === "subscription ended; reconnecting") {
              clearTimeout(timer);
              resolve(entry.err ?? "");
            }
          });
          adapter.once("exit", (c) => reject(new Error(`adapter exited ${c} first`)));
        });
        expect(err).toMatch(new RegExp(`^\\d+ ${expected}: `));
      } finally {
        adapter.kill("SIGKILL");
      }
    });
  });

  describe("start-up with bad TLS settings", () => {
    const missingKey = () => join(dir, "missing.key");
    const notPem = () => {
      writeFileSync(join(dir, "not-pem.txt"), "hello\n");
      return join(dir, "not-pem.txt");
    };

    it.each<{ what: string; options: () => Partial<ServerOptions>; message: () => string }>([
      {
        what: "a missing key file",
        options: () => ({ tls: { certFile: pki.serverCertFile, keyFile: missingKey() } }),
        message: () => `options.tls.keyFile: cannot read ${missingKey()} (ENOENT)`,
      },
      {
        what: "an empty certFile",
        options: () => ({ tls: { certFile: "", keyFile: pki.serverKeyFile } }),
        message: () => `options.tls.certFile must be the path of the server's PEM certificate chain, got ""`,
      },
      {
        what: "a client CA file that is not PEM",
        options: () => ({
          tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: notPem() },
        }),
        message: () => `options.tls.clientCaFile: ${notPem()} is not PEM (no "-----BEGIN" line)`,
      },
      {
        what: "a key that is not the certificate's",
        options: () => ({ tls: { certFile: pki.serverCertFile, keyFile: pki.clientKeyFile } }),
        message: () =>
          `options.tls: ${pki.serverCertFile} and ${pki.clientKeyFile} (certFile, keyFile) are not a usable certificate and key: `,
      },
    ])("createServer should reject $what, naming the option", async ({ options, message }) => {
      const e = await createServer({ ...BASE_OPTIONS, ...options() }, { log: silentLogger }).then(
        async (s) => {
          await s.close(0);
          return null;
        },
        (err: Error) => err,
      );
      expect(e?.message).toContain(message());
    });

    it.each<{ what: string; env: () => Record<string, string>; message: () => string }>([
      {
        what: "a missing key file",
        env: () => ({ RELEVANCE_TLS_CERT_FILE: pki.serverCertFile, RELEVANCE_TLS_KEY_FILE: missingKey() }),
        message: () => `relevance: RELEVANCE_TLS_KEY_FILE: cannot read ${missingKey()} (ENOENT)\n`,
      },
      {
        what: "a certificate without its key",
        env: () => ({ RELEVANCE_TLS_CERT_FILE: pki.serverCertFile }),
        message: () =>
          "relevance: RELEVANCE_TLS_KEY_FILE is not set: TLS needs the server's certificate (RELEVANCE_TLS_CERT_FILE) and key (RELEVANCE_TLS_KEY_FILE); RELEVANCE_TLS_CLIENT_CA_FILE on top makes it mTLS\n",
      },
    ])("main.js should exit 1 on $what, naming the variable and the path", async ({ env, message }) => {
      // A server that starts anyway is killed by the timeout: no exit code, which fails the check.
      const base = { PATH: process.env.PATH, PORT: "0", RELEVANCE_THREADS: "0", LOG_LEVEL: "error" };
      const run = await runNode(MAIN, [], { ...base, ...env() });
      expect(run.stderr).toBe(message());
      expect(run.code).toBe(1);
    });
  });
});
