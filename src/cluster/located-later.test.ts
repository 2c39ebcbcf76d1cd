import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests, type RawObject } from '../parse/index.ts';
import { buildCluster } from './index.ts';
import { laterSite } from './_located-later.ts';

// Policies in two documents and a List (its items located under `items[i]`), every peer kind, ports with and
// without port and endPort, a rule with neither peers nor ports; and a policy with an invalid peer (left out).
const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - podSelector: {matchLabels: {app: api}}
        - namespaceSelector: {matchLabels: {team: a}}
          podSelector: {}
        - ipBlock:
            cidr: 10.0.0.0/8
            except: [10.1.0.0/16]
      ports:
        - protocol: TCP
          port: 8080
        - port: 9000
          endPort: 9100
    - {}
  egress:
    - to:
        - namespaceSelector: {}
      ports:
        - {protocol: UDP, port: 53}
---
apiVersion: v1
kind: List
items:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: listed, namespace: shop}
    spec:
      podSelector: {}
      ingress:
        - from:
            - podSelector: {matchLabels: {app: a}}
          ports:
            - port: http
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: invalid, namespace: shop}
spec:
  podSelector: {}
  ingress:
    - from:
        - podSelector: {}
        - {}
`;

/** The same raw objects without a body-free locator: the builder then locates every field at once, as before. */
const locatedNow = (o: RawObject): RawObject => ({
  body: o.body,
  source: o.source,
  locate: (path) => o.locate(path),
});

function policies(objects: readonly RawObject[]) {
  return buildCluster(objects).model.networkPolicies;
}

test('located later: NetworkPolicy rule, peer and port sources are the positions located at once, key for key', () => {
  const parsed = parseManifests([{ file: 'np.yaml', text }]);
  assert.ok(
    parsed.objects.every((o) => o.locator),
    'the fast reader gives every object a locator',
  );
  const later = policies(parsed.objects);
  const now = policies(parsed.objects.map(locatedNow));
  assert.equal(later.length, 2);
  const sources = later.flatMap((p) =>
    [...p.ingress, ...p.egress].flatMap((r) => [
      r.source,
      ...(r.peers === 'all' ? [] : r.peers.map((x) => x.source)),
      ...(r.ports === 'all' ? [] : r.ports.map((x) => x.source)),
    ]),
  );
  assert.equal(sources.length, 13);
  assert.deepEqual(later, now);
  assert.equal(JSON.stringify(later), JSON.stringify(now));
  // Pinned where the text puts them: the List item's peer, and the port of the first document's first rule.
  const listed = later.find((p) => p.name === 'listed')!;
  const peer = (listed.ingress[0].peers as readonly { source?: unknown }[])[0];
  assert.deepEqual(
    { ...(peer.source as object) },
    { file: 'np.yaml', doc: 1, line: 37, column: 15, origin: undefined, path: 'spec.ingress[0].from[0]' },
  );
  const web = later.find((p) => p.name === 'web')!;
  const port = (web.ingress[0].ports as readonly { source?: { line: number; path?: string } }[])[1];
  assert.deepEqual([port.source?.line, port.source?.path], [18, 'spec.ingress[0].ports[1]']);
  // The invalid peer (`{}`) is reported at its own position, located at once as every diagnostic is.
  const cluster = buildCluster(parsed.objects);
  const invalid = cluster.diagnostics.find((d) => d.code === 'invalid-peer');
  assert.deepEqual(
    [invalid?.source?.doc, invalid?.source?.line, invalid?.source?.path],
    [2, 49, 'spec.ingress[0].from[1]'],
  );
});

test('located later: an own enumerable source after the other keys; read twice, the same object', () => {
  const [raw] = parseManifests([{ file: 'np.yaml', text }]).objects;
  const o = laterSite(raw, ['spec', 'ingress', 0]).attach({ index: 0, peers: 'all' });
  assert.deepEqual(Object.keys(o), ['index', 'peers', 'source']);
  assert.equal(o.source, o.source);
  assert.deepEqual(o.source, raw.locate(['spec', 'ingress', 0]));
  const copy = { ...o };
  assert.deepEqual(
    Object.getOwnPropertyDescriptor(copy, 'source')?.value,
    raw.locate(['spec', 'ingress', 0]),
  );
  assert.deepEqual(structuredClone(o), {
    index: 0,
    peers: 'all',
    source: raw.locate(['spec', 'ingress', 0]),
  });
  assert.equal(
    Object.getOwnPropertySymbols(o).filter((s) => Object.prototype.propertyIsEnumerable.call(o, s)).length,
    0,
  );
});

test('located later: a raw object without a locator is located at once, as a data property', () => {
  const [raw] = parseManifests([{ file: 'np.yaml', text }]).objects;
  let calls = 0;
  const plain: RawObject = {
    body: raw.body,
    source: raw.source,
    locate: (path) => (calls++, raw.locate(path)),
  };
  const o = laterSite(plain, ['spec', 'egress']).attach({ index: 1 }, 'x', 0);
  assert.equal(calls, 1);
  assert.equal(Object.getOwnPropertyDescriptor(o, 'source')?.get, undefined);
  assert.deepEqual(o.source, raw.locate(['spec', 'egress', 'x', 0]));
});

test('located later: the locator holds no body, so a model keeps no parsed document alive through it', () => {
  const [raw] = parseManifests([{ file: 'np.yaml', text }]).objects;
  const locator = raw.locator!;
  assert.ok(!Object.values(locator).includes(raw.body));
  assert.equal(raw.locator, locator, 'made once per raw object');
  assert.deepEqual(locator.locate(['spec', 'egress']), raw.locate(['spec', 'egress']));
});
