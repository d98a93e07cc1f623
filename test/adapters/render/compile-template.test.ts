/** The template language: values with defaults, sections, standalone lines, HTML escaping, syntax errors. */
import { describe, expect, it } from "vitest";
import { compileTemplate, renderTemplate, type View } from "../../../adapters/src/render/compile-template.js";

const render = (text: string, view: View, html = false): string =>
  renderTemplate(compileTemplate(text, "test"), view, html);

describe("renderTemplate()", () => {
  it.each([
    ["Hi {{first_name|there}}", {}, "Hi there"],
    ["Hi {{first_name|there}}", { first_name: "" }, "Hi there"],
    ["Hi {{ first_name | there }}", { first_name: "Ana" }, "Hi Ana"],
    ["{{tier}}!", {}, "!"],
    [
      "{{#items}}[{{sku}}{{#offer}}:{{price}}{{/offer}}]{{/items}}",
      { items: [{ sku: "a", offer: true, price: "€1.00" }, { sku: "b" }] },
      "[a:€1.00][b]",
    ],
    [
      "{{#life_event}}for {{life_event}}{{/life_event}}{{^life_event}}soon{{/life_event}}",
      { life_event: "" },
      "soon",
    ],
    ["{{#lead}}{{sku}} {{tier}}{{/lead}}", { lead: { sku: "a" }, tier: "Gold" }, "a Gold"],
    ["{{#items}}x{{/items}}{{^items}}none{{/items}}", { items: [] }, "none"],
  ])("should render %j with %j as %j", (text, view, expected) => {
    expect(render(text, view as View)).toBe(expected);
  });

  it("should drop a section tag's line when the tag stands alone on it", () => {
    expect(render("a\n{{#items}}\n- {{sku}}\n{{/items}}\nb\n", { items: [{ sku: "1" }, { sku: "2" }] })).toBe(
      "a\n- 1\n- 2\nb\n",
    );
  });

  it("should escape every value in HTML, including defaults", () => {
    expect(render('<a title="{{t}}">{{n|<&>}}</a>', { t: `"'<x>&` }, true)).toBe(
      '<a title="&quot;&#39;&lt;x&gt;&amp;">&lt;&amp;&gt;</a>',
    );
  });

  it("should not read inherited properties as values", () => {
    expect(render("{{constructor|none}}{{toString}}", {})).toBe("none");
  });
});

describe("compileTemplate()", () => {
  it.each([
    ["{{#items}}x", "email/x.txt: {{#items}} is never closed"],
    ["{{#items}}x{{/lead}}", "email/x.txt: {{/lead}} closes {{#items}}"],
    ["x{{/lead}}", "email/x.txt: {{/lead}} closes nothing"],
  ])("should reject %j with %j", (text, message) => {
    expect(() => compileTemplate(text, "email/x.txt")).toThrow(new SyntaxError(message));
  });
});
