import type { Redis } from "ioredis";
import { PERSON_KEY_SUFFIXES, resolveKeyPrefix } from "../profile/redis-profile-store.js";
import { ioTimeout } from "../redis/io-timeout.js";
import {
  assertDecisionId,
  assertExperienceId,
  assertPersonId,
  assertReservationRequest,
} from "./assert-reservation-request.js";
import { CAP_KEY_SUFFIXES, counterSuffix, personKeyBase, reservationSuffix } from "./cap-keys.js";
import { REDEEM_LUA, RELEASE_LUA, RESERVE_LUA } from "./cap-scripts.js";
import {
  type CapCounter,
  type CapStore,
  CapStoreTimeoutError,
  type RedeemOutcome,
  type ReservationRequest,
  type ReservationResult,
} from "./cap-store.js";
import {
  type CapStoreOptions,
  MAX_EXPERIENCE_RETENTION_MS,
  resolveCapStoreOptions,
} from "./cap-store-options.js";

/** Options of `createRedisCapStore`. */
export interface RedisCapStoreOptions extends CapStoreOptions {
  /** Connected client (see `createRedisClient`); the caller owns it and closes it. */
  readonly redis: Redis;
  /**
   * Prefix of every key; the same as the profile and person stores', so
   * Decide reads the redeemed set this store writes and merge and Forget
   * find its keys. Must not contain `{` or `}`.
   * @default "rl:"
   */
  readonly keyPrefix?: string;
}

type Arg = string | number;
/** `RESERVE_LUA`'s reply: now, full decision counter (1-based, 0 none), granted indexes, (index, counter) pairs. */
type ReserveReply = [number, number, number[], number[]];
/** `REDEEM_LUA`'s reply: 0 unknown, 1 redeemed now, 2 redeemed before; then the record. */
type RedeemReply = [0] | [1 | 2, string];

interface CapCommands {
  relevanceCapReserve(numberOfKeys: number, ...keysAndArgs: Arg[]): Promise<ReserveReply>;
  relevanceCapRelease(reservationKey: string, indexKey: string, decisionId: string): Promise<number>;
  relevanceCapRedeem(
    experiencesKey: string,
    redeemedKey: string,
    experienceId: string,
    redeemedRetentionMs: number,
  ): Promise<RedeemReply>;
}

const UNKNOWN: RedeemOutcome = Object.freeze({ kind: "unknown" });

/**
 * Creates the production `CapStore` on Redis. `reserve` is one Lua script
 * (EVALSHA): it reads the time from Redis, checks and fills every counter of
 * the decision in one atomic step, so concurrent decisions of one person in
 * any number of server instances never overshoot a cap. `release` and
 * `redeem` are one script each. Every key is the person's (hash tag
 * `{u:<personId>}`) and expires; the key schema is in
 * `server/src/profile/README.md`. Merge and Forget of the person store move
 * and delete these keys.
 */
