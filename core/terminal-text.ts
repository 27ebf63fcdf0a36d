/**
 * Text from outside (GitHub: repository names, deployment environments; configuration: team names; metric
 * labels) made safe to print on a terminal. A terminal acts on control characters: ESC starts sequences that
 * clear the screen, set the window title or plant a hidden link (OSC 8), a carriage return overwrites what a
 * line showed, and bidirectional controls reorder it. Each such character is shown as a visible escape
 * instead (`\x1b`, `\x07`, `\u202e`); every other character, any script or emoji, is left as it is.
 * Data formats keep the exact text: JSON escapes it itself.
 */

/** C0 controls, DEL, C1 controls, and the Unicode marks that reorder or break a line. */
function isUnsafe(code: number, keepNewlines: boolean): boolean {
  if (code === 0x0a) return !keepNewlines;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function visible(code: number): string {
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

function escapeWith(text: string, keepNewlines: boolean): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isUnsafe(code, keepNewlines)) continue;
    out += text.slice(from, i) + visible(code);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** One line of untrusted text for a terminal, e.g. `terminalText("a\u001b[2J")` → `a\x1b[2J` (a newline too becomes `\x0a`). */
export function terminalText(text: string): string {
  return escapeWith(text, false);
}

/** Several lines for a terminal (an error report): as terminalText, but newlines stay line breaks. */
export function terminalLines(text: string): string {
  return escapeWith(text, true);
}
