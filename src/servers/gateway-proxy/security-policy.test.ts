/**
 * `serve gateway` under an Envoy Gateway SecurityPolicy, with a real HTTP client over loopback: the client address
 * judged is the TCP peer (the test binds its side to 127.0.0.1 or 127.0.0.2), X-Forwarded-For is not read, a denied
 * client gets Envoy's 403 and a policy kubetwin cannot judge is answered as unknown, never forwarded. Sources:
 * envoyproxy/gateway internal/xds/translator/authorization.go (first matching rule wins; clientCIDRs match the
 * downstream source IP), internal/gatewayapi/securitypolicy.go (Deny when defaultAction is absent),
 * https://gateway.envoyproxy.io/docs/tasks/security/restrict-ip-access/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, type Router } from '../../analysis/route/index.ts';
import { startGateway, startL4Listener } from './index.ts';
import { listenLocal } from './_test-fixtures.ts';

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
  listeners: [{name: http, protocol: HTTP, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: default}
spec: {selector: {app: app}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: default}
spec:
  parentRefs: [{name: eg}]
  rules: [{backendRefs: [{name: app, port: 80}]}]
`;

const policy = (spec: string) => `---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: ip, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: app}]
${spec}`;

const allowOnly = (cidr: string) => `  authorization:
    defaultAction: Deny
    rules: [{action: Allow, principal: {clientCIDRs: ["${cidr}"]}}]
`;

function routerOf(text: string): { router: Router; model: ReturnType<typeof buildFromTexts>['model'] } {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'eg' } });
  if (typeof router === 'string') throw new Error(router);
  return { router, model };
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly unknown?: string;
}

/** A GET through the gateway from the loopback address `from` (the client's side of the TCP connection). */
function get(port: number, from: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        localAddress: from,
        headers: { host: 'app.example.com', ...headers },
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            ...(res.headers['x-kubetwin-unknown']
              ? { unknown: String(res.headers['x-kubetwin-unknown']) }
              : {}),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Serves `text` through Gateway default/eg to an upstream answering `app`; `run` gets the port and a hit counter. */
async function serving(
  text: string,
  run: (port: number, hits: () => number, reload: (text: string) => void) => Promise<void>,
): Promise<void> {
  let hits = 0;
  const upstream = createServer((_req, res) => {
    hits++;
    res.end('app');
  });
  const url = await listenLocal(upstream);
  const { router, model } = routerOf(text);
  const gw = await startGateway({
    router,
    routing: model.routing!,
    upstreams: new Map([['default/app', url]]),
    listen: { host: '127.0.0.1', port: 0 },
  });
  try {
    await run(
      gw.http!.port,
      () => hits,
      (next) => {
        // What serve gateway --watch does on a reload: a new model, a new router (and with it a new policy index).
        const r = routerOf(next);
        gw.update(r.router, r.model.routing!);
      },
    );
  } finally {
    await gw.close();
    upstream.closeAllConnections();
    upstream.close();
  }
}

test('rule security-policy-serve-client-address: the peer the authorization denies gets 403 from the gateway, the one it allows the backend', async () => {
  await serving(base + policy(allowOnly('127.0.0.2/32')), async (port, hits) => {
    const denied = await get(port, '127.0.0.1');
    assert.equal(denied.status, 403, denied.body);
    assert.match(denied.body, /Envoy's RBAC filter answers 403/);
    assert.equal(hits(), 0, 'a denied request is not forwarded');
    assert.deepEqual(await get(port, '127.0.0.2'), { status: 200, body: 'app' });
    assert.equal(hits(), 1);
  });
});

test('rule security-policy-serve-ignores-x-forwarded-for: without clientIPDetection the address judged is the peer, not X-Forwarded-For', async () => {
  await serving(base + policy(allowOnly('127.0.0.2/32')), async (port, hits) => {
    const spoofed = await get(port, '127.0.0.1', { 'x-forwarded-for': '127.0.0.2' });
    assert.equal(spoofed.status, 403, spoofed.body);
    assert.equal(hits(), 0);
  });
});

test('rule security-policy-serve-unknown: a policy deciding by credentials is answered unknown (503, x-kubetwin-unknown), never forwarded', async () => {
  const jwt = `  jwt:
    providers: [{name: idp, remoteJWKS: {uri: "https://idp.example.com/jwks"}}]
`;
  await serving(base + policy(jwt), async (port, hits) => {
    const a = await get(port, '127.0.0.1', { authorization: 'Bearer x' });
    assert.equal(a.status, 503, a.body);
    assert.equal(a.unknown, 'SecurityPolicy/default/ip');
    assert.match(a.body, /unknown: SecurityPolicy default\/ip checks jwt/);
    assert.equal(hits(), 0, 'an undecided request is never forwarded');
  });
});

test('rule security-policy-serve-client-ip-detection: a ClientTrafficPolicy taking the address from X-Forwarded-For makes the answer unknown', async () => {
  const ctp = `---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: ClientTrafficPolicy
metadata: {name: xff, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: eg}]
  clientIPDetection: {xForwardedFor: {numTrustedHops: 1}}
`;
  await serving(base + policy(allowOnly('127.0.0.2/32')) + ctp, async (port, hits) => {
    const a = await get(port, '127.0.0.2', { 'x-forwarded-for': '10.0.0.1' });
    assert.equal(a.status, 503, a.body);
    assert.match(a.body, /clientIPDetection/);
    assert.equal(hits(), 0);
  });
});

test('rule security-policy-serve-watch-reload: a SecurityPolicy edited on reload changes the served answer', async () => {
  await serving(base + policy(allowOnly('127.0.0.2/32')), async (port, _hits, reload) => {
    assert.equal((await get(port, '127.0.0.1')).status, 403);
    reload(base + policy(allowOnly('127.0.0.1/32')));
    assert.deepEqual(await get(port, '127.0.0.1'), { status: 200, body: 'app' });
    assert.equal((await get(port, '127.0.0.2')).status, 403);
  });
});

const tcp = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: eg, namespace: default}
spec:
  gatewayClassName: eg
  listeners: [{name: redis, protocol: TCP, port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: default}
spec: {ports: [{port: 6379}]}
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: redis, namespace: default}
spec: {parentRefs: [{name: eg}], rules: [{backendRefs: [{name: redis, port: 6379}]}]}
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: ip, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: TCPRoute, name: redis}]
${allowOnly('127.0.0.2/32')}`;

/** What a TCP client bound to `from` reads after writing PING ('' when the gateway closed the connection). */
function ping(port: number, from: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const c = connect({ port, host: '127.0.0.1', localAddress: from }, () => c.write('PING'));
    c.on('data', (d) => ((got += String(d)), c.end()));
    c.on('close', () => resolve(got));
    c.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(got) : reject(e)));
  });
}

test('rule security-policy-serve-tcp: an allowed TCP peer is forwarded; a denied one (closed only by versions that authorize TCP) is closed as unknown, never forwarded', async () => {
  const echo = createNetServer((s) => s.on('data', (d) => s.end(`echo:${d}`)));
  const at = await listenLocal(echo);
  const { router } = routerOf(tcp);
  const log: string[] = [];
  const l4 = await startL4Listener({
    router: () => router,
    upstreams: new Map([['default/redis', at]]),
    listen: { host: '127.0.0.1', port: 0 },
    modelPort: 6379,
    protocol: 'tcp',
    log: (line) => log.push(line),
  });
  try {
    assert.equal(await ping(l4.address.port, '127.0.0.2'), 'echo:PING');
    assert.equal(await ping(l4.address.port, '127.0.0.1'), '');
    assert.match(
      log.join('\n'),
      /closed tcp from 127\.0\.0\.1: unknown: SecurityPolicy default\/ip authorization: .* denies client 127\.0\.0\.1/,
    );
  } finally {
    await l4.close();
    echo.close();
  }
});
