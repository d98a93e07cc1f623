import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** One point of the latency-vs-throughput curve: a fixed offered rate held for a few seconds. */
export interface CurvePoint {
  readonly share: number;
  readonly offered_rps: number;
  readonly achieved_rps: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
}

/**
 * The latency-vs-throughput plot of `npm run bench` as SVG, drawn by Vega-Lite
 * (headless: Vega renders SVG without a browser or canvas): p50 and p99 of
 * Decide against the achieved rate, with the p99 budget as a rule.
 */
export async function latencyThroughputSvg(
  curve: readonly CurvePoint[],
  budgetMs: number,
  title: string,
): Promise<string> {
  const values = curve.flatMap((c) => [
    { rps: c.achieved_rps, ms: c.p50_ms, quantile: "p50", share: `${Math.round(c.share * 100)} % of max` },
    { rps: c.achieved_rps, ms: c.p99_ms, quantile: "p99", share: `${Math.round(c.share * 100)} % of max` },
  ]);
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 560,
    height: 320,
    layer: [
      {
        data: { values },
        mark: { type: "line", point: true },
        encoding: {
          x: {
            field: "rps",
            type: "quantitative",
            title: "Decide, achieved req/s (fixed schedule, 5 s a point)",
          },
          y: { field: "ms", type: "quantitative", title: "latency, ms", scale: { type: "log" } },
          color: { field: "quantile", type: "nominal", title: null },
          tooltip: [{ field: "share" }, { field: "rps" }, { field: "ms" }],
        },
      },
      {
        data: { values: [{ budget: budgetMs }] },
        mark: { type: "rule", strokeDash: [6, 4], color: "#b00" },
        encoding: { y: { field: "budget", type: "quantitative" } },
      },
      {
        data: { values: [{ budget: budgetMs, label: `p99 budget ${budgetMs} ms` }] },
        mark: { type: "text", align: "left", dx: 4, dy: -6, color: "#b00" },
        encoding: { y: { field: "budget", type: "quantitative" }, x: { value: 0 }, text: { field: "label" } },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}
