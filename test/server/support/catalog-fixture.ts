/**
 * The hand-made catalog of the Decide contract tests: every item is there to
 * exercise one rule (or one precedence between two rules). Stores "s1", "s2".
 */
import { ALL_CONSENT, Consent } from "../../../server/src/domain/consent.js";
import { Channel } from "../../../server/src/gen/relevance/v1/common_pb.js";
import { type ItemInit, item, profile } from "./model.js";

export const CATALOG: readonly ItemInit[] = [
  item("shoe-run", {
    category: ["shoes", "running"],
    price: 90,
    margin: 0.35,
    stock: 12,
    storeStock: { s1: 3, s2: 0 },
    popularity: 0.8,
  }),
  item("shoe-trail", {
    category: ["shoes", "trail"],
    price: 60,
    margin: 0.25,
    stock: 5,
    storeStock: { s1: 0, s2: 2 },
    popularity: 0.4,
  }),
  item("shirt-oxford", {
    category: ["apparel", "men"],
    price: 30,
    margin: 0.5,
    stock: 40,
    storeStock: { s1: 10, s2: 10 },
    popularity: 0.6,
  }),
  // Margin exactly at the floor: kept (only a margin below the floor excludes).
  item("shirt-floor", {
    category: ["apparel"],
    price: 25,
    margin: 0.05,
    stock: 3,
    storeStock: { s1: 1 },
    popularity: 0.3,
  }),
  item("dress-silk", {
    category: ["apparel", "women"],
    price: 120,
    margin: 0.4,
    stock: 7,
    storeStock: { s2: 4 },
    popularity: 0.9,
    boost: 0.5,
  }),
  item("cream-day", {
    category: ["beauty"],
    price: 15,
    margin: 0.6,
    stock: 100,
    storeStock: { s1: 20, s2: 20 },
    popularity: 0.2,
  }),
  item("lamp-web", {
    category: ["home", "lighting"],
    price: 45,
    margin: 0.3,
    stock: 8,
    storeStock: { s1: 2, s2: 1 },
    popularity: 0.5,
    channels: [Channel.WEB],
  }),
  item("mug-owned", {
    category: ["home"],
    price: 8,
    margin: 0.2,
    stock: 50,
    storeStock: { s1: 5, s2: 5 },
    popularity: 0.1,
    channels: [Channel.WEB, Channel.APP, Channel.EMAIL],
  }),
  // Would rank first if it were not out of stock; stock at the stores does not help.
  item("sold-out", {
    category: ["shoes"],
    price: 70,
    margin: 0.3,
    stock: 0,
    storeStock: { s1: 5, s2: 5 },
    popularity: 1,
    boost: 2,
  }),
  item("thin-margin", {
    category: ["apparel"],
    price: 20,
    margin: 0.049,
    stock: 9,
    storeStock: { s1: 9, s2: 9 },
    popularity: 1,
    boost: 1,
  }),
  item("loss-leader", {
    category: ["beauty"],
    price: 5,
    margin: -0.1,
    stock: 30,
    storeStock: { s1: 30, s2: 30 },
    popularity: 1,
    boost: 1,
  }),
  // Out of stock and below the floor: OUT_OF_STOCK comes first.
  item("sold-out-thin", { category: ["home"], price: 10, margin: 0.01, stock: 0, popularity: 0.9 }),
  // Not allowed on web and out of stock: INELIGIBLE comes first.
  item("email-only-sold-out", {
    category: ["toys"],
    price: 12,
    margin: 0.4,
    stock: 0,
    channels: [Channel.EMAIL],
  }),
];

export const ALL_SKUS: readonly string[] = CATALOG.map((i) => i.sku!);

/** What passes every check on web without a store. */
export const KEPT_ON_WEB: readonly string[] = [
  "shoe-run",
  "shoe-trail",
  "shirt-oxford",
  "shirt-floor",
  "dress-silk",
  "cream-day",
  "lamp-web",
  "mug-owned",
];

export const PEOPLE = {
  all: profile("p-all", ALL_CONSENT, { seed: 11, favourite: "shoes" }),
  noEmail: profile("p-no-email", ALL_CONSENT & ~Consent.EMAIL, { seed: 12 }),
  noPersonalisation: profile("p-no-perso", ALL_CONSENT & ~Consent.PERSONALIZATION, { seed: 13 }),
  emailOnly: profile("p-email-only", Consent.EMAIL, { seed: 14 }),
  reasons: profile("p-reasons", ALL_CONSENT, { seed: 15, favourite: "apparel" }),
} as const;
