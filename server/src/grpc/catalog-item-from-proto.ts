import type { CatalogItem } from "../domain/catalog-item.js";
import { ALL_CHANNELS_MASK, isChannel } from "../domain/channel.js";
import { DecisionError, exceedsLimit, invalidField } from "../errors/index.js";
import type { Item } from "../gen/relevance/v1/catalog_pb.js";

/** Limits an incoming catalog item is held to. */
export interface ItemLimits {
  /** Feature count of the server's model; every item must have exactly this many. */
  readonly features: number;
  readonly maxSkuLength: number;
}

const MAX_NAME = 128;
const MAX_CATEGORY_DEPTH = 8;
const MAX_ABS_BOOST = 1000;
const MAX_STOCK = 2 ** 31 - 1;

const inRange = (v: number, lo: number, hi: number) => v >= lo && v <= hi;

/**
 * Validates a proto Item and converts it to the domain CatalogItem. `field` is
 * the item's path in the request (`items[12]`), used in every message.
 */
export function catalogItemFromProto(item: Item, field: string, limits: ItemLimits): CatalogItem {
  if (item.sku === "") throw invalidField(`${field}.sku`, "required");
  // Bytes, like Decide counts candidate SKUs: every SKU the catalog takes can be sent as a candidate.
  const skuBytes = Buffer.byteLength(item.sku, "utf8");
  if (skuBytes > limits.maxSkuLength) {
    throw new DecisionError(
      "INVALID_FIELD",
      exceedsLimit(`${field}.sku`, skuBytes, limits.maxSkuLength, "maxSkuLength", " bytes"),
    );
  }
  if (item.categoryPath.length === 0)
    throw invalidField(`${field}.category_path`, "required, at least the top-level category");
  if (item.categoryPath.length > MAX_CATEGORY_DEPTH) {
    throw invalidField(
      `${field}.category_path`,
      `${item.categoryPath.length} levels exceeds the limit of ${MAX_CATEGORY_DEPTH}`,
    );
  }
  item.categoryPath.forEach((c, i) => {
    if (c === "" || c.length > MAX_NAME)
      throw invalidField(`${field}.category_path[${i}]`, `must be 1-${MAX_NAME} characters`);
  });
  if (item.brand.length > MAX_NAME)
    throw invalidField(`${field}.brand`, `must be at most ${MAX_NAME} characters`);
  if (!(Number.isFinite(item.price) && item.price > 0))
    throw invalidField(`${field}.price`, "must be a finite number > 0");
  if (!inRange(item.margin, -1, 1)) throw invalidField(`${field}.margin`, "must be in [-1, 1]");
  if (!inRange(item.stock, 0, MAX_STOCK)) throw invalidField(`${field}.stock`, "must not be negative");
  for (const [store, n] of Object.entries(item.storeStock)) {
    if (store === "" || store.length > MAX_NAME)
      throw invalidField(`${field}.store_stock`, `store ids must be 1-${MAX_NAME} characters`);
    if (!inRange(n, 0, MAX_STOCK))
      throw invalidField(`${field}.store_stock[${JSON.stringify(store)}]`, "must not be negative");
  }
  if (!inRange(item.returnRate, 0, 1)) throw invalidField(`${field}.return_rate`, "must be in [0, 1]");
  if (item.features.length !== limits.features) {
    throw invalidField(
      `${field}.features`,
      `has ${item.features.length} values, the server's model needs ${limits.features} (option features)`,
    );
  }
  const features = Float32Array.from(item.features);
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i]))
      throw invalidField(`${field}.features[${i}]`, "must be a finite number");
  }
  let channels = 0;
  item.channels.forEach((c, i) => {
    if (!isChannel(c)) throw invalidField(`${field}.channels[${i}]`, `${c} is not a known channel`);
    channels |= 1 << c;
  });
  if (!inRange(item.popularity, 0, 1)) throw invalidField(`${field}.popularity`, "must be in [0, 1]");
  if (!inRange(item.boost, -MAX_ABS_BOOST, MAX_ABS_BOOST)) {
    throw invalidField(`${field}.boost`, `must be within ±${MAX_ABS_BOOST}`);
  }
  return {
    sku: item.sku,
    categoryPath: [...item.categoryPath],
    brand: item.brand,
    price: item.price,
    margin: item.margin,
    stock: item.stock,
    storeStock: { ...item.storeStock },
    returnRate: item.returnRate,
    features,
    channels: channels === 0 ? ALL_CHANNELS_MASK : channels,
    popularity: item.popularity,
    boost: item.boost,
  };
}
