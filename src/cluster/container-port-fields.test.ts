/**
 * A container port with a field the API does not define (core/v1 ContainerPort: containerPort, hostIP, hostPort,
 * name, protocol) is refused by kubectl apply's strict field validation. It was read without a word: `protocl: UDP`
 * made a TCP port, `nmae: dns` an unnamed one, and every answer about that port followed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const deployment = (port: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: dns}
spec:
  selector: {matchLabels: {app: dns}}
  template:
    metadata: {labels: {app: dns}}
    spec:
      containers:
        - name: c
          image: x
          ports:
            - ${port}
`;

test('container port fields: a misspelt field is an unknown-field error at it, with the nearest name, and the workload is left out', () => {
  const { model, diagnostics } = buildYaml(deployment('{name: dns, containerPort: 53, protocl: UDP}'));
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity, d.source?.line, d.source?.column, d.hint]),
    [['unknown-field', 'error', 13, 46, 'Rename it to protocol.']],
  );
  assert.match(
    diagnostics[0].message,
    /unknown field "protocl" in a container port \(did you mean "protocol"\?\)/,
  );
  assert.equal(model.pods.filter((p) => p.namespace === 'default').length, 0);
});

test('container port fields: every field of the API is read without a diagnostic', () => {
  const { model, diagnostics } = buildYaml(
    deployment('{name: dns, containerPort: 53, protocol: UDP, hostPort: 5353, hostIP: 0.0.0.0}'),
  );
  assert.deepEqual(
    diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code),
    [],
  );
  assert.deepEqual(
    model.pods
      .filter((p) => p.namespace === 'default')
      .flatMap((p) => p.ports.map((x) => [x.name, x.containerPort, x.protocol])),
    [['dns', 53, 'UDP']],
  );
});
