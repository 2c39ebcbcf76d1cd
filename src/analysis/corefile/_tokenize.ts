/**
 * The Caddyfile syntax CoreDNS configuration is written in: server blocks (`.:53 { … }`) holding directives,
 * one per line, each with arguments and an optional `{ … }` block of sub-directives. Comments start with `#`;
 * double quotes group a token. https://coredns.io/manual/configuration/ ("Corefile")
 */

export interface Token {
  readonly text: string;
  /** 1-based line and column inside the Corefile. */
  readonly line: number;
  readonly column: number;
  /** The imported file the token came from (`import`); absent for the Corefile itself. */
  readonly file?: string;
}

export interface Directive {
  readonly name: Token;
  readonly args: readonly Token[];
  /** Sub-directives of a `{ … }` block; empty when there is none. */
  readonly block: readonly Directive[];
}

export interface ServerBlock {
  /** Keys such as `.:53` or `example.com:53`, as written. */
  readonly keys: readonly Token[];
  readonly directives: readonly Directive[];
}

/** Splits into tokens, keeping `{`, `}` and line breaks (as `\n` tokens) significant. */
export function tokenize(text: string, file?: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      out.push({ text: '\n', line, column: col, ...(file ? { file } : {}) });
      line++;
      col = 1;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      col++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      const start = { line, column: col };
      let s = '';
      i++;
      col++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && text[i + 1] === '"') {
          s += '"';
          i += 2;
          col += 2;
          continue;
        }
        if (text[i] === '\n') {
          line++;
          col = 0;
        }
        s += text[i++];
        col++;
      }
      i++;
      col++;
      out.push({ text: s, ...start, ...(file ? { file } : {}) });
    } else {
      const start = { line, column: col };
      let s = '';
      while (i < text.length && !' \t\r\n"'.includes(text[i]) && !(s === '' && text[i] === '#')) {
        s += text[i++];
        col++;
      }
      out.push({ text: s, ...start, ...(file ? { file } : {}) });
    }
  }
  return out;
}

export interface ParsedCorefile {
  readonly blocks: readonly ServerBlock[];
  /** Top-level `import PATTERN` lines (Caddy imports whole server blocks from the files matched). */
  readonly imports: readonly Directive[];
  readonly errors: readonly { message: string; line: number; column: number; file?: string }[];
}

/** Parses tokens into server blocks; syntax errors are returned, never thrown. */
export function parseServerBlocks(text: string, file?: string): ParsedCorefile {
  const toks = tokenize(text, file);
  const errors: { message: string; line: number; column: number; file?: string }[] = [];
  const imports: Directive[] = [];
  let i = 0;
  const skipNewlines = () => {
    while (i < toks.length && toks[i].text === '\n') i++;
  };
  // Reads directives until the closing brace of the current block.
  const readBlock = (): Directive[] => {
    const dirs: Directive[] = [];
    for (;;) {
      skipNewlines();
      if (i >= toks.length) return dirs;
      const t = toks[i];
      if (t.text === '}') return dirs;
      const name = toks[i++];
      const args: Token[] = [];
      let block: Directive[] = [];
      while (i < toks.length && toks[i].text !== '\n' && toks[i].text !== '}') {
        if (toks[i].text === '{') {
          i++;
          block = readBlock();
          if (toks[i]?.text === '}') i++;
          else
            errors.push({
              message: `unclosed "{" of ${name.text}`,
              line: name.line,
              column: name.column,
              ...(file ? { file } : {}),
            });
          break;
        }
        args.push(toks[i++]);
      }
      dirs.push({ name, args, block });
    }
  };
  const blocks: ServerBlock[] = [];
  for (;;) {
    skipNewlines();
    if (i >= toks.length) break;
    if (toks[i].text === 'import') {
      const name = toks[i++];
      const args: Token[] = [];
      while (i < toks.length && toks[i].text !== '\n') args.push(toks[i++]);
      imports.push({ name, args, block: [] });
      continue;
    }
    const keys: Token[] = [];
    while (i < toks.length && toks[i].text !== '{' && toks[i].text !== '\n') keys.push(...split(toks[i++]));
    skipNewlines();
    if (toks[i]?.text !== '{') {
      const at = keys[0] ?? toks[i] ?? { line: 1, column: 1 };
      errors.push({
        message: `server block ${keys.map((k) => k.text).join(' ')} has no "{"`,
        line: at.line,
        column: at.column,
        ...(file ? { file } : {}),
      });
      while (i < toks.length && toks[i].text !== '\n') i++;
      continue;
    }
    i++;
    const directives = readBlock();
    if (toks[i]?.text === '}') i++;
    else
      errors.push({
        message: `server block ${keys.map((k) => k.text).join(' ')} is not closed with "}"`,
        line: keys[0]?.line ?? 1,
        column: keys[0]?.column ?? 1,
        ...(file ? { file } : {}),
      });
    blocks.push({ keys, directives });
  }
  return { blocks, imports, errors };
}

/** Directives of a file imported inside a server block (a snippet: no server block keys, no braces around). */
export function parseDirectives(text: string, file: string): ParsedCorefile {
  const parsed = parseServerBlocks(`{\n${text}\n}`, file);
  // The opening line added above shifts every line by one.
  const shift = (t: Token): Token => ({ ...t, line: t.line - 1 });
  const move = (d: Directive): Directive => ({
    name: shift(d.name),
    args: d.args.map(shift),
    block: d.block.map(move),
  });
  return {
    blocks: parsed.blocks.map((b) => ({ keys: [], directives: b.directives.map(move) })),
    imports: [],
    errors: parsed.errors.map((e) => ({ ...e, line: e.line - 1 })),
  };
}

/** Server block keys may be separated by commas as well as spaces. */
function split(t: Token): Token[] {
  return t.text
    .split(',')
    .filter(Boolean)
    .map((text) => ({ ...t, text }));
}
