import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffClusters, type ClusterDiff } from './index.ts';
import { edited, shop, sideFrom } from './_fixture.ts';
import { changedConnections, exposures } from './_connectivity.ts';
import { dirtyGroups, dirtyState } from './_dirty.ts';
import { sideOf } from './_side.ts';

const base = sideFrom(shop);
/** Effects as one line each: layer, subject, before → after, cause. */
const lines = (d: ClusterDiff) =>
  d.effects.map(
    (e) =>
      `${e.layer} ${e.subject}: ${e.before} → ${e.after} | ${e.cause.certain ? '' : 'one of '}${e.cause.objects.join(', ')}`,
  );

test('identical inputs give an empty diff', () => {
  const d = diffClusters(base, sideFrom(shop));
  assert.deepEqual(d.objects, []);
  assert.deepEqual(d.effects, []);
});

test('a one-line NetworkPolicy port change closes the connection it admitted, at the field that moved', () => {
  const d = diffClusters(
    base,
    sideFrom(edited('policies.yaml', (t) => t.replace('- port: 8000', '- port: 8001'))),
  );
  assert.deepEqual(lines(d), [
    'connectivity shop/web → shop/api:8000/TCP: allowed (4/4 pod pairs) → denied (0/4 pod pairs) | NetworkPolicy/shop/api-ingress',
  ]);
  assert.deepEqual(d.objects[0].fields, [
    {
      path: 'spec.ingress[0].ports[0].port',
      before: '8000',
      after: '8001',
      beforeAt: 'policies.yaml:11:7',
      afterAt: 'policies.yaml:11:7',
    },
  ]);
});

test('a Service selector that now matches nothing: endpoints gone, its routes answer 503, and a new error finding', () => {
  const d = diffClusters(
    base,
    sideFrom(edited('services.yaml', (t) => t.replace('    app: api\n', '    app: apii\n'))),
  );
  assert.deepEqual(lines(d), [
    // A backend without a ready endpoint is answered 503 (Gateway API HTTPBackendRef; ingress-nginx balancer.lua).
    'routing ingress-class:nginx http://shop.example.com:80/api: 200, shop/api:80 → 503, shop/api:80 | Service/shop/api',
    'routing ingress-class:nginx https://shop.example.com:443/api: 200, shop/api:80, certificate not-configured → 503, shop/api:80, certificate not-configured | Service/shop/api',
    'service Service shop/api: 2 ready endpoint(s), selector app=api → 0 ready endpoint(s), selector app=apii | Service/shop/api',
    'finding service-selects-no-pods Service/shop/api: (none) → error: Service shop/api selects app=apii, which no pod in shop carries | Service/shop/api',
  ]);
  assert.equal(d.summary.newErrors, 1);
});

test('an Ingress path change moves both paths to other backends, on http and https', () => {
  const d = diffClusters(
    base,
    sideFrom(edited('ingress.yaml', (t) => t.replace('- path: /api', '- path: /v2'))),
  );
  assert.deepEqual(lines(d), [
    'routing ingress-class:nginx http://shop.example.com:80/api: 200, shop/api:80 → 200, shop/web:80 | Ingress/shop/shop',
    'routing ingress-class:nginx http://shop.example.com:80/v2: 200, shop/web:80 → 200, shop/api:80 | Ingress/shop/shop',
    'routing ingress-class:nginx https://shop.example.com:443/api: 200, shop/api:80, certificate not-configured → 200, shop/web:80, certificate not-configured | Ingress/shop/shop',
    'routing ingress-class:nginx https://shop.example.com:443/v2: 200, shop/web:80, certificate not-configured → 200, shop/api:80, certificate not-configured | Ingress/shop/shop',
  ]);
});

test('a Corefile rewrite to another Service changes the answer of the rewritten name', () => {
  const after = sideFrom(
    edited('coredns.yaml', (t) => t.replace('api.shop.svc.cluster.local', 'web.shop.svc.cluster.local')),
  );
  const ip = (side: typeof base, name: string) =>
    side.analysed.model.services.find((s) => s.name === name)!.clusterIPs[0];
  const d = diffClusters(base, after);
  assert.deepEqual(lines(d), [
    `dns db.shop.example.com. A: ${ip(base, 'api')} → ${ip(after, 'web')} | ConfigMap/kube-system/coredns`,
  ]);
});

test('an HTTPRoute weight change is a routing change at the backendRef weight', () => {
  const d = diffClusters(
    base,
    sideFrom(edited('gateway.yaml', (t) => t.replace('weight: 10', 'weight: 50'))),
  );
  assert.deepEqual(lines(d), [
    'routing gateway:shop/public http://api.example.com:80/: 200, shop/api:80 weight 90 + shop/api-canary:80 weight 10 → 200, shop/api:80 weight 90 + shop/api-canary:80 weight 50 | HTTPRoute/shop/api',
  ]);
  assert.equal(d.objects[0].fields[0].path, 'spec.rules[0].backendRefs[1].weight');
});

