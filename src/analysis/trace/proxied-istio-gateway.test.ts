/**
 * A GKE Ingress in front of an Istio ingress gateway ("from edge to mesh",
 * https://cloud.google.com/architecture/exposing-service-mesh-apps-through-gke-ingress), as the ACM workshop deploys
 * Bank of Anthos: the load balancer's connection ends at the gateway's Envoy, which judges the request with the
 * AuthorizationPolicies selecting its pods (403 before any route) and routes it on by its Gateway and VirtualServices;
 * the backend's sidecar then judges the request the gateway forwards. The trace stopped at the gateway pods and said
 * DELIVERED, whatever the gateway's policies said and wherever the request was going.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const scenario = 'testdata/scenarios/mesh-istio-bank-of-anthos';
const platform = 'testdata/apps/bank-of-anthos/workshop/platform';
const read = (path: string) => ({ file: path, text: readFileSync(path, 'utf8') });

function traceLogin(opts: { gateway?: string; method?: string } = {}) {
  const input = readdirSync(`${scenario}/input`)
    .filter((f) => f.endsWith('.yaml') && f !== 'kubetwin.yaml')
    .map((f) => read(`${scenario}/input/${f}`));
  const { model } = buildFromTexts(
    [
      ...input,
      read(`${platform}/istio-system.yaml`),
      read(`${platform}/namespace-bankofanthos.yaml`),
      read(opts.gateway ?? `${platform}/asm-ingress.yaml`),
    ],
    { profile: read(`${scenario}/input/kubetwin.yaml`) },
  );
  const to = parseFlowTarget('http://bank.example.com/login', undefined, undefined);
  assert.ok(typeof to !== 'string' && to.kind === 'url', String(to));
  return trace(createTraceContext(model), { kind: 'internet' }, { ...to, method: opts.method ?? 'GET' });
}

test('rule cloud-load-balancer-to-istio-gateway: the gateway behind a GKE Ingress authorizes and routes the request on', () => {
  const t = traceLogin();
  assert.equal(t.outcome, 'delivered');
  const gatewayAuthz = t.hops.find((h) => h.title.startsWith('mesh authorization (Istio ingress gateway)'));
  assert.equal(gatewayAuthz?.verdict, 'ok');
  assert.match(
    gatewayAuthz?.details.join('\n') ?? '',
    /Google Front End/,
    'the gateway sees the load balancer',
  );
  assert.ok(
    t.hops.some(
      (h) => h.kind === 'route' && /Istio ingress gateway.*→ Service bankofanthos\/frontend:80/.test(h.title),
    ),
    'the gateway routes by the VirtualService',
  );
  const last = t.hops[t.hops.length - 1];
  assert.match(
    last.details.join('\n'),
    /bankofanthos\/frontend-/,
    'delivered at frontend, not at the gateway',
  );
});

test('rule cloud-load-balancer-to-istio-gateway: only deny-all policies at the gateway answer 403', () => {
  const t = traceLogin({ gateway: `${scenario}/variants/asm-ingress-before-allow.yaml` });
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /answers 403 \(RBAC: access denied\)/);
  assert.ok(!t.hops.some((h) => h.kind === 'route' && h.title.includes('Istio ingress gateway')));
});

test('rule router-forwards-the-request: the backend sidecar judges the method the gateway forwards', () => {
  const t = traceLogin({ method: 'DELETE' });
  assert.equal(t.outcome, 'failed', 'frontend admits only GET and POST');
  assert.match(t.failure?.reason ?? '', /methods \[GET, POST\] \(the request is DELETE\)/);
});

const albHost = 'k8s-edge-gw-0123456789-1234567890.us-west-2.elb.amazonaws.com';
const albToGateway = (policy: string) => `apiVersion: v1
kind: Namespace
metadata: {name: edge, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: gw, namespace: edge, labels: {istio: ingressgateway}}
spec: {containers: [{name: istio-proxy, image: auto, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: gw, namespace: edge}
spec: {selector: {istio: ingressgateway}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: gw
  namespace: edge
  annotations:
    kubernetes.io/ingress.class: alb
    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/target-type: ip
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: gw, port: {number: 80}}}}]}}]
status: {loadBalancer: {ingress: [{hostname: ${albHost}}]}}
---
${policy}`;

test('rule cloud-load-balancer-to-istio-gateway: behind an ALB, the gateway answers 403 when its policies allow nothing', () => {
  const { model } = buildFromTexts(
    [
      {
        file: 'alb.yaml',
        text: albToGateway(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: edge}
spec: {}
`),
      },
    ],
    {
      profile: {
        file: 'kubetwin.yaml',
        text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: istio}\n',
      },
    },
  );
  const to = parseFlowTarget(`http://${albHost}/`, undefined, undefined);
  assert.ok(typeof to !== 'string');
  const t = trace(createTraceContext(model), { kind: 'ip', ip: '203.0.113.7' }, to);
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /answers 403 \(RBAC: access denied\)/);
  assert.match(t.hops.map((h) => h.details.join('\n')).join('\n'), /ALB's private address/);
});

test('rule cloud-load-balancer-to-istio-gateway: another L7 router behind the load balancer is not a delivery at its pods', () => {
  const yaml = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: v1
kind: Pod
metadata: {name: nginx, labels: {app.kubernetes.io/name: ingress-nginx}}
spec: {containers: [{name: controller, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: nginx, annotations: {cloud.google.com/neg: '{"ingress": true}'}}
spec: {selector: {app.kubernetes.io/name: ingress-nginx}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: edge, annotations: {kubernetes.io/ingress.class: gce}}
spec: {defaultBackend: {service: {name: nginx, port: {number: 80}}}}
status: {loadBalancer: {ingress: [{ip: 34.120.0.20}]}}
`;
  const { model } = buildFromTexts([{ file: 'edge.yaml', text: yaml }]);
  const to = parseFlowTarget('http://34.120.0.20/', undefined, undefined);
  assert.ok(typeof to !== 'string');
  const t = trace(createTraceContext(model), { kind: 'internet' }, to);
  assert.match((t.unknown ?? []).join('\n'), /serve IngressClass nginx, an L7 router/);
});
