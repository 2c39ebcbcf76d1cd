/**
 * What a router cannot decide is data (`RouteDecision.unknown`, with the object and field path at stake), never a
 * note: the `route` text prints it after the notes, and the trace's route hop reads it as the hop's `unknown`. Each
 * router that can leave a point undecided is exercised here, so one that drops its unknown fails a test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { renderRoute } from '../../render/route.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { explainViaGateway, gatewayClass } from '../gateway/_test-fixtures.ts';
import { createTraceContext, trace } from '../trace/index.ts';
import { compileRouter, parseRequest, type Via } from './index.ts';
import { undecidedIngressRoute, webService } from '../../../test/helpers/traefik.ts';

/** A Traefik IngressRouteTCP naming the host: a router kubetwin does not model. */
const tcpRoute = `---
apiVersion: traefik.io/v1alpha1
kind: IngressRouteTCP
metadata: {name: t}
spec: {routes: [{match: "HostSNI(\`a.example.com\`)", services: [{name: web, port: 80}]}]}
`;
function explain(yaml: string, via: Via, url: string) {
  const { model } = buildYaml(yaml);
  const r = compileRouter(model, { via });
  assert.ok(typeof r !== 'string', String(r));
  const req = parseRequest({ url });
  assert.ok(typeof req !== 'string', String(req));
  return r.explain(req);
}

test('rule route-unknown-is-data: a Traefik IngressRoute router kubetwin cannot decide is in decision.unknown with its object and path, not in the notes', () => {
  const r = explain(
    webService + undecidedIngressRoute,
    { kind: 'ingress-class', name: 'traefik' },
    'http://a.example.com/',
  );
  const u = r.decision.unknown ?? [];
  assert.deepEqual(
    u.map((x) => [x.object, x.path]),
    [['IngressRoute/default/r', 'routes[1]']],
  );
  assert.ok(!r.decision.notes.some((n) => n.includes('ClientIP')), 'the unknown is not repeated as a note');
  // The text answer still says it, once, after the notes.
  const text = renderRoute(r);
  assert.equal(text.split(`unknown: ${u[0].text}`).length, 2, text);
});

test('rule route-unknown-unmodeled-router: through a Gateway, an unmodeled router that names the host is in decision.unknown', () => {
  const gateway = `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: gc, listeners: [{name: http, port: 80, protocol: HTTP}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: h}
spec: {parentRefs: [{name: gw}], hostnames: [a.example.com], rules: [{backendRefs: [{name: web, port: 80}]}]}
---
${webService}${tcpRoute}`;
  const d = explainViaGateway(gateway, 'http://a.example.com/');
  assert.deepEqual(
    (d.unknown ?? []).map((u) => u.object),
    ['IngressRouteTCP.traefik.io/default/t'],
  );
  assert.ok(!d.notes.some((n) => n.includes('IngressRouteTCP')));
});

test('rule trace-route-hop-reads-unknown: the trace route hop of an undecided answer warns and carries the decision unknown; the result is UNKNOWN', () => {
  const dir = 'testdata/scenarios/route-traefik-ingressroute/input/';
  const { model } = buildFromTexts(
    ['kubetwin.yaml', 'cluster.yaml'].map((f) => ({ file: dir + f, text: readFileSync(dir + f, 'utf8') })),
  );
  const to = parseFlowTarget('http://blog.example.com/admin', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  const t = trace(createTraceContext(model), { kind: 'internet' }, to);
  const hop = t.hops.find((h) => h.kind === 'route');
  assert.equal(hop?.verdict, 'warn');
  assert.equal(hop?.unknown?.length, 1);
  assert.match(hop?.unknown?.[0] ?? '', /^IngressRoute\/blog\/blog routes\[2\] .*ClientIP/);
  assert.deepEqual(t.unknown, hop?.unknown);
});
