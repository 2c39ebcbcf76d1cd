import type { Pod } from '../../model/types.ts';
import type { DoctorRule, Finding } from './types.ts';
import type { FlowTrace } from '../trace/index.ts';

/**
 * Pods whose egress is isolated but may not reach the cluster DNS on 53/UDP: every lookup times out, and the
 * application usually reports it as "host not found" or a connect timeout.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic
 */
export const egressWithoutDns: DoctorRule = {
  code: 'egress-without-dns',
  severity: 'error',
  summary: 'pods whose egress is isolated with no rule letting them query the cluster DNS (53/UDP)',
  check: ({ model, engine }) => {
    if (!engine) return [];
    const dnsSvc = model.services.find((s) => s.clusterIPs.includes(model.profile.dnsServiceIP));
    const dnsPods = dnsSvc
      ? model.pods.filter(
          (p) =>
            p.namespace === dnsSvc.namespace &&
            p.ip &&
            Object.entries(dnsSvc.selector ?? {}).every(([k, v]) => p.labels[k] === v),
        )
      : [];
    if (!dnsPods.length) return [];
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const pod of model.pods) {
      if (!pod.ip || pod.hostNetwork || pod.dnsPolicy === 'Default' || pod.dnsPolicy === 'None') continue;
      const group = pod.owner ?? pod.key;
      if (seen.has(group)) continue;
      seen.add(group);
      const isolating = engine.isolatedBy(pod, 'Egress');
      if (!isolating.length) continue;
      const ok = dnsPods.some((d: Pod) =>
        engine.allows({ kind: 'pod', pod }, { kind: 'pod', pod: d }, 53, 'UDP'),
      );
      if (ok) continue;
      out.push({
        code: 'egress-without-dns',
        severity: 'error',
        message: `${group}: egress is isolated by ${isolating.map((p) => p.key).join(', ')}, and no rule lets it query ${dnsSvc!.namespace}/${dnsSvc!.name} (53/UDP)`,
        objects: [
          { key: isolating[0].key, source: isolating[0].source },
          { key: group, source: pod.source },
        ],
        breaks: `every DNS lookup from ${group} times out: it cannot reach any Service by name`,
        fix: 'Allow egress to the DNS pods on 53/UDP and 53/TCP.',
        patch: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns\n  namespace: ${pod.namespace}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${dnsSvc!.namespace}}}\n          podSelector: {matchLabels: {k8s-app: kube-dns}}\n      ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]`,
      });
    }
    return out;
  },
};

/** Declared flows (a flows file, Otterize ClientIntents) that are not delivered, with the hop and rule to blame. */
export const flowBlocked: DoctorRule = {
  code: 'flow-blocked',
  severity: 'error',
  summary: 'a declared flow step that is not delivered (traced hop by hop), with the failing hop and a fix',
  check: ({ flowTraces }) =>
    (flowTraces ?? []).flatMap((ft) =>
      ft.steps
        .filter((s) => s.trace.outcome !== 'delivered')
        .map(
          (s): Finding =>
            undecidedFlow(ft.flow, s) ?? {
              code: 'flow-blocked',
              severity: s.trace.outcome === 'failed' ? 'error' : 'warning',
              message: `flow "${ft.flow.name}": ${s.step.text} is ${s.trace.outcome === 'failed' ? 'NOT delivered' : 'only partly delivered'}${s.trace.failure ? ` — ${s.trace.failure.reason}` : ''}`,
              objects: [
                {
                  key: ft.flow.origin === 'flows-file' ? `flow/${ft.flow.name}` : ft.flow.origin,
                  source: s.step.source,
                },
                ...s.trace.hops.filter((h) => h.verdict === 'fail').flatMap((h) => h.objects.slice(0, 2)),
              ],
              breaks: `${s.step.text} ${s.trace.outcome === 'failed' ? 'fails' : 'fails for some of the destinations kube-proxy may pick'}`,
              fix: s.trace.fix?.summary ?? 'See `kubetwin trace` for the hop that fails.',
              ...(s.trace.fix?.patch ? { patch: s.trace.fix.patch } : {}),
            },
        ),
    ),
};

/**
 * A flow step that fails only at a hop the input cannot decide (a public hostname the profile's externalHosts does
 * not list, as in every ingress-nginx and Gateway API docs example) is unknown, not blocked: an info finding, so
 * `doctor` does not report the cluster broken for what kubetwin was not told.
 */
function undecidedFlow(flow: FlowTrace['flow'], s: FlowTrace['steps'][number]): Finding | undefined {
  const { name, origin } = flow;
  const failing = s.trace.hops.find((h) => h.verdict === 'fail');
  if (s.trace.outcome !== 'failed' || !failing?.undecided) return undefined;
  return {
    code: 'flow-blocked',
    severity: 'info',
    message: `flow "${name}": ${s.step.text} could not be traced: ${failing.undecided}`,
    objects: [{ key: origin === 'flows-file' ? `flow/${name}` : origin, source: s.step.source }],
    breaks: `unknown: whether ${s.step.text} is delivered depends on what kubetwin was not given`,
    fix: s.trace.fix?.summary ?? 'See `kubetwin trace` for the hop that could not be decided.',
  };
}
