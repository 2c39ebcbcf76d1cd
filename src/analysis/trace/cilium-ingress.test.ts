/**
 * Requests through a Cilium Ingress: the node's Envoy takes the connection at the load balancer Cilium's operator
 * creates (label cilium.io/ingress, placeholder endpoints) and forwards it as the reserved `ingress` identity, so
 * policies judge client → ingress and ingress → backend (src/analysis/trace/_cilium-ingress.ts,
 * src/analysis/policy/_cilium-ingress-identity.ts).
 * https://docs.cilium.io/en/stable/network/servicemesh/ingress-reference/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseFlowTarget, type FlowSource } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';

const app = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: cilium
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: v1
kind: Service
metadata: {name: cilium-ingress-web, labels: {cilium.io/ingress: "true"}}
spec: {type: LoadBalancer, ports: [{name: http, port: 80}]}
status: {loadBalancer: {ingress: [{ip: 172.18.255.194}]}}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: x}]}
`;

const onlyDefaultNamespace = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: default}}}]}]
`;

function traceFrom(yaml: string, from: FlowSource, cni = profile) {
  const { model } = buildYaml(yaml, { profile: cni });
  const to = parseFlowTarget('http://172.18.255.194/', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  return trace(createTraceContext(model), from, to);
}
const outside: FlowSource = { kind: 'internet' };
const client: FlowSource = { kind: 'ref', namespace: 'default', name: 'client' };

test('rule cilium-ingress-envoy-takes-the-load-balancer: the placeholder endpoints do not stop the request; Envoy routes it', () => {
  for (const from of [outside, client]) {
    const t = traceFrom(app, from);
    assert.equal(t.outcome, 'delivered', JSON.stringify(t.failure));
    assert.match(t.hops.find((h) => h.kind === 'load-balancer')!.title, /Cilium Ingress/);
    assert.deepEqual(
      t.delivered.map((d) => [d.pod.startsWith('default/web-'), d.port]),
      [[true, 8080]],
    );
  }
});

test('rule cilium-ingress-backend-peer-is-ingress-identity: a NetworkPolicy admitting only the client namespace does not admit Cilium Ingress traffic', () => {
  for (const from of [outside, client]) {
    const t = traceFrom(app + onlyDefaultNamespace, from);
    assert.equal(t.outcome, 'failed');
    assert.match(t.failure!.reason, /no rule admits the ingress identity/);
  }
  // The same pod reaching the Service directly keeps its own identity, and the NetworkPolicy admits it.
  const { model } = buildYaml(app + onlyDefaultNamespace, { profile });
  const to = parseFlowTarget('service:default/web:80', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  assert.equal(trace(createTraceContext(model), client, to).outcome, 'delivered');
});

test('rule cilium-ingress-entity-admits: fromEntities [ingress] (or [cluster], which includes it) at the backend admits the ingress identity', () => {
  for (const entity of ['ingress', 'cluster']) {
    const cnp = `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-from-ingress}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{fromEntities: [${entity}]}]
`;
    assert.equal(traceFrom(app + onlyDefaultNamespace + cnp, outside).outcome, 'delivered', entity);
  }
});

test('rule cilium-ingress-two-enforcement-points: world → ingress is the ingress identity’s ingress policy (the docs’ external lockdown)', () => {
  const lockdown = `---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: external-lockdown}
spec:
  endpointSelector: {}
  ingress: [{fromEntities: [cluster]}]
`;
  const t = traceFrom(app + lockdown, outside);
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure!.reason, /→ ingress \(ingress policy of the ingress identity\)/);
  assert.equal(traceFrom(app + lockdown, client).outcome, 'delivered', 'a pod is cluster');
});

test('rule cilium-ingress-identity-egress: a clusterwide default deny selecting the ingress identity stops it until its egress is allowed', () => {
  const deny = `---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: default-deny}
spec:
  endpointSelector: {matchExpressions: [{key: io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system]}]}
  egress: [{toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]}]
`;
  const allow = `---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: allow-ingress-egress}
spec:
  endpointSelector: {matchExpressions: [{key: ingress, operator: Exists}]}
  egress: [{toEntities: [cluster]}]
`;
  const t = traceFrom(app + deny, outside);
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure!.reason, /egress policy of the ingress identity/);
  assert.equal(traceFrom(app + deny + allow, outside).outcome, 'delivered');
});

test('rule cilium-ingress-needs-cilium: without Cilium as the CNI the Service is an ordinary one', () => {
  const t = traceFrom(
    app,
    outside,
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: calico}\n',
  );
  assert.equal(t.outcome, 'failed');
  assert.doesNotMatch(t.hops.map((h) => h.title).join('\n'), /Cilium Ingress/);
});

// cilium/cilium operator/pkg/gateway-api: the Service of a Gateway of class io.cilium/gateway-controller is
// cilium-gateway-<gateway>, labelled io.cilium.gateway/owning-gateway, with placeholder endpoints; the same Envoy serves it.
const gateway = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: cilium}
spec: {controllerName: io.cilium/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: my-gateway}
spec:
  gatewayClassName: cilium
  listeners: [{name: web, protocol: HTTP, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: my-gateway}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: cilium-gateway-my-gateway, labels: {io.cilium.gateway/owning-gateway: my-gateway}}
spec: {type: LoadBalancer, ports: [{name: port-80, port: 80}]}
status: {loadBalancer: {ingress: [{ip: 172.18.255.194}]}}
`;

test('rule cilium-gateway-envoy-takes-the-load-balancer: a Cilium Gateway is served by the same Envoy, as the ingress identity', () => {
  const t = traceFrom(gateway, outside);
  assert.equal(t.outcome, 'delivered', JSON.stringify(t.failure));
  assert.match(t.hops[0].title, /Cilium Gateway/);
  assert.equal(traceFrom(gateway + onlyDefaultNamespace, client).outcome, 'failed');
  const other = gateway.replace('io.cilium/gateway-controller', 'example.com/other');
  assert.doesNotMatch(traceFrom(other, outside).hops[0].title, /Cilium/);
});

// Cilium's operator creates the Ingress's load balancer (https://docs.cilium.io/en/stable/network/servicemesh/ingress/:
// "The ingress controller creates a service of LoadBalancer type"): a manifest set lacks it, so an address the input
// cannot place may be that Service's, and the trace is unknown, naming it — not a sure failure.
test('rule cilium-ingress-operator-service-missing-unknown: without the operator-made Service an address is unknown, naming the Service', () => {
  const manifests = app.replace(
    /---\napiVersion: v1\nkind: Service\nmetadata: \{name: cilium-ingress-web[^]*?\n---\n/,
    '---\n',
  );
  assert.ok(!manifests.includes('cilium-ingress-web'));
  const t = traceFrom(manifests, outside);
  assert.equal(t.outcome, 'failed');
  assert.deepEqual(t.unknown, [
    "the load balancers Cilium's operator creates are not in the input (Service default/cilium-ingress-web (dedicated mode) or the shared Service cilium-ingress in Cilium's namespace (shared mode))",
  ]);
  // Another CNI: no Cilium Ingress controller, nothing listens there.
  const calico = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: calico}\n';
  assert.equal(traceFrom(manifests, outside, calico).unknown, undefined);
});
