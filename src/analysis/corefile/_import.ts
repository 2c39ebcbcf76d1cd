/**
 * Caddy's `import PATTERN` in a Corefile: inside a server block the matched files' directives take the place of the
 * line; at the top level the matched files' server blocks are added. The pattern is a path glob (`*`, `?`, `[…]`
 * within one path element, matched files taken in lexical order, as Go's filepath.Glob returns them); a glob
 * matching nothing is only a warning to CoreDNS, a plain path that does not exist stops it from starting.
 * https://coredns.io/manual/configuration/#import · https://github.com/coredns/caddy/blob/master/caddyfile/parse.go
 * (`doImport`). The files are ConfigMap keys mounted into the CoreDNS container: k3s and AKS import
 * `/etc/coredns/custom/*.override` and `*.server` from the optional `coredns-custom` ConfigMap
 * (https://github.com/k3s-io/k3s/blob/master/manifests/coredns.yaml,
 * https://learn.microsoft.com/azure/aks/coredns-custom).
 */
import type { SourceRef } from '../../model/diagnostic.ts';
import type { PluginProblem } from './_plugins.ts';
import { parseDirectives, parseServerBlocks, type Directive, type ServerBlock } from './_tokenize.ts';

/** What the CoreDNS container sees on disk, as far as the input tells. */
export interface CorefileFiles {
  /** File contents by absolute path. */
  readonly files: ReadonlyMap<string, string>;
  /** Directories whose every file is in `files`, each with where it comes from (for notes). */
  readonly directories: ReadonlyMap<string, string>;
  /** Where each file is written in the input (its ConfigMap), for placing diagnostics. */
  readonly sources?: ReadonlyMap<string, { readonly source?: SourceRef; readonly object?: string }>;
  /** The directory the Corefile is read from (the `-conf` path's), default `/etc/coredns`. */
  readonly dir?: string;
}

/**
 * The path an import pattern names: a relative pattern is joined to the directory of the file the `import` line is
 * in — the Corefile's, or an imported file's (coredns/caddy parse.go `doImport`: "make path relative to the file of
 * the _token_ being processed"). AKS writes `import custom/*.override`, k3s `import /etc/coredns/custom/*.override`.
 */
function absolutePattern(pattern: string, from: string | undefined, fs: CorefileFiles | undefined): string {
  if (pattern.startsWith('/')) return pattern;
  const dir = from ? splitPath(from).dir : (fs?.dir ?? '/etc/coredns');
  return `${dir === '/' ? '' : dir}/${pattern.replace(/^\.\//, '')}`;
}

export interface Imported {
  readonly blocks: ServerBlock[];
  readonly problems: PluginProblem[];
  readonly errors: { message: string; line: number; column: number; file?: string }[];
}

const maxDepth = 10;

/** A glob of one path element as a regular expression. */
function globRegex(glob: string): RegExp {
  let out = '';
  for (const c of glob) {
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[' || c === ']') out += c;
    else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** A path's directory (`/` for a file at the root or a bare name) and its last element. */
export function splitPath(path: string): { readonly dir: string; readonly base: string } {
  const cut = path.lastIndexOf('/');
  return { dir: cut > 0 ? path.slice(0, cut) : '/', base: path.slice(cut + 1) };
}

type Matched = { readonly paths: string[] } | { readonly unknown: string };

/** The files an import pattern names, or why they cannot be known. */
function match(pattern: string, fs: CorefileFiles | undefined): Matched {
  const { dir, base } = splitPath(pattern);
  if (fs?.files.has(pattern)) return { paths: [pattern] };
  const from = fs?.directories.get(dir);
  if (from === undefined)
    return { unknown: `no ConfigMap in the input is mounted at ${dir} in the CoreDNS container` };
  const re = globRegex(base);
  const paths = [...(fs?.files.keys() ?? [])]
    .filter((p) => {
      const file = splitPath(p);
      return file.dir === dir && re.test(file.base);
    })
    .sort();
  return { paths };
}

function problemFor(
  d: Directive,
  pattern: string,
  m: Matched,
  fs: CorefileFiles | undefined,
): PluginProblem[] {
  if ('unknown' in m)
    return [
      {
        code: 'corefile-plugin-not-modeled',
        message: `import ${pattern}: ${m.unknown}; what it imports is unknown, so the names of this server block are resolved as unknown`,
        at: d.name,
      },
    ];
  if (m.paths.length) return [];
  const { dir } = splitPath(pattern);
  if (/[*?[]/.test(pattern))
    return [
      {
        code: 'corefile-plugin-not-modeled',
        message: `import ${pattern} matches no file (${fs?.directories.get(dir) ?? dir}): it adds nothing`,
        at: d.name,
      },
    ];
  return [
    {
      code: 'corefile-invalid-option',
      message: `import ${pattern}: the file does not exist (${fs?.directories.get(dir) ?? dir}); CoreDNS does not start with this Corefile`,
      at: d.name,
    },
  ];
}

/** Replaces each block-level `import` by the directives of the files it matches; unresolvable ones stay. */
function expandDirectives(
  directives: readonly Directive[],
  fs: CorefileFiles | undefined,
  out: Imported,
  depth: number,
): Directive[] {
  const result: Directive[] = [];
  for (const d of directives) {
    if (d.name.text !== 'import' || !d.args.length || depth > maxDepth) {
      result.push(d);
      continue;
    }
    const pattern = absolutePattern(d.args[0].text, d.args[0].file, fs);
    const m = match(pattern, fs);
    out.problems.push(...problemFor(d, pattern, m, fs));
    if ('unknown' in m) {
      result.push(d);
      continue;
    }
    for (const path of m.paths) {
      const parsed = parseDirectives(fs?.files.get(path) ?? '', path);
      out.errors.push(...parsed.errors);
      result.push(...expandDirectives(parsed.blocks[0]?.directives ?? [], fs, out, depth + 1));
    }
  }
  return result;
}

/** The server blocks of a Corefile with its imports resolved from `fs`. */
export function resolveImports(
  blocks: readonly ServerBlock[],
  imports: readonly Directive[],
  fs: CorefileFiles | undefined,
  depth = 0,
): Imported {
  const out: Imported = { blocks: [], problems: [], errors: [] };
  for (const b of blocks)
    out.blocks.push({ keys: b.keys, directives: expandDirectives(b.directives, fs, out, depth) });
  for (const d of imports) {
    const pattern = absolutePattern(d.args[0]?.text ?? '', d.args[0]?.file, fs);
    const m = match(pattern, fs);
    if ('unknown' in m)
      out.problems.push({
        code: 'corefile-plugin-not-modeled',
        message: `import ${pattern}: ${m.unknown}; server blocks it may add are not known`,
        at: d.name,
      });
    else out.problems.push(...problemFor(d, pattern, m, fs));
    if ('unknown' in m || depth > maxDepth) continue;
    for (const path of m.paths) {
      const parsed = parseServerBlocks(fs?.files.get(path) ?? '', path);
      const inner = resolveImports(parsed.blocks, parsed.imports, fs, depth + 1);
      out.errors.push(...parsed.errors, ...inner.errors);
      out.problems.push(...inner.problems);
      out.blocks.push(...inner.blocks);
    }
  }
  return out;
}
