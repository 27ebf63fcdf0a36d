/**
 * The meeting's own words: one Markdown file per month that the operator keeps (by default
 * `reviews/notes/YYYY-MM.md` beside yardstick.yaml), rendered with markdown-it with raw HTML off, no images
 * (a page must fetch nothing) and links only to http(s) addresses; anything else stays plain text.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import MarkdownIt from "markdown-it";

const renderer = new MarkdownIt({ html: false, linkify: false, typographer: false });
// An image would be fetched when the page opens: it is shown as its alternative text instead.
renderer.renderer.rules.image = (tokens, i, options, env, self) =>
  self
    .renderInlineAsText(tokens[i]!.children ?? [], options, env)
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// markdown-it already refuses javascript:, vbscript: and data: links; only web addresses are kept here.
renderer.validateLink = (url: string) => /^https?:\/\/[^\s]+$/i.test(url.trim());
const defaultLinkOpen =
  renderer.renderer.rules.link_open ??
  ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
renderer.renderer.rules.link_open = (tokens, i, options, env, self) => {
  // Links leave the review: no referrer, a new context.
  tokens[i]!.attrSet("rel", "noopener noreferrer");
  return defaultLinkOpen(tokens, i, options, env, self);
};

/** The notes of a month from `dir`, or null when there is no file. */
export function readNotes(dir: string, month: string): { file: string; markdown: string } | null {
  const file = join(dir, `${month}.md`);
  if (!existsSync(file)) return null;
  return { file, markdown: readFileSync(file, "utf8") };
}

/** Safe HTML for Markdown from the notes file. Headings are shifted down so the page keeps its outline. */
export function renderNotes(markdown: string): string {
  const env = {};
  const tokens = renderer.parse(markdown, env);
  for (const token of tokens) {
    if (token.type === "heading_open" || token.type === "heading_close") {
      const level = Math.min(6, Number(token.tag.slice(1)) + 2);
      token.tag = `h${level}`;
    }
  }
  return renderer.renderer.render(tokens, renderer.options, env);
}
