import type { Diagnostic } from '../model/diagnostic.ts';
import type { EndpointSlice, Service } from '../model/types.ts';

/**
 * Observed state wins: the EndpointSlices a cluster dump holds for a Service with a selector (managed by the
 * EndpointSlice controller) are kept as observed, in place of the ones the twin computes from the pods. Where
 * the two differ (an address, a port or a ready condition), a `endpointslice-drift` warning says how: the
 * controller had not caught up when the dump was taken, or the dump is missing pods.
 * https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#management
 */
export function preferObservedSlices(
  services: readonly Service[],
  computed: readonly EndpointSlice[],
  manual: readonly EndpointSlice[],
  controllerName: string,
  sink: (d: Diagnostic) => void,
): EndpointSlice[] {
  const owner = (s: EndpointSlice) => `${s.namespace}/${s.serviceName}`;
  const observed = new Map<string, EndpointSlice[]>();
  for (const s of manual) {
    if (s.managedBy !== controllerName) continue;
    const list = observed.get(owner(s)) ?? [];
    list.push(s);
    observed.set(owner(s), list);
  }
  const withSelector = new Map(
    services.filter((s) => s.selector).map((s) => [`${s.namespace}/${s.name}`, s]),
  );
  const kept: EndpointSlice[] = [];
  const computedBy = new Map<string, EndpointSlice[]>();
  for (const s of computed) {
    if (observed.has(owner(s))) {
      const list = computedBy.get(owner(s)) ?? [];
      list.push(s);
      computedBy.set(owner(s), list);
    } else kept.push(s);
  }
  for (const [key, slices] of [...observed].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const svc = withSelector.get(key);
    if (!svc) continue;
    const seen = endpointLines(slices);
    const want = endpointLines(computedBy.get(key) ?? []);
    const onlyObserved = [...seen].filter((l) => !want.has(l));
    const onlyComputed = [...want].filter((l) => !seen.has(l));
    if (!onlyObserved.length && !onlyComputed.length) continue;
    const list = (lines: string[]) =>
      lines.length
        ? `${lines.slice(0, 4).join(', ')}${lines.length > 4 ? `, … (${lines.length})` : ''}`
        : 'none';
    sink({
      code: 'endpointslice-drift',
      severity: 'warning',
      message: `the EndpointSlices of Service ${key} as observed differ from what the EndpointSlice controller computes from the pods in the input (observed only: ${list(onlyObserved)}; computed only: ${list(onlyComputed)}); the observed ones are used`,
      source: slices[0].source,
      object: slices[0].key,
      hint: 'Dump the pods and EndpointSlices together (kubectl get pods,endpointslices -A -o yaml), or look for a controller that has not caught up.',
    });
  }
  return kept;
}

/** One line per endpoint address and port: `10.0.0.5:8080/TCP ready` (sorted, deduplicated). */
function endpointLines(slices: readonly EndpointSlice[]): Set<string> {
  const out = new Set<string>();
  for (const s of slices)
    for (const e of s.endpoints)
      for (const a of e.addresses)
        for (const p of s.ports.length ? s.ports : [{ port: undefined, protocol: 'TCP' }]) {
          const at = a.includes(':') ? `[${a}]` : a;
          out.add(`${at}:${p.port ?? '*'}/${p.protocol} ${e.conditions.ready ? 'ready' : 'not ready'}`);
        }
  return new Set([...out].sort());
}
