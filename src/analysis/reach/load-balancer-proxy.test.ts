/**
 * Rule `reach-through-load-balancer`: an address a load balancer or proxy holds — an Ingress's
 * `status.loadBalancer` (https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressStatus),
 * a Service's load-balancer hostname, an `ipMode: Proxy` address
 * (https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode), a Gateway's address — is
 * no outside host: reach follows a client outside the cluster through it as trace does (GKE container-native load
 * balancing, https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing), judges the
 * pods' policies there, and says unknown where the proxy's routing or source address is not in the input. Before,
 * every such pair was "not a pod, ALLOWED".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { reach, type ReachQuery } from './index.ts';

const web = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}`;
const gke = (rules: boolean) => `${web}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x, annotations: {cloud.google.com/neg: '{"ingress": true}'}}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: x, annotations: {kubernetes.io/ingress.class: gce}}
spec:
${rules ? '  rules: [{host: web.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]' : '  defaultBackend: {service: {name: web, port: {number: 80}}}'}
status: {loadBalancer: {ingress: [{ip: 198.51.100.80}]}}`;
const denyAll = np('deny', 'x', '  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]');
const fromGfe = np(
  'gfe',
  'x',
  '  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{ipBlock: {cidr: 130.211.0.0/22}}, {ipBlock: {cidr: 35.191.0.0/16}}]}]',
);

function ask(yaml: string, q: Partial<ReachQuery>) {
  const query = { from: 'internet', to: 'ip:198.51.100.80', port: 80, protocol: 'TCP' as const, ...q };
  const r = reach(engineFor(e2eTopology(yaml)), query);
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule reach-through-load-balancer: an Ingress status address is followed to the pods, whose deny-all policy denies', () => {
  const r = ask(`${gke(false)}\n---\n${denyAll}`, {});
  assert.equal(r.verdict, 'denied', r.unknownReasons.join('\n'));
  assert.ok(r.pairs.every((p) => p.path?.some((l) => l.includes('GKE load balancer of Ingress x/web'))));
  assert.equal(ask(gke(false), {}).verdict, 'allowed');
});

test('rule reach-through-load-balancer: pods admitting only the Google Front Ends see the proxy, not the client: unknown', () => {
  const r = ask(`${gke(false)}\n---\n${fromGfe}`, {});
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join('\n'), /Google Front End.*decide by source address/);
});

test('rule reach-through-load-balancer: an Ingress with rules routes by the request — unknown without one, followed with it', () => {
  const r = ask(gke(true), {});
  assert.equal(r.verdict, 'unknown');
  assert.ok(r.notes.some((n) => n.includes('--http-path')));
  const denied = ask(`${gke(true)}\n---\n${denyAll}`, {
    http: { method: 'GET', path: '/', headers: { Host: 'web.example.com' } },
  });
  assert.equal(denied.verdict, 'denied', denied.unknownReasons.join('\n'));
});

test('rule reach-through-load-balancer: a pod dialing an Ingress address is unknown (the proxy connects on from its own address)', () => {
  const r = ask(gke(false), { from: 'x/web' });
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join('\n'), /load balancer of Ingress x\/web/);
});

const nlb = `${web}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{port: 443, targetPort: 8080}]
  loadBalancerSourceRanges: [198.51.100.0/24]
status: {loadBalancer: {ingress: [{hostname: web-0123.elb.us-west-2.amazonaws.com}]}}`;

test("rule reach-through-load-balancer: a Service's load-balancer hostname (fqdn:) is its load balancer, not any public address", () => {
  const to = 'fqdn:web-0123.elb.us-west-2.amazonaws.com';
  const outside = ask(nlb, { to, port: 443, from: 'ip:203.0.113.7' });
  assert.equal(outside.verdict, 'denied');
  assert.match(outside.pairs[0]?.problem ?? '', /outside them/);
  const partner = ask(`${nlb}\n---\n${denyAll}`, { to, port: 443, from: 'ip:198.51.100.9' });
  assert.equal(partner.verdict, 'denied', partner.unknownReasons.join('\n'));
  assert.equal(ask(nlb, { to, port: 443, from: 'ip:198.51.100.9' }).verdict, 'allowed');
});

test('rule reach-through-load-balancer: a Gateway address no Service of the input carries is unknown', () => {
  const gw = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: x}
spec:
  gatewayClassName: eg
  addresses: [{type: IPAddress, value: 198.51.100.80}]
  listeners: [{name: http, port: 80, protocol: HTTP}]`;
  const r = ask(gw, {});
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join('\n'), /Gateway x\/gw/);
});

test('rule reach-through-load-balancer: from outside, an NLB with ip targets connects from its own address, not a node or the client', () => {
  const ipNlb = `${web}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: x
  annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing, service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 443, targetPort: 8080}]}
status: {loadBalancer: {ingress: [{ip: 34.120.1.2}]}}
---
${np('partners', 'x', '  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{ipBlock: {cidr: 198.51.100.0/24}}]}]')}`;
  const r = ask(ipNlb, { from: 'ip:198.51.100.9', to: 'ip:34.120.1.2', port: 443 });
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join('\n'), /own private address in the VPC/);
});

test("rule reach-through-load-balancer: under Cilium without its operator's Ingress Service, an outside address may be that load balancer: unknown, but a pod's address is the pod's", () => {
  const cilium = `${web}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: x}
spec:
  ingressClassName: cilium
  defaultBackend: {service: {name: web, port: {number: 80}}}`;
  const engine = engineFor(e2eTopology(cilium), {
    profile: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n',
  });
  const r = reach(engine, { from: 'internet', to: 'ip:198.51.100.80', port: 80, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join('\n'), /load balancers Cilium's operator creates are not in the input/);
  const pod = engine.model.pods.find((p) => p.namespace === 'x')!;
  const toPod = reach(engine, { from: 'internet', to: `ip:${pod.ip}`, port: 8080, protocol: 'TCP' });
  assert.ok(typeof toPod !== 'string', String(toPod));
  assert.equal(toPod.verdict, 'allowed');
});

test('rule reach-through-load-balancer: pods behind the load balancer that disagree give one pair each (partly allowed)', () => {
  const pods = ['a', 'b']
    .map(
      (n, i) => `apiVersion: v1
kind: Pod
metadata: {name: web-${n}, namespace: x, labels: {app: web, pod: ${n}}}
spec: {nodeName: node-1, containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
status: {podIP: 10.244.1.${i + 5}, phase: Running}`,
    )
    .join('\n---\n');
  const yaml = gke(false).replace(web, pods);
  const r = ask(
    `${yaml}\n---\n${np('deny-b', 'x', '  podSelector: {matchLabels: {pod: b}}\n  policyTypes: [Ingress]')}`,
    {
      from: 'ip:203.0.113.7',
    },
  );
  assert.equal(r.verdict, 'partial', r.unknownReasons.join('\n'));
  assert.deepEqual(
    r.pairs.map((p) => `${p.to} ${p.allowed}`),
    ['198.51.100.80 → x/web-a true', '198.51.100.80 → x/web-b false'],
  );
});

test("rule reach-through-load-balancer: a name the profile's externalHosts resolves to a load-balancer address is that Service's path", () => {
  const lb = `${web}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
status: {loadBalancer: {ingress: [{ip: 203.0.113.10}]}}`;
  const profile =
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nexternalHosts:\n  shop.example.com: [203.0.113.10]\n';
  const q = { from: 'ip:198.51.100.9', to: 'fqdn:shop.example.com', port: 80, protocol: 'TCP' } as const;
  const denied = reach(engineFor(e2eTopology(`${lb}\n---\n${denyAll}`), { profile }), q);
  assert.ok(typeof denied !== 'string', String(denied));
  assert.equal(denied.verdict, 'denied', denied.unknownReasons.join('\n'));
  assert.match(denied.notes.join('\n'), /shop\.example\.com is at 203\.0\.113\.10 .* Service x\/web/);
  const allowed = reach(engineFor(e2eTopology(lb), { profile }), q);
  assert.ok(typeof allowed !== 'string', String(allowed));
  assert.equal(allowed.verdict, 'allowed');
});

test("rule reach-through-load-balancer: the pods behind the load balancer are judged in reach's --host-network mode", () => {
  // hostNetwork pods behind the NEG: as their node's address (mode node) no NetworkPolicy selects them; as pods
  // (mode pod) the deny-all isolates them. The followed path judged them in node mode whatever reach's mode was.
  const yaml = `${gke(false).replace('    spec: {containers:', '    spec: {hostNetwork: true, containers:')}\n---\n${denyAll}`;
  const query = { from: 'internet', to: 'ip:198.51.100.80', port: 80, protocol: 'TCP' as const };
  const verdict = (hostNetwork: 'node' | 'pod') => {
    const r = reach(engineFor(e2eTopology(yaml), { hostNetwork }), query);
    assert.ok(typeof r !== 'string', String(r));
    return r.verdict;
  };
  assert.equal(verdict('node'), 'allowed');
  assert.equal(verdict('pod'), 'denied');
});
