import type { ClusterModel, Pod, Service } from '../../model/types.ts';
import type { DoctorRule, Finding } from './types.ts';
import { dnsAccess } from './_dns-access.ts';

/**
 * Pods whose egress is isolated but may not reach the cluster DNS on 53/UDP: every lookup times out, and the
 * application usually reports it as "host not found" or a connect timeout. One finding per workload (its first
 * pod in input order speaks for it), summarized per namespace (one patch) for people (`summarize`); whether a pod may query the DNS pods is decided per class (`dnsAccess`).
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic
 */
export const egressWithoutDns: DoctorRule = {
  code: 'egress-without-dns',
  reportsPolicyDenial: true,
  severity: 'error',
  summary: 'pods whose egress is isolated with no rule letting them query the cluster DNS (53/UDP)',
  check: ({ model, engine }) => {
    if (!engine) return [];
    const dnsSvc = model.services.find((s) => s.clusterIPs.includes(model.profile.dnsServiceIP));
    const dnsPods = dnsSvc ? podsBehind(model, dnsSvc) : [];
    if (!dnsSvc || !dnsPods.length) return [];
    const mayQuery = dnsAccess(engine, dnsPods);
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const pod of model.pods) {
      if (!pod.ip || pod.hostNetwork || pod.dnsPolicy === 'Default' || pod.dnsPolicy === 'None') continue;
      const group = pod.owner ?? pod.key;
      if (seen.has(group)) continue;
      seen.add(group);
      const isolating = engine.isolatedBy(pod, 'Egress');
      if (!isolating.length || mayQuery(pod)) continue;
      out.push(finding(pod, group, isolating, dnsSvc));
    }
    return out;
  },
  summarize: (findings) => {
    const first = findings[0];
    const workloads = findings.map((f) => f.objects[1]);
    // The DNS Service as this rule's own message names it: "…, and no rule lets it query <ns>/<name> (53/UDP)".
    const dns = first.message.slice(first.message.lastIndexOf(' query ') + ' query '.length);
    const namespace = workloads[0].key.split('/')[1];
    return {
      ...first,
      message: `${findings.length} workloads in ${namespace} have isolated egress (the policies isolating each: doctor --all, -o json) and no rule lets them query ${dns}: ${named(workloads.map((w) => w.key))}`,
      objects: [first.objects[0], ...workloads],
      breaks: `every DNS lookup from these ${findings.length} workloads times out: they cannot reach any Service by name`,
    };
  },
};

/** The first ten workloads by name, then how many more (the message is one line; every one stays in `objects`). */
function named(keys: readonly string[]): string {
  const shown = 10;
  const more = keys.length - shown;
  return `${keys.slice(0, shown).join(', ')}${more > 0 ? `, and ${more} more (doctor --all, -o json)` : ''}`;
}

/** The DNS Service's pods with an address (its selector read as equality on every label). */
function podsBehind(model: ClusterModel, dnsSvc: Service): Pod[] {
  return model.pods.filter(
    (p) =>
      p.namespace === dnsSvc.namespace &&
      p.ip &&
      Object.entries(dnsSvc.selector ?? {}).every(([k, v]) => p.labels[k] === v),
  );
}

function finding(
  pod: Pod,
  group: string,
  isolating: readonly { key: string; source?: Finding['objects'][number]['source'] }[],
  dnsSvc: Service,
): Finding {
  return {
    code: 'egress-without-dns',
    severity: 'error',
    message: `${group}: egress is isolated by ${isolating.map((p) => p.key).join(', ')}, and no rule lets it query ${dnsSvc.namespace}/${dnsSvc.name} (53/UDP)`,
    objects: [
      { key: isolating[0].key, source: isolating[0].source },
      { key: group, source: pod.source },
    ],
    breaks: `every DNS lookup from ${group} times out: it cannot reach any Service by name`,
    fix: 'Allow egress to the DNS pods on 53/UDP and 53/TCP.',
    patch: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns\n  namespace: ${pod.namespace}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${dnsSvc.namespace}}}\n          podSelector: {matchLabels: {k8s-app: kube-dns}}\n      ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]`,
  };
}
