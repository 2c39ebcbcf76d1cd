import type { ClusterModel } from '../../model/types.ts';
import type { Flow, FlowStep } from './types.ts';

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
    const spec = (o.body.spec ?? {}) as Record<string, unknown>;
    const client = ((spec.workload ?? spec.service) as { name?: string } | undefined)?.name;
    if (!client) continue;
    const targets: { name: string; service: boolean }[] = [];
    for (const c of (spec.calls ?? []) as { name?: string }[])
      if (c?.name) targets.push({ name: c.name, service: false });
    for (const t of (spec.targets ?? []) as Record<string, { name?: string } | undefined>[]) {
      if (t?.kubernetes?.name) targets.push({ name: t.kubernetes.name, service: false });
      else if (t?.service?.name) targets.push({ name: t.service.name, service: true });
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
