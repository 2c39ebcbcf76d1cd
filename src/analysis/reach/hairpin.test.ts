/**
 * A pod reaching itself through its own Service's virtual IP (kube-proxy DNATs it back: the hairpin). Upstream leaves
 * it undefined whether NetworkPolicy applies (kubernetes-sigs/network-policy-api#343; kubernetes/kubernetes#125611),
 * and a CNI enforcing in netfilter's FORWARD chain (Calico) judges the pod's own address by its policies, as any
 * peer's: where that differs from "a pod cannot block access to itself", reach and trace say unknown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor } from '../policy/_test-helpers.ts';
import { reach } from './index.ts';
import { traceOn, webBehindService } from '../trace/_test-fixtures.ts';

const web = (spec = '') => webBehindService(8080, { spec, ports: '[{port: 80, targetPort: 8080}]' });
const ingressFrom = (app: string) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {app: ${app}}}}]}]
`;
const calico = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: calico}\n';

function ask(yaml: string, to: string, port: number) {
  const r = reach(engineFor(yaml, { profile: calico }), { from: 'default/web', to, port, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule service-hairpin: a pod reaching itself through its Service VIP is unknown where its own policies would not admit it as a peer', () => {
  const r = ask(web() + ingressFrom('client'), 'service:default/web', 80);
  assert.equal(r.verdict, 'unknown');
  assert.match(
    r.unknownReasons.join('\n'),
    /reaches itself through Service default\/web's virtual IP \(hairpin\)/,
  );
  assert.match(r.unknownReasons.join('\n'), /its ingress policies do not admit it on 8080\/TCP/);
  // Its own pod address: no Service, the pod cannot block itself.
  const pod = r.pairs[0].to;
  assert.equal(ask(web() + ingressFrom('client'), `default/${pod.split('/')[1]}`, 8080).verdict, 'allowed');
});

test('rule service-hairpin: allowed when the policies admit the pod as a peer, or when a headless Service has no VIP', () => {
  assert.equal(ask(web() + ingressFrom('web'), 'service:default/web', 80).verdict, 'allowed');
  assert.equal(ask(web() + ingressFrom('client'), 'service:default/web', 80).pairs.length, 1);
  assert.equal(
    ask(web('clusterIP: None, ') + ingressFrom('client'), 'service:default/web', 80).verdict,
    'allowed',
  );
});

test('rule service-hairpin: trace through the Service name says unknown at the policy hop', () => {
  const t = traceOn(
    web() + ingressFrom('client'),
    { kind: 'ref', namespace: 'default', name: 'web' },
    'http://web:80/',
  );
  assert.match(
    (t.unknown ?? []).join('\n'),
    /reaches itself through Service default\/web's virtual IP \(hairpin\)/,
  );
  assert.equal(
    traceOn(web() + ingressFrom('web'), { kind: 'ref', namespace: 'default', name: 'web' }, 'http://web:80/')
      .unknown,
    undefined,
  );
});
