/**
 * An ALB of the AWS Load Balancer Controller is the router itself: clients dial the Ingress's own
 * `status.loadBalancer.ingress[].hostname`, not a Service's address. Its scheme (`internal` by default; AWS names
 * an internal load balancer `internal-…`), its security group (`inbound-cidrs`), the listener rules of its
 * IngressGroup and its target type (`instance`: the Service's NodePort; `ip`: the pod addresses) decide the path
 * (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/).
 * Rules `alb-ingress-status-address`, `alb-scheme-internal-default`, `alb-inbound-cidrs`, `alb-target-type`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn } from './_test-fixtures.ts';
import { buildYaml } from '../../cluster/_test-helpers.ts';

const host = 'k8s-web-web-0123456789-1234567890.us-west-2.elb.amazonaws.com';
const app = (opts: {
  annotations?: string;
  service?: string;
  svcType?: string;
  status?: string;
  policy?: boolean;
}) => `
apiVersion: v1
kind: Pod
metadata: {name: web-1, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
status: {podIP: 10.244.1.5, phase: Running}
---
apiVersion: v1
kind: Service
metadata: {name: web${opts.service ? `, annotations: {${opts.service}}` : ''}}
spec: {type: ${opts.svcType ?? 'NodePort'}, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations: {kubernetes.io/ingress.class: alb${opts.annotations ? `, ${opts.annotations}` : ''}}
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
status: {loadBalancer: {ingress: [{hostname: ${opts.status ?? host}}]}}
${
  opts.policy
    ? `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-partners}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{ipBlock: {cidr: 198.51.100.0/24}}]}]
`
    : ''
}`;

const text = (t: ReturnType<typeof traceOn>) => t.hops.flatMap((h) => [h.title, ...h.details]).join('\n');
const internet = { kind: 'ip', ip: '203.0.113.7' } as const;

test('rule alb-ingress-status-address: status.loadBalancer of an Ingress is read, and a bad ip is refused', () => {
  const { model, diagnostics } = buildYaml(app({ status: 'K8S-Web.Example.ELB.amazonaws.com.' }));
  assert.deepEqual(model.routing?.ingresses[0].loadBalancerIngress, ['k8s-web.example.elb.amazonaws.com']);
  const bad = buildYaml(app({}).replace(`hostname: ${host}`, 'ip: not-an-ip'));
  const d = bad.diagnostics.find((x) => x.code === 'invalid-field');
  assert.ok(d, 'an ip that is no address is an error');
  assert.match(d.message, /status\.loadBalancer\.ingress\[0\]\.ip "not-an-ip" is not an IP address/);
  assert.ok(diagnostics.every((x) => x.code !== 'invalid-field'));
});

test("rule alb-ingress-status-address: trace from the internet to an ALB's hostname reaches the pods through the Service's NodePort (instance, the default)", () => {
  const t = traceOn(
    app({ annotations: 'alb.ingress.kubernetes.io/scheme: internet-facing' }),
    internet,
    `http://${host}/`,
  );
  assert.equal(t.outcome, 'delivered', text(t));
  assert.deepEqual(
    t.delivered.map((d) => `${d.ip}:${d.port}`),
    ['10.244.1.5:8080'],
  );
  assert.match(text(t), /ALB target group \(instance\) → nodes at nodePort \d+ of Service default\/web/);
});

test('rule alb-scheme-internal-default: an ALB without a scheme annotation is internal: a public client is denied', () => {
  const t = traceOn(app({ status: 'k8s-web.example.com' }), internet, 'http://k8s-web.example.com/');
  assert.equal(t.outcome, 'failed');
  assert.match(
    t.failure?.reason ?? '',
    /internal \(no alb\.ingress\.kubernetes\.io\/scheme annotation: internal is the default\)/,
  );
  assert.equal(t.unknown, undefined, 'a sure denial, not an unknown');
});

test('rule alb-scheme-internal-default: the internal- prefix of an ALB DNS name is what the ALB is, whatever the annotation says', () => {
  const name = `internal-${host}`;
  const t = traceOn(
    app({ annotations: 'alb.ingress.kubernetes.io/scheme: internet-facing', status: name }),
    internet,
    `http://${name}/`,
  );
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /its DNS name starts with internal-/);
  const inVpc = traceOn(app({ status: name }), { kind: 'ip', ip: '10.0.5.9' }, `http://${name}/`);
  assert.equal(inVpc.outcome, 'delivered', 'a private client is taken to be in the VPC');
});

test('rule alb-inbound-cidrs: the security group admits only inbound-cidrs; security-groups makes it unknown', () => {
  const a =
    'alb.ingress.kubernetes.io/scheme: internet-facing, alb.ingress.kubernetes.io/inbound-cidrs: 198.51.100.0/24';
  assert.equal(traceOn(app({ annotations: a }), internet, `http://${host}/`).outcome, 'failed');
  assert.equal(
    traceOn(app({ annotations: a }), { kind: 'ip', ip: '198.51.100.9' }, `http://${host}/`).outcome,
    'delivered',
  );
  const sg = traceOn(
    app({ annotations: `${a}, alb.ingress.kubernetes.io/security-groups: sg-0123` }),
    { kind: 'ip', ip: '198.51.100.9' },
    `http://${host}/`,
  );
  assert.notEqual(sg.outcome, 'delivered');
  assert.match(sg.unknown?.join('\n') ?? '', /security groups sg-0123/);
});

test('rule alb-target-type: ip goes to the pod addresses, the Service annotation wins, and pods deciding by source are unknown', () => {
  const t = traceOn(
    app({
      annotations: 'alb.ingress.kubernetes.io/scheme: internet-facing',
      service: 'alb.ingress.kubernetes.io/target-type: ip',
      svcType: 'ClusterIP',
      policy: true,
    }),
    { kind: 'ip', ip: '198.51.100.9' },
    `http://${host}/`,
  );
  assert.match(text(t), /ALB target group \(ip\) → pod addresses of Service default\/web port 80/);
  assert.match(text(t), /target-type: ip on Service\/default\/web/);
  assert.match(t.unknown?.join('\n') ?? '', /the ALB's private address in the VPC/);
  assert.doesNotMatch(text(t), /nodePort/);
});

test('rule alb-target-type: instance needs a NodePort: a ClusterIP backend is refused by the controller', () => {
  const t = traceOn(
    app({ annotations: 'alb.ingress.kubernetes.io/scheme: internet-facing', svcType: 'ClusterIP' }),
    internet,
    `http://${host}/`,
  );
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /service must be of type NodePort or LoadBalancer/);
});

test('rule alb-ingressclassparams-unread: an alb IngressClass with parameters makes the ALB answers unknown, never a sure pass or drop', () => {
  const cls = `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: alb}
spec: {controller: ingress.k8s.aws/alb, parameters: {apiGroup: elbv2.k8s.aws, kind: IngressClassParams, name: public}}
`;
  const yaml = (a: string) =>
    app({ annotations: a })
      .replace('kubernetes.io/ingress.class: alb', 'team: web')
      .replace('spec:\n  rules', 'spec:\n  ingressClassName: alb\n  rules') + cls;
  const pass = traceOn(
    yaml('alb.ingress.kubernetes.io/scheme: internet-facing'),
    internet,
    `http://${host}/`,
  );
  assert.match(pass.unknown?.join('\n') ?? '', /IngressClassParams public/);
  const drop = traceOn(
    yaml(
      'alb.ingress.kubernetes.io/scheme: internet-facing, alb.ingress.kubernetes.io/inbound-cidrs: 198.51.100.0/24',
    ),
    internet,
    `http://${host}/`,
  );
  assert.equal(drop.outcome, 'failed');
  assert.match(
    drop.unknown?.join('\n') ?? '',
    /unless IngressClass alb takes its parameters from IngressClassParams public/,
  );
});
