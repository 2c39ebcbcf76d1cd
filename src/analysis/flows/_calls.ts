import type { SourceRef } from '../../model/diagnostic.ts';
import type { ObjectKey, Protocol } from '../../model/types.ts';
import type { Confidence, Evidence, FlowSource, FlowTarget } from './types.ts';

/** One call discovery found, before it is grouped into flows. */
export interface Call {
  readonly from: FlowSource;
  /** The workload (or bare Pod) making the call; undefined for the internet. */
  readonly owner?: ObjectKey;
  readonly to: FlowTarget;
  readonly evidence: readonly Evidence[];
  readonly confidence: Confidence;
  /** Which discoverer found it, for grouping: `config`, `route`, `scrape`, `api`, `dns`. */
  readonly via: 'config' | 'route' | 'scrape' | 'api' | 'dns';
}

const rank: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

export function targetKey(t: FlowTarget): string {
  switch (t.kind) {
    case 'url':
      return `${t.scheme}://${t.host}:${t.port}${t.scheme.startsWith('http') ? t.path : ''}/${t.protocol}`;
    case 'service':
      return `service:${t.namespace}/${t.name}:${t.port}/${t.protocol}`;
    case 'ip':
      return `ip:${t.ip}:${t.port}/${t.protocol}`;
    case 'ref':
      return `${t.namespace}/${t.name}:${t.port ?? '*'}/${t.protocol}`;
  }
}

export function sourceKey(s: FlowSource): string {
  return s.kind === 'ref' ? `${s.namespace}/${s.name}` : s.kind === 'ip' ? `ip:${s.ip}` : 'internet';
}

/**
 * Calls with the same source and target become one, with every piece of evidence (first seen first) and the
 * highest confidence any of them gave. Keeps first-seen order.
 */
export function mergeCalls(calls: readonly Call[]): Call[] {
  const byKey = new Map<string, Call>();
  for (const c of calls) {
    const k = `${sourceKey(c.from)} ${targetKey(c.to)}`;
    const had = byKey.get(k);
    if (!had) byKey.set(k, c);
    else
      byKey.set(k, {
        ...had,
        evidence: [...had.evidence, ...c.evidence.filter((e) => !had.evidence.some((h) => same(h, e)))],
        confidence: rank[c.confidence] > rank[had.confidence] ? c.confidence : had.confidence,
      });
  }
  return [...byKey.values()];
}

function same(a: Evidence, b: Evidence): boolean {
  return a.text === b.text && a.source?.file === b.source?.file && a.source?.line === b.source?.line;
}

/** `file:line` of a source, for evidence text. */
export function at(source: SourceRef | undefined): string {
  return source ? `${source.file}:${source.line}` : 'kubetwin';
}

export const tcpOrUdp = (protocol: Protocol): 'tcp' | 'udp' => (protocol === 'UDP' ? 'udp' : 'tcp');
