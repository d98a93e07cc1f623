import type { ChannelName, Delivery } from "../delivery.js";
import { checkGuardrail } from "./guardrail.js";
import { quietHoursEnd } from "./quiet-hours.js";
import { renderEmail } from "./render-email.js";
import { renderInStore } from "./render-in-store.js";
import type { ResolvedRenderOptions } from "./render-options.js";
import { renderPaidMedia } from "./render-paid-media.js";
import { renderPush } from "./render-push.js";
import { renderSms } from "./render-sms.js";
import { renderWeb } from "./render-web.js";
import type { RenderedMessage } from "./rendered.js";

/**
 * What to do with a delivery, which maps onto its ack: send the message
 * (DELIVERED once the sink has it), offer it again at `retryAtMs`
 * (DEFERRED), or drop it (REJECTED).
 */
export type RenderOutcome =
  | { readonly kind: "send"; readonly message: RenderedMessage }
  | { readonly kind: "defer"; readonly retryAtMs: number; readonly reason: string }
  | { readonly kind: "reject"; readonly reason: string };

type Renderer = (delivery: Delivery, options: ResolvedRenderOptions) => RenderedMessage;

const RENDERERS: Readonly<Record<ChannelName, Renderer>> = Object.freeze({
  email: renderEmail,
  sms: renderSms,
  push: renderPush,
  web: renderWeb,
  app: renderWeb,
  in_store: renderInStore,
  paid_media: renderPaidMedia,
});

/**
 * Decides and renders one delivery at `nowMs`, in this order:
 * 1. reject "expired" when `expiresAtMs` (> 0) has passed;
 * 2. defer during the delivery's quiet hours (any channel that carries them)
 *    until they end in the recipient's zone, or reject when the delivery
 *    expires first;
 * 3. reject a delivery without items;
 * 4. render with the channel's renderer;
 * 5. reject when the guardrail finds a claim the decision does not back.
 *
 * Pure: the clock is an argument, so tests pin time zones and DST changes.
 */
export function renderDelivery(
  delivery: Delivery,
  options: ResolvedRenderOptions,
  nowMs: number,
): RenderOutcome {
  const expires = delivery.expiresAtMs;
  if (expires > 0 && nowMs >= expires) return { kind: "reject", reason: "expired" };
  if (delivery.quietHours !== null) {
    const retryAtMs = quietHoursEnd(nowMs, delivery.timeZone, delivery.quietHours);
    if (retryAtMs !== null) {
      if (expires > 0 && retryAtMs >= expires)
        return { kind: "reject", reason: "expires during quiet hours" };
      const { startHour, endHour } = delivery.quietHours;
      return {
        kind: "defer",
        retryAtMs,
        reason: `quiet hours ${startHour}:00-${endHour}:00 in ${delivery.timeZone || "UTC"}`,
      };
    }
  }
  if (delivery.items.length === 0) return { kind: "reject", reason: "no items" };
  const renderer = RENDERERS[delivery.channel] as Renderer | undefined;
  if (renderer === undefined)
    return { kind: "reject", reason: `no renderer for channel ${JSON.stringify(delivery.channel)}` };
  const message = renderer(delivery, options);
  const failure = checkGuardrail(message, delivery, options.currency);
  return failure === null ? { kind: "send", message } : { kind: "reject", reason: failure };
}
