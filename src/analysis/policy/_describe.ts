import type { SourceRef } from '../../model/diagnostic.ts';
import { formatSource } from '../../model/diagnostic.ts';
import type { RuleRef, SideVerdict } from './types.ts';

export const at = (s?: SourceRef) => (s ? ` (${formatSource(s)})` : '');

/** `NetworkPolicy/ns/name ingress[0] from[1]`, with the tier when it is not NetworkPolicy. */
export function formatRule(r: RuleRef, direction: 'Ingress' | 'Egress'): string {
  if (r.tier === 'cilium')
    return `${r.policy} ${r.path ?? `${direction.toLowerCase()}[${r.rule}]`}${r.action === 'Deny' ? ' (deny)' : ''}${at(r.source)}`;
  const dir = direction === 'Ingress' ? 'ingress' : 'egress';
  const peer = r.peer !== undefined ? ` ${direction === 'Ingress' ? 'from' : 'to'}[${r.peer}]` : '';
  const tier = r.tier === 'networkpolicy' ? '' : `${r.tier} tier, `;
  return `${tier}${r.policy} ${dir}[${r.rule}]${peer}${r.action ? ` action ${r.action}` : ''}${at(r.source)}`;
}

/** One side of a verdict as lines: what decided it, or every rule that missed. */
export function describeSide(side: SideVerdict, where: string): string[] {
  const head = `${side.direction.toLowerCase()} at ${where}: ${side.allowed ? 'allowed' : 'DENIED'}`;
  const lines: string[] = [];
  switch (side.reason) {
    case 'rule':
      lines.push(`${head} by ${formatRule(side.match!, side.direction)}`);
      break;
    case 'admin':
    case 'baseline':
      lines.push(`${head} by ${formatRule(side.match!, side.direction)}`);
      break;
    case 'deny':
      lines.push(
        `${head} by deny rule ${formatRule(side.match!, side.direction)} (a deny overrides every allow)`,
      );
      break;
    case 'l7-denied':
      lines.push(
        `${head} — admitted at L4 by ${formatRule(side.match!, side.direction)}, but no HTTP rule admits ${side.l7?.request?.method ?? ''} ${side.l7?.request?.path ?? ''}: the Cilium proxy answers 403`,
      );
      for (const r of side.l7?.rules ?? []) lines.push(`    - ${formatRule(r, side.direction)}`);
      break;
    case 'not-isolated':
      lines.push(`${head} — no NetworkPolicy selects it for ${side.direction}`);
      break;
    case 'no-rule-matched':
      lines.push(
        `${head} — isolated by ${side.isolatedBy.map((p) => `${p.policy}${at(p.source)}`).join(', ')}, and no rule admits this connection:`,
      );
      for (const m of side.misses)
        lines.push(
          `    - ${m.policy}${m.path ? ` ${m.path}` : m.rule >= 0 ? ` ${side.direction.toLowerCase()}[${m.rule}]` : ''}${at(m.source)}: ${m.reason}`,
        );
      break;
    case 'own-node':
      lines.push(`${head} — traffic between a pod and its own node is always allowed`);
      break;
    case 'self':
      lines.push(`${head} — a pod cannot block traffic to itself`);
      break;
    case 'not-a-pod':
      lines.push(`${head} — not a pod, no NetworkPolicy applies`);
      break;
    case 'host-network':
      lines.push(`${head} — hostNetwork pod, treated as its node`);
      break;
    case 'not-enforced':
      lines.push(`${head} — the CNI does not enforce NetworkPolicy`);
      break;
    case 'audit': {
      const a = side.audit!;
      const would =
        a.dropped === 'deny' || a.dropped === 'admin' || a.dropped === 'baseline'
          ? `by ${a.dropped === 'deny' ? 'deny rule ' : ''}${formatRule(side.match!, side.direction)}`
          : `(isolated by ${side.isolatedBy.map((p) => `${p.policy}${at(p.source)}`).join(', ')}, and no rule admits this connection)`;
      lines.push(
        `${head} — ${a.setting}${at(a.source)}: policy audit mode lets it through and logs it as AUDIT; enforced, the policies would drop it ${would}`,
      );
      for (const m of side.misses)
        lines.push(
          `    - ${m.policy}${m.path ? ` ${m.path}` : m.rule >= 0 ? ` ${side.direction.toLowerCase()}[${m.rule}]` : ''}${at(m.source)}: ${m.reason}`,
        );
      break;
    }
  }
  if (side.l7?.match && side.reason === 'rule')
    lines.push(
      `    HTTP ${side.l7.request?.method ?? ''} ${side.l7.request?.path ?? ''} admitted by ${formatRule(side.l7.match, side.direction)}`,
    );
  for (const n of side.notes) lines.push(`    note: ${n}`);
  return lines;
}
