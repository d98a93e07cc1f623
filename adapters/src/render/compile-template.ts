/**
 * A small, logic-less template language (a subset of Mustache), enough for
 * marketing copy that non-engineers edit:
 *
 * - `{{name}}` and `{{name|default}}`: a value from the view, or the default
 *   (possibly empty) when it is missing or "".
 * - `{{#name}}…{{/name}}`: repeated for each element of a list, rendered once
 *   with the value as the innermost scope when it is an object, once when it
 *   is any other truthy value, skipped when it is missing, false, "" or [].
 * - `{{^name}}…{{/name}}`: rendered only when `{{#name}}` would be skipped.
 *
 * Templates are trusted (they come from the repository); values are not: in
 * HTML every value is escaped, including inside attributes.
 */

/** A value a template can see. */
export type ViewValue = string | number | boolean | null | undefined | View | readonly View[];
/** One scope of values. */
export interface View {
  readonly [name: string]: ViewValue;
}

type Node =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "value"; readonly name: string; readonly fallback: string }
  | {
      readonly type: "section";
      readonly name: string;
      readonly inverted: boolean;
      readonly children: readonly Node[];
    };

/** A parsed template; render it with `renderTemplate`. */
export interface CompiledTemplate {
  /** Where it came from, for error messages. */
  readonly source: string;
  readonly nodes: readonly Node[];
}

const TAG = /\{\{\s*([#^/]?)\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|([^}]*))?\}\}/g;

/**
 * Parses `text`; throws a `SyntaxError` naming `source` on an unclosed or
 * mismatched section, so a broken template fails at start-up, not per message.
 */
export function compileTemplate(text: string, source: string): CompiledTemplate {
  const root: Node[] = [];
  const stack: { name: string; inverted: boolean; children: Node[] }[] = [];
  let current = root;
  let last = 0;
  for (const m of text.matchAll(TAG)) {
    const [, sigil, name = "", fallback] = m;
    let start = m.index;
    let end = m.index + m[0].length;
    // A section tag alone on its line takes the line with it (as in Mustache),
    // so text templates can put {{#items}} on a line of its own.
    if (sigil !== "") {
      const lineStart = text.lastIndexOf("\n", start - 1) + 1;
      const newline = text.indexOf("\n", end);
      const lineEnd = newline < 0 ? text.length : newline + 1;
      if (
        lineStart >= last &&
        /^[ \t]*$/.test(text.slice(lineStart, start)) &&
        /^[ \t]*\r?\n?$/.test(text.slice(end, lineEnd))
      ) {
        start = lineStart;
        end = lineEnd;
      }
    }
    if (start > last) current.push({ type: "text", text: text.slice(last, start) });
    last = end;
    if (sigil === "#" || sigil === "^") {
      const section = { name, inverted: sigil === "^", children: [] as Node[] };
      current.push({ type: "section", ...section });
      stack.push(section);
      current = section.children;
    } else if (sigil === "/") {
      const open = stack.pop();
      if (open?.name !== name) {
        throw new SyntaxError(`${source}: {{/${name}}} closes ${open ? `{{#${open.name}}}` : "nothing"}`);
      }
      current = stack.at(-1)?.children ?? root;
    } else {
      current.push({ type: "value", name, fallback: fallback ?? "" });
    }
  }
  if (stack.length > 0) throw new SyntaxError(`${source}: {{#${stack.at(-1)!.name}}} is never closed`);
  if (last < text.length) current.push({ type: "text", text: text.slice(last) });
  return { source, nodes: root };
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Renders `template` against `view`; `html` escapes every value. */
export function renderTemplate(template: CompiledTemplate, view: View, html: boolean): string {
  const out: string[] = [];
  renderNodes(template.nodes, [view], html, out);
  return out.join("");
}

function lookup(scopes: readonly View[], name: string): ViewValue {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i]!;
    if (Object.hasOwn(scope, name)) return scope[name];
  }
  return undefined;
}

function isList(value: ViewValue): value is readonly View[] {
  return Array.isArray(value);
}

function renderNodes(nodes: readonly Node[], scopes: View[], html: boolean, out: string[]): void {
  for (const node of nodes) {
    if (node.type === "text") {
      out.push(node.text);
      continue;
    }
    const value = lookup(scopes, node.name);
    if (node.type === "value") {
      const text = value === undefined || value === null || typeof value === "object" ? "" : String(value);
      const shown = text === "" ? node.fallback : text;
      out.push(html ? escapeHtml(shown) : shown);
      continue;
    }
    const empty =
      value === undefined ||
      value === null ||
      value === false ||
      value === "" ||
      (isList(value) && value.length === 0);
    if (node.inverted) {
      if (empty) renderNodes(node.children, scopes, html, out);
    } else if (!empty) {
      const contexts = isList(value) ? value : [typeof value === "object" ? value : {}];
      for (const context of contexts) {
        scopes.push(context);
        renderNodes(node.children, scopes, html, out);
        scopes.pop();
      }
    }
  }
}
