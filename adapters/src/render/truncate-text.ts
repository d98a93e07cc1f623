import { findClaims } from "./find-claims.js";

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Where `text` may be cut, longest first: before each run of whitespace (word
 * boundaries), then, for text without a usable space, at every grapheme
 * boundary. Never inside a claim, so "€12.00" or "12,00 €" is kept whole or
 * dropped whole, never left as a wrong number.
 */
export function cutPoints(text: string): number[] {
  const claims = findClaims(text);
  const inClaim = (i: number): boolean => claims.some((c) => i > c.start && i < c.end);
  const words: number[] = [];
  for (const m of text.matchAll(/\s+/gu)) if (m.index > 0 && !inClaim(m.index)) words.push(m.index);
  const letters: number[] = [];
  for (const s of graphemes.segment(text)) if (s.index > 0 && !inClaim(s.index)) letters.push(s.index);
  return [...words.reverse(), ...letters.reverse(), 0];
}

/**
 * `text` if `fits(text)`, else the longest cut of it (see `cutPoints`) that
 * fits with `ellipsis` appended; "" when nothing does. `ellipsis` may depend
 * on the cut text (SMS uses "..." in GSM-7 and "…" otherwise).
 */
export function truncateText(
  text: string,
  fits: (candidate: string) => boolean,
  ellipsis: (cut: string) => string,
): string {
  if (fits(text)) return text;
  for (const at of cutPoints(text)) {
    const cut = text.slice(0, at).trimEnd();
    const candidate = cut === "" ? "" : cut + ellipsis(cut);
    if (candidate === "" || fits(candidate)) return candidate;
  }
  return "";
}
