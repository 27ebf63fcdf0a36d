/**
 * Untrusted text on a terminal: names from GitHub, ledger lines, configuration. A control character
 * (ESC, OSC, a carriage return, a line break, bidi overrides) could clear the screen, retitle the window,
 * plant a hidden link or forge a line, so each one is shown as a visible escape instead.
 */
// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and bidirectional overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `"a\x1b[2Jb"` → `"a\\x1b[2Jb"`: printable as it was, harmless on a terminal. */
export function escapeTerminal(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
