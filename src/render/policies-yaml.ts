/**
 * Suggested NetworkPolicies (or CiliumNetworkPolicies) as YAML documents, each rule under a comment naming the flow
 * steps (and their evidence) that need it, the engine's check at the top. Pure and deterministic.
 */
import type { ClusterModel } from '../model/types.ts';
import type { PolicySpec, RuleSpec, Suggestion } from '../analysis/suggest/index.ts';
import { deviceBlocks, podRanges } from '../analysis/suggest/_policies.ts';
import { ciliumPolicyYaml } from './cilium-policies-yaml.ts';

export const q = (s: string) =>
  /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(s) && !/^\d+$/.test(s) ? s : JSON.stringify(s);
export const oneLine = (s: string) => s.replace(/\s+/g, ' ');

export function labels(l: Readonly<Record<string, string>>): string {
  const e = Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${e.map(([k, v]) => `${q(k)}: ${q(v)}`).join(', ')}}`;
}

function peer(model: ClusterModel, r: RuleSpec, indent: string): string[] {
  const p = r.peer;
  if (p.kind === 'pods')
    return [
      `${indent}- namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${q(p.namespace)}}}`,
      `${indent}  podSelector: {matchLabels: ${labels(p.labels)}}`,
    ];
  if (p.kind === 'world')
    return [
      `${indent}- ipBlock: {cidr: 0.0.0.0/0, except: [${podRanges(model).join(', ')}]}`,
      ...deviceBlocks(model, p).map((d) => `${indent}- ipBlock: {cidr: ${d.cidr}}`),
    ];
  return [`${indent}- ipBlock: {cidr: ${p.cidr}}`];
}

/** The comment lines of a rule: the first three flow steps that need it, and how many more. */
export function whyLines(r: RuleSpec, indent: string): string[] {
  return [
    ...r.why.slice(0, 3).map((w) => `${indent}# ${oneLine(w)}`),
    ...(r.why.length > 3 ? [`${indent}# ... and ${r.why.length - 3} more flow steps`] : []),
  ];
}

function rules(model: ClusterModel, list: RuleSpec[], dir: 'ingress' | 'egress'): string[] {
  if (!list.length) return [];
  const out = [`  ${dir}:`];
  for (const r of list) {
    out.push(...whyLines(r, '    '));
    // The pod-range addresses a world peer admits: why each (kube-proxy's masquerade gives it).
    if (r.peer.kind === 'world')
      for (const d of deviceBlocks(model, r.peer))
        out.push(
          `    # ${d.cidr}: kube-proxy masquerades these clients and the endpoint may see ${oneLine(d.why)}${d.cidr.endsWith('/32') ? '' : ` (the whole block is admitted: it admits the pods in it too)`}`,
        );
    out.push(`    - ${dir === 'ingress' ? 'from' : 'to'}:`, ...peer(model, r, '        '));
    out.push(
      `      ports: [${r.ports.map((p) => `{protocol: ${p.protocol}, port: ${typeof p.port === 'number' ? p.port : q(p.port)}}`).join(', ')}]`,
    );
  }
  return out;
}

function policy(model: ClusterModel, p: PolicySpec): string {
  return [
    '---',
    `# ${oneLine(p.comment)}`,
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${q(p.name)}`,
    `  namespace: ${q(p.namespace)}`,
    '  labels: {app.kubernetes.io/managed-by: kubetwin}',
    'spec:',
    `  podSelector: ${Object.keys(p.podLabels).length ? `{matchLabels: ${labels(p.podLabels)}}` : '{}'}`,
    `  policyTypes: [${p.policyTypes.join(', ')}]`,
    ...rules(model, p.ingress, 'ingress'),
    ...rules(model, p.egress, 'egress'),
  ].join('\n');
}

export function renderPoliciesYaml(model: ClusterModel, s: Suggestion): string {
  const c = s.check;
  const head = [
    `# kubetwin suggest policies: ${s.policies.length} ${s.cni === 'cilium' ? 'CiliumNetworkPolicies' : 'NetworkPolicies'} for namespaces ${s.namespaces.join(', ') || '(none)'}, covering ${s.edges.length} connections the flows need.`,
    `# Checked by the engine: ${c.denied.length ? `${c.denied.length} needed connections still DENIED` : 'every needed connection allowed'}; workload matrix in scope ${c.before === undefined ? '' : `${c.before} allowed entries before, `}${c.after}${c.before === undefined ? ' allowed entries' : ''} after, ${c.extra.length ? `${c.extra.length} of them outside the flows` : 'none outside the flows'}.`,
    `# Flow steps delivered with these policies: ${c.delivered}/${c.steps}.`,
    ...c.broken.map((b) => `#   still broken (not a policy matter): ${oneLine(b)}`),
    ...c.denied.map((d) => `#   DENIED: ${oneLine(d)}`),
    ...c.extra.map((d) => `#   allowed outside the flows: ${d}`),
    ...c.unknown.map((u) => `# NOT PROVEN: ${oneLine(u)}`),
    ...(s.dropped.length ? [`# Replaced (delete them when applying these): ${s.dropped.join(', ')}`] : []),
    ...(c.unenforced ? [`# WARNING: ${c.unenforced}`] : []),
  ];
  const doc = s.cni === 'cilium' ? ciliumPolicyYaml : (p: PolicySpec) => policy(model, p);
  return [...head, ...s.policies.map(doc)].join('\n') + '\n';
}
