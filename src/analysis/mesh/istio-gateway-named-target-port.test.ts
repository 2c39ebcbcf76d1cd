/**
 * The ingress gateway's Service port reaches the gateway pod's port its targetPort resolves to, and a Gateway
 * server's port.number may be that target port (IST0162). A named targetPort resolves as podutil.FindPort
 * resolves it: the container port with that name and the Service port's protocol.
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/api/v1/pod/util.go (FindPort),
 * https://istio.io/latest/docs/reference/config/analysis/ist0162/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { compileMesh } from './index.ts';

const dir = 'testdata/scenarios/mesh-istio-bookinfo-gateway/input/';
const read = (f: string) => readFileSync(dir + f, 'utf8');
// The gateway Service's port 80 names its target (http2) instead of numbering it (8080).
const namedTarget = read('istio-ingressgateway.yaml').replace(
  '{name: http2, port: 80, targetPort: 8080}',
  '{name: http2, port: 80, targetPort: http2}',
);
// Bookinfo's Gateway, listening on the target port 8080 rather than the Service port.
const onTarget = read('bookinfo-gateway.yaml').replace('number: 80', 'number: 8080');

function status(containerPort: string): number | undefined {
  const gateway = namedTarget.replace('{containerPort: 8080, name: http2}', containerPort);
  assert.notEqual(gateway, namedTarget);
  const { model } = buildFromTexts(
    [
      ['kubetwin.yaml', read('kubetwin.yaml')],
      ['bookinfo.yaml', read('bookinfo.yaml')],
      ['istio-ingressgateway.yaml', gateway],
      ['bookinfo-gateway.yaml', onTarget],
    ].map(([file, text]) => ({ file, text })),
  );
  const a = compileMesh(model).gatewayRoute({
    scheme: 'http',
    host: 'x',
    port: 80,
    path: '/productpage',
    query: [],
    method: 'GET',
    headers: { host: 'x' },
  });
  return a.decision?.status;
}

test('rule FindPort: a gateway Service port targeting "http2" reaches the TCP container port of that name, not a UDP one', () => {
  assert.equal(status('{containerPort: 8080, name: http2, protocol: TCP}'), 200);
  // The only port named http2 is UDP: the TCP Service port has no endpoint there, so no server listens for it.
  assert.equal(status('{containerPort: 8080, name: http2, protocol: UDP}'), undefined);
});
