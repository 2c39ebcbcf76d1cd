import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { runDoctor } from './index.ts';
import { gatewayClass } from '../gateway/_test-fixtures.ts';

const gateway = (className: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: ${className}
  listeners: [{name: http, port: 80, protocol: HTTP}]
`;
const findings = (text: string) => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  return runDoctor(model).filter((f) => f.code === 'gateway-not-accepted');
};

test('gateway-not-accepted: a Gateway whose GatewayClass is not among the manifests (the gateway-api guides) is an error naming the class to declare', () => {
  const f = findings(gateway('example'));
  assert.equal(f.length, 1);
  assert.match(
    f[0]!.message,
    /^Gateway infra\/gw is not accepted: Accepted=\w+\(\w+\).*GatewayClass example is not among the manifests/,
  );
  assert.match(f[0]!.fix!, /Declare GatewayClass example/);
  assert.equal(f[0]!.objects[0]!.source?.line, 1);
});

test('gateway-not-accepted: no finding for a Gateway of a declared class, nor of a class a known controller installs (istio)', () => {
  assert.deepEqual(findings(`${gatewayClass}---\n${gateway('gc')}`), []);
  assert.deepEqual(findings(gateway('istio')), []);
});
