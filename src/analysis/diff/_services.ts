import type { Service } from '../../model/types.ts';
import type { AnalysedCluster } from '../../pipeline/index.ts';
import type { Attributor } from './_attribute.ts';
import type { Effect } from './types.ts';

interface ServiceView {
  readonly service: Service;
  readonly ports: string;
  /** Ready endpoint addresses, over every EndpointSlice of the Service. */
  readonly ready: number;
}

const portsText = (s: Service) =>
  s.ports.map((p) => `${p.name ? p.name + ' ' : ''}${p.port}/${p.protocol}→${p.targetPort}`).join(', ') ||
  '(no ports)';

function views(a: AnalysedCluster): Map<string, ServiceView> {
  const out = new Map<string, ServiceView>();
  for (const s of a.model.services) {
    let ready = 0;
    for (const sl of a.context.slicesOf(s.namespace, s.name))
      for (const e of sl.endpoints) if (e.conditions.ready) ready += e.addresses.length;
    out.set(`${s.namespace}/${s.name}`, { service: s, ports: portsText(s), ready });
  }
  return out;
}

/**
 * Services present on both sides whose selector went from matching ready pods to matching none (or back), and
 * Services whose ports (port, protocol, targetPort) moved. Services added or removed are object changes only.
 * https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
 */
export function serviceEffects(before: AnalysedCluster, after: AnalysedCluster, attr: Attributor): Effect[] {
  const a = views(before);
  const b = views(after);
  const out: Effect[] = [];
  for (const k of [...a.keys()].filter((k) => b.has(k)).sort()) {
    const x = a.get(k)!;
    const y = b.get(k)!;
    const ns = x.service.namespace;
    const cause = () => attr.cause([x.service.key], (c) => c.namespace === ns || c.kind === 'Namespace');
    const selectorText = (s: Service) =>
      s.selector
        ? Object.entries(s.selector)
            .map(([l, v]) => `${l}=${v}`)
            .join(',')
        : '(none)';
    if (x.ready > 0 !== y.ready > 0) {
      const broke = y.ready === 0;
      out.push({
        layer: 'service',
        severity: broke ? 'high' : 'medium',
        subject: `Service ${k}`,
        change: 'changed',
        direction: broke ? 'broken' : 'fixed',
        before: `${x.ready} ready endpoint(s), selector ${selectorText(x.service)}`,
        after: `${y.ready} ready endpoint(s), selector ${selectorText(y.service)}`,
        details: broke && y.service.selector ? ['the selector now matches no ready pod'] : [],
        cause: cause(),
      });
    }
    if (x.ports !== y.ports)
      out.push({
        layer: 'service',
        severity: 'medium',
        subject: `Service ${k} ports`,
        change: 'changed',
        direction: 'neutral',
        before: x.ports,
        after: y.ports,
        details: [],
        cause: cause(),
      });
  }
  return out;
}
