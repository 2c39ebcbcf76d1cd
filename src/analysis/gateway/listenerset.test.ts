/**
 * ListenerSet (GEP-1713, https://gateway-api.sigs.k8s.io/geps/gep-1713/; Standard since v1.5.0, and the
 * experimental XListenerSet): the handshake (`spec.allowedListeners`), the merge precedence and conflicts, the
 * ListenerSet's status, route attachment through a ListenerSet parent, and routing on its listeners. Each test
 * names the GEP section (or its "Conformance Details" scenario) it is written from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { runDoctor } from '../doctor/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import { renderRoutingGet } from '../../render/get-routing.ts';
import { analyzeGateways } from './index.ts';
import { gatewayPreamble } from '../../../test/helpers/gateway.ts';

const gateway = (
  allowed: string,
  listeners = '[{name: http, port: 80, protocol: HTTP, hostname: www.example.com}]',
) =>
  `${gatewayPreamble(listeners, {
    namespace: 'infra',
    spec: allowed ? `  allowedListeners: {namespaces: ${allowed}}\n` : '',
  })}apiVersion: v1
kind: Namespace
metadata: {name: infra}
---
apiVersion: v1
kind: Namespace
metadata: {name: team, labels: {listeners: ok}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
`;
const listenerSet = (name: string, ns: string, listeners: string, extra = '', kind = 'ListenerSet') =>
  `apiVersion: gateway.networking${kind === 'XListenerSet' ? '.x-k8s.io/v1alpha1' : '.k8s.io/v1'}
kind: ${kind}
metadata: {name: ${name}, namespace: ${ns}${extra}}
spec:
  parentRef: {name: gw, namespace: infra, kind: Gateway, group: gateway.networking.k8s.io}
  listeners: ${listeners}
---
`;
const service = (name: string, ns: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {selector: {app: ${name}}, ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}-0, namespace: ${ns}, labels: {app: ${name}}}\nspec: {containers: [{name: c, image: x}]}\n---\n`;
const route = (name: string, ns: string, parent: string, host: string, backend = name) =>
  `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${ns}}
spec:
  parentRefs: [${parent}]
  hostnames: [${host}]
  rules: [{backendRefs: [{name: ${backend}, port: 80}]}]
---
`;
const shopListener = '[{name: shop, port: 80, protocol: HTTP, hostname: shop.example.com}]';

function build(text: string) {
  const { model, diagnostics } = buildFromTexts([{ file: 'in.yaml', text }]);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return { model, a: analyzeGateways(model) };
}
const conds = (cs: readonly { type: string; status: string; reason: string }[]) =>
  cs.map((c) => `${c.type}=${c.status}(${c.reason})`).join(',');
const setStatus = (a: ReturnType<typeof analyzeGateways>, key: string) =>
  a.listenerSets.find((s) => s.key === key)!;

function send(model: ReturnType<typeof build>['model'], url: string) {
  const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'infra', name: 'gw' } });
  if (typeof r === 'string') throw new Error(r);
  return r.explain(parseRequest({ url }) as never).decision;
}

test('rule listenerset-allowedlisteners-default-none: without allowedListeners a Gateway admits no ListenerSet (Accepted=False NotAllowed, attachedListenerSets 0)', () => {
  // GEP-1713 "Gateway & ListenerSet Handshake" and Conformance Details 1 (allowedListeners not specified).
  const { a, model } = build(
    gateway('') +
      listenerSet('ls', 'infra', shopListener) +
      service('shop', 'infra') +
      route(
        'shop',
        'infra',
        '{name: ls, kind: ListenerSet, group: gateway.networking.k8s.io}',
        'shop.example.com',
      ),
  );
  assert.equal(
    conds(setStatus(a, 'ListenerSet/infra/ls').conditions),
    'Accepted=False(NotAllowed),Programmed=False(NotAllowed)',
  );
  assert.equal(a.gateways[0].attachedListenerSets, 0);
  assert.equal(a.routes[0].parents[0].conditions[0].status, 'False');
  assert.equal(send(model, 'http://shop.example.com/').backends.length, 0);
  assert.ok(
    runDoctor(model).some(
      (f) => f.code === 'route-not-attached' && /NotAllowed|does not allow/.test(f.message),
    ),
  );
});

test('rule listenerset-allowedlisteners-from: None refuses, Same admits the Gateway namespace only, Selector admits labelled namespaces, All admits every one', () => {
  // GEP-1713 ListenerNamespaces.From and Conformance Details 2–4.
  const sets =
    listenerSet('a', 'infra', shopListener) +
    listenerSet('b', 'team', '[{name: b, port: 80, protocol: HTTP, hostname: b.example.com}]') +
    listenerSet('c', 'other', '[{name: c, port: 80, protocol: HTTP, hostname: c.example.com}]');
  const accepted = (from: string) => {
    const { a } = build(gateway(from) + sets);
    return (
      [...a.listenerSets]
        .sort((x, y) => (x.name < y.name ? -1 : 1))
        .map((s) => `${s.name}:${s.conditions[0].status === 'True' ? 'yes' : s.conditions[0].reason}`)
        .join(' ') + ` attached=${a.gateways[0].attachedListenerSets}`
    );
  };
  assert.equal(accepted('{from: None}'), 'a:NotAllowed b:NotAllowed c:NotAllowed attached=0');
  assert.equal(accepted('{from: Same}'), 'a:yes b:NotAllowed c:NotAllowed attached=1');
  assert.equal(
    accepted('{from: Selector, selector: {matchLabels: {listeners: ok}}}'),
    'a:NotAllowed b:yes c:NotAllowed attached=1',
  );
  assert.equal(accepted('{from: All}'), 'a:yes b:yes c:yes attached=3');
});

test('rule listenerset-route-attachment: a route with a ListenerSet parentRef is served on its listeners; a Gateway parentRef attaches to the Gateway listeners only', () => {
  // GEP-1713 "Summary of attachments", "Route Attachment" and "Gateway parents and sectionName".
  const { a, model } = build(
    gateway('{from: All}') +
      listenerSet('ls', 'team', shopListener) +
      service('shop', 'team') +
      service('www', 'infra') +
      route(
        'shop',
        'team',
        '{name: ls, kind: ListenerSet, group: gateway.networking.k8s.io, sectionName: shop}',
        'shop.example.com',
      ) +
      route('www', 'infra', '{name: gw}', '"*.example.com"') +
      route('wrong', 'infra', '{name: gw, sectionName: shop}', 'shop.example.com', 'www'),
  );
  const parent = (name: string) =>
    conds(a.routes.find((r) => r.name === name)!.parents[0].conditions.slice(0, 1));
  assert.equal(parent('shop'), 'Accepted=True(Accepted)');
  assert.equal(parent('www'), 'Accepted=True(Accepted)');
  // sectionName `shop` exists on the ListenerSet, not on the Gateway: not valid for a Gateway parentRef.
  assert.equal(parent('wrong'), 'Accepted=False(NoMatchingParent)');
  const d = send(model, 'http://shop.example.com/');
  assert.deepEqual(
    d.backends.map((b) => `${b.namespace}/${b.name}`),
    ['team/shop'],
  );
  assert.ok(
    d.notes.some((n) => /listener shop of ListenerSet\/team\/ls/.test(n)),
    JSON.stringify(d.notes),
  );
  assert.ok(!(d.unknown ?? []).some((u) => u.object.startsWith('ListenerSet/')));
  // The Gateway's route (hostname *.example.com) is not on the ListenerSet's listener, so it does not serve shop.
  assert.deepEqual(
    send(model, 'http://www.example.com/').backends.map((b) => b.name),
    ['www'],
  );
  const set = setStatus(a, 'ListenerSet/team/ls');
  assert.equal(set.listeners[0].attachedRoutes, 1);
  assert.equal(a.gateways[0].listeners.length, 1, 'the Gateway status lists its own listeners only');
  assert.equal(a.gateways[0].listeners[0].attachedRoutes, 1);
  assert.ok(!runDoctor(model).some((f) => f.code === 'route-not-attached' && /team\/shop/.test(f.message)));
  const table = renderRoutingGet(model, 'listenersets', { wide: false });
  assert.match(table, /team\s+ls\s+infra\/gw\s+True\s+True\s+1/);
});

test('rule listenerset-allowedroutes-same-is-listenerset-namespace: `from: Same` on a ListenerSet listener admits routes of the ListenerSet namespace', () => {
  // GEP-1713 Conformance Details: "A listener on a ListenerSet allows routes from the same namespace as the ListenerSet".
  const { a } = build(
    gateway('{from: All}') +
      listenerSet('ls', 'team', shopListener) +
      service('shop', 'team') +
      service('shop', 'infra') +
      route(
        'shop',
        'team',
        '{name: ls, namespace: team, kind: ListenerSet, group: gateway.networking.k8s.io}',
        'shop.example.com',
      ) +
      route(
        'shop',
        'infra',
        '{name: ls, namespace: team, kind: ListenerSet, group: gateway.networking.k8s.io}',
        'shop.example.com',
      ),
  );
  const reason = (ns: string) => a.routes.find((r) => r.namespace === ns)!.parents[0].conditions[0].reason;
  assert.equal(reason('team'), 'Accepted');
  assert.equal(reason('infra'), 'NotAllowedByListeners');
});

test('rule listenerset-conflict-with-gateway: a ListenerSet listener that conflicts with a Gateway listener yields (PortUnavailable, Conflicted); a set with no valid listener is ListenersNotValid', () => {
  // GEP-1713 "Conflict between ListenerSet and parent Gateway" and Conformance Details 5–6 and the hostname case.
  const { a, model } = build(
    gateway('{from: All}', '[{name: gw-8080, port: 8080, protocol: HTTP, hostname: www.example.com}]') +
      listenerSet('only', 'team', '[{name: ls-8080, port: 8080, protocol: TCP}]') +
      listenerSet(
        'mixed',
        'team',
        '[{name: ls-8080, port: 8080, protocol: HTTP, hostname: www.example.com}, {name: ok, port: 8080, protocol: HTTP, hostname: ok.example.com}]',
      ),
  );
  const gwListener = a.gateways[0].listeners[0];
  assert.equal(
    conds(gwListener.conditions.filter((c) => c.type !== 'ResolvedRefs')),
    'Accepted=True(Accepted),Conflicted=False(NoConflicts),Programmed=True(Programmed)',
  );
  const only = setStatus(a, 'ListenerSet/team/only');
  assert.equal(
    conds(only.conditions),
    'Accepted=False(ListenersNotValid),Programmed=False(ListenersNotValid)',
  );
  assert.equal(
    conds(only.listeners[0].conditions.filter((c) => c.type !== 'ResolvedRefs')),
    'Accepted=False(PortUnavailable),Conflicted=True(ProtocolConflict),Programmed=False(PortUnavailable)',
  );
  const mixed = setStatus(a, 'ListenerSet/team/mixed');
  assert.equal(conds(mixed.conditions), 'Accepted=True(Accepted),Programmed=True(Programmed)');
  assert.equal(
    mixed.listeners.find((l) => l.name === 'ls-8080')!.conditions.find((c) => c.type === 'Conflicted')!
      .reason,
    'HostnameConflict',
  );
  assert.equal(a.gateways[0].attachedListenerSets, 1);
  assert.equal(a.gateways[0].conditions[0].status, 'True');
  void model;
});

test('rule listenerset-precedence: between ListenerSets the oldest (creationTimestamp) keeps a contested listener, then namespace/name; the other is Conflicted without naming it', () => {
  // GEP-1713 "Listener Precedence" and "Conflict between two ListenerSets".
  const www = (cert: string) =>
    `[{name: myapp, port: 80, protocol: HTTP, hostname: app.example.com}, {name: ${cert}, port: 81, protocol: HTTP}]`;
  const { a } = build(
    gateway('{from: All}') +
      listenerSet('listenerset1', 'team', www('px'), ', creationTimestamp: "2025-08-11T15:44:05Z"') +
      listenerSet('listenerset2', 'other', www('py'), ', creationTimestamp: "2025-08-11T13:44:05Z"'),
  );
  const conflicted = (key: string) =>
    setStatus(a, key)
      .listeners.find((l) => l.name === 'myapp')!
      .conditions.find((c) => c.type === 'Conflicted')!;
  assert.equal(conflicted('ListenerSet/other/listenerset2').status, 'False');
  assert.equal(conflicted('ListenerSet/team/listenerset1').status, 'True');
  assert.doesNotMatch(conflicted('ListenerSet/team/listenerset1').message, /listenerset2|other\//);
  // Without timestamps: alphabetical {namespace}/{name}, so other/listenerset2 still wins.
  const { a: b } = build(
    gateway('{from: All}') +
      listenerSet('listenerset1', 'team', www('px')) +
      listenerSet('listenerset2', 'other', www('py')),
  );
  assert.equal(
    setStatus(b, 'ListenerSet/team/listenerset1').listeners[0].conditions.find(
      (c) => c.type === 'Conflicted',
    )!.status,
    'True',
  );
});

test('rule listenerset-xlistenerset: the experimental XListenerSet (gateway.networking.x-k8s.io) attaches and routes the same way', () => {
  const { a, model } = build(
    gateway('{from: Same}') +
      listenerSet('xls', 'infra', shopListener, '', 'XListenerSet') +
      service('shop', 'infra') +
      route(
        'shop',
        'infra',
        '{name: xls, kind: XListenerSet, group: gateway.networking.x-k8s.io}',
        'shop.example.com',
      ),
  );
  assert.equal(setStatus(a, 'XListenerSet/infra/xls').conditions[0].status, 'True');
  assert.deepEqual(
    send(model, 'http://shop.example.com/').backends.map((b) => b.name),
    ['shop'],
  );
});

test("rule listenerset-certificate-namespace: a ListenerSet listener reads its certificateRefs in its own namespace, and the Gateway's grants are not inherited", () => {
  // GEP-1713 "ReferenceGrant Semantics".
  const tls = (ns: string) =>
    `[{name: tls, port: 443, protocol: HTTPS, hostname: shop.example.com, tls: {certificateRefs: [{name: cert${ns ? `, namespace: ${ns}` : ''}}]}}]`;
  const secret = (ns: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata: {name: cert, namespace: ${ns}}\ntype: kubernetes.io/tls\ndata: {tls.crt: "", tls.key: ""}\n---\n`;
  const grant = `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: other}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]\n  to: [{group: "", kind: Secret}]\n---\n`;
  const { a } = build(
    gateway('{from: All}') +
      listenerSet('ls', 'team', tls('')) +
      listenerSet(
        'cross',
        'team',
        tls('other').replace('name: tls', 'name: tls2').replace('shop.', 'cross.'),
      ) +
      secret('other') +
      grant,
  );
  const refs = (key: string) =>
    setStatus(a, key).listeners[0].conditions.find((c) => c.type === 'ResolvedRefs')!;
  assert.match(refs('ListenerSet/team/ls').message, /team\/cert/);
  assert.equal(refs('ListenerSet/team/cross').reason, 'RefNotPermitted');
});

test('rule listenerset-allowedlisteners-selector-absent-namespace: a Selector over a namespace the input does not declare leaves the ListenerSet Accepted=Unknown, and answers its listeners could take say unknown', () => {
  // GEP-1713 ListenerNamespaces.From Selector: the namespace's labels decide. A namespace only referenced by the
  // ListenerSet has no labels in the input but `kubernetes.io/metadata.name`, which the API server sets itself.
  const ghostListener = '[{name: shop, port: 80, protocol: HTTP, hostname: shop.example.com}]';
  const { a, model } = build(
    gateway('{from: Selector, selector: {matchLabels: {listeners: ok}}}') +
      listenerSet('ls', 'ghost', ghostListener) +
      service('shop', 'ghost') +
      service('www', 'infra') +
      route(
        'shop',
        'ghost',
        '{name: ls, kind: ListenerSet, group: gateway.networking.k8s.io}',
        'shop.example.com',
      ) +
      route('www', 'infra', '{name: gw}', 'www.example.com'),
  );
  assert.equal(
    conds(setStatus(a, 'ListenerSet/ghost/ls').conditions.slice(0, 1)),
    'Accepted=Unknown(NotAllowed)',
  );
  assert.equal(a.gateways[0].attachedListenerSets, 0);
  assert.equal(
    conds(a.routes.find((r) => r.name === 'shop')!.parents[0].conditions.slice(0, 1)),
    'Accepted=Unknown(NoMatchingParent)',
  );
  const d = send(model, 'http://shop.example.com/');
  assert.ok(
    (d.unknown ?? []).some((u) => u.object === 'ListenerSet/ghost/ls' && /not in the input/.test(u.text)),
    JSON.stringify(d),
  );
  // A host none of its listeners serves is decided as before.
  const www = send(model, 'http://www.example.com/');
  assert.deepEqual(
    www.backends.map((b) => b.name),
    ['www'],
  );
  assert.ok(!(www.unknown ?? []).length);
  // Not a finding: doctor does not call an unknown handshake a refusal.
  assert.ok(!runDoctor(model).some((f) => f.code === 'listenerset-not-accepted'));
  // A selector on the name label alone is decided without the namespace object.
  const byName = build(
    gateway("{from: Selector, selector: {matchLabels: {'kubernetes.io/metadata.name': ghost}}}") +
      listenerSet('ls', 'ghost', ghostListener),
  );
  assert.equal(
    conds(setStatus(byName.a, 'ListenerSet/ghost/ls').conditions.slice(0, 1)),
    'Accepted=True(Accepted)',
  );
});
