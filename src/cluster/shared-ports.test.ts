/**
 * Pods read one by one share their container ports list with every pod declaring the same ports
 * (`_shared-ports.ts`): one list per content, never one list for ports that differ in any field a reader sees.
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const pod = (name: string, containers: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
  containers:
${containers}
`;
const app = (ports: string, name = 'app') => `  - name: ${name}\n    image: i\n    ports: [${ports}]`;

const pods: [string, string][] = [
  ['a', app('{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}')],
  ['b', app('{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}')],
  ['c', app('{name: http, containerPort: 8080, protocol: TCP}, {name: metrics, containerPort: 9090}')],
  // One field differs from a: the container, a name, a name left out, a number, the protocol, a hostPort, the
  // hostIP, the order.
  ['container', app('{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}', 'other')],
  ['name', app('{name: web, containerPort: 8080}, {name: metrics, containerPort: 9090}')],
  ['unnamed', app('{containerPort: 8080}, {name: metrics, containerPort: 9090}')],
  ['number', app('{name: http, containerPort: 8081}, {name: metrics, containerPort: 9090}')],
  ['protocol', app('{name: http, containerPort: 8080, protocol: UDP}, {name: metrics, containerPort: 9090}')],
  ['host-port', app('{name: http, containerPort: 8080, hostPort: 80}, {name: metrics, containerPort: 9090}')],
  [
    'host-ip',
    app(
      '{name: http, containerPort: 8080, hostPort: 80, hostIP: 10.0.0.1}, {name: metrics, containerPort: 9090}',
    ),
  ],
  ['order', app('{name: metrics, containerPort: 9090}, {name: http, containerPort: 8080}')],
  ['none', '  - name: app\n    image: i'],
  ['none2', '  - name: app\n    image: i'],
];

test('sharedPorts: pods declaring the same container ports share one list, and ports differing in any field never do', () => {
  const { model } = buildYaml(pods.map(([n, c]) => pod(n, c)).join(''));
  const by = new Map(model.pods.filter((p) => p.namespace === 'default').map((p) => [p.name, p.ports]));
  assert.equal(by.size, pods.length);
  // The same ports, with the protocol written or defaulted: one list.
  assert.equal(by.get('b'), by.get('a'));
  assert.equal(by.get('c'), by.get('a'));
  assert.equal(by.get('none2'), by.get('none'));
  assert.deepEqual(by.get('none'), []);
  // Any other content: its own list, holding what its pod declared.
  const lists = [...by.values()];
  for (let i = 0; i < lists.length; i++)
    for (let j = 0; j < lists.length; j++) if (lists[i] === lists[j]) assert.deepEqual(lists[i], lists[j]);
  assert.equal(new Set(lists).size, pods.length - 3);
  assert.deepEqual(
    by.get('host-ip')!.map((p) => [p.name, p.containerPort, p.protocol, p.hostPort, p.hostIP]),
    [
      ['http', 8080, 'TCP', 80, '10.0.0.1'],
      ['metrics', 9090, 'TCP', undefined, undefined],
    ],
  );
  assert.deepEqual(
    by.get('unnamed')!.map((p) => Object.keys(p)),
    by.get('a')!.map((p) => Object.keys(p)),
  );
  assert.equal(by.get('unnamed')![0].name, undefined);
});
