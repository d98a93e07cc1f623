import { DEFAULT_TEMPLATES_DIR, loadTemplates, type Templates } from "./load-templates.js";
import { SMS_LIMITS, smsEncoding, smsLength } from "./sms-encoding.js";

/** How the renderers write messages; every field is optional. */
export interface RenderOptions {
  /**
   * ISO 4217 code of the prices in deliveries (the catalog's currency); the
   * guardrail rejects amounts written in any other.
   * @default "EUR"
   */
  readonly currency?: string;
  /**
   * Locale for numbers when a delivery's locale is empty or unknown to Intl.
   * @default "en-GB"
   */
  readonly locale?: string;
  /**
   * Compiled templates (`loadTemplates`); when absent they are read from `templatesDir`.
   */
  readonly templates?: Templates;
  /**
   * Directory of `<channel>/<use_case>.<part>` template files.
   * @default "adapters/templates" in the repository
   */
  readonly templatesDir?: string;
  /**
   * Brand name SMS text starts with ("Acme: …"); "" for none. Most
   * regulators want the sender identified: set it.
   * @default ""
   */
  readonly smsSender?: string;
  /**
   * Opt-out text every SMS ends with; never shortened.
   * @default "Reply STOP to opt out"
   */
  readonly smsFooter?: string;
  /**
   * Most parts one SMS may be sent as; the body is shortened to fit.
   * @default 3
   */
  readonly smsMaxSegments?: number;
  /**
   * Longest push title, in UTF-16 units (what APNs and FCM count).
   * @default 50
   */
  readonly pushTitleMax?: number;
  /**
   * Longest push body, in UTF-16 units.
   * @default 150
   */
  readonly pushBodyMax?: number;
  /**
   * Prefix of app deep links; the item's URL-encoded SKU is appended.
   * @default "app://product/"
   */
  readonly deepLinkBase?: string;
  /**
   * Slot name of web decisions.
   * @default "recommendations"
   */
  readonly webSlot?: string;
  /**
   * Slot name of app decisions (the app renders in-app slots, like web).
   * @default "app_home"
   */
  readonly appSlot?: string;
}

/** Defaults of `RenderOptions`, bar the templates. */
export const RENDER_DEFAULTS = Object.freeze({
  currency: "EUR",
  locale: "en-GB",
  templatesDir: DEFAULT_TEMPLATES_DIR,
  smsSender: "",
  smsFooter: "Reply STOP to opt out",
  smsMaxSegments: 3,
  pushTitleMax: 50,
  pushBodyMax: 150,
  deepLinkBase: "app://product/",
  webSlot: "recommendations",
  appSlot: "app_home",
});

/** `RenderOptions` with defaults applied, templates loaded, validated and frozen. */
export type ResolvedRenderOptions = Readonly<Required<RenderOptions>>;

const MAX_SEGMENTS = 10;

/**
 * Merges defaults into `options`, loads the templates when none are given,
 * validates once and freezes the result. Throws a `RangeError` naming the option.
 */
export function resolveRenderOptions(options: RenderOptions = {}): ResolvedRenderOptions {
  const o = { ...RENDER_DEFAULTS, ...options };
  try {
    new Intl.NumberFormat("en", { style: "currency", currency: o.currency });
  } catch {
    throw new RangeError(`options.currency must be an ISO 4217 code, got ${JSON.stringify(o.currency)}`);
  }
  if (!/^[A-Z]{3}$/.test(o.currency)) {
    throw new RangeError(
      `options.currency must be an upper-case ISO 4217 code, got ${JSON.stringify(o.currency)}`,
    );
  }
  try {
    new Intl.Locale(o.locale);
  } catch {
    throw new RangeError(`options.locale must be a BCP 47 locale, got ${JSON.stringify(o.locale)}`);
  }
  const positive = (name: keyof RenderOptions, value: number, max: number): void => {
    if (!Number.isSafeInteger(value) || value < 1 || value > max) {
      throw new RangeError(`options.${name} must be an integer in 1..${max}, got ${value}`);
    }
  };
  positive("smsMaxSegments", o.smsMaxSegments, MAX_SEGMENTS);
  positive("pushTitleMax", o.pushTitleMax, 1000);
  positive("pushBodyMax", o.pushBodyMax, 4000);
  if (o.smsFooter.trim() === "")
    throw new RangeError("options.smsFooter must not be empty: every SMS needs an opt-out");
  const frame = `${o.smsSender}: …\n${o.smsFooter}`;
  const encoding = smsEncoding(frame);
  if (smsLength(frame, encoding) > SMS_LIMITS[encoding].single) {
    throw new RangeError("options.smsSender and options.smsFooter must fit in one SMS together");
  }
  const templates = options.templates ?? loadTemplates(o.templatesDir);
  return Object.freeze({ ...o, templates });
}
