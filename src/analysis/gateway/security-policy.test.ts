/**
 * Envoy Gateway SecurityPolicy on requests through a Gateway (`_security-policy.ts`), one test per rule, as
 * request → answer rows. Sources: envoyproxy/gateway internal/gatewayapi/securitypolicy.go (attachment order and
 * conflicts, buildAuthorization's Deny default), internal/xds/translator/authorization.go (first matching rule wins),
 * https://gateway.envoyproxy.io/docs/tasks/security/restrict-ip-access/.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { readFileSync } from 'node:fs';
import { compileRouter, parseRequest } from '../route/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, internetClient, trace } from '../trace/index.ts';

const base = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: eg, namespace: default}
spec:
  gatewayClassName: eg
  listeners:
  - {name: http, protocol: HTTP, port: 80}
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: default}
spec:
  selector: {app: app}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: app-1, namespace: default, labels: {app: app}}
spec: {containers: [{name: app, image: app}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: default}
spec:
  parentRefs: [{name: eg}]
  rules:
  - name: admin
    matches: [{path: {type: PathPrefix, value: /admin}}]
    backendRefs: [{name: app, port: 80}]
  - backendRefs: [{name: app, port: 80}]
`;

const policy = (name: string, target: string, spec: string, created = '2024-01-01T00:00:00Z') => `
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: ${name}, namespace: default, creationTimestamp: "${created}"}
spec:
  targetRefs: [${target}]
${spec}`;

const onRoute = '{group: gateway.networking.k8s.io, kind: HTTPRoute, name: app}';
const onGateway = '{group: gateway.networking.k8s.io, kind: Gateway, name: eg}';
const allowOnly = (cidr: string) => `  authorization:
    defaultAction: Deny
    rules:
    - action: Allow
      principal: {clientCIDRs: ["${cidr}"]}`;

/** `status` and the first unknown (if any) for a GET of `path` from `client`. */
function ask(extra: string, path: string, client?: string, method = 'GET', edit = (t: string) => t) {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: edit(base) + extra }]);
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'eg' } });
  if (typeof router === 'string') throw new Error(router);
  const req = parseRequest({ url: `http://app.example.com${path}`, method, clientAddress: client });
  if (typeof req === 'string') throw new Error(req);
  const d = router.explain(req).decision;
  return { status: d.status, unknown: d.unknown?.[0]?.text ?? '', notes: d.notes.join('\n') };
}

