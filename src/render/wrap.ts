/**
 * Wraps text to a width at spaces, continuation lines indented by `indent`; a word longer than the width stays
 * whole on its line (a path or a URL is never cut). The text is never shortened: every character is kept.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  const lead = /^ */.exec(text)![0];
  let line = lead;
  let fresh = true;
  for (const word of text.slice(lead.length).split(' ')) {
    if (!fresh && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = fresh ? line + word : `${line} ${word}`;
    fresh = false;
  }
  lines.push(line);
  return lines;
}

/** The text width of a terminal: `COLUMNS` when set, else the terminal's width, else 100 (not a terminal). */
export function textWidth(env: { COLUMNS?: string }, columns: number | undefined): number {
  const n = Number(env.COLUMNS);
  return Number.isInteger(n) && n >= 40 ? n : columns && columns >= 40 ? columns : 100;
}
