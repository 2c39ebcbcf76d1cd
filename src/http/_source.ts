/**
 * The YAML an answer points at (`file:line`): the document holding that line, from the files the UI was started
 * on only (never another path). A Secret's document is not shown: Secret data never leaves the process.
 */
export interface SourceSnippet {
  readonly file: string;
  /** First line number of `lines`. */
  readonly start: number;
  readonly line: number;
  readonly lines: readonly string[];
  readonly redacted?: string;
}

const maxLines = 80;

export function snippetOf(file: string, text: string, line: number): SourceSnippet {
  const all = text.split(/\r?\n/);
  let start = line - 1;
  while (start > 0 && !/^---(\s|$)/.test(all[start - 1])) start--;
  let end = line - 1;
  while (end + 1 < all.length && !/^---(\s|$)/.test(all[end + 1])) end++;
  const doc = all.slice(start, end + 1);
  if (doc.some((l) => /^kind:\s*["']?Secret["']?\s*(#.*)?$/.test(l)))
    return { file, start: start + 1, line, lines: [], redacted: 'a Secret: its data is not shown' };
  // Long documents: a window around the line.
  const from = doc.length > maxLines ? Math.max(0, line - 1 - start - maxLines / 2) : 0;
  return { file, start: start + 1 + from, line, lines: doc.slice(from, from + maxLines) };
}
