/**
 * The first line of `route --via mesh` / `--via istio-gateway`: a `tcp://`/`tls://` connection is printed as a
 * connection (with its SNI for TLS) even when the gateway refuses it and no VirtualService decides it — the
 * Gateway's servers are matched by port before any route, so a refused connection was never an HTTP request.
 * https://istio.io/latest/docs/reference/config/networking/gateway/#Server
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../api/index.ts';
import { compileMesh } from '../analysis/mesh/index.ts';
import type { HttpRequest } from '../model/routing.ts';
import { renderIstioGatewayRoute } from './istio-gateway-route.ts';
import { requestLine } from './mesh-route.ts';

const dir = 'testdata/scenarios/mesh-istio-bookinfo-gateway/input/';
const files = ['kubetwin.yaml', 'bookinfo.yaml', 'istio-ingressgateway.yaml', 'bookinfo-gateway.yaml'];
const { model } = buildFromTexts(files.map((f) => ({ file: dir + f, text: readFileSync(dir + f, 'utf8') })));
const host = 'bookinfo.example.com';
const at = (port: number, sni?: string): HttpRequest => ({
  scheme: sni ? 'https' : 'http',
  host,
  port,
  path: '/',
  query: [],
  method: 'GET',
  headers: { host },
  ...(sni ? { sni } : {}),
});

test('Gateway Server port: a refused tls:// connection is printed as a TLS connection with its SNI, not GET https://', () => {
  const request = at(443, 'shop.example.com');
  const answer = compileMesh(model).gatewayRoute(request, undefined);
  assert.equal(answer.decision, undefined);
  assert.match(answer.refused ?? '', /listens on port 443/);
  const first = renderIstioGatewayRoute({ request, answer, connection: 'tls' }).split('\n')[0];
  assert.equal(
    first,
    'tls connection to bookinfo.example.com:443 (SNI shop.example.com) via the Istio ingress gateway',
  );
  assert.match(
    renderIstioGatewayRoute({ request, answer }),
    /^GET https:\/\/bookinfo\.example\.com:443\/ via/,
  );
});

test('Gateway Server port: a refused tcp:// connection is printed as a TCP connection to HOST:PORT', () => {
  const request = at(31400);
  const answer = compileMesh(model).gatewayRoute(request, undefined);
  assert.equal(answer.decision, undefined);
  assert.equal(
    renderIstioGatewayRoute({ request, answer, connection: 'tcp' }).split('\n')[0],
    'tcp connection to bookinfo.example.com:31400 via the Istio ingress gateway',
  );
});

test('requestLine: an HTTP request keeps its method, URL and query; a tls connection without SNI shows the host as SNI', () => {
  assert.equal(
    requestLine({ ...at(80), path: '/p', query: [['a', '1']], method: 'POST' }, undefined),
    'POST http://bookinfo.example.com:80/p?a=1',
  );
  assert.equal(
    requestLine(at(443), 'tls'),
    'tls connection to bookinfo.example.com:443 (SNI bookinfo.example.com)',
  );
});
