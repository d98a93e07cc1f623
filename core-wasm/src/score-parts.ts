/**
 * A score split into the model's terms, for `explain`: the README formula
 * evaluated in TypeScript for one item after the kernel has ranked it, reading
 * the resident catalog columns. The kernel itself only returns totals; doing
 * this for the few kept items keeps the scoring call free of per-term output.
 *
 * Every part is the f32 value the kernel computes for that term (same
 * `Math.fround` steps as `referenceDecide`), so summed in the kernel's order,
 * `(((profileMatch + affinity) + priceFit) + margin) + (((base + popularity) +
 * merchandising) + categoryBoost)`, they give the kernel's score bit for bit;
 * summed in any other order they agree with it to f32 rounding.
 */
import type { CatalogRegion } from "./catalog-region.js";
import { CATEGORY_SLOTS } from "./layout.js";

const fround = Math.fround;

/** One item's score, term by term; the terms a request does not use are 0. */
export interface ScoreParts {
  /** `w_base · base score` (the caller's score; 0 in a catalog scan). */
  readonly base: number;
  /** `w_pop · popularity`. */
  readonly popularity: number;
  /** The catalog's merchandising boost of the item. */
  readonly merchandising: number;
  /** `dot(weights ⊙ profile, item vector)`; 0 when not personalised. */
  readonly profileMatch: number;
  /** `w_aff · affinity` for the item's top category; 0 when not personalised. */
  readonly affinity: number;
  /** `w_price · price fit`; 0 when not personalised. */
  readonly priceFit: number;
  /** `(w_margin · margin) · (1 − discount sensitivity)`; 0 when not personalised. */
  readonly margin: number;
  /** The request's boost of the item's top category; 0 when it sent none. */
  readonly categoryBoost: number;
}

/** What a personalised score reads of the person. */
export interface ScorePartsPerson {
  /** `weights ⊙ profile` in f32, as {@link queryVector} makes it; length = catalog features. */
  readonly query: Float32Array;
  /** f32[CATEGORY_SLOTS]: the person's category affinities. */
  readonly affinity: Float32Array;
  readonly priceAnchor: number;
  readonly discountSensitivity: number;
}

/** The request-level inputs of a score: the values `setParams` writes, plus the person and the boosts. */
export interface ScorePartsRequest {
  readonly wBase: number;
  readonly wPopularity: number;
  readonly wAffinity: number;
  readonly wPrice: number;
  readonly priceScale: number;
  readonly wMargin: number;
  /** The person; null for a non-personalised score (no personal term). */
  readonly person: ScorePartsPerson | null;
  /** f32[CATEGORY_SLOTS] boost per top-category slot, or null for none. */
  readonly categoryBoost: Float32Array | null;
}

/**
 * `q = weights ⊙ profile`, each product rounded to f32 as the kernel's
 * per-request query. Call once per request, not per item.
 */
export function queryVector(weights: ArrayLike<number>, profile: ArrayLike<number>): Float32Array {
  if (weights.length !== profile.length) {
    throw new RangeError(
      `queryVector: weights have ${weights.length} features but the profile has ${profile.length}`,
    );
  }
  const query = new Float32Array(weights.length);
  for (let f = 0; f < query.length; f++) query[f] = fround(weights[f]!) * fround(profile[f]!);
  return query;
}

/**
 * The parts of the score of catalog row `item` with caller base score `base`
 * (0 in a catalog scan) under `request`, read from `region` as it is now: a
 * price or catalog change written since the kernel ran is reflected here and
 * not in the kernel's score. Allocates one object; meant for the kept items
 * of an explained decision, not for ranking.
 */
export function scoreParts(
  region: CatalogRegion,
  item: number,
  base: number,
  request: ScorePartsRequest,
): ScoreParts {
  if (!Number.isInteger(item) || item < 0 || item >= region.count) {
    throw new RangeError(`scoreParts: item ${item} is outside the catalog's [0, ${region.count})`);
  }
  // Masked as the kernel does.
  const slot = region.topCategory[item]! & (CATEGORY_SLOTS - 1);
  const baseTerm = fround(fround(request.wBase) * fround(base));
  const popularity = fround(fround(request.wPopularity) * region.popularity[item]!);
  const merchandising = region.boost[item]!;
  const categoryBoost = request.categoryBoost === null ? 0 : fround(request.categoryBoost[slot]!);
  const person = request.person;
  if (person === null) {
    return {
      base: baseTerm,
      popularity,
      merchandising,
      profileMatch: 0,
      affinity: 0,
      priceFit: 0,
      margin: 0,
      categoryBoost,
    };
  }

  const features = region.features;
  const query = person.query;
  if (query.length !== features) {
    throw new RangeError(`scoreParts: query has ${query.length} features but the catalog has ${features}`);
  }
  const vectors = region.vectors;
  const row = item * features;
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  for (let f = 0; f < features; f += 4) {
    l0 = fround(l0 + fround(query[f]! * vectors[row + f]!));
    l1 = fround(l1 + fround(query[f + 1]! * vectors[row + f + 1]!));
    l2 = fround(l2 + fround(query[f + 2]! * vectors[row + f + 2]!));
    l3 = fround(l3 + fround(query[f + 3]! * vectors[row + f + 3]!));
  }
  const distance = fround(Math.abs(fround(region.logPrice[item]! - fround(person.priceAnchor))));
  const pf = fround(1 / fround(1 + fround(distance * fround(request.priceScale))));
  const oneMinusDs = fround(1 - fround(person.discountSensitivity));
  return {
    base: baseTerm,
    popularity,
    merchandising,
    profileMatch: fround(fround(l0 + l1) + fround(l2 + l3)),
    affinity: fround(fround(request.wAffinity) * fround(person.affinity[slot]!)),
    priceFit: fround(fround(request.wPrice) * pf),
    margin: fround(fround(fround(request.wMargin) * region.margin[item]!) * oneMinusDs),
    categoryBoost,
  };
}