describe('Envoy Gateway SecurityPolicy authorization', () => {
  it('security-policy-client-cidr-allow-deny: an address in clientCIDRs passes, another gets the defaultAction Deny: 403', () => {
    const p = policy('ip', onRoute, allowOnly('10.0.1.0/24'));
    assert.equal(ask(p, '/', '10.0.1.7').status, 200);
    assert.equal(ask(p, '/', '10.0.1.7').unknown, '');
    assert.equal(ask(p, '/', '10.0.2.7').status, 403);
    assert.match(ask(p, '/', '10.0.2.7').notes, /defaultAction Deny .*403/);
  });

  it('security-policy-first-match-wins: rules are tried in order and the first that matches decides', () => {
    const p = policy(
      'order',
      onRoute,
      `  authorization:
    defaultAction: Allow
    rules:
    - action: Deny
      principal: {clientCIDRs: ["10.0.0.0/8"]}
    - action: Allow
      principal: {clientCIDRs: ["10.0.1.0/24"]}`,
    );
    assert.equal(ask(p, '/', '10.0.1.7').status, 403);
    assert.match(ask(p, '/', '10.0.1.7').notes, /rules\[0\] \(Deny\) matches/);
    assert.equal(ask(p, '/', '192.0.2.1').status, 200);
  });

  it('security-policy-default-deny: no defaultAction means Deny', () => {
    const p = policy(
      'none',
      onRoute,
      `  authorization:\n    rules:\n    - action: Allow\n      principal: {clientCIDRs: ["10.0.1.0/24"]}`,
    );
    assert.equal(ask(p, '/', '192.0.2.1').status, 403);
  });

  it('security-policy-operation-methods: a rule with operation.methods holds only for those methods', () => {
    const p = policy(
      'methods',
      onRoute,
      `  authorization:
    defaultAction: Allow
    rules:
    - action: Deny
      principal: {clientCIDRs: ["0.0.0.0/0"]}
      operation: {methods: [DELETE]}`,
    );
    assert.equal(ask(p, '/', '192.0.2.1', 'DELETE').status, 403);
    assert.equal(ask(p, '/', '192.0.2.1', 'GET').status, 200);
  });

  it('security-policy-route-overrides-gateway: the route policy applies whole, the Gateway one not at all', () => {
    const p =
      policy('gw', onGateway, allowOnly('10.0.0.0/8')) + policy('route', onRoute, allowOnly('192.0.2.0/24'));
    assert.equal(ask(p, '/', '192.0.2.1').status, 200);
    assert.equal(ask(p, '/', '10.0.0.1').status, 403);
    assert.match(ask(p, '/', '10.0.0.1').notes, /SecurityPolicy default\/route applies/);
  });

  it('security-policy-rule-section-overrides-route: a policy on a rule (sectionName) beats the route one for that rule only', () => {
    const onRule = '{group: gateway.networking.k8s.io, kind: HTTPRoute, name: app, sectionName: admin}';
    const p =
      policy('route', onRoute, allowOnly('10.0.0.0/8')) + policy('admin', onRule, allowOnly('192.0.2.0/24'));
    assert.equal(ask(p, '/admin', '192.0.2.1').status, 200);
    assert.equal(ask(p, '/other', '192.0.2.1').status, 403);
  });

  it('security-policy-conflict-oldest-wins: of two policies on one route the older applies, the other is Conflicted', () => {
    const p =
      policy('newer', onRoute, allowOnly('10.0.0.0/8'), '2024-06-01T00:00:00Z') +
      policy('older', onRoute, allowOnly('192.0.2.0/24'), '2024-01-01T00:00:00Z');
    assert.equal(ask(p, '/', '192.0.2.1').status, 200);
    assert.match(ask(p, '/', '192.0.2.1').notes, /default\/newer also targets .*Conflicted/);
  });

  it('security-policy-target-selectors: a policy selecting the route by its labels applies to it', () => {
    const p = `
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: by-label, namespace: default}
spec:
  targetSelectors: [{kind: HTTPRoute, matchLabels: {exposure: internal}}]
${allowOnly('10.0.0.0/8')}`;
    const labelled = (text: string) =>
      text.replace(
        'metadata: {name: app, namespace: default}\nspec:\n  parentRefs',
        'metadata: {name: app, namespace: default, labels: {exposure: internal}}\nspec:\n  parentRefs',
      );
    assert.equal(ask(p, '/', '192.0.2.1', 'GET', labelled).status, 403);
    assert.equal(ask(p, '/', '192.0.2.1').status, 200);
  });

  it('security-policy-address-unknown: without a client address an address rule is unknown, never a pass', () => {
    const r = ask(policy('ip', onRoute, allowOnly('10.0.1.0/24')), '/');
    assert.match(r.unknown, /client address is not known/);
  });

  it('security-policy-client-ip-detection-unknown: a ClientTrafficPolicy clientIPDetection on the Gateway makes the address rule unknown', () => {
    const ctp = `
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: ClientTrafficPolicy
metadata: {name: xff, namespace: default}
spec:
  targetRefs: [${onGateway}]
  clientIPDetection: {xForwardedFor: {numTrustedHops: 1}}`;
    const r = ask(policy('ip', onRoute, allowOnly('10.0.1.0/24')) + ctp, '/', '10.0.1.7');
    assert.equal(r.status, 200);
    assert.match(r.unknown, /ClientTrafficPolicy default\/xff sets spec\.clientIPDetection/);
  });

  it('security-policy-credentials-unknown: jwt principals and basicAuth decide by credentials: unknown', () => {
    const jwtRule = policy(
      'jwt',
      onRoute,
      `  authorization:
    defaultAction: Deny
    rules:
    - action: Allow
      principal: {jwt: {provider: example, claims: [{name: sub, values: [a]}]}}`,
    );
    assert.match(ask(jwtRule, '/', '10.0.1.7').unknown, /principal\.jwt/);
    const basic = policy('basic', onRoute, '  basicAuth: {users: {name: users}}');
    assert.match(ask(basic, '/', '10.0.1.7').unknown, /basicAuth: it decides by credentials/);
  });

  it('security-policy-unknown-rule-agreeing-outcome: an undecidable rule whose action agrees with what follows still decides', () => {
    const p = policy(
      'agree',
      onRoute,
      `  authorization:
    defaultAction: Deny
    rules:
    - action: Deny
      principal: {headers: [{name: x-team, values: [a]}]}`,
    );
    assert.equal(ask(p, '/', '10.0.1.7').status, 403);
  });

  it('security-policy-stray-target-unknown: a targetRef to the route with another group is unknown, never dropped', () => {
    const p = policy('nogroup', '{group: "", kind: HTTPRoute, name: app}', allowOnly('10.0.0.0/8'));
    assert.match(ask(p, '/', '192.0.2.1').unknown, /group "", not gateway\.networking\.k8s\.io/);
  });

  it('security-policy-tcp-connection-unknown: a policy on a TCPRoute authorizing by address makes a connection from an unknown client unknown', () => {
    const tcp = `
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: db, namespace: default}
spec:
  gatewayClassName: eg
  listeners: [{name: pg, protocol: TCP, port: 5432}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: pg, namespace: default}
spec:
  parentRefs: [{name: db}]
  rules: [{backendRefs: [{name: app, port: 80}]}]
${policy('tcp', '{group: gateway.networking.k8s.io, kind: TCPRoute, name: pg}', allowOnly('10.0.0.0/8'))}`;
    const { model } = buildFromTexts([{ file: 'in.yaml', text: base + tcp }]);
    const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'db' } });
    if (typeof router === 'string') throw new Error(router);
    const c = router.connect({ protocol: 'tcp', port: 5432 });
    assert.match(
      c.decision.unknown?.[0]?.text ?? '',
      /SecurityPolicy default\/tcp authorization: .*client address is not known/,
    );
  });

  it('security-policy-invalid-cidr-500: a clientCIDR Envoy Gateway cannot translate makes the route answer 500', () => {
    assert.equal(ask(policy('bad', onRoute, allowOnly('10.0.1.0')), '/', '10.0.1.7').status, 500);
  });
});

