/**
 * Fixtures and a service-level reference model for the server contract tests:
 * catalog items as the CatalogService receives them, profiles as the profile
 * store keeps them, and what Decide must answer for them (constraints in the
 * README order, f32 scores in the README formula, ranking and tie-breaks).
 *
 * The model is written from core-wasm/README.md and the proto comments, not
 * from the kernel, so a disagreement points at one of the two.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { CATEGORY_SLOTS, Reason } from "../../../core-wasm/src/layout.js";
import { createRng } from "../../../server/src/demo/synthetic.js";
import type { CatalogItem } from "../../../server/src/domain/catalog-item.js";
import { categorySlot } from "../../../server/src/domain/category-slot.js";
import { ALL_CHANNELS_MASK } from "../../../server/src/domain/channel.js";
import { ALL_CONSENT, channelPurpose } from "../../../server/src/domain/consent.js";
import { NO_SIGNALS, type Profile } from "../../../server/src/domain/profile.js";
import type { ItemSchema } from "../../../server/src/gen/relevance/v1/catalog_pb.js";
import type { Channel as ProtoChannel } from "../../../server/src/gen/relevance/v1/common_pb.js";

/** Features per item and profile in every server of these tests (option `features`). */
export const FEATURES = 8;
/** Default option marginFloor. */
export const MARGIN_FLOOR = 0.05;

export type ItemInit = MessageInitShape<typeof ItemSchema>;

const f = Math.fround;
const W_BASE = f(1);
const W_AFFINITY = f(0.5);
const W_PRICE = f(0.3);
const PRICE_SCALE = f(1);
const W_MARGIN = f(0.2);
const W_POPULARITY = f(0.3);

/** FEATURES values in [-1, 1), deterministic per seed. */
export function features(seed: number): number[] {
  const r = createRng(seed);
  return Array.from({ length: FEATURES }, () => Math.round((r() * 2 - 1) * 1000) / 1000);
}

export interface ItemSpec {
  readonly category?: readonly string[];
  readonly price?: number;
  readonly margin?: number;
  readonly stock?: number;
  readonly storeStock?: Readonly<Record<string, number>>;
  readonly channels?: readonly number[];
  readonly popularity?: number;
  readonly boost?: number;
  readonly features?: readonly number[];
}

let itemSeed = 1;

/** A valid catalog item (proto init shape) with sensible defaults. */
export function item(sku: string, spec: ItemSpec = {}): ItemInit {
  return {
    sku,
    categoryPath: [...(spec.category ?? ["apparel", "tops"])],
    brand: "acme",
    price: spec.price ?? 40,
    margin: spec.margin ?? 0.3,
    stock: spec.stock ?? 10,
    storeStock: { ...(spec.storeStock ?? {}) },
    returnRate: 0.1,
    features: [...(spec.features ?? features(itemSeed++))],
    channels: [...(spec.channels ?? [])] as ProtoChannel[],
    popularity: spec.popularity ?? 0.5,
    boost: spec.boost ?? 0,
  };
}

/** A domain CatalogItem (e.g. from `generateCatalog`) as the proto item that loads it. */
export function itemFromDomain(c: CatalogItem): ItemInit {
  const channels: number[] = [];
  if (c.channels !== ALL_CHANNELS_MASK)
    for (let ch = 1; ch <= 7; ch++) if (c.channels & (1 << ch)) channels.push(ch);
  return {
    sku: c.sku,
    categoryPath: [...c.categoryPath],
    brand: c.brand,
    price: c.price,
    margin: c.margin,
    stock: c.stock,
    storeStock: { ...c.storeStock },
    returnRate: c.returnRate,
    features: Array.from(c.features),
    channels: channels as ProtoChannel[],
    popularity: c.popularity,
    boost: c.boost,
  };
}

