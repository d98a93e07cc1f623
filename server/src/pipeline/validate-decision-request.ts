import { CHANNEL_NAMES, isChannel } from "../domain/channel.js";
import type { DecisionRequest, ValidDecisionRequest } from "../domain/decision.js";
import { DecisionError, exceedsLimit, invalidField } from "../errors/index.js";

/** Limits a Decide request is held to; each names the option that sets it. */
export interface RequestLimits {
  /** @default 5000 */
  readonly maxCandidates: number;
  /** @default 1000 */
  readonly maxLimit: number;
  /** @default 20 */
  readonly defaultLimit: number;
  /** @default 256 */
  readonly maxUserIdLength: number;
  /** @default 128 */
  readonly maxSkuLength: number;
  /** @default 500 */
  readonly maxCartSkus: number;
}

const USE_CASE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const MAX_TEXT = 1024;
const MAX_ID = 128;
const MAX_ABS_BASE_SCORE = 1e9;
const CHANNEL_LIST = Object.values(CHANNEL_NAMES).join(", ");

function overLimit(field: string, actual: number, limit: number, option: string, unit = ""): DecisionError {
  return new DecisionError("LIMIT_EXCEEDED", exceedsLimit(field, actual, limit, option, unit));
}

function checkLength(field: string, value: string, max: number, option?: string): void {
  if (value.length <= max) return;
  if (option !== undefined) throw overLimit(field, value.length, max, option, " characters");
  throw invalidField(field, `${value.length} characters exceeds the limit of ${max}`);
}

/**
 * Checks a decoded Decide request against the contract and the server's limits,
 * and applies the default limit. The first problem found is reported, naming
 * the field (with its index for repeated fields) and, for limits, the option.
 *
 * Duplicate candidate SKUs are detected later, where SKUs are mapped to catalog
 * rows, because it costs nothing there.
 */
export function validateDecisionRequest(req: DecisionRequest, limits: RequestLimits): ValidDecisionRequest {
  if (req.userId === "") throw invalidField("user_id", "required");
  checkLength("user_id", req.userId, limits.maxUserIdLength, "maxUserIdLength");
  if (req.channel === 0) throw invalidField("channel", `required, one of ${CHANNEL_LIST}`);
  if (!isChannel(req.channel)) throw invalidField("channel", `${req.channel} is not a known channel`);
  if (req.useCase === "") throw invalidField("use_case", "required");
  if (!USE_CASE.test(req.useCase)) {
    throw invalidField(
      "use_case",
      "must be 1-64 characters of a-z, 0-9, '_', '.', '-', starting with a letter or digit",
    );
  }
  checkLength("request_id", req.requestId, MAX_ID);
  checkLength("placement", req.placement, MAX_ID);

  const c = req.context;
  checkLength("context.device", c.device, MAX_ID);
  checkLength("context.store_id", c.storeId, MAX_ID);
  checkLength("context.locale", c.locale, MAX_ID);
  checkLength("context.time_zone", c.timeZone, MAX_ID);
  checkLength("context.query", c.query, MAX_TEXT);
  checkLength("context.page", c.page, MAX_TEXT);
  if (c.cartSkus.length > limits.maxCartSkus) {
    throw overLimit("context.cart_skus", c.cartSkus.length, limits.maxCartSkus, "maxCartSkus");
  }
  c.cartSkus.forEach((sku, i) => {
    checkLength(`context.cart_skus[${i}]`, sku, limits.maxSkuLength, "maxSkuLength");
  });
  if (c.timestampMs < 0) throw invalidField("context.timestamp_ms", "must not be negative");

  const cands = req.candidates;
  const n = cands.count;
  if (n > limits.maxCandidates) throw overLimit("candidates", n, limits.maxCandidates, "maxCandidates");
  const maxSku = limits.maxSkuLength;
  for (let i = 0; i < n; i++) {
    const bytes = cands.end[i]! - cands.start[i]!;
    if (bytes === 0) throw invalidField(`candidates[${i}].sku`, "required");
    if (bytes > maxSku) throw overLimit(`candidates[${i}].sku`, bytes, maxSku, "maxSkuLength", " bytes");
    const base = cands.base[i]!;
    if (!(Math.abs(base) <= MAX_ABS_BASE_SCORE)) {
      throw invalidField(
        `candidates[${i}].base_score`,
        `must be a finite number within ±${MAX_ABS_BASE_SCORE}`,
      );
    }
  }

  if (req.limit > limits.maxLimit) throw overLimit("limit", req.limit, limits.maxLimit, "maxLimit");
  const limit = req.limit === 0 ? limits.defaultLimit : req.limit;
  return { ...req, channel: req.channel, limit };
}
