/**
 * SMS encodings and segmentation (3GPP TS 23.038 / GSM 03.38): a message in
 * the GSM 7-bit alphabet fits 160 septets, or 153 per part when concatenated
 * (the user data header takes the rest); any other character forces UCS-2,
 * 70 UTF-16 units or 67 per part. Carriers bill per part, hence the care.
 */

export type SmsEncoding = "GSM-7" | "UCS-2";

/** The basic GSM 03.38 character set (one septet each), without the escape code. */
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
/** The extension table: an escape septet plus one, so two septets each. */
const GSM_EXTENSION = new Set("\f^{}\\[~]|€");

/** Sizes of one SMS and of each part of a concatenated one, in septets (GSM-7) or UTF-16 units (UCS-2). */
export const SMS_LIMITS: Readonly<Record<SmsEncoding, { readonly single: number; readonly part: number }>> =
  Object.freeze({ "GSM-7": { single: 160, part: 153 }, "UCS-2": { single: 70, part: 67 } });

/** GSM-7 when every character is in the basic or extension table, else UCS-2. */
export function smsEncoding(text: string): SmsEncoding {
  for (const c of text) if (!GSM_BASIC.has(c) && !GSM_EXTENSION.has(c)) return "UCS-2";
  return "GSM-7";
}

/** What one character costs: septets in GSM-7 (2 for the extension table), UTF-16 units in UCS-2. */
export function charCost(c: string, encoding: SmsEncoding): number {
  if (encoding === "UCS-2") return c.length;
  return GSM_EXTENSION.has(c) ? 2 : 1;
}

/** The size of `text` in its encoding's unit. */
export function smsLength(text: string, encoding: SmsEncoding): number {
  let n = 0;
  for (const c of text) n += charCost(c, encoding);
  return n;
}

/**
 * Cuts `text` into the parts it is sent as. Iterates by code point, so a
 * surrogate pair (UCS-2) and an escape pair (GSM-7 extension character) are
 * never split across parts: a character that does not fit starts the next one.
 */
export function segmentSms(text: string, encoding: SmsEncoding = smsEncoding(text)): string[] {
  const limits = SMS_LIMITS[encoding];
  if (smsLength(text, encoding) <= limits.single) return text === "" ? [] : [text];
  const parts: string[] = [];
  let part = "";
  let size = 0;
  for (const c of text) {
    const cost = charCost(c, encoding);
    if (size + cost > limits.part) {
      parts.push(part);
      part = "";
      size = 0;
    }
    part += c;
    size += cost;
  }
  if (part !== "") parts.push(part);
  return parts;
}
