/**
 * The linear model the kernel evaluates: one weight per item feature (crossed
 * with the person's profile vector) plus weights for the terms the kernel builds
 * itself. See core-wasm/README.md for the formula.
 */
export interface ScoringModel {
  /** Names the model in logs and versions. */
  readonly version: string;
  /** One weight per item feature; length = feature count. */
  readonly weights: Float32Array;
  readonly wBase: number;
  readonly wAffinity: number;
  readonly wPrice: number;
  readonly priceScale: number;
  readonly wMargin: number;
  readonly wPopularity: number;
  /** Items with a margin below this are never returned. */
  readonly marginFloor: number;
}

/**
 * The model used until a policy supplies one: equal feature weights, the
 * caller's base score first, personal terms next, margin only for people who
 * are not discount-sensitive.
 */
export function defaultScoringModel(features: number, marginFloor: number): ScoringModel {
  return Object.freeze({
    version: "linear-default-1",
    weights: new Float32Array(features).fill(1),
    wBase: 1,
    wAffinity: 0.5,
    wPrice: 0.3,
    priceScale: 1,
    wMargin: 0.2,
    wPopularity: 0.3,
    marginFloor,
  });
}

/** The scalar weights a policy sets (server/src/policy/policy.ts `Weights`). */
export interface ScalarWeights {
  readonly base: number;
  readonly affinity: number;
  readonly price: number;
  readonly margin: number;
  readonly popularity: number;
  readonly marginFloor: number;
}

const models = new WeakMap<ScalarWeights, ScoringModel>();

/**
 * The server's model with a policy's scalar weights: feature weights and price
 * scale from `server`, the rest from `weights`. Memoised per weights object, so
 * a decision builds nothing; a policy swap brings new objects and new models.
 */
export function modelFor(server: ScoringModel, weights: ScalarWeights): ScoringModel {
  let model = models.get(weights);
  if (model === undefined) {
    model = Object.freeze({
      version: server.version,
      weights: server.weights,
      wBase: weights.base,
      wAffinity: weights.affinity,
      wPrice: weights.price,
      priceScale: server.priceScale,
      wMargin: weights.margin,
      wPopularity: weights.popularity,
      marginFloor: weights.marginFloor,
    });
    models.set(weights, model);
  }
  return model;
}
