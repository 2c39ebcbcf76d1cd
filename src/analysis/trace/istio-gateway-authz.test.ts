/**
 * Istio authorization at the ingress gateway in `trace` from outside, as Istio's "Ingress Gateway" task runs it
 * (https://istio.io/latest/docs/tasks/security/authorization/authz-ingress/): the AuthorizationPolicies selecting
 * istio-ingressgateway judge each request before its routes and answer 403, against the address the gateway pod
 * sees — kube-proxy's masquerade address with externalTrafficPolicy Cluster, the client's with Local.
 * The trace judged only NetworkPolicy at the gateway pods and said DELIVERED whatever those policies said.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const app = 'testdata/apps/istio-authz-ingress';
const scenario = 'testdata/scenarios/mesh-istio-authz-ingress';
const read = (path: string) => ({ file: path, text: readFileSync(path, 'utf8') });

function traceHeaders(gateway: 'cluster' | 'local', policy?: string) {
  const { model } = buildFromTexts(
    [
      read(`${app}/namespace-foo.yaml`),
      read(`${app}/httpbin.yaml`),
      read(`${app}/httpbin-gateway.yaml`),
      read(
        gateway === 'local'
          ? `${scenario}/variants/istio-ingressgateway-local.yaml`
          : `${scenario}/input/istio-ingressgateway.yaml`,
      ),
      ...(policy ? [policy.includes('\n') ? { file: 'policy.yaml', text: policy } : read(policy)] : []),
    ],
    { profile: read(`${scenario}/input/kubetwin.yaml`), namespace: 'foo' },
  );
  const to = parseFlowTarget('http://203.0.113.10/headers', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), { kind: 'internet' }, to);
}

const gatewayAuthz = (t: ReturnType<typeof traceHeaders>) =>
  t.hops.find((h) => h.title.startsWith('mesh authorization (Istio ingress gateway)'));

test('authz-ingress-gateway-policy: an AuthorizationPolicy selecting the ingress gateway answers 403 before its routes', () => {
  const t = traceHeaders('cluster', `${app}/ingress-policy-allow-list.yaml`);
  assert.equal(t.outcome, 'failed');
  assert.equal(gatewayAuthz(t)?.verdict, 'fail');
  assert.match(t.failure?.reason ?? '', /answers 403 \(RBAC: access denied\).*ingress-policy/);
  assert.ok(!t.hops.some((h) => h.kind === 'route'), 'the router is never reached');
  // Without the policy the same request is delivered, and no gateway authorization hop is shown.
  const open = traceHeaders('cluster');
  assert.equal(open.outcome, 'delivered');
  assert.equal(gatewayAuthz(open), undefined);
});

test('authz-ingress-source-ip-masquerade: with externalTrafficPolicy Cluster the gateway sees the masqueraded address, with Local the client', () => {
  const allowClient = `${app}/ingress-policy-allow-client-ip.yaml`;
  const cluster = traceHeaders('cluster', allowClient);
  assert.equal(cluster.outcome, 'failed', 'the client address 203.0.113.7 never reaches the gateway');
  assert.match(cluster.fix?.summary ?? '', /externalTrafficPolicy: Local/);
  assert.equal(traceHeaders('local', allowClient).outcome, 'delivered');
  const denyClient = `${app}/ingress-policy-deny-client-ip.yaml`;
  assert.equal(traceHeaders('local', denyClient).outcome, 'failed');
  assert.equal(traceHeaders('cluster', denyClient).outcome, 'delivered');
  // remoteIpBlocks without X-Forwarded-For is the same address.
  assert.equal(traceHeaders('local', `${app}/ingress-policy-deny-client-ip-remote.yaml`).outcome, 'failed');
});

test('authz-ingress-source-ip-masquerade: masquerade addresses with different verdicts make the answer unknown', () => {
  // The nodes' own addresses are admitted, the CNI tunnel addresses (also masquerade sources) are not.
  const t = traceHeaders(
    'cluster',
    `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: nodes-only, namespace: istio-system}
spec:
  selector: {matchLabels: {app: istio-ingressgateway}}
  action: ALLOW
  rules:
  - from: [{source: {ipBlocks: ["10.0.0.0/24"]}}]
`,
  );
  assert.equal(gatewayAuthz(t)?.verdict, 'warn');
  assert.ok(
    t.unknown?.some((u) => /address the Istio ingress gateway sees decides/.test(u)),
    String(t.unknown),
  );
});

test('authz-ingress-gateway-api-gateway: the proxy istiod deploys for a Gateway of class istio judges the policies selecting its pods', () => {
  const files = (policy: boolean) => [
    read(`${app}/namespace-foo.yaml`),
    read(`${app}/httpbin.yaml`),
    read(`${app}/httpbin-gateway-api.yaml`),
    read(`${scenario}/variants/httpbin-gateway-istio-deployed.yaml`),
    ...(policy ? [read(`${app}/ingress-policy-gateway-api-allow-list.yaml`)] : []),
  ];
  const run = (policy: boolean) => {
    const { model } = buildFromTexts(files(policy), {
      profile: read(`${scenario}/input/kubetwin.yaml`),
      namespace: 'foo',
    });
    const to = parseFlowTarget('http://203.0.113.20/headers', undefined, undefined);
    assert.ok(typeof to !== 'string', String(to));
    return trace(createTraceContext(model), { kind: 'internet' }, to);
  };
  const t = run(true);
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /answers 403 .*foo\/httpbin-gateway-istio/);
  assert.equal(run(false).outcome, 'delivered');
});
