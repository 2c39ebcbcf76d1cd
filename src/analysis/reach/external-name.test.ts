/**
 * rule external-name-target: an ExternalName Service has no virtual IP; the client resolves the CNAME and connects
 * to `spec.externalName` on the port it dialled (https://kubernetes.io/docs/concepts/services-networking/service/#externalname).
 * `reach` to it judges that name (as `fqdn:` does) or, for a name in the cluster zone, the Service it names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { reach, type ReachResult } from './index.ts';

const services = `apiVersion: v1
kind: Service
metadata: {name: ext, namespace: x}
spec: {type: ExternalName, externalName: db.example.org}
---
apiVersion: v1
kind: Service
metadata: {name: alias, namespace: x}
spec: {type: ExternalName, externalName: web.x.svc.cluster.local.}
---
apiVersion: v1
kind: Service
metadata: {name: gone, namespace: x}
spec: {type: ExternalName, externalName: nothing.x.svc.cluster.local}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec: {selector: {pod: b}, ports: [{port: 5432}]}`;

const onlyInternal = np(
  'eg',
  'x',
  '  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{podSelector: {}}], ports: [{port: 5432}]}]',
);

function at(yaml: string, to: string): ReachResult | string {
  return reach(engineFor(e2eTopology(`${services}\n---\n${yaml}`)), {
    from: 'x/a',
    to,
    port: 5432,
    protocol: 'TCP',
  });
}

test('rule external-name-target: an outside name is judged as fqdn: judges it, with the CNAME named', () => {
  const open = at('', 'service:x/ext');
  assert.ok(typeof open !== 'string', String(open));
  assert.equal(open.verdict, 'allowed');
  assert.match(open.notes.join('\n'), /ExternalName: DNS answers a CNAME to db\.example\.org/);
  assert.match(open.notes.join('\n'), /no address in the profile's externalHosts/);
  const closed = at(onlyInternal, 'service:x/ext');
  assert.ok(typeof closed !== 'string', String(closed));
  assert.equal(closed.verdict, 'denied');
});

test('rule external-name-target: a name in the cluster zone is that Service, judged at its endpoints', () => {
  const r = at(onlyInternal, 'service:x/alias');
  assert.ok(typeof r !== 'string', String(r));
  assert.equal(r.verdict, 'allowed');
  assert.deepEqual(
    r.pairs.map((p) => p.to),
    ['x/b'],
  );
  assert.match(String(at('', 'service:x/gone')), /no Service x\/nothing exists/);
});
