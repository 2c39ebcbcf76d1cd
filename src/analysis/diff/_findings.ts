import type { Finding } from '../doctor/index.ts';
import { describeReach, type NamespacePosture } from '../report/index.ts';
import type { Attributor } from './_attribute.ts';
import { clusterPolicyKinds } from './_attribute.ts';
import type { Effect } from './types.ts';

/** A finding's identity across the two sides: its code and the objects it names (not its wording or lines). */
const identity = (f: Finding) => `${f.code} ${f.objects.map((o) => o.key).join(' ')}`;

/** Findings new (after only) and resolved (before only), by code and objects; duplicates counted. */
export function findingEffects(
  before: readonly Finding[],
  after: readonly Finding[],
  attr: Attributor,
): Effect[] {
  const count = (list: readonly Finding[]) => {
    const m = new Map<string, Finding[]>();
    for (const f of list) {
      const k = identity(f);
      m.set(k, [...(m.get(k) ?? []), f]);
    }
    return m;
  };
  const a = count(before);
  const b = count(after);
  const out: Effect[] = [];
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(k) ?? [];
    const y = b.get(k) ?? [];
    const extra = y.slice(x.length).map((f) => ({ f, change: 'added' as const }));
    const gone = x.slice(y.length).map((f) => ({ f, change: 'removed' as const }));
    for (const { f, change } of [...extra, ...gone]) {
      const at = f.objects[0]?.source;
      out.push({
        layer: 'finding',
        severity:
          change === 'added'
            ? f.severity === 'error'
              ? 'high'
              : f.severity === 'warning'
                ? 'medium'
                : 'low'
            : 'low',
        subject: `${f.code} ${f.objects[0]?.key ?? ''}`.trim(),
        change,
        direction: change === 'added' ? 'broken' : 'fixed',
        before: change === 'added' ? '(none)' : `${f.severity}: ${f.message}`,
        after: change === 'added' ? `${f.severity}: ${f.message}` : '(none)',
        details: [],
        cause: attr.cause(
          f.objects.map((o) => o.key),
          () => true,
        ),
        finding: {
          code: f.code,
          severity: f.severity,
          message: f.message,
          ...(at && at.line > 0 ? { at: { file: at.file, line: at.line, column: at.column } } : {}),
        },
      });
    }
  }
  return out;
}

// Unknown (an unknown CNI) ranks as what it is sure to be at least: open.
const postureRank = { open: 0, unknown: 0, partial: 1, 'zero-trust': 2 } as const;
const postureText = (p: NamespacePosture | undefined) =>
  p
    ? `${p.posture} (ingress ${p.ingress.reach === 'peers' ? `from ${namespaces(p.ingress.peers.length)}` : describeReach(p.ingress, 'ingress')}; egress ${p.egress.reach === 'peers' ? `to ${namespaces(p.egress.peers.length)}` : describeReach(p.egress, 'egress')}; ${p.policies} ${p.policies === 1 ? 'policy' : 'policies'})`
    : '(absent)';

/** Posture per namespace before → after, when the posture or its isolation counts moved. */
export function postureEffects(
  before: readonly NamespacePosture[],
  after: readonly NamespacePosture[],
  attr: Attributor,
  policiesIn: (namespace: string) => string[],
): Effect[] {
  const a = new Map(before.map((p) => [p.namespace, p]));
  const b = new Map(after.map((p) => [p.namespace, p]));
  const out: Effect[] = [];
  for (const ns of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(ns);
    const y = b.get(ns);
    if (postureText(x) === postureText(y)) continue;
    const r1 = x ? postureRank[x.posture] : -1;
    const r2 = y ? postureRank[y.posture] : -1;
    out.push({
      layer: 'posture',
      severity: r2 < r1 ? 'medium' : 'low',
      subject: `namespace ${ns}`,
      change: x && y ? 'changed' : x ? 'removed' : 'added',
      direction: r2 > r1 ? 'fixed' : r2 < r1 ? 'broken' : 'neutral',
      before: postureText(x),
      after: postureText(y),
      details: [],
      cause: attr.cause(
        [...policiesIn(ns), `Namespace/${ns}`],
        (c) => c.namespace === ns || clusterPolicyKinds.has(c.kind),
      ),
    });
  }
  return out;
}

const namespaces = (n: number) => `${n} namespace${n === 1 ? '' : 's'}`;
