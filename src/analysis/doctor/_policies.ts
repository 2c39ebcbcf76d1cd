import type { ClusterModel, Namespace, NetworkPolicy, PolicyPeer, PolicyRule } from '../../model/types.ts';
import { formatSelector, type Selector } from '../../lib/labels.ts';
import type { DoctorRule, Finding } from './types.ts';
import { selectNamespaces, selectsAnyPod } from './_select.ts';
import { closestLabelHint } from './_label-hint.ts';

const at = (np: NetworkPolicy, path?: string) => ({
  key: np.key,
  source: np.source ? { ...np.source, ...(path ? { path } : {}) } : undefined,
});

/** A NetworkPolicy whose podSelector matches no pod protects nothing. https://kubernetes.io/docs/concepts/services-networking/network-policies/ */
export const policySelectsNoPods: DoctorRule = {
  code: 'policy-selects-no-pods',
  severity: 'warning',
  summary: 'a NetworkPolicy whose podSelector matches no pod in its namespace',
  check: ({ model }) =>
    model.networkPolicies
      .filter((np) => !selectsAnyPod(model, np.namespace, np.podSelector))
      .map((np) => ({
        code: 'policy-selects-no-pods',
        severity: 'warning',
        message: `NetworkPolicy ${np.namespace}/${np.name} selects ${formatSelector(np.podSelector) || 'every pod'}, which matches no pod in ${np.namespace}${hinted(closestLabelHint(model, [np.namespace], np.podSelector))}`,
        objects: [at(np, 'spec.podSelector')],
        breaks:
          'nothing is isolated or allowed by this policy: the traffic it was written for is governed by the other policies',
        fix: 'Fix spec.podSelector to match the labels of the pods it should protect.',
      })),
};

const hinted = (hint: string | undefined) => (hint ? ` — ${hint}` : '');

function peers(
  np: NetworkPolicy,
): { rule: PolicyRule; dir: 'ingress' | 'egress'; peer: PolicyPeer; index: number }[] {
  const out: { rule: PolicyRule; dir: 'ingress' | 'egress'; peer: PolicyPeer; index: number }[] = [];
  for (const dir of ['ingress', 'egress'] as const)
    for (const rule of np[dir])
      if (rule.peers !== 'all') rule.peers.forEach((peer, index) => out.push({ rule, dir, peer, index }));
  return out;
}

/** A label key people expect on namespaces that Kubernetes never sets (only kubernetes.io/metadata.name). */
function nameLabelHint(model: ClusterModel, sel: Selector): { hint: string; patch?: string } {
  const byName = sel.requirements.find(
    (r) => r.operator === 'In' && (r.key === 'name' || r.key === 'namespace') && r.values.length === 1,
  );
  if (byName && model.namespaces.some((n) => n.name === byName.values[0]))
    return {
      hint: `namespace ${byName.values[0]} exists but carries no label ${byName.key}=${byName.values[0]}; the label Kubernetes sets on every namespace is kubernetes.io/metadata.name`,
      patch: `namespaceSelector:\n  matchLabels:\n    kubernetes.io/metadata.name: ${byName.values[0]}`,
    };
  return { hint: 'no namespace carries these labels' };
}

/**
 * A peer that selects nothing allows nothing: a namespaceSelector no namespace matches (often `name: x`
 * instead of `kubernetes.io/metadata.name: x`), or a podSelector no pod in the selected namespaces matches.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name
 */
