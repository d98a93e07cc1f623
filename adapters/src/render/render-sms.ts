import type { Delivery } from "../delivery.js";
import { renderTemplate } from "./compile-template.js";
import { templateFor } from "./load-templates.js";
import type { ResolvedRenderOptions } from "./render-options.js";
import type { RenderedMessage } from "./rendered.js";
import { type SmsEncoding, segmentSms, smsEncoding } from "./sms-encoding.js";
import { templateView } from "./template-view.js";
import { truncateText } from "./truncate-text.js";

/** An SMS ready to send: the whole text, its encoding and the parts it goes out as. */
export interface SmsBody {
  readonly text: string;
  readonly encoding: SmsEncoding;
  readonly segments: readonly string[];
}

/**
 * Lays out an SMS as `<sender>: <body>\n<footer>` (no prefix when the sender
 * is "") within `maxSegments` parts, shortening only the body: at a word
 * boundary, never through a price or other claim, ending in "..." when the
 * rest is GSM-7 (so the ellipsis does not force UCS-2) and "…" otherwise.
 */
export function layoutSms(body: string, sender: string, footer: string, maxSegments: number): SmsBody {
  const frame = (b: string): string => `${sender === "" ? "" : `${sender}: `}${b}\n${footer}`;
  // No-break spaces (which Intl puts in "12,00 €") are not GSM-7; a plain space reads the same.
  const flat = body.replace(/[\s\u00a0\u202f]+/g, " ").trim();
  const fitted = truncateText(
    flat,
    (b) => segmentSms(frame(b)).length <= maxSegments,
    (cut) => (smsEncoding(frame(cut)) === "GSM-7" ? "..." : "…"),
  );
  const text = frame(fitted);
  const encoding = smsEncoding(text);
  return { text, encoding, segments: segmentSms(text, encoding) };
}

/**
 * SMS: `sms/<use_case>.txt` (else `sms/default.txt`) as one line, framed by
 * the sender name and the STOP footer, GSM-7 when it can be, at most
 * `smsMaxSegments` parts. See `layoutSms`.
 */
export function renderSms(delivery: Delivery, options: ResolvedRenderOptions): RenderedMessage {
  const view = templateView(delivery, options);
  const body = renderTemplate(templateFor(options.templates, "sms", delivery.useCase, "txt"), view, false);
  const sms = layoutSms(body, options.smsSender, options.smsFooter, options.smsMaxSegments);
  return {
    channel: delivery.channel,
    experienceId: delivery.experienceId,
    deliveryId: delivery.deliveryId,
    recipient: delivery.recipient,
    body: { text: sms.text, encoding: sms.encoding, segments: sms.segments },
  };
}
