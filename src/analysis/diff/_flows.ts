import type { FlowTrace, Hop, Trace } from '../trace/index.ts';
import type { Attributor } from './_attribute.ts';
import { connectivityKinds } from './_attribute.ts';
import type { Effect } from './types.ts';

const rank = { failed: 0, partial: 1, delivered: 2 } as const;
type Outcome = keyof typeof rank;

const hopText = (h: Hop | undefined) => (h ? `${h.kind} ${h.title} [${h.verdict}]` : '(no hop)');
const hopSame = (a: Hop, b: Hop) => a.kind === b.kind && a.title === b.title && a.verdict === b.verdict;

/** The first hop where two traces of one step part, as `hop N: before → after`. */
export function firstDifferingHop(a: Trace | undefined, b: Trace | undefined): string | undefined {
  const x = a?.hops ?? [];
  const y = b?.hops ?? [];
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if (!x[i] || !y[i] || !hopSame(x[i], y[i]))
      return `first differing hop ${i + 1}: ${hopText(x[i])} → ${hopText(y[i])}`;
  return undefined;
}

function objectsOf(t: Trace | undefined): string[] {
  return (t?.hops ?? []).flatMap((h) => h.objects.map((o) => o.key));
}

const flowKey = (f: FlowTrace) => `${f.flow.origin} ${f.flow.name}`;

/**
 * Flows (declared, ClientIntents, and whatever else the pipeline traces) whose outcome changed, one effect per
 * changed step, matched by flow origin, name and step text; the first differing hop is named. A flow on one side
 * only is an effect of its own.
 */
export function flowEffects(
  before: readonly FlowTrace[],
  after: readonly FlowTrace[],
  attr: Attributor,
): Effect[] {
  const a = new Map(before.map((f) => [flowKey(f), f]));
  const b = new Map(after.map((f) => [flowKey(f), f]));
  const out: Effect[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(key);
    const y = b.get(key);
    const name = (x ?? y)!.flow.name;
    if (!x || !y) {
      const f = (x ?? y)!;
      out.push({
        layer: 'flow',
        severity: y && y.outcome !== 'delivered' ? 'high' : 'low',
        subject: `flow "${name}"`,
        change: x ? 'removed' : 'added',
        direction: 'neutral',
        before: x ? x.outcome : '(absent)',
        after: y ? y.outcome : '(absent)',
        details: [],
        cause: attr.cause([f.flow.origin], () => true),
      });
      continue;
    }
    const steps = new Map(y.steps.map((s) => [s.step.text, s]));
    const seen = new Set<string>();
    x.steps.forEach((s, i) => {
      seen.add(s.step.text);
      const t = steps.get(s.step.text);
      const o1: Outcome = s.trace.outcome;
      const o2: Outcome | undefined = t?.trace.outcome;
      if (o1 === o2) return;
      const worse = o2 === undefined || rank[o2] < rank[o1];
      const hop = firstDifferingHop(s.trace, t?.trace);
      out.push({
        layer: 'flow',
        severity: worse ? 'high' : 'medium',
        subject: `flow "${name}" step ${i + 1}: ${s.step.text}`,
        change: 'changed',
        direction: worse ? 'broken' : 'fixed',
        before: o1,
        after: o2 ?? '(step removed)',
        details: hop ? [hop] : [],
        cause: attr.cause([...objectsOf(s.trace), ...objectsOf(t?.trace)], (c) =>
          connectivityKinds.has(c.kind),
        ),
        edge: { from: s.trace.from, to: s.trace.to, label: name },
      });
    });
    y.steps.forEach((t, i) => {
      if (seen.has(t.step.text)) return;
      out.push({
        layer: 'flow',
        severity: t.trace.outcome === 'delivered' ? 'low' : 'high',
        subject: `flow "${name}" step ${i + 1}: ${t.step.text}`,
        change: 'added',
        direction: 'neutral',
        before: '(absent)',
        after: t.trace.outcome,
        details: [],
        cause: attr.cause([y.flow.origin], () => true),
      });
    });
  }
  return out;
}
