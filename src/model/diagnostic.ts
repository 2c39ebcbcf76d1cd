/**
 * Problems in user input, as data (STYLE.md "Errors and diagnostics"). The core never prints: renderers
 * format these; the CLI decides exit codes from `severity`.
 */
export type Severity = 'error' | 'warning' | 'info';

/** Where something came from: a file, the document in it, a position, and a field path inside the object. */
export interface SourceRef {
  /** Path as the user gave it, or `<stdin>`, `<profile>`, `<addon>` for things kubetwin adds. */
  readonly file: string;
  /** 0-based index of the YAML document in the file. */
  readonly doc: number;
  /** 1-based line and column. */
  readonly line: number;
  readonly column: number;
  /** Helm's `# Source: chart/templates/x.yaml` comment, when the document carried one. */
  readonly origin?: string;
  /** Field path inside the object, as kubectl prints it (`spec.ports[0].targetPort`). */
  readonly path?: string;
}

/**
 * `file:line:column` (or `file:line` without `column`); only `file` when there is no position, as for objects read
 * from a live cluster (`live:Pod/shop/web`).
 */
export function formatSource(s: SourceRef, column = true): string {
  if (s.line <= 0) return s.file;
  return column ? `${s.file}:${s.line}:${s.column}` : `${s.file}:${s.line}`;
}

export interface Diagnostic {
  /** Stable code: may be matched on by scripts and tests; never reworded. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly source?: SourceRef;
  /** Canonical key of the object concerned (`kind/namespace/name`), when there is one. */
  readonly object?: string;
  /** What to do about it. */
  readonly hint?: string;
}

/** Collects diagnostics during a build; the order of `list()` is deterministic (sorted by source). */
export class DiagnosticBag {
  readonly #items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.#items.push(d);
  }

  get hasErrors(): boolean {
    return this.#items.some((d) => d.severity === 'error');
  }

  list(): Diagnostic[] {
    return sortDiagnostics(this.#items);
  }
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Sorts by file, line, column, then code and message, so output is byte-identical between runs. */
export function sortDiagnostics(items: readonly Diagnostic[]): Diagnostic[] {
  return [...items].sort((a, b) => {
    const fa = a.source?.file ?? '\uffff';
    const fb = b.source?.file ?? '\uffff';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.source?.line ?? 0;
    const lb = b.source?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.source?.column ?? 0;
    const cb = b.source?.column ?? 0;
    if (ca !== cb) return ca - cb;
    if (a.severity !== b.severity) return severityRank[a.severity] - severityRank[b.severity];
    if (a.code !== b.code) return a.code < b.code ? -1 : 1;
    return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
  });
}
