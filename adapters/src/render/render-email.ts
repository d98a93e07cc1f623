import type { Delivery } from "../delivery.js";
import { renderTemplate } from "./compile-template.js";
import { templateFor } from "./load-templates.js";
import type { ResolvedRenderOptions } from "./render-options.js";
import type { RenderedMessage } from "./rendered.js";
import { templateView } from "./template-view.js";

/**
 * Email: `{ subject, text, html }` from `email/<use_case>.{subject,txt,html}`
 * (else `email/default.*`). The subject is one line (whitespace collapsed);
 * in the HTML part every value is escaped, since tokens and offer messages
 * are untrusted text.
 */
export function renderEmail(delivery: Delivery, options: ResolvedRenderOptions): RenderedMessage {
  const view = templateView(delivery, options);
  const part = (name: string, html: boolean): string =>
    renderTemplate(templateFor(options.templates, "email", delivery.useCase, name), view, html);
  return {
    channel: delivery.channel,
    experienceId: delivery.experienceId,
    deliveryId: delivery.deliveryId,
    recipient: delivery.recipient,
    body: {
      subject: part("subject", false).replace(/\s+/g, " ").trim(),
      text: part("txt", false),
      html: part("html", true),
    },
  };
}
