import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CompiledTemplate, compileTemplate } from "./compile-template.js";

/**
 * Compiled templates keyed `<channel>/<use_case>.<part>`, e.g.
 * `email/cart_abandonment.subject`; `<channel>/default.<part>` is the fallback
 * for use cases without their own.
 */
export type Templates = ReadonlyMap<string, CompiledTemplate>;

/**
 * `adapters/templates/` in the repository. Resolved from this module's
 * compiled location (`dist/adapters/src/render/`), which is the only place
 * the adapters run from.
 */
export const DEFAULT_TEMPLATES_DIR: string = fileURLToPath(
  new URL("../../../../adapters/templates/", import.meta.url),
);

/** The parts each channel renders from templates; a `default` of each is required. */
export const TEMPLATE_PARTS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  email: ["subject", "txt", "html"],
  sms: ["txt"],
  push: ["title", "body"],
});

/**
 * Reads and compiles every `<channel>/<name>.<part>` file under `dir` once, at
 * start-up. Throws when a channel lacks a default part or a template does not
 * parse, naming the file.
 */
export function loadTemplates(dir: string): Templates {
  const templates = new Map<string, CompiledTemplate>();
  for (const [channel, parts] of Object.entries(TEMPLATE_PARTS)) {
    let files: string[];
    try {
      files = readdirSync(join(dir, channel));
    } catch (e) {
      throw new Error(`templates: cannot read ${join(dir, channel)} (option templatesDir)`, { cause: e });
    }
    for (const file of files) {
      const dot = file.lastIndexOf(".");
      if (dot <= 0 || !parts.includes(file.slice(dot + 1))) continue;
      const path = join(dir, channel, file);
      templates.set(`${channel}/${file}`, compileTemplate(readFileSync(path, "utf8"), path));
    }
    for (const part of parts) {
      if (!templates.has(`${channel}/default.${part}`)) {
        throw new Error(
          `templates: ${join(dir, channel, `default.${part}`)} is missing (option templatesDir)`,
        );
      }
    }
  }
  return templates;
}

/** The template for `useCase`, else the channel's default (which `loadTemplates` guarantees). */
export function templateFor(
  templates: Templates,
  channel: string,
  useCase: string,
  part: string,
): CompiledTemplate {
  const own = templates.get(`${channel}/${useCase}.${part}`);
  if (own !== undefined) return own;
  const fallback = templates.get(`${channel}/default.${part}`);
  if (fallback === undefined) throw new Error(`templates: no ${channel}/default.${part}`);
  return fallback;
}