/** A profile with FEATURES values and CATEGORY_SLOTS affinities, deterministic per seed. */
export function profile(
  userId: string,
  consent: number = ALL_CONSENT,
  options: {
    seed?: number;
    favourite?: string;
    priceAnchor?: number;
    discountSensitivity?: number;
    events?: number;
  } = {},
): Profile {
  const r = createRng(options.seed ?? 7);
  const vector = Float32Array.from({ length: FEATURES }, () => r() * 2 - 1);
  const categoryAffinity = Float32Array.from({ length: CATEGORY_SLOTS }, () => r() * 0.2);
  categoryAffinity[categorySlot(options.favourite ?? "shoes")] = 0.9;
  return {
    userId,
    vector,
    categoryAffinity,
    priceAnchor: options.priceAnchor ?? Math.log(50),
    discountSensitivity: options.discountSensitivity ?? 0.25,
    churnRisk: 0.1,
    loyaltyTier: 1,
    events: options.events ?? 120,
    consent,
    signals: NO_SIGNALS,
    updatedAtMs: 1_700_000_000_000,
  };
}

/** One catalog row as the kernel sees it: every number as the f32 it is stored as. */
interface ModelRow {
  readonly sku: string;
  readonly features: Float32Array;
  readonly slot: number;
  readonly popularity: number;
  logPrice: number;
  margin: number;
  stock: number;
  readonly storeStock: Map<string, number>;
  readonly channels: number;
  readonly boost: number;
}

/** The catalog as a model: rows in the order the server assigns them (first upsert of a SKU). */
export class CatalogModel {
  private readonly rows = new Map<string, ModelRow>();
  version = 0;

  upsert(items: readonly ItemInit[]): void {
    for (const it of items) {
      let mask = 0;
      for (const c of it.channels ?? []) mask |= 1 << c;
      const storeStock = new Map<string, number>();
      for (const [id, n] of Object.entries(it.storeStock ?? {})) storeStock.set(id, Math.min(n, 0xffff));
      this.rows.set(it.sku!, {
        sku: it.sku!,
        features: Float32Array.from(it.features ?? []),
        slot: categorySlot(it.categoryPath?.[0] ?? ""),
        popularity: f(it.popularity ?? 0),
        logPrice: f(Math.log(it.price!)),
        margin: f(it.margin ?? 0),
        stock: it.stock ?? 0,
        storeStock,
        channels: mask === 0 ? ALL_CHANNELS_MASK : mask,
        boost: f(it.boost ?? 0),
      });
    }
    this.version++;
  }

  /** Applies what SetStock applies: network-wide stock (store "") or stock at one store. */
  setStock(sku: string, storeId: string, quantity: number): void {
    const row = this.rows.get(sku)!;
    if (storeId === "") row.stock = quantity;
    else row.storeStock.set(storeId, Math.min(quantity, 0xffff));
    this.version++;
  }

  /** Applies what SetPrice applies: price, and margin when given. */
  setPrice(sku: string, price: number, margin?: number): void {
    const row = this.rows.get(sku)!;
    row.logPrice = f(Math.log(price));
    if (margin !== undefined) row.margin = f(margin);
    this.version++;
  }

  get size(): number {
    return this.rows.size;
  }

  skus(): string[] {
    return [...this.rows.keys()];
  }

