/**
 * Envoy Gateway SecurityPolicy on TCP and TLS connections through a Gateway (`_security-connection.ts`), one test
 * per rule. Sources: envoyproxy/gateway internal/gatewayapi/securitypolicy.go (validateSecurityPolicyForTCP: "TCP
 * supports Authorization with ClientCIDRs ONLY"; TCPRoute and TCP listeners get the authorization of the most specific
 * policy carrying one), https://gateway.envoyproxy.io/docs/tasks/security/restrict-ip-access/ (TCPRoute in the
 * current docs, not in v1.3's: the version decides whether a denied connection is closed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, connectionDelivered, parseConnection } from '../route/index.ts';

const base = `apiVersion: gateway.networking.k8s.io/v1
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
  - {name: db, protocol: TCP, port: 5432}
  - {name: tls, protocol: TLS, port: 443, hostname: "*.example.com", tls: {mode: Passthrough}}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: default}
spec: {selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db-0, namespace: default, labels: {app: db}}
spec: {containers: [{name: db, image: db}]}
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: db, namespace: default}
spec:
  parentRefs: [{name: eg, sectionName: db}]
  rules: [{backendRefs: [{name: db, port: 5432}]}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: eg, sectionName: tls}]
  hostnames: [web.example.com]
  rules: [{backendRefs: [{name: db, port: 5432}]}]
`;

const policy = (name: string, target: string, spec: string, created = '2024-01-01T00:00:00Z') => `---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: ${name}, namespace: default, creationTimestamp: "${created}"}
spec:
  targetRefs: [${target}]
${spec}`;

const onTcpRoute = '{group: gateway.networking.k8s.io, kind: TCPRoute, name: db}';
const onTlsRoute = '{group: gateway.networking.k8s.io, kind: TLSRoute, name: web}';
const onGateway = '{group: gateway.networking.k8s.io, kind: Gateway, name: eg}';
const allowOnly = (cidr: string) => `  authorization:
    defaultAction: Deny
    rules: [{action: Allow, principal: {clientCIDRs: ["${cidr}"]}}]
`;

/** The connection's answer: delivered or not, its unknowns and notes, one line each. */
function connect(extra: string, url: string, client?: string) {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: base + extra }]);
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'eg' } });
  if (typeof router === 'string') throw new Error(router);
  const c = parseConnection(url, undefined, { clientAddress: client });
  if (typeof c !== 'object') throw new Error(String(c));
  const r = router.connect(c);
  return {
    delivered: connectionDelivered(r),
    unknown: (r.decision.unknown ?? []).map((u) => u.text).join('\n'),
    notes: r.decision.notes.join('\n'),
    undecidedBy: r.decision.undecidedBy,
  };
}

test('rule security-policy-tcp-allow-passes: a client the authorization allows is delivered (every Envoy Gateway version lets it through)', () => {
  const a = connect(policy('db', onTcpRoute, allowOnly('10.0.0.0/8')), 'tcp://db:5432', '10.1.2.3');
  assert.equal(a.unknown, '');
  assert.equal(a.delivered, true);
  assert.match(
    a.notes,
    /SecurityPolicy default\/db applies its authorization \(attached to TCPRoute\/default\/db\)/,
  );
  assert.match(a.notes, /for client 10\.1\.2\.3: allowed/);
});

test('rule security-policy-tcp-deny-depends-on-version: a denied client is unknown, naming the policy and why', () => {
  const a = connect(policy('db', onTcpRoute, allowOnly('10.0.0.0/8')), 'tcp://db:5432', '192.0.2.1');
  assert.equal(a.delivered, false);
  assert.equal(a.undecidedBy, 'SecurityPolicy/default/db');
  assert.match(a.unknown, /defaultAction Deny \(no rule matches\) denies client 192\.0\.2\.1/);
  assert.match(a.unknown, /does not know which version runs/);
});

test('rule security-policy-tcp-client-address: without the client address an address-dependent answer is unknown', () => {
  const a = connect(policy('db', onTcpRoute, allowOnly('10.0.0.0/8')), 'tcp://db:5432');
  assert.equal(a.delivered, false);
  assert.match(a.unknown, /client address is not known/);
});

test('rule security-policy-tcp-http-features-refused: a TCPRoute policy setting more than authorization does not apply; the Gateway one does', () => {
  const jwtOnRoute = `  jwt: {providers: [{name: idp, remoteJWKS: {uri: "https://idp.example.com/jwks"}}]}
${allowOnly('203.0.113.0/24')}`;
  const a = connect(
    policy('route', onTcpRoute, jwtOnRoute) + policy('gw', onGateway, allowOnly('10.0.0.0/8')),
    'tcp://db:5432',
    '10.1.2.3',
  );
  assert.equal(a.unknown, '');
  assert.equal(a.delivered, true);
  assert.match(a.notes, /default\/route .* also sets jwt: Envoy Gateway refuses it on a TCPRoute/);
  assert.match(a.notes, /default\/gw applies its authorization \(attached to Gateway\/default\/eg\)/);
});

test('rule security-policy-tcp-authorization-falls-through: a more specific policy without authorization leaves the connection to the next one', () => {
  const a = connect(
    policy('route', onTcpRoute, '  cors: {allowOrigins: ["https://a.example"]}\n') +
      policy('gw', onGateway, allowOnly('10.0.0.0/8')),
    'tcp://db:5432',
    '192.0.2.1',
  );
  assert.match(a.notes, /default\/route \(attached to TCPRoute\/default\/db\) sets no authorization/);
  assert.match(a.unknown, /SecurityPolicy default\/gw authorization: .* denies client 192\.0\.2\.1/);
});

test('rule security-policy-tls-route-target-unknown: a policy on a TLSRoute is named unknown (not modeled), never dropped', () => {
  const a = connect(policy('web', onTlsRoute, allowOnly('10.0.0.0/8')), 'tls://web.example.com', '10.1.2.3');
  assert.equal(a.delivered, false);
  assert.match(
    a.unknown,
    /targets TLSRoute\/default\/web: whether Envoy Gateway applies a SecurityPolicy on a TLSRoute/,
  );
});
