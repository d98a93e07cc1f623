import { queryVector, type ScorePartsRequest } from "../../../core-wasm/src/score-parts.js";
import type { ScoreJob } from "./scorer.js";

/**
 * The inputs `scoreParts` needs for a job: the same model, person and boosts
 * the scorer writes into the request slot, with the query vector formed once.
 * Built only for explained jobs, after scoring.
 */
export function scorePartsRequest(job: ScoreJob): ScorePartsRequest {
  const { model, person } = job;
  return {
    wBase: model.wBase,
    wPopularity: model.wPopularity,
    wAffinity: model.wAffinity,
    wPrice: model.wPrice,
    priceScale: model.priceScale,
    wMargin: model.wMargin,
    person:
      person === null
        ? null
        : {
            query: queryVector(model.weights, person.vector),
            affinity: person.categoryAffinity,
            priceAnchor: person.priceAnchor,
            discountSensitivity: person.discountSensitivity,
          },
    categoryBoost: job.categoryBoost,
  };
}
