import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffClusters } from './index.ts';
import { shop, sideFrom } from './_fixture.ts';
import { namespaceReach } from '../report/index.ts';
import { dnsScope } from './_dns.ts';
import { dirtyState } from './_dirty.ts';
import { sideOf } from './_side.ts';
import { samePeers } from './_peers.ts';

/** A second namespace, so postures and namespace peers can move across namespaces. */
const ops = `apiVersion: v1
kind: Namespace
metadata: {name: ops, labels: {team: ops}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tool, namespace: ops}
spec:
  replicas: 1
  selector: {matchLabels: {app: tool}}
  template:
    metadata: {labels: {app: tool}}
    spec: {containers: [{name: tool, image: tool, ports: [{containerPort: 9000}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: alias, namespace: ops}
spec: {type: ExternalName, externalName: api.shop.svc.cluster.local}
`;

const opsDenyEgress = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: ops}
spec: {podSelector: {}, policyTypes: [Egress]}
`;

const opsOpen = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: ops}
spec: {podSelector: {}, ingress: [{}]}
`;

const apiFromWeb = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
`;

const base: Readonly<Record<string, string>> = { ...shop, 'ops.yaml': ops };

/** Edits across both namespaces and every layer; the property tests draw any subset for each side. */
const edits: readonly [string, (t: string) => string][] = [
  ['policies.yaml', (t) => t.replace('- port: 8000', '- port: 8001')],
  [
    'policies.yaml',
    (t) =>
      t.replace(
        '    - podSelector: {matchLabels: {app: web}}\n',
        '    - podSelector: {matchLabels: {app: web}}\n    - namespaceSelector: {matchLabels: {team: ops}}\n',
      ),
  ],
  ['policies.yaml', (t) => t.replace('podSelector: {matchLabels: {app: api}}', 'podSelector: {}')],
  ['ops.yaml', (t) => t.replace('labels: {team: ops}', 'labels: {team: dev}')],
  ['ops.yaml', (t) => t + opsDenyEgress],
  ['ops.yaml', (t) => t + opsOpen],
  ['ops.yaml', (t) => t.replace('replicas: 1', 'replicas: 0')],
  ['ops.yaml', (t) => t.replace('spec: {containers', 'spec: {hostNetwork: true, containers')],
  ['services.yaml', (t) => t.replace('    app: api\n', '    app: apii\n')],
  [
    'services.yaml',
    (t) =>
      t.replace(
        'spec:\n  selector:\n    app: api\n',
        'spec:\n  clusterIP: None\n  selector:\n    app: api\n',
      ),
  ],
  ['ingress.yaml', (t) => t.replace('- path: /api', '- path: /v2')],
  ['coredns.yaml', (t) => t.replace('api.shop.svc.cluster.local', 'web.shop.svc.cluster.local')],
  ['apps.yaml', (t) => t.replace('labels: {app: web}}', 'labels: {app: web, tier: x}}')],
  // A changed rule that admits pods by address (api-canary, a coredns pod), then one that admits every peer.
  [
    'policies.yaml',
    (t) =>
      t.replace(
        '    - podSelector: {matchLabels: {app: web}}\n',
        '    - podSelector: {matchLabels: {app: web}}\n    - ipBlock: {cidr: 10.244.2.0/24}\n',
      ),
  ],
  [
    'policies.yaml',
    (t) => t.replace('  - from:\n    - podSelector: {matchLabels: {app: web}}\n    ports:\n', '  - ports:\n'),
  ],
  // A second policy on pods already isolated: no peer moves, the namespace's policy count does.
  ['policies.yaml', (t) => t + apiFromWeb],
];

function apply(picks: readonly boolean[]): Record<string, string> {
  let files: Record<string, string> = { ...base };
  picks.forEach((on, i) => {
    if (on) files = { ...files, [edits[i][0]]: edits[i][1](files[edits[i][0]]) };
  });
  return files;
}

const picks = fc.array(fc.boolean(), { minLength: edits.length, maxLength: edits.length });

/** Draws two subsets of the edits (those `allowed`), and holds the diff with its shortcuts to the exhaustive one. */
function holdsShortcuts(allowed: (file: string) => boolean, runs: number, seed: number) {
  const seen = { posture: 0, scopedDns: 0, candidates: 0, samePeers: 0 };
  const only = (p: readonly boolean[]) => p.map((on, i) => on && allowed(edits[i][0]));
  fc.assert(
    fc.property(picks, picks, (pa, pb) => {
      const a = sideFrom(apply(only(pa)));
      const b = sideFrom(apply(only(pb)));
      const fast = diffClusters(a, b);
      assert.deepEqual(fast, diffClusters(a, b, { exhaustive: true }));
      seen.posture += fast.effects.filter((e) => e.layer === 'posture').length;
      const [sa, sb] = [sideOf(a.analysed), sideOf(b.analysed)];
      const state = dirtyState(sa, sb);
      if (state?.candidates) seen.candidates += fast.effects.filter((e) => e.layer === 'connectivity').length;
      if (state && state.destinations.size && samePeers(sa, sb, state))
        seen.samePeers += fast.effects.filter((e) => e.layer === 'posture').length;
      if (dnsScope(fast.objects, a.analysed, b.analysed))
        seen.scopedDns += fast.effects.filter((e) => e.layer === 'dns').length;
    }),
    { numRuns: runs, seed },
  );
  return seen;
}

test('the diff with its shortcuts (dirty groups, postures of the namespaces that may move) equals the exhaustive diff (property)', () => {
  const seen = holdsShortcuts(() => true, 30, 17);
  assert.ok(seen.posture > 0, 'some drawn edit moved a posture: the property compared something');
});

test('the diff with the DNS names scoped to the changed Services equals the exhaustive diff (property)', () => {
  // Policies, Services and Ingress only: the kinds that leave every other Service's records alone.
  const seen = holdsShortcuts((f) => /^(policies|services|ingress)\.yaml$/.test(f), 16, 19);
  assert.ok(
    seen.scopedDns > 0,
    'some drawn edit changed an answer with the names scoped: the property compared something',
  );
});

test('the connectivity from the sources a changed ingress rule admits alone (selectors, ipBlocks, every peer) equals the exhaustive diff (property)', () => {
  // Policy edits only: most draws leave every destination's isolation as it was, so the candidates are known.
  const seen = holdsShortcuts((f) => f === 'policies.yaml', 40, 23);
  assert.ok(
    seen.candidates > 0,
    'some connection moved with the candidates known: the property compared something',
  );
  assert.ok(
    seen.samePeers > 0,
    'some posture moved with every peer shown unchanged: the stand-in rows were compared',
  );
});

test('namespace reach over the engine itself, hostNetwork pods left out of the layout, equals a second engine without them (property)', () => {
  fc.assert(
    fc.property(picks, (p) => {
      const { model, context } = sideFrom(apply(p)).analysed;
      assert.ok(
        model.pods.some((x) => x.hostNetwork),
        'kube-proxy runs with hostNetwork: the case is exercised',
      );
      const plain = (r: ReturnType<typeof namespaceReach>) =>
        [...r.from].map(([k, v]) => `${k} <- ${[...v].sort().join(',')}`).sort();
      const shared = namespaceReach(model, context.engine, { shareEngine: true });
      const second = namespaceReach(model, context.engine);
      assert.deepEqual(plain(shared), plain(second));
      assert.deepEqual(
        [...shared.to].map(([k, v]) => `${k} -> ${[...v].sort().join(',')}`).sort(),
        [...second.to].map(([k, v]) => `${k} -> ${[...v].sort().join(',')}`).sort(),
      );
    }),
    { numRuns: 16, seed: 18 },
  );
});

test('posture: a namespace none of whose objects changed is compared when its peers moved (another namespace relabelled)', () => {
  // shop admits only web and the namespaces labelled team=ops; relabelling ops changes no object of shop.
  const on = (...i: number[]) => edits.map((_, j) => i.includes(j));
  const a = sideFrom(apply(on(1, 2)));
  const b = sideFrom(apply(on(1, 2, 3)));
  const d = diffClusters(a, b);
  assert.deepEqual(d, diffClusters(a, b, { exhaustive: true }));
  const shopPosture = d.effects.find((e) => e.layer === 'posture' && e.subject === 'namespace shop');
  assert.ok(shopPosture, 'shop lost ops as an ingress peer');
  assert.match(shopPosture.before, /ingress from 2 namespaces/);
  assert.match(shopPosture.after, /ingress from 1 namespace\b/);
});

test('namespace reach of some rows and columns alone equals the whole namespace matrix in those cells (property)', () => {
  const names = ['shop', 'ops', 'kube-system'];
  fc.assert(
    fc.property(picks, fc.subarray(names), fc.subarray(names), (p, rows, columns) => {
      const { model, context } = sideFrom(apply(p)).analysed;
      const whole = namespaceReach(model, context.engine, { shareEngine: true });
      const part = namespaceReach(model, context.engine, {
        shareEngine: true,
        part: { rows: new Set(rows), columns: new Set(columns) },
      });
      const peers = (m: ReadonlyMap<string, ReadonlySet<string>>, n: string) => [...(m.get(n) ?? [])].sort();
      for (const n of rows) assert.deepEqual(peers(part.to, n), peers(whole.to, n), `row ${n}`);
      for (const n of columns) assert.deepEqual(peers(part.from, n), peers(whole.from, n), `column ${n}`);
    }),
    { numRuns: 16, seed: 21 },
  );
});

test('posture: a namespace gaining a peer through a changed rule is found when the destination is no peer of it (samePeers lays the destinations out too)', () => {
  const opsAdmits = (from: string) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: admit, namespace: ops}
spec:
  podSelector: {}
  ingress: [{from: [${from}]}]
`;
  const nobody = '{podSelector: {matchLabels: {app: nobody}}}';
  const a = sideFrom({ ...base, 'ops.yaml': ops + opsAdmits(nobody) });
  const b = sideFrom({
    ...base,
    'ops.yaml': ops + opsAdmits(`${nobody}, {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}`),
  });
  const state = dirtyState(sideOf(a.analysed), sideOf(b.analysed));
  assert.ok(
    state?.candidates?.has('shop/web') && !state.candidates.has('ops/tool'),
    'web is admitted, tool is not',
  );
  const d = diffClusters(a, b);
  assert.deepEqual(d, diffClusters(a, b, { exhaustive: true }));
  const ops1 = d.effects.find((e) => e.layer === 'posture' && e.subject === 'namespace ops');
  assert.ok(ops1, 'ops gained shop as an ingress peer');
  assert.match(ops1.after, /ingress from 1 namespace\b/);
});
