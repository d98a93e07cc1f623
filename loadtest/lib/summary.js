// handleSummary for every scenario: a short text summary on stdout and, with
// SUMMARY_JSON=<path>, k6's whole summary as JSON for `npm run bench`.
export function summaryOutputs(data, extra = {}) {
  const out = {};
  const lines = [];
  for (const [name, metric] of Object.entries(data.metrics)) {
    if (metric.type === "trend") {
      const v = metric.values;
      const f = (x) => (x === undefined ? "-" : x.toFixed(2));
      lines.push(
        `${name}: p50 ${f(v.med)} ms, p95 ${f(v["p(95)"])} ms, p99 ${f(v["p(99)"])} ms, max ${f(v.max)} ms`,
      );
    } else if (metric.type === "counter") {
      lines.push(`${name}: ${metric.values.count} (${metric.values.rate.toFixed(1)}/s)`);
    } else if (metric.type === "rate") {
      lines.push(`${name}: ${(metric.values.rate * 100).toFixed(2)} %`);
    }
    if (metric.thresholds) {
      for (const [t, r] of Object.entries(metric.thresholds)) lines.push(`  ${r.ok ? "✓" : "✗"} ${t}`);
    }
  }
  for (const [k, v] of Object.entries(extra)) lines.push(`${k}: ${JSON.stringify(v)}`);
  out.stdout = `${lines.join("\n")}\n`;
  if (__ENV.SUMMARY_JSON) out[__ENV.SUMMARY_JSON] = JSON.stringify({ ...data, extra }, null, 2);
  return out;
}
