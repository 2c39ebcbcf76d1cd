/**
 * Doctor rule listenerset-not-accepted, from GEP-1713's handshake and ListenerSet conditions
 * (https://gateway-api.sigs.k8s.io/geps/gep-1713/#gateway-listenerset-handshake): a Gateway admits no ListenerSet
 * unless `spec.allowedListeners.namespaces` says so (None by default) — the ListenerSet is Accepted=False(NotAllowed)
 * and the finding names both objects with a patch; one naming a Gateway that does not exist is ParentNotAccepted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { runDoctor } from './index.ts';
import { gatewayClass } from '../gateway/_test-fixtures.ts';

const gateway = (allowed: string) => `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
spec:
  gatewayClassName: gc
${allowed}  listeners: [{name: http, port: 80, protocol: HTTP}]
---
`;
const set = (parent: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: team, namespace: team}
spec:
  parentRef: {name: ${parent}, namespace: infra}
  listeners: [{name: team, port: 80, protocol: HTTP, hostname: team.example.com}]
`;
const findings = (text: string) =>
  runDoctor(buildFromTexts([{ file: 'in.yaml', text }]).model).filter(
    (f) => f.code === 'listenerset-not-accepted',
  );

test('rule listenerset-not-accepted: allowedListeners None (the default) refuses another namespace → NotAllowed with a patch', () => {
  const [f, ...rest] = findings(gateway('') + set('edge'));
  assert.equal(rest.length, 0);
  assert.match(f.message, /ListenerSet team\/team is not accepted by Gateway\/infra\/edge: NotAllowed/);
  assert.deepEqual(
    f.objects.map((o) => o.key),
    ['ListenerSet/team/team', 'Gateway/infra/edge'],
  );
  assert.match(f.patch ?? '', /from: All/);
});

test('rule listenerset-not-accepted: a ListenerSet admitted by allowedListeners All is not reported; one naming a missing Gateway is ParentNotAccepted', () => {
  assert.deepEqual(findings(gateway('  allowedListeners: {namespaces: {from: All}}\n') + set('edge')), []);
  const [f] = findings(gateway('') + set('nowhere'));
  assert.match(f.message, /ParentNotAccepted/);
  assert.equal(f.patch, undefined);
});
