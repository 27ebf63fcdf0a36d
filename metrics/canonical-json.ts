/**
 * The canonical JSON that definition hashes are computed over, apart from the hashing (which reads the
 * warehouse contracts) so that a command can print definitions without loading them.
 */

/** JSON with object keys sorted at every level and undefined members dropped: equal values, equal text. */
/** `texts` remembers the text of objects that are hashed again unchanged (see metricHash). */
export function canonicalJson(value: unknown, texts?: WeakMap<object, string>): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const known = texts?.get(value);
  if (known !== undefined) return known;
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v, texts))).join(",")}]`;
  } else {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    text = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, texts)}`).join(",")}}`;
  }
  texts?.set(value, text);
  return text;
}
