/**
 * `serve gateway` end to end on loopback ephemeral ports: curl --resolve through the e-commerce Ingress to a
 * local upstream, HTTP/2 over TLS, the 404 on plain HTTP that Traefik's websecure entry point gives, and the
 * 503 explanation for an unmapped Service. Skipped when curl or openssl is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter } from '../../analysis/route/index.ts';
import { makeDevCertificate } from '../../sources/dev-cert.ts';
import { startGateway } from './index.ts';

// curl runs asynchronously: the gateway under test shares this process's event loop.
const curl = async (args: string[]) => (await promisify(execFile)('curl', args, { encoding: 'utf8' })).stdout;
const has = (bin: string) =>
  spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0 ||
  spawnSync(bin, ['version'], { stdio: 'ignore' }).status === 0;
const skip = !has('curl') ? 'curl is not installed' : !has('openssl') ? 'openssl is not installed' : false;

test(
  'serve gateway: curl --resolve reaches the local upstream through the Traefik Ingress (HTTP/2 over TLS)',
  { skip },
  async () => {
    const dir = 'examples/e-commerce/as-documented';
    const texts = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
    const { model } = buildFromTexts(texts);
    const router = compileRouter(model, { via: { kind: 'ingress-class', name: 'traefik' } });
    assert.ok(typeof router !== 'string');
    const upstream = createServer((req, res) =>
      res.end(`upstream saw ${req.method} ${req.url} host=${req.headers.host}`),
    );
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const upPort = (upstream.address() as AddressInfo).port;
    const dev = makeDevCertificate(['api.yourdomain.com']);
    assert.ok(typeof dev !== 'string', String(dev));
    const gw = await startGateway({
      router,
      routing: model.routing!,
      upstreams: new Map([['e-commerce/api-gateway', new URL(`http://127.0.0.1:${upPort}`)]]),
      listen: { host: '127.0.0.1', port: 0 },
      tlsListen: { host: '127.0.0.1', port: 0 },
      fallbackCert: dev,
    });
    try {
      const tls = gw.https!.port;
      const out = await curl([
        '-sk',
        '--http2',
        '-w',
        ' %{http_version} %{http_code}',
        '--max-time',
        '5',
        '--resolve',
        `api.yourdomain.com:${tls}:127.0.0.1`,
        `https://api.yourdomain.com:${tls}/auth/login`,
      ]);
      assert.equal(out, `upstream saw GET /auth/login host=api.yourdomain.com:${tls} 2 200`);
      const plain = await curl([
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '--max-time',
        '5',
        '--resolve',
        `api.yourdomain.com:${gw.http!.port}:127.0.0.1`,
        `http://api.yourdomain.com:${gw.http!.port}/`,
      ]);
      assert.equal(plain, '404', 'router.entrypoints websecure: nothing answers plain HTTP');
    } finally {
      await gw.close();
      upstream.close();
    }
  },
);

test(
  'serve gateway: an unmapped Service answers 503 with an explanation header; absolute-form targets are refused',
  { skip: !has('curl') && 'curl is not installed' },
  async () => {
    const yaml = `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: web}\nspec: {controller: example.com/x}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: app}\nspec: {selector: {app: app}, ports: [{port: 80}]}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: app}\nspec:\n  ingressClassName: web\n  defaultBackend: {service: {name: app, port: {number: 80}}}\n`;
    const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml }]);
    const router = compileRouter(model, { via: { kind: 'ingress-class', name: 'web' } });
    assert.ok(typeof router !== 'string');
    const gw = await startGateway({
      router,
      routing: model.routing!,
      upstreams: new Map(),
      listen: { host: '127.0.0.1', port: 0 },
    });
    try {
      const p = gw.http!.port;
      const out = await curl([
        '-s',
        '-D',
        '-',
        '-o',
        '/dev/null',
        '--max-time',
        '5',
        `http://127.0.0.1:${p}/x`,
      ]);
      assert.match(out, /^HTTP\/1.1 503/);
      assert.match(out, /x-kubetwin-explain: Service default\/app:80 is not mapped to an upstream/);
      const proxy = await curl([
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '--max-time',
        '5',
        '-x',
        `http://127.0.0.1:${p}`,
        'http://example.com/',
      ]);
      assert.equal(proxy, '400');
    } finally {
      await gw.close();
    }
  },
);
