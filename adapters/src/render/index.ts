/** Renderers: what the adapter runner needs to turn a delivery into a message or an ack. */
export { checkGuardrail, type GuardrailFailure } from "./guardrail.js";
export { DEFAULT_TEMPLATES_DIR, loadTemplates, type Templates } from "./load-templates.js";
export { type RenderOutcome, renderDelivery } from "./render-delivery.js";
export {
  RENDER_DEFAULTS,
  type RenderOptions,
  type ResolvedRenderOptions,
  resolveRenderOptions,
} from "./render-options.js";
export type { RenderedMessage } from "./rendered.js";
