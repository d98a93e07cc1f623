import { hash } from "node:crypto";

/** One caller's API key as configured: only the SHA-256 of the token is kept. */
export interface ApiKeyConfig {
  /** Names the caller in logs and errors. 1..64 characters. */
  readonly name: string;
  /** Hex SHA-256 of the bearer token (`printf %s "$TOKEN" | sha256sum`). */
  readonly sha256: string;
  /**
   * Methods the caller may call: full names (`relevance.v1.DecisionService/Decide`),
   * a service (`relevance.v1.EventService/*`) or `*`.
   */
  readonly methods: readonly string[];
  /** "admin" lets the caller call admin RPCs (catalog, policy changes, Forget) it is allowed. */
  readonly scopes?: readonly string[];
  /** The tenant the caller acts for, passed on to logs; "" for none. */
  readonly tenant?: string;
  /** Calls a second the caller may make on average; 0 or absent: no limit. */
  readonly ratePerSecond?: number;
  /** Calls the caller may make at once above the rate. @default ratePerSecond */
  readonly burst?: number;
}

/** Methods that change what every caller sees, or erase people: they need the "admin" scope. */
export const ADMIN_METHODS: ReadonlySet<string> = new Set([
  "relevance.v1.CatalogService/UpsertItems",
  "relevance.v1.CatalogService/SetStock",
  "relevance.v1.CatalogService/SetPrice",
  "relevance.v1.PolicyService/SetPolicy",
  "relevance.v1.PersonService/Forget",
]);

/** A caller the server knows, with its token bucket. */
export interface Caller {
  readonly name: string;
  readonly tenant: string;
  readonly admin: boolean;
  allows(method: string): boolean;
  /** Takes one call from the bucket; false when the caller is over its rate. */
  take(nowMs: number): boolean;
  readonly ratePerSecond: number;
}

/** Checks the configuration, naming the entry and field of the first problem. */
export function validateApiKeys(keys: readonly ApiKeyConfig[]): void {
  const names = new Set<string>();
  const hashes = new Set<string>();
  keys.forEach((k, i) => {
    const at = `apiKeys[${i}]`;
    if (typeof k.name !== "string" || k.name.length < 1 || k.name.length > 64) {
      throw new Error(`${at}.name: required, 1..64 characters`);
    }
    if (names.has(k.name)) throw new Error(`${at}.name: duplicate of another key's name "${k.name}"`);
    names.add(k.name);
    if (typeof k.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(k.sha256)) {
      throw new Error(`${at}.sha256: must be 64 lower-case hex characters (the SHA-256 of the token)`);
    }
    if (hashes.has(k.sha256)) throw new Error(`${at}.sha256: the same token as another key`);
    hashes.add(k.sha256);
    if (!Array.isArray(k.methods) || k.methods.length === 0) {
      throw new Error(`${at}.methods: required, at least one method, "<service>/*" or "*"`);
    }
    k.methods.forEach((m, j) => {
      if (typeof m !== "string" || !/^(\*|[A-Za-z0-9_.]+\/(\*|[A-Za-z0-9_]+))$/.test(m)) {
        throw new Error(
          `${at}.methods[${j}]: must be "*", "<package.Service>/*" or "<package.Service>/<Method>"`,
        );
      }
    });
    for (const [field, v] of [
      ["ratePerSecond", k.ratePerSecond],
      ["burst", k.burst],
    ] as const) {
      if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1_000_000)) {
        throw new Error(`${at}.${field}: must be a number in [0, 1000000]`);
      }
    }
  });
}

function callerOf(k: ApiKeyConfig): Caller {
  const exact = new Set(k.methods.filter((m) => !m.endsWith("*")));
  const services = k.methods.filter((m) => m.endsWith("/*")).map((m) => m.slice(0, -1));
  const all = k.methods.includes("*");
  const rate = k.ratePerSecond ?? 0;
  const burst = k.burst ?? rate;
  let tokens = burst;
  let lastMs = 0;
  return {
    name: k.name,
    tenant: k.tenant ?? "",
    admin: (k.scopes ?? []).includes("admin"),
    ratePerSecond: rate,
    allows: (method) => all || exact.has(method) || services.some((s) => method.startsWith(s)),
    take(nowMs) {
      if (rate <= 0) return true;
      tokens = Math.min(burst, tokens + ((nowMs - lastMs) / 1000) * rate);
      lastMs = nowMs;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/** The configured callers, found by the SHA-256 of the token they present. */
export interface ApiKeyStore {
  /** Null when no key matches the token. */
  find(token: string): Caller | null;
  readonly size: number;
}

export function createApiKeyStore(keys: readonly ApiKeyConfig[]): ApiKeyStore {
  validateApiKeys(keys);
  const byHash = new Map(keys.map((k) => [k.sha256, callerOf(k)]));
  return {
    size: byHash.size,
    find: (token) => byHash.get(hash("sha256", token, "hex")) ?? null,
  };
}