export function createRedisCapStore(options: RedisCapStoreOptions): CapStore {
  const { experienceRetentionMs, redeemedRetentionMs } = resolveCapStoreOptions(options);
  const keyPrefix = resolveKeyPrefix(options.keyPrefix);
  const { redis } = options;
  if (redis === null || typeof redis !== "object" || typeof redis.defineCommand !== "function") {
    throw new TypeError("options.redis must be an ioredis client");
  }
  // No numberOfKeys: reserve names as many counter keys as the request has.
  redis.defineCommand("relevanceCapReserve", { lua: RESERVE_LUA });
  redis.defineCommand("relevanceCapRelease", { numberOfKeys: 2, lua: RELEASE_LUA });
  redis.defineCommand("relevanceCapRedeem", { numberOfKeys: 2, lua: REDEEM_LUA });
  const commands = redis as unknown as CapCommands;

  return {
    async reserve(req, timeoutMs) {
      assertReservationRequest(req);
      if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CapStoreTimeoutError(timeoutMs);
      const [keys, args] = reserveArguments(keyPrefix, req, experienceRetentionMs);
      const call = commands.relevanceCapReserve(keys.length, ...keys, ...args);
      const reply = timeoutMs === undefined ? await call : await withTimeout(call, timeoutMs);
      return toResult(req, reply);
    },

    async release(personId, decisionId) {
      assertPersonId("personId", personId);
      assertDecisionId("decisionId", decisionId);
      const base = personKeyBase(keyPrefix, personId);
      return commands.relevanceCapRelease(
        base + reservationSuffix(decisionId),
        base + CAP_KEY_SUFFIXES.index,
        decisionId,
      );
    },

    async isHeld(personId, decisionId) {
      assertPersonId("personId", personId);
      assertDecisionId("decisionId", decisionId);
      return (await redis.exists(personKeyBase(keyPrefix, personId) + reservationSuffix(decisionId))) === 1;
    },

    async redeem(personId, experienceId) {
      assertPersonId("personId", personId);
      assertExperienceId("experienceId", experienceId);
      const reply = await commands.relevanceCapRedeem(
        personKeyBase(keyPrefix, personId) + CAP_KEY_SUFFIXES.experiences,
        personKeyBase(keyPrefix, personId) + PERSON_KEY_SUFFIXES.redeemed,
        experienceId,
        redeemedRetentionMs,
      );
      if (reply[0] === 0) return UNKNOWN;
      const [useCase = "", offerId = "", sku = ""] = String(reply[1]).split("\t");
      return { kind: reply[0] === 1 ? "redeemed" : "already_redeemed", useCase, offerId, sku };
    },
  };
}

/** KEYS and ARGV of `RESERVE_LUA` for `req`; each distinct counter key is named once. */
function reserveArguments(
  keyPrefix: string,
  req: ReservationRequest,
  experienceRetentionMs: number,
): [string[], Arg[]] {
  const base = personKeyBase(keyPrefix, req.personId);
  const keys = [
    base + CAP_KEY_SUFFIXES.index,
    base + CAP_KEY_SUFFIXES.experiences,
    base + reservationSuffix(req.decisionId),
  ];
  const slots = new Map<string, number>();
  const args: Arg[] = [req.decisionId, req.want, experienceRetentionMs, MAX_EXPERIENCE_RETENTION_MS];
  const pushCounter = (c: CapCounter): void => {
    const suffix = counterSuffix(c.ruleId, c.scope);
    let slot = slots.get(suffix);
    if (slot === undefined) {
      keys.push(base + suffix);
      slot = keys.length; // Lua's KEYS are 1-based
      slots.set(suffix, slot);
    }
    args.push(slot, c.limit, c.windowMs);
  };
  args.push(req.decision.length);
  for (const c of req.decision) pushCounter(c);
  args.push(req.items.length);
  for (const item of req.items) {
    args.push(item.counters.length);
    for (const c of item.counters) pushCounter(c);
    const e = item.experience;
    if (e === null) {
      args.push(0);
    } else {
      const until = Number.isFinite(e.untilMs) ? Math.max(0, Math.ceil(e.untilMs)) : 0;
      args.push(1, e.experienceId, `${e.useCase}\t${e.offerId}\t${e.sku}\t0`, until);
    }
  }
  return [keys, args];
}

function toResult(req: ReservationRequest, [atMs, denied, granted, pairs]: ReserveReply): ReservationResult {
  const itemDenials: { index: number; counter: CapCounter }[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const index = pairs[i]!;
    itemDenials.push({ index, counter: req.items[index]!.counters[pairs[i + 1]! - 1]! });
  }
  return {
    atMs,
    deniedBy: denied > 0 ? req.decision[denied - 1]! : null,
    granted,
    itemDenials,
  };
}

/**
 * `call`, or a `CapStoreTimeoutError` after `timeoutMs` (an ioTimeout: a reply
 * already waiting in the socket wins); a late reply or error is dropped.
 */
function withTimeout<T>(call: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancelTimer = ioTimeout(() => reject(new CapStoreTimeoutError(timeoutMs)), timeoutMs);
    call.then(
      (value) => {
        cancelTimer();
        resolve(value);
      },
      (error: unknown) => {
        cancelTimer();
        reject(error);
      },
    );
  });
}