export const peerSelectsNothing: DoctorRule = {
  code: 'peer-selects-nothing',
  severity: 'error',
  summary:
    'a NetworkPolicy peer whose namespaceSelector matches no namespace, or whose podSelector matches no pod',
  check: ({ model }) => {
    const out: Finding[] = [];
    // Namespaces by name, and those each distinct namespaceSelector matches: once, not per peer.
    const named = new Map<string, Namespace[]>();
    for (const n of model.namespaces) (named.get(n.name) ?? named.set(n.name, []).get(n.name)!).push(n);
    const matched = new Map<string, Namespace[]>();
    const selected = (sel: Selector) => {
      const k = JSON.stringify(sel);
      return matched.get(k) ?? matched.set(k, selectNamespaces(model, sel)).get(k)!;
    };
    for (const np of model.networkPolicies)
      for (const { rule, dir, peer, index } of peers(np)) {
        if (peer.ipBlock) continue;
        const path = `spec.${dir}[${rule.index}].${dir === 'ingress' ? 'from' : 'to'}[${index}]`;
        const where = { key: np.key, source: peer.source ? { ...peer.source, path } : np.source };
        const namespaces = peer.namespaceSelector
          ? selected(peer.namespaceSelector)
          : (named.get(np.namespace) ?? []);
        if (peer.namespaceSelector && namespaces.length === 0) {
          const { hint, patch } = nameLabelHint(model, peer.namespaceSelector);
          out.push({
            code: 'peer-selects-nothing',
            severity: 'error',
            message: `${np.namespace}/${np.name} ${dir}[${rule.index}] peer ${index}: namespaceSelector ${formatSelector(peer.namespaceSelector)} matches no namespace — ${hint}`,
            objects: [where],
            breaks: `the ${dir} this rule was written for is not allowed (${dir === 'ingress' ? 'from' : 'to'} nothing)`,
            fix: 'Select namespaces by a label they carry, e.g. kubernetes.io/metadata.name: <namespace>.',
            ...(patch ? { patch } : {}),
          });
          continue;
        }
        if (peer.podSelector && !namespaces.some((n) => selectsAnyPod(model, n.name, peer.podSelector!)))
          out.push({
            code: 'peer-selects-nothing',
            severity: 'warning',
            message: `${np.namespace}/${np.name} ${dir}[${rule.index}] peer ${index}: podSelector ${formatSelector(peer.podSelector) || '{}'} matches no pod in ${namespaces.map((n) => n.name).join(', ') || 'any namespace'}${hinted(
              closestLabelHint(
                model,
                namespaces.map((n) => n.name),
                peer.podSelector,
              ),
            )}`,
            objects: [where],
            breaks: `this peer allows no ${dir === 'ingress' ? 'source' : 'destination'} today`,
            fix: 'Fix the podSelector labels (or the namespaceSelector beside it).',
          });
      }
    return out;
  },
};

/**
 * The AND-versus-OR trap: `- namespaceSelector: …` and `- podSelector: …` as two list items are two peers
 * (OR: every pod of those namespaces, plus those pods of the policy's own namespace), while one item with both
 * keys is one peer (AND). Two such items side by side in one rule are usually meant as one.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
 */
export const peerAndOrTrap: DoctorRule = {
  code: 'peer-and-or-trap',
  severity: 'warning',
  summary:
    'a rule with a namespaceSelector-only peer next to a podSelector-only peer (OR) that was likely meant as one peer (AND)',
  check: ({ model }) => {
    const out: Finding[] = [];
    for (const np of model.networkPolicies)
      for (const dir of ['ingress', 'egress'] as const)
        for (const rule of np[dir]) {
          if (rule.peers === 'all') continue;
          const nsOnly = rule.peers.findIndex((p) => p.namespaceSelector && !p.podSelector);
          const podOnly = rule.peers.findIndex(
            (p) => p.podSelector && !p.namespaceSelector && p.podSelector.requirements.length > 0,
          );
          if (nsOnly < 0 || podOnly < 0) continue;
          const ns = rule.peers[nsOnly].namespaceSelector!;
          const pod = rule.peers[podOnly].podSelector!;
          const field = dir === 'ingress' ? 'from' : 'to';
          out.push({
            code: 'peer-and-or-trap',
            severity: 'warning',
            message: `${np.namespace}/${np.name} ${dir}[${rule.index}]: "${field}" lists namespaceSelector ${formatSelector(ns)} and podSelector ${formatSelector(pod)} as two peers, so it allows EVERY pod in those namespaces OR those pods in ${np.namespace} — not those pods in those namespaces`,
            objects: [
              {
                key: np.key,
                source: rule.peers[nsOnly].source
                  ? { ...rule.peers[nsOnly].source!, path: `spec.${dir}[${rule.index}].${field}` }
                  : np.source,
              },
            ],
            breaks: 'the rule allows far more than intended (every pod of the selected namespaces)',
            fix: 'If both conditions must hold, put podSelector in the same list item as namespaceSelector (no "-" before podSelector).',
            patch: `${field}:\n  - namespaceSelector:\n      matchLabels: {${ns.requirements.map((r) => `${r.key}: ${r.values[0] ?? ''}`).join(', ')}}\n    podSelector:\n      matchLabels: {${pod.requirements.map((r) => `${r.key}: ${r.values[0] ?? ''}`).join(', ')}}`,
          });
        }
    return out;
  },
};
