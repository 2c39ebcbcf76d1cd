import type { ClusterModel } from '../../model/types.ts';
import type { Flow, FlowStep } from './types.ts';

const nameOf = (v: unknown): string | undefined => {
  const name = typeof v === 'object' && v !== null ? (v as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name ? name : undefined;
};
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** `name.namespace` or `name` (the intents' own namespace), as Otterize writes targets. */
function split(target: string, ns: string): { namespace: string; name: string } {
  const dot = target.indexOf('.');
  return dot > 0
    ? { name: target.slice(0, dot), namespace: target.slice(dot + 1) }
    : { name: target, namespace: ns };
}

/**
 * Otterize ClientIntents read as declared flows: the client workload calls each target (v1alpha2/v1alpha3
 * `spec.service.name` + `spec.calls[].name`; v2 `spec.workload.name` + `spec.targets[].kubernetes|service.name`).
 * Intents name no port, so each step covers every port the target declares.
 * https://docs.otterize.com/reference/IBAC-Overview
 */
export function flowsFromClientIntents(model: ClusterModel): Flow[] {
  const out: Flow[] = [];
  for (const o of model.others) {
    if (o.kind !== 'ClientIntents' || !o.namespace) continue;
    // Not checked by the builder: a field of another type than the CRD's reads as absent, never a crash.
    const spec = (o.body.spec ?? {}) as Record<string, unknown>;
    const client = nameOf(spec.workload ?? spec.service);
    if (!client) continue;
    const targets: { name: string; service: boolean }[] = [];
    for (const c of listOf(spec.calls)) {
      const name = nameOf(c);
      if (name) targets.push({ name, service: false });
    }
    for (const t of listOf(spec.targets) as Record<string, unknown>[]) {
      const k8s = nameOf(t?.kubernetes);
      const svc = nameOf(t?.service);
      if (k8s) targets.push({ name: k8s, service: false });
      else if (svc) targets.push({ name: svc, service: true });
    }
    const steps: FlowStep[] = targets.map((t) => {
      const dest = split(t.name, o.namespace!);
      return {
        from: { kind: 'ref', namespace: o.namespace!, name: client },
        to: t.service
          ? { kind: 'ref', namespace: dest.namespace, name: dest.name, protocol: 'TCP' }
          : { kind: 'ref', namespace: dest.namespace, name: dest.name, protocol: 'TCP' },
        text: `${o.namespace}/${client} → ${dest.namespace}/${dest.name} (any declared port)`,
        source: o.source,
      };
    });
    if (steps.length)
      out.push({ name: `intents of ${o.namespace}/${client}`, steps, origin: o.key, source: o.source });
  }
  return out;
}