test('two changes touching one effect are reported as "one of" them', () => {
  const files = edited('policies.yaml', (t) => t.replace('- port: 8000', '- port: 8001'));
  const both = {
    ...files,
    'apps.yaml': shop['apps.yaml'].replace(
      'replicas: 2\n  selector: {matchLabels: {app: web}}',
      'replicas: 3\n  selector: {matchLabels: {app: web}}',
    ),
  };
  const d = diffClusters(base, sideFrom(both));
  const e = d.effects.find((x) => x.subject === 'shop/web → shop/api:8000/TCP')!;
  assert.deepEqual(e.cause, {
    objects: ['Deployment/shop/web', 'NetworkPolicy/shop/api-ingress'],
    certain: false,
  });
});

/** An egress policy on web, so the property test moves source-side verdicts too. */
const webEgress = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector: {matchLabels: {app: api}}
    ports:
    - port: 8000
`;

/** Edits the property tests draw from; each changes one layer. */
const edits: readonly [string, (t: string) => string][] = [
  ['policies.yaml', (t) => t.replace('- port: 8000', '- port: 8001')],
  ['policies.yaml', (t) => t.replace('podSelector: {matchLabels: {app: web}}', 'podSelector: {}')],
  ['services.yaml', (t) => t.replace('    app: api\n', '    app: apii\n')],
  ['services.yaml', (t) => t.replace('targetPort: 8080', 'targetPort: 8081')],
  ['ingress.yaml', (t) => t.replace('- path: /api', '- path: /v2')],
  ['coredns.yaml', (t) => t.replace('api.shop.svc.cluster.local', 'web.shop.svc.cluster.local')],
  ['gateway.yaml', (t) => t.replace('weight: 10', 'weight: 50')],
  ['apps.yaml', (t) => t.replace('replicas: 1', 'replicas: 0')],
  ['policies.yaml', (t) => t + webEgress],
  ['policies.yaml', (t) => t.replace(/(egress:[^]*port: )8000/, '$18001')],
  ['policies.yaml', (t) => t.replace('policyTypes: [Ingress]', 'policyTypes: [Ingress, Egress]')],
];

function apply(picks: readonly boolean[]): Record<string, string> {
  let files: Record<string, string> = { ...shop };
  picks.forEach((on, i) => {
    if (on) files = { ...files, [edits[i][0]]: edits[i][1](files[edits[i][0]]) };
  });
  return files;
}

test('diff(A→B) is the mirror of diff(B→A) on random clusters and random edits (property)', () => {
  const mirror = (e: ClusterDiff['effects'][number]) =>
    `${e.layer}|${e.subject}|${e.after}|${e.before}|${e.change === 'added' ? 'removed' : e.change === 'removed' ? 'added' : 'changed'}|${e.direction === 'fixed' ? 'broken' : e.direction === 'broken' ? 'fixed' : 'neutral'}|${e.cause.objects.join(',')}`;
  const plain = (e: ClusterDiff['effects'][number]) =>
    `${e.layer}|${e.subject}|${e.before}|${e.after}|${e.change}|${e.direction}|${e.cause.objects.join(',')}`;
  fc.assert(
    fc.property(
      fc.array(fc.boolean(), { minLength: edits.length, maxLength: edits.length }),
      fc.array(fc.boolean(), { minLength: edits.length, maxLength: edits.length }),
      (pa, pb) => {
        const a = sideFrom(apply(pa));
        const b = sideFrom(apply(pb));
        const ab = diffClusters(a, b);
        const ba = diffClusters(b, a);
        assert.deepEqual(ab.effects.map(mirror).sort(), ba.effects.map(plain).sort());
        assert.deepEqual(
          ab.objects.map(
            (o) =>
              `${o.key} ${o.change} ${o.fields.map((f) => `${f.path}:${f.after}:${f.before}`).join(' ')}`,
          ),
          ba.objects.map(
            (o) =>
              `${o.key} ${o.change === 'added' ? 'removed' : o.change === 'removed' ? 'added' : 'modified'} ${o.fields.map((f) => `${f.path}:${f.before}:${f.after}`).join(' ')}`,
          ),
        );
        if (pa.every((x, i) => x === pb[i])) assert.equal(ab.effects.length + ab.objects.length, 0);
      },
    ),
    { numRuns: 10, seed: 15 },
  );
});

test('connectivity and exposure compared over dirty groups only equal the full comparison (property)', () => {
  const edits2: readonly [string, (t: string) => string][] = [
    ...edits,
    ['apps.yaml', (t) => t.replace('labels: {app: web}}', 'labels: {app: web, tier: x}}')],
    ['apps.yaml', (t) => t.replace('metadata: {name: shop}', 'metadata: {name: shop, labels: {team: a}}')],
  ];
  const line = (c: ReturnType<typeof changedConnections> extends Iterable<infer T> ? T : never) =>
    JSON.stringify(c);
  fc.assert(
    fc.property(
      fc.array(fc.boolean(), { minLength: edits2.length, maxLength: edits2.length }),
      fc.array(fc.boolean(), { minLength: edits2.length, maxLength: edits2.length }),
      (pa, pb) => {
        const files = (picks: readonly boolean[]) => {
          let f: Record<string, string> = { ...shop };
          picks.forEach((on, i) => {
            if (on) f = { ...f, [edits2[i][0]]: edits2[i][1](f[edits2[i][0]]) };
          });
          return f;
        };
        const a = sideOf(sideFrom(files(pa)).analysed);
        const b = sideOf(sideFrom(files(pb)).analysed);
        const dirty = dirtyGroups(a, b);
        assert.ok(dirty, 'the shop has NetworkPolicies only: the dirty set is known');
        const full = [...changedConnections(a, b)].map(line).sort();
        assert.deepEqual([...changedConnections(a, b, dirty)].map(line).sort(), full);
        const state = dirtyState(a, b)!;
        assert.deepEqual([...changedConnections(a, b, state)].map(line).sort(), full, 'with the candidates');
        const presence = (only?: ReadonlySet<string>) => {
          const x = exposures(a, only);
          const y = exposures(b, only);
          return [...new Set([...x.keys(), ...y.keys()])].filter((k) => !x.has(k) || !y.has(k)).sort();
        };
        assert.deepEqual(presence(dirty.destinations), presence());
        if (pa.every((v, i) => v === pb[i])) assert.equal(dirty.sources.size + dirty.destinations.size, 0);
      },
    ),
    { numRuns: 24, seed: 16 },
  );
});

test('a Secret value change says where, never the values', () => {
  const secret = (v: string) => `apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
