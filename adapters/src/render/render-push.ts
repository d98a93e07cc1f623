import type { Delivery } from "../delivery.js";
import { renderTemplate } from "./compile-template.js";
import { templateFor } from "./load-templates.js";
import type { ResolvedRenderOptions } from "./render-options.js";
import type { RenderedMessage } from "./rendered.js";
import { deepLink, leadItem, templateView } from "./template-view.js";
import { truncateText } from "./truncate-text.js";

/** Shortens one line of push text to `max` UTF-16 units, at a word (else grapheme) boundary, with "…". */
export function fitPushText(text: string, max: number): string {
  return truncateText(
    text.replace(/\s+/g, " ").trim(),
    (t) => t.length <= max,
    () => "…",
  );
}

/**
 * Push: `{ title, body, deepLink, sku }` from `push/<use_case>.{title,body}`
 * (else `push/default.*`), each one line within `pushTitleMax` /
 * `pushBodyMax`, the deep link opening the lead item (the first with an
 * offer, whose experience the delivery is).
 */
export function renderPush(delivery: Delivery, options: ResolvedRenderOptions): RenderedMessage {
  const view = templateView(delivery, options);
  const part = (name: string): string =>
    renderTemplate(templateFor(options.templates, "push", delivery.useCase, name), view, false);
  const lead = leadItem(delivery);
  return {
    channel: delivery.channel,
    experienceId: delivery.experienceId,
    deliveryId: delivery.deliveryId,
    recipient: delivery.recipient,
    body: {
      title: fitPushText(part("title"), options.pushTitleMax),
      body: fitPushText(part("body"), options.pushBodyMax),
      deepLink: lead === undefined ? "" : deepLink(options.deepLinkBase, lead.sku),
      sku: lead?.sku ?? "",
    },
  };
}
