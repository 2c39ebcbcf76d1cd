/**
 * Text from manifests is echoed in diagnostics, findings and tables. A value holding control characters could
 * break the one-line `file:line:col:` format (a newline), rewrite the terminal (ESC sequences, carriage return)
 * or reorder what is shown (Unicode bidirectional overrides, CVE-2021-42574 "Trojan Source",
 * https://trojansource.codes/). These helpers escape them visibly, as `\n`, `\x1b` or `\u202e`.
 */

// Control characters are what these match, so the lint rule against them does not apply.
/* eslint-disable no-control-regex */
// C0 controls, DEL, C1 controls, the line and paragraph separators, and the bidi embedding/override/isolate marks.
const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// The same, except the newline and tab a renderer writes itself.
const unsafeInText = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return named[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
}

/**
 * One value from the input, safe to print on one line: every control character (newline and tab included) is
 * escaped. Printable text, backslashes and non-ASCII letters are kept as they are.
 * @example printable('web\x1b[31m\nx') // 'web\\x1b[31m\\nx'
 */
export function printable(value: string): string {
  return value.replace(unsafe, escapeChar);
}

/**
 * A whole rendered text output, made safe for a terminal: control characters are escaped except the newlines
 * and tabs the renderer itself wrote. The CLI applies it to everything it prints, behind the per-field escaping.
 */
export function printableText(text: string): string {
  return text.replace(unsafeInText, escapeChar);
}