data: {password: ${v}}
`;
  const d = diffClusters(
    sideFrom({ ...shop, 's.yaml': secret('b2xk') }),
    sideFrom({ ...shop, 's.yaml': secret('bmV3') }),
  );
  assert.deepEqual(
    d.objects.map((o) => o.fields.map((f) => `${o.key} ${f.path}: ${f.before} → ${f.after}`)).flat(),
    ['Secret/shop/db data.password: (redacted) → (redacted)'],
  );
  assert.ok(!JSON.stringify(d).includes('b2xk') && !JSON.stringify(d).includes('bmV3'));
});

test('dirty groups: the same profile read from another file (base folder vs head folder) still narrows the comparison', () => {
  const profiled = (file: string) =>
    sideFrom({
      ...shop,
      'kubetwin.yaml': `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: calico}\n# ${file}\n`,
    });
  const a = profiled('base/k8s/kubetwin.yaml');
  const b = sideFrom({
    ...shop,
    'other/kubetwin.yaml': `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: calico}\n`,
  });
  assert.notDeepEqual(a.analysed.model.profile.source, b.analysed.model.profile.source);
  const dirty = dirtyGroups(sideOf(a.analysed), sideOf(b.analysed));
  assert.ok(dirty, 'only where the profile was read differs: the dirty set is known');
  assert.equal(dirty.sources.size + dirty.destinations.size, 0);
  const c = sideFrom({
    ...shop,
    'kubetwin.yaml': `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: flannel}\n`,
  });
  assert.equal(dirtyGroups(sideOf(a.analysed), sideOf(c.analysed)), undefined, 'another CNI: every group');
});

test('dirty groups: the same policies read from another folder (positions differ, nothing else) leave no group dirty', () => {
  const moved = Object.fromEntries(Object.entries(shop).map(([f, t]) => [`head/${f}`, `# moved\n${t}`]));
  const a = sideOf(base.analysed);
  const b = sideOf(sideFrom(moved).analysed);
  const dirty = dirtyGroups(a, b);
  assert.ok(dirty);
  assert.equal(dirty.sources.size + dirty.destinations.size, 0);
});

test('dirty groups per direction: an ingress rule change leaves every source clean; an egress rule change every destination', () => {
  const withEgress = { ...shop, 'policies.yaml': shop['policies.yaml'] + webEgress };
  const a = sideOf(sideFrom(withEgress).analysed);
  const ingress = sideOf(
    sideFrom({
      ...withEgress,
      'policies.yaml': withEgress['policies.yaml'].replace('- port: 8000', '- port: 8001'),
    }).analysed,
  );
  assert.deepEqual(dirtyGroups(a, ingress), { sources: new Set(), destinations: new Set(['shop/api']) });
  const egress = sideOf(
    sideFrom({ ...withEgress, 'policies.yaml': withEgress['policies.yaml'].replace(/8000\n$/, '8001\n') })
      .analysed,
  );
  assert.deepEqual(dirtyGroups(a, egress), { sources: new Set(['shop/web']), destinations: new Set() });
});
