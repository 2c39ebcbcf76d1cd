/**
 * PeerAuthentication applies to sidecars: "In sidecar mode, PeerAuthentication determines whether or not mTLS is
 * allowed or required for connections to an Envoy proxy sidecar"
 * (https://istio.io/latest/docs/reference/config/security/peer_authentication/). A pod an Istio Gateway selects
 * runs the gateway proxy, whose listeners accept what the Gateway's servers say
 * (https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings): a mesh-wide STRICT policy
 * does not refuse the gateway's plaintext clients. `reach` from an outside address to the ingress gateway said
 * DENIED (plaintext refused by STRICT) for Istio's own "globally enabling STRICT" setup.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from '../reach/index.ts';

const app = 'testdata/apps/istio-authz-ingress';
const scenario = 'testdata/scenarios/mesh-istio-authz-ingress';
const read = (path: string) => ({ file: path, text: readFileSync(path, 'utf8') });

function reachFromOutside(to: string, port: number) {
  const { model } = buildFromTexts(
    [
      read(`${app}/namespace-foo.yaml`),
      read(`${app}/httpbin.yaml`),
      read(`${app}/httpbin-gateway.yaml`),
      read(`${scenario}/input/istio-ingressgateway.yaml`),
      read(`${scenario}/variants/peer-authentication-strict.yaml`),
    ],
    { profile: read(`${scenario}/input/kubetwin.yaml`), namespace: 'foo' },
  );
  const r = reach(new PolicyEngine(model), { from: 'ip:203.0.113.7', to, port, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('peer-authentication-sidecars-only: mesh-wide STRICT does not refuse plaintext at the Istio ingress gateway', () => {
  const r = reachFromOutside('service:istio-system/istio-ingressgateway', 80);
  assert.equal(r.verdict, 'allowed');
});

test('peer-authentication-sidecars-only: mesh-wide STRICT still refuses plaintext at a sidecar', () => {
  const r = reachFromOutside('service:foo/httpbin', 8000);
  assert.equal(r.verdict, 'denied');
});
