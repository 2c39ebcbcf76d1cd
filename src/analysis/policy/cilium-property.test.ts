/**
 * Property test: the Cilium tier as compiled (pod classes, the class index, selector sets, the class-pair cache of
 * `allows`) agrees with a plain per-pair reference evaluator written here from the Cilium documentation, on random
 * clusters with CiliumNetworkPolicies, CiliumClusterwideNetworkPolicies and NetworkPolicies: namespace scoping,
 * identity labels (namespace, namespace labels, service account), entities, deny over allow, default deny per
 * direction (enableDefaultDeny), ports with names, ranges and ANY.
 * https://docs.cilium.io/en/stable/security/policy/language/ · https://docs.cilium.io/en/stable/security/policy/deny/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import type { Pod, Protocol } from '../../model/types.ts';
import { PolicyEngine } from './_engine.ts';
import { computeTierReachability } from './_tier-reach.ts';
import { ciliumPolicyArb, labelsArb } from './_test-arbitraries.ts';

type Raw = Record<string, unknown>;
type Sel = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: readonly string[] }[];
};

const selArb: fc.Arbitrary<Sel> = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: labelsArb }),
  fc.record({ matchLabels: fc.record({ 'k8s:io.kubernetes.pod.namespace': fc.constantFrom('n0', 'n1') }) }),
  fc.record({
    matchLabels: fc.record({ 'io.cilium.k8s.policy.serviceaccount': fc.constantFrom('s0', 's1') }),
  }),
  fc.record({ matchLabels: fc.record({ 'io.cilium.k8s.namespace.labels.team': fc.constantFrom('x', 'y') }) }),
  fc.record({
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({
          key: fc.constantFrom('app', 'any:tier'),
          operator: fc.constantFrom('In', 'NotIn'),
          values: fc.constant(['a']),
        }),
        fc.record({
          key: fc.constantFrom('app', 'tier'),
          operator: fc.constantFrom('Exists', 'DoesNotExist'),
        }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);
const portArb = fc.oneof(
  fc.record(
    { port: fc.constantFrom('80', '53', '0', 'http', 'dns'), protocol: fc.constantFrom('TCP', 'UDP', 'ANY') },
    { requiredKeys: ['port'] },
  ),
  fc.record({ port: fc.constant('79'), endPort: fc.constant(81), protocol: fc.constantFrom('TCP', 'SCTP') }),
);
const ruleArb = (dir: 'from' | 'to', deny: boolean) =>
  fc
    .tuple(
      fc.oneof(
        fc.constant({}),
        fc.record({ [`${dir}Endpoints`]: fc.array(selArb, { minLength: 1, maxLength: 2 }) }),
        fc.record({ [`${dir}Entities`]: fc.subarray(['all', 'cluster', 'world'], { minLength: 1 }) }),
      ),
      fc.option(
        fc.array(fc.record({ ports: fc.array(portArb, { minLength: 1, maxLength: 2 }) }), {
          minLength: 1,
          maxLength: 2,
        }),
        { nil: undefined },
      ),
    )
    .map(([l3, toPorts]) => ({ ...l3, ...(toPorts ? { toPorts } : {}), ...(deny ? {} : {}) }));
const policyArb = ciliumPolicyArb(selArb, ruleArb);
const npArb = fc.record({
  ns: fc.constantFrom('n0', 'n1'),
  podSelector: fc.record({ matchLabels: labelsArb }),
  from: fc.option(fc.record({ matchLabels: labelsArb }), { nil: undefined }),
});
const podArb = fc.record({
  ns: fc.constantFrom('n0', 'n1'),
  labels: labelsArb,
  sa: fc.constantFrom('s0', 's1'),
  ports: fc.subarray([0, 1]),
});
const clusterArb = fc.record({
  teams: fc.tuple(fc.constantFrom('x', 'y'), fc.constantFrom('x', 'y')),
  pods: fc.array(podArb, { minLength: 2, maxLength: 6 }),
  policies: fc.array(policyArb, { minLength: 1, maxLength: 4 }),
  nps: fc.array(npArb, { maxLength: 2 }),
});
type Cluster = typeof clusterArb extends fc.Arbitrary<infer T> ? T : never;
const containerPorts = [
  { name: 'http', containerPort: 80 },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
];

function toYaml(c: Cluster): string {
  const docs: unknown[] = [];
  c.teams.forEach((team, i) =>
    docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `n${i}`, labels: { team } } }),
  );
  c.pods.forEach((p, i) =>
    docs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}`, namespace: p.ns, labels: p.labels },
      spec: {
        serviceAccountName: p.sa,
        containers: [{ name: 'c', image: 'i', ports: p.ports.map((j) => containerPorts[j]) }],
      },
    }),
  );
  c.policies.forEach((p, i) =>
    docs.push({
      apiVersion: 'cilium.io/v2',
      kind: p.ns ? 'CiliumNetworkPolicy' : 'CiliumClusterwideNetworkPolicy',
      metadata: { name: `c${i}`, ...(p.ns ? { namespace: p.ns } : {}) },
      spec: p.spec,
    }),
  );
  c.nps.forEach((n, i) =>
    docs.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `np${i}`, namespace: n.ns },
      spec: { podSelector: n.podSelector, ingress: [n.from ? { from: [{ podSelector: n.from }] } : {}] },
    }),
  );
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

// ---- the reference: one pair at a time, from the documentation ----

const strip = (k: string) => (k.startsWith('k8s:') || k.startsWith('any:') ? k.slice(4) : k);
const NS = 'io.kubernetes.pod.namespace';

function selMatch(sel: Sel, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[strip(k)] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = strip(e.key) in labels;
    const v = labels[strip(e.key)];
    if (e.operator === 'In' && !(has && e.values!.includes(v))) return false;
    if (e.operator === 'NotIn' && has && e.values!.includes(v)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const namesNs = (sel: Sel) =>
  Object.keys(sel.matchLabels ?? {}).some((k) => strip(k) === NS) ||
  (sel.matchExpressions ?? []).some((e) => strip(e.key) === NS);

function identity(c: Cluster, pod: Pod): Record<string, string> {
  const team = c.teams[Number(pod.namespace.slice(1))];
  return {
    ...pod.labels,
    [NS]: pod.namespace,
    'io.cilium.k8s.policy.serviceaccount': pod.serviceAccountName,
    'io.cilium.k8s.policy.cluster': 'default',
    'io.cilium.k8s.namespace.labels.team': team,
    'io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name': pod.namespace,
  };
}

function portOk(rule: Raw, port: number, protocol: Protocol, dst: Pod): boolean {
  const toPorts = rule.toPorts as
    { ports: { port: string; endPort?: number; protocol?: string }[] }[] | undefined;
  if (!toPorts) return true;
  return toPorts.some((pr) =>
    pr.ports.some((pp) => {
      const proto = pp.protocol ?? 'ANY';
      if (proto !== 'ANY' && proto !== protocol) return false;
      if (!/^\d+$/.test(pp.port))
        return dst.ports.some(
          (cp) => cp.name === pp.port && cp.protocol === protocol && cp.containerPort === port,
        );
      const n = Number(pp.port);
      if (n === 0) return true;
      return pp.endPort !== undefined ? port >= n && port <= pp.endPort : port === n;
    }),
  );
}

function peerOk(
  c: Cluster,
  p: Cluster['policies'][number],
  rule: Raw,
  dir: 'from' | 'to',
  peer: Pod,
): boolean {
  const eps = rule[`${dir}Endpoints`] as Sel[] | undefined;
  const ents = rule[`${dir}Entities`] as string[] | undefined;
  if (eps)
    return eps.some(
      (sel) => (!p.ns || namesNs(sel) || peer.namespace === p.ns) && selMatch(sel, identity(c, peer)),
    );
  if (ents) return ents.includes('all') || ents.includes('cluster');
  return !!rule.toPorts;
}

function refSide(
  c: Cluster,
  dir: 'Ingress' | 'Egress',
  subject: Pod,
  peer: Pod,
  port: number,
  protocol: Protocol,
  dst: Pod,
): boolean {
  const key = dir === 'Ingress' ? 'ingress' : 'egress';
  const pdir = dir === 'Ingress' ? 'from' : 'to';
  let isolated = false;
  let allowed = false;
  for (const p of c.policies) {
    const spec = p.spec as Raw & { endpointSelector: Sel; enableDefaultDeny?: Record<string, boolean> };
    const sel: Sel = p.ns
      ? {
          matchLabels: Object.fromEntries(
            Object.entries(spec.endpointSelector.matchLabels ?? {}).filter(([k]) => strip(k) !== NS),
          ),
          matchExpressions: (spec.endpointSelector.matchExpressions ?? []).filter((e) => strip(e.key) !== NS),
        }
      : spec.endpointSelector;
    if ((p.ns && subject.namespace !== p.ns) || !selMatch(sel, identity(c, subject))) continue;
    const allows = (spec[key] as Raw[] | undefined) ?? [];
    const denies = (spec[`${key}Deny`] as Raw[] | undefined) ?? [];
    if (denies.some((r) => portOk(r, port, protocol, dst) && peerOk(c, p, r, pdir, peer))) return false;
    if (spec.enableDefaultDeny?.[key] ?? allows.length + denies.length > 0) isolated = true;
    if (allows.some((r) => portOk(r, port, protocol, dst) && peerOk(c, p, r, pdir, peer))) allowed = true;
  }
  if (dir === 'Ingress')
    for (const n of c.nps) {
      if (subject.namespace !== n.ns || !selMatch(n.podSelector, subject.labels)) continue;
      isolated = true;
      if (!n.from || (peer.namespace === n.ns && selMatch(n.from, peer.labels))) allowed = true;
    }
  return !isolated || allowed;
}

const probes: [number, Protocol][] = [
  [80, 'TCP'],
  [53, 'UDP'],
  [80, 'SCTP'],
  [81, 'TCP'],
];

test('property: the compiled Cilium tier agrees with the reference evaluator on random clusters', () => {
  fc.assert(
    fc.property(clusterArb, (c) => {
      const built = buildYaml(toYaml(c), {
        profile: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}',
      });
      const errors = built.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(
        errors.map((d) => d.message),
        [],
      );
      const e = new PolicyEngine(built.model);
      const pods = built.model.pods.filter((p) => p.name.startsWith('p'));
      for (const a of pods)
        for (const b of pods) {
          if (a === b) continue;
          for (const [port, protocol] of probes) {
            const want =
              refSide(c, 'Egress', a, b, port, protocol, b) && refSide(c, 'Ingress', b, a, port, protocol, b);
            const from = { kind: 'pod' as const, pod: a };
            const to = { kind: 'pod' as const, pod: b };
            const where = `${a.namespace}/${a.name} -> ${b.namespace}/${b.name} ${port}/${protocol}`;
            assert.equal(e.explain(from, to, port, protocol).allowed, want, `explain ${where}`);
            assert.equal(e.allows(from, to, port, protocol), want, `allows ${where}`);
          }
        }
    }),
    { numRuns: 250, seed: 10 },
  );
});

test('property: the set-based full reachability of both tiers agrees with allows, class pair by class pair', () => {
  fc.assert(
    fc.property(clusterArb, (c) => {
      const built = buildYaml(toYaml(c), {
        profile: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}',
      });
      const e = new PolicyEngine(built.model);
      const r = computeTierReachability(e, { keep: true });
      let count = 0;
      // Each port class is checked at its first and its last port: every port of a class must answer alike.
      r.portClasses.forEach(({ port, protocol, ranges }, p) =>
        e.classes.forEach((d) => {
          for (const s of e.classes) {
            if (s.hostNetwork || d.hostNetwork) continue;
            const bit = ((r.rows![p][d.id][s.id >>> 5] >>> (s.id & 31)) & 1) === 1;
            if (bit) count++;
            const a = s.pods[0];
            const b = s === d ? d.pods[1] : d.pods[0];
            if (!b) continue;
            for (const at of new Set([port, ranges[ranges.length - 1][1]])) {
              const want = e.allows({ kind: 'pod', pod: a }, { kind: 'pod', pod: b }, at, protocol);
              assert.equal(bit, want, `${a.key} -> ${b.key} ${at}/${protocol}`);
            }
          }
        }),
      );
      assert.equal(r.allowedTriples, count);
    }),
    { numRuns: 200, seed: 12 },
  );
});
