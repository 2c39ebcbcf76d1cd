/**
 * A pod whose nameserver is not cluster DNS (dnsPolicy None with its own nameservers, or a hostNetwork pod whose
 * ClusterFirst falls back to the node's resolver:
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy) asks a server kubetwin
 * never queries: a name that server may know is unknown, not "does not resolve".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn, webBehindService } from './_test-fixtures.ts';

const client = (
  spec: string,
) => `${webBehindService(8080, { spec: '', ports: '[{port: 80, targetPort: 8080}]' })}---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {${spec}containers: [{name: c, image: x}]}
`;
const traceWeb = (spec: string) =>
  traceOn(
    client(spec),
    { kind: 'ref', namespace: 'default', name: 'client' },
    'http://web.default.svc.cluster.local/',
  );

test('trace: dnsPolicy None with its own nameserver makes an unresolved name unknown, with the externalHosts fix', () => {
  const t = traceWeb('dnsPolicy: None, dnsConfig: {nameservers: [192.0.2.1]}, ');
  assert.equal(t.outcome, 'failed');
  assert.match(t.unknown?.[0] ?? '', /the pod asks 192\.0\.2\.1, not cluster DNS/);
  assert.equal(t.hops[0]?.undecided, t.unknown?.[0]);
  assert.match(
    t.fix?.summary ?? '',
    /^if 192\.0\.2\.1 answers web\.default\.svc\.cluster\.local, list the name/,
  );
});

test('trace: a hostNetwork pod with ClusterFirst asks the node resolver: unknown, and the fix is ClusterFirstWithHostNet', () => {
  const t = traceWeb('hostNetwork: true, ');
  assert.ok(t.unknown?.length);
  assert.match(t.fix?.summary ?? '', /^set dnsPolicy: ClusterFirstWithHostNet on default\/client/);
  assert.equal(traceWeb('hostNetwork: true, dnsPolicy: ClusterFirstWithHostNet, ').outcome, 'delivered');
});