/** trace from `client` to /admin of the gateway-envoy-extensions scenario, its Envoy Service under `policy`. */
function traceAdmin(client: string, policy: 'Local' | 'Cluster') {
  return traceAdminAll(client, policy).hops.find((h) => h.kind === 'route')!;
}

function traceAdminAll(client: string, policy: 'Local' | 'Cluster') {
  const dir = 'testdata/scenarios/gateway-envoy-extensions/input';
  const files = [
    'testdata/apps/envoy-gateway/quickstart.yaml',
    `${dir}/data-plane.yaml`,
    `${dir}/extra.yaml`,
  ];
  const texts = files.map((file) => ({
    file,
    text: readFileSync(file, 'utf8').replace(
      '  type: LoadBalancer\n',
      `  type: LoadBalancer\n  externalTrafficPolicy: ${policy}\n`,
    ),
  }));
  const { model } = buildFromTexts(texts, {
    profile: { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') },
  });
  const to = parseFlowTarget('http://www.example.com:8080/admin', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  return trace(createTraceContext(model), { kind: 'ip', ip: client }, to);
}

describe('Envoy Gateway SecurityPolicy on a trace from outside', () => {
  it('security-policy-trace-client-address: a client address the path keeps (externalTrafficPolicy Local) is judged', () => {
    const denied = traceAdmin('192.0.2.50', 'Local');
    assert.match(denied.details.join('\n'), /defaultAction Deny .* for client 192\.0\.2\.50: .*403/);
    const allowed = traceAdmin('10.1.2.3', 'Local');
    assert.match(allowed.details.join('\n'), /rules\[0\] \(Allow\) matches for client 10\.1\.2\.3: allowed/);
  });

  it('security-policy-trace-fix-names-the-policy: a request its authorization refuses is fixed in the SecurityPolicy, not the route', () => {
    const t = traceAdminAll('192.0.2.50', 'Local');
    assert.equal(t.outcome, 'failed');
    assert.match(t.fix?.summary ?? '', /^admit the client in SecurityPolicy\/[^ ]+'s authorization/);
    assert.match(t.fix?.culprit ?? '', /^SecurityPolicy\//);
  });

  it('security-policy-trace-masqueraded-unknown: under externalTrafficPolicy Cluster, or from the internet stand-in, the address is unknown', () => {
    assert.match(traceAdmin('192.0.2.50', 'Cluster').details.join('\n'), /client address is not known/);
    assert.match(traceAdmin(internetClient, 'Local').details.join('\n'), /client address is not known/);
  });
});

/** trace from `client` of an https request a TLS Passthrough listener of the same Gateway takes (externalTrafficPolicy Local). */
function tracePassthrough(client: string) {
  const dir = 'testdata/scenarios/gateway-envoy-extensions/input';
  const edit: Record<string, (t: string) => string> = {
    'testdata/apps/envoy-gateway/quickstart.yaml': (t) =>
      t.replace(
        '      port: 8080\n',
        '      port: 8080\n    - name: tls\n      protocol: TLS\n      port: 8443\n      tls: {mode: Passthrough}\n',
      ),
    [`${dir}/data-plane.yaml`]: (t) =>
      t
        .replace('  type: LoadBalancer\n', '  type: LoadBalancer\n  externalTrafficPolicy: Local\n')
        .replace(
          '    targetPort: 10080\n',
          '    targetPort: 10080\n  - name: tls\n    port: 8443\n    targetPort: 10443\n',
        ),
    [`${dir}/extra.yaml`]: (t) => t,
  };
  const texts = Object.entries(edit).map(([file, f]) => ({ file, text: f(readFileSync(file, 'utf8')) }));
  texts.push({
    file: 'passthrough.yaml',
    text: `apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: secure, namespace: default}
spec:
  parentRefs: [{name: eg, sectionName: tls}]
  hostnames: [www.example.com]
  rules: [{backendRefs: [{name: httpbin, port: 80}]}]
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: gateway-ip, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: eg, sectionName: tls}]
  authorization:
    defaultAction: Deny
    rules: [{action: Allow, principal: {clientCIDRs: ["10.0.0.0/8"]}}]
`,
  });
  const { model } = buildFromTexts(texts, {
    profile: { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') },
  });
  const to = parseFlowTarget('https://www.example.com:8443/', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  const t = trace(createTraceContext(model), { kind: 'ip', ip: client }, to);
  const hop = t.hops.find((h) => h.kind === 'route' && h.title.includes('TLS SNI'));
  if (!hop)
    throw new Error(
      t.hops.map((h) => `${h.kind} ${h.verdict} ${h.title} ${h.details.join(' | ')}`).join('\n'),
    );
  return hop;
}

describe('Envoy Gateway SecurityPolicy on a TLS passthrough trace', () => {
  it('security-policy-trace-passthrough-client-address: the kept client address is judged on the TLS connection; a denied one leaves the hop unknown', () => {
    const allowed = tracePassthrough('10.1.2.3');
    assert.equal(allowed.verdict, 'ok', allowed.details.join('\n'));
    assert.match(allowed.details.join('\n'), /for client 10\.1\.2\.3: allowed/);
    const denied = tracePassthrough('192.0.2.50');
    assert.equal(denied.verdict, 'warn');
    assert.match(denied.unknown?.join('\n') ?? '', /denies client 192\.0\.2\.50/);
  });
});