  /** Expected answer of Decide (candidate mode when `candidates` is non-empty, else catalog mode). */
  decide(req: ModelRequest): ModelDecision {
    const person = req.person;
    const consent = person?.consent ?? 0;
    const purpose = channelPurpose(req.channel as never);
    const blocked = purpose !== 0 && (consent & purpose) === 0;
    const personal =
      person !== null && person !== undefined && (consent & 1) !== 0 ? personModel(person) : null;
    const exclusions = new Map<string, number>();
    for (const sku of req.capped ?? []) if (!exclusions.has(sku)) exclusions.set(sku, Reason.CAPPED);
    for (const sku of req.redeemed ?? []) if (!exclusions.has(sku)) exclusions.set(sku, Reason.REDEEMED);

    const reasonOf = (row: ModelRow | undefined): number => {
      if (row === undefined) return Reason.UNKNOWN_SKU;
      if (blocked) return Reason.NO_CONSENT;
      if (((row.channels >> req.channel) & 1) === 0) return Reason.INELIGIBLE;
      if (row.stock <= 0) return Reason.OUT_OF_STOCK;
      if (req.storeId !== undefined && req.storeId !== "" && (row.storeStock.get(req.storeId) ?? 0) === 0) {
        return Reason.OUT_OF_STOCK;
      }
      if (row.margin < f(MARGIN_FLOOR)) return Reason.BELOW_MARGIN_FLOOR;
      return exclusions.get(row.sku) ?? Reason.KEPT;
    };

    const kept: { sku: string; score: number; pos: number }[] = [];
    const excluded: { sku: string; reason: number; score: number; pos: number }[] = [];
    const candidates = req.candidates ?? [];
    if (candidates.length > 0) {
      candidates.forEach((c, pos) => {
        const row = this.rows.get(c.sku);
        const reason = reasonOf(row);
        if (reason !== Reason.KEPT) excluded.push({ sku: c.sku, reason, score: 0, pos });
        else kept.push({ sku: c.sku, score: scoreOf(row!, c.baseScore ?? 0, personal), pos });
      });
    } else {
      let pos = 0;
      for (const row of this.rows.values()) {
        const reason = reasonOf(row);
        const score = scoreOf(row, 0, personal);
        if (reason === Reason.KEPT) kept.push({ sku: row.sku, score, pos });
        else excluded.push({ sku: row.sku, reason, score, pos });
        pos++;
      }
    }
    const byRank = (a: { score: number; pos: number }, b: { score: number; pos: number }) =>
      b.score - a.score || a.pos - b.pos;
    kept.sort(byRank);
    const items = kept.slice(0, req.limit).map((k) => ({ sku: k.sku, score: k.score }));
    let excl: ModelExclusion[] = [];
    if (req.explain) {
      if (candidates.length > 0) excl = excluded.map((e) => ({ sku: e.sku, reason: e.reason }));
      else
        excl = excluded
          .sort(byRank)
          .slice(0, req.limit)
          .map((e) => ({ sku: e.sku, reason: e.reason }));
    }
    return { items, excluded: excl, keptCount: kept.length };
  }
}

export interface ModelRequest {
  readonly channel: number;
  readonly storeId?: string;
  readonly candidates?: readonly { sku: string; baseScore?: number }[];
  readonly limit: number;
  readonly explain?: boolean;
  /** The person's stored profile, or null for a person without one. */
  readonly person: Profile | null;
  readonly capped?: readonly string[];
  readonly redeemed?: readonly string[];
}

export interface ModelExclusion {
  readonly sku: string;
  readonly reason: number;
}

export interface ModelDecision {
  readonly items: readonly { sku: string; score: number }[];
  readonly excluded: readonly ModelExclusion[];
  /** Items passing every check, including those cut by the limit. */
  readonly keptCount: number;
}

interface PersonModel {
  readonly vector: Float32Array;
  readonly affinity: Float32Array;
  readonly anchor: number;
  readonly oneMinusDs: number;
}

function personModel(p: Profile): PersonModel {
  return {
    vector: Float32Array.from(p.vector),
    affinity: Float32Array.from(p.categoryAffinity),
    anchor: f(p.priceAnchor),
    oneMinusDs: f(1 - f(p.discountSensitivity)),
  };
}

/** README formula, every operation rounded to f32. Weights are the default model's (all feature weights 1). */
function scoreOf(row: ModelRow, base: number, person: PersonModel | null): number {
  const common = f(f(f(W_BASE * f(base)) + f(W_POPULARITY * row.popularity)) + row.boost);
  if (person === null) return common;
  const lanes = [0, 0, 0, 0];
  for (let i = 0; i < FEATURES; i++) {
    const q = f(1 * person.vector[i]!);
    lanes[i % 4] = f(lanes[i % 4]! + f(q * row.features[i]!));
  }
  const dot = f(f(lanes[0]! + lanes[1]!) + f(lanes[2]! + lanes[3]!));
  const pf = f(1 / f(1 + f(Math.abs(f(row.logPrice - person.anchor)) * PRICE_SCALE)));
  const personal = f(
    f(f(dot + f(W_AFFINITY * person.affinity[row.slot]!)) + f(W_PRICE * pf)) +
      f(f(W_MARGIN * row.margin) * person.oneMinusDs),
  );
  return f(personal + common);
}
