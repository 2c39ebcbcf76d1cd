import type { NetworkPolicy, Pod } from '../../model/types.ts';
import { formatSelector } from '../../lib/labels.ts';
import type { DoctorRule, Finding } from './types.ts';
import { selectPods } from './_select.ts';

/**
 * A NetworkPolicy whose podSelector matches only hostNetwork pods (node-exporter, CNI agents) protects nothing on
 * most clusters: upstream leaves NetworkPolicy for hostNetwork pods undefined, and "the most common
 * implementation" cannot tell their traffic from the node's, so it ignores them when matching podSelector and
 * treats their traffic as the node IP's. kubetwin answers that way by default (hostNetwork mode `node`); under
 * `--host-network pod` the policy applies and nothing is reported.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods
 */
export const policySelectsOnlyHostNetworkPods: DoctorRule = {
  code: 'policy-selects-only-host-network-pods',
  severity: 'warning',
  summary:
    'a NetworkPolicy whose podSelector matches only hostNetwork pods, which most CNIs do not isolate: its rules decide nothing',
  check({ model, engine }) {
    if (engine && engine.hostNetwork !== 'node') return [];
    const out: Finding[] = [];
    for (const np of model.networkPolicies) {
      const pods = selectPods(model, np.namespace, np.podSelector);
      if (!pods.length || !pods.every((p) => p.hostNetwork)) continue;
      out.push(finding(np, pods));
    }
    return out;
  },
};

function finding(np: NetworkPolicy, pods: readonly Pod[]): Finding {
  const owners = [...new Set(pods.map((p) => p.owner ?? p.key))].sort();
  const ports = [
    ...new Set(pods.flatMap((p) => p.ports.map((c) => `${c.containerPort}/${c.protocol}`))),
  ].sort();
  return {
    code: 'policy-selects-only-host-network-pods',
    severity: 'warning',
    message: `NetworkPolicy ${np.namespace}/${np.name} selects ${formatSelector(np.podSelector) || 'every pod'}, which matches only hostNetwork pods (${owners.join(', ')}): most CNIs do not isolate them, so its ${np.policyTypes.join(' and ')} rules allow and deny nothing (upstream leaves this undefined; --host-network pod judges them as pods)`,
    objects: [{ key: np.key, source: np.source ? { ...np.source, path: 'spec.podSelector' } : undefined }],
    breaks: `the pods listen on their node's addresses${ports.length ? ` (${ports.join(', ')})` : ''}: any source that reaches the node reaches them, whatever this policy says`,
    fix: "Protect the host ports with the CNI's host policies (a Calico HostEndpoint with a GlobalNetworkPolicy, Cilium's host firewall) or a node firewall, or run the workload on the pod network.",
  };
}
