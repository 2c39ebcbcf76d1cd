/**
 * The gateway under hostile clients, on loopback ephemeral ports with raw sockets and a real HTTP/2 client: TRACE
 * is 405, a missing or repeated Host is 400 (RFC 9112 §3.2), a refused body is not read (the connection closes),
 * `Expect: 100-continue` gets the final status when the request is refused, slowloris is closed at the header
 * timeout and a trickled body at the request timeout, and an HTTP/2 rapid-reset burst gets GOAWAY without any of
 * its cancelled requests reaching the upstream while another client is still served.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect as h2connect, constants as h2, type Settings } from 'node:http2';
import { connect } from 'node:net';
import { makeDevCertificate } from '../../sources/dev-cert.ts';
import { listenWarning, startGateway, type RunningGateway } from './index.ts';
import { gatewayClass, gatewayRouter, hasOpenssl, listenLocal, service } from './_test-fixtures.ts';

const yaml = `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: gc, listeners: [{name: http, port: 80, protocol: HTTP}, {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: none}]}}]}
---
${service('app')}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    backendRefs: [{name: app, port: 80}]
`;

const noOpenssl = !hasOpenssl;
let upstream: Server;
let gw: RunningGateway;
const upstreamSaw: string[] = [];
const slowGivenUp: string[] = [];
const warnings: string[] = [];

before(async () => {
  const { model, router } = gatewayRouter(yaml);
  upstream = createServer((req, res) => {
    upstreamSaw.push(`${req.method} ${req.url}`);
    req.resume();
    // /api/slow is never answered: the test sees whether the gateway gives it up when its client does.
    if (req.url?.startsWith('/api/slow')) res.once('close', () => slowGivenUp.push(req.url!));
    else req.on('end', () => res.end('ok'));
  });
  const upstreamUrl = await listenLocal(upstream);
  const dev = noOpenssl ? undefined : makeDevCertificate(['a.example']);
  gw = await startGateway({
    router,
    routing: model.routing!,
    upstreams: new Map([['default/app', upstreamUrl]]),
    listen: { host: '127.0.0.1', port: 0 },
    ...(typeof dev === 'object' ? { tlsListen: { host: '127.0.0.1', port: 0 }, fallbackCert: dev } : {}),
    protection: { headersMs: 300, requestMs: 1_000, maxResetsPerSecond: 50 },
    warn: (m) => warnings.push(m),
  });
});
after(async () => {
  await gw.close();
  await new Promise<void>((r) => upstream.close(() => r()));
});

/** Sends raw bytes; resolves with everything received until the server closes (or `waitMs`). */
function raw(
  send: string | Buffer,
  waitMs = 2_000,
  more?: (write: (b: Buffer) => boolean) => void,
): Promise<{ text: string; closed: boolean; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const s = connect(gw.http!.port, '127.0.0.1');
    let text = '';
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ text, closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('close', () => finish(true));
    s.on('error', () => undefined);
    s.on('connect', () => {
      s.write(send);
      more?.((b) => s.write(b));
    });
  });
}
const status = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);

describe('serve gateway under hostile clients', () => {
  /** An HTTP/2 session to the gateway's TLS port for host a.example; its errors (a GOAWAY, a reset) are expected. */
  const h2session = () => {
    const session = h2connect(`https://127.0.0.1:${gw.https!.port}`, {
      rejectUnauthorized: false,
      servername: 'a.example',
    });
    session.on('error', () => undefined);
    return session;
  };
  it('answers TRACE with 405 and an Allow header, and forwards nothing', async () => {
    const before = upstreamSaw.length;
    const r = await raw('TRACE /api HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n');
    assert.equal(status(r.text), 405);
    assert.match(r.text, /\r\nallow: GET/i);
    assert.equal(upstreamSaw.length, before);
  });

  it('answers 400 to two Host headers and to an HTTP/1.1 request without Host (RFC 9112 §3.2); HTTP/1.0 needs none', async () => {
    const two = await raw(
      'GET /api HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n',
    );
    assert.equal(status(two.text), 400);
    const none = await raw('GET /api HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.equal(status(none.text), 400);
    const old = await raw('GET /api HTTP/1.0\r\n\r\n');
    assert.notEqual(status(old.text), 400);
  });

  it('does not read a refused body: a 100 MB upload is answered 413 and the connection closed', async () => {
    const before = upstreamSaw.length;
    const chunk = Buffer.alloc(64 * 1024, 97);
    let sent = 0;
    const r = await raw(
      'POST /api HTTP/1.1\r\nHost: a.example\r\nContent-Length: 104857600\r\n\r\n',
      5_000,
      (write) => {
        const pump = () => {
          while (sent < 100 * 1024 * 1024 && write(chunk)) sent += chunk.length;
        };
        pump();
      },
    );
    assert.equal(status(r.text), 413);
    assert.ok(r.closed, 'the gateway closed the connection');
    assert.match(r.text, /\r\nconnection: close/i);
    assert.ok(sent < 50 * 1024 * 1024, `only ${sent} bytes were sent before the close`);
    assert.equal(upstreamSaw.length, before);
  });

  it('answers Expect: 100-continue with the final 413, never 100 Continue first, when the body will be refused', async () => {
    const r = await raw(
      'POST /api HTTP/1.1\r\nHost: a.example\r\nContent-Length: 104857600\r\nExpect: 100-continue\r\n\r\n',
    );
    assert.equal(status(r.text), 413);
    assert.doesNotMatch(r.text, /100 Continue/);
    const unrouted = await raw(
      'POST /nowhere HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n',
    );
    assert.equal(status(unrouted.text), 404);
  });

  it('answers Expect: 100-continue with 100 Continue, then the upstream answer, when the request is forwarded', async () => {
    const r = await raw(
      'POST /api HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
      2_000,
      (write) => setTimeout(() => write(Buffer.from('hello')), 100),
    );
    assert.match(r.text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });

  it('closes a slowloris connection (headers trickled) at the header timeout, however often bytes arrive', async () => {
    const r = await raw('GET /api HTTP/1.1\r\nHost: a.example\r\n', 3_000, (write) => {
      const t = setInterval(() => {
        if (!write(Buffer.from('X-a: b\r\n'))) clearInterval(t);
      }, 50);
      setTimeout(() => clearInterval(t), 2_900);
    });
    assert.ok(r.closed, 'closed');
    assert.ok(r.ms < 1_500, `closed after ${r.ms} ms (header timeout 300 ms)`);
  });

  it('closes a request whose body trickles in at the request timeout, however often bytes arrive', async () => {
    const r = await raw(
      'POST /api/trickle HTTP/1.1\r\nHost: a.example\r\nContent-Length: 1000\r\n\r\n',
      4_000,
      (write) => {
        const t = setInterval(() => {
          if (!write(Buffer.from('x'))) clearInterval(t);
        }, 50);
        setTimeout(() => clearInterval(t), 3_900);
      },
    );
    assert.ok(r.closed, 'closed');
    assert.ok(r.ms < 2_500, `closed after ${r.ms} ms (request timeout 1,000 ms)`);
  });

  it(
    'gives an HTTP/2 rapid-reset burst GOAWAY, forwards none of the cancelled requests, and keeps serving others',
    { skip: noOpenssl && 'openssl is not installed' },
    async () => {
      const url = `https://127.0.0.1:${gw.https!.port}`;
      const before = upstreamSaw.length;
      const abuser = h2connect(url, { rejectUnauthorized: false, servername: 'a.example' });
      abuser.on('error', () => undefined);
      const goaway = new Promise<number>((r) => {
        abuser.once('goaway', (code: number) => r(code));
        setTimeout(() => r(-1), 6_000);
      });
      const closed = new Promise<void>((r) => {
        abuser.once('close', () => r());
        setTimeout(r, 5_000);
      });
      await new Promise<void>((r) => abuser.once('connect', () => r()));
      // Batches of streams opened and reset until the gateway says GOAWAY (4 s at most), as an abuser keeps going.
      let told = false;
      void goaway.then(() => (told = true));
      const t0 = Date.now();
      while (!told && !abuser.destroyed && Date.now() - t0 < 4_000) {
        for (let i = 0; i < 50 && !abuser.destroyed; i++) {
          const s = abuser.request({ ':path': '/api/x', ':authority': 'a.example' });
          s.on('error', () => undefined);
          // HEADERS sent, then RST_STREAM: the rapid-reset pattern (closed synchronously, no HEADERS would go out).
          setImmediate(() => s.close(h2.NGHTTP2_CANCEL));
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.equal(await goaway, h2.NGHTTP2_ENHANCE_YOUR_CALM);
      await closed;
      // A request dispatched late would still reach the upstream after the close: counted after a pause.
      await new Promise((r) => setTimeout(r, 300));
      const forwarded = upstreamSaw.length - before;
      const honest = h2connect(url, { rejectUnauthorized: false, servername: 'a.example' });
      const code = await new Promise<number>((resolve) => {
        const s = honest.request({ ':path': '/api/ok', ':authority': 'a.example' });
        s.on('response', (h) => resolve(Number(h[':status'])));
        s.resume();
      });
      honest.close();
      assert.equal(code, 200);
      assert.equal(forwarded, 0, `${forwarded} cancelled requests reached the upstream`);
    },
  );

  it(
    'holds a new request of a session that just reset streams: a reset 5 ms behind its HEADERS is not forwarded, an unreset one is',
    { skip: noOpenssl && 'openssl is not installed' },
    async () => {
      const session = h2session();
      const get = (path: string) => {
        const s = session.request({ ':path': path, ':authority': 'a.example' });
        s.on('error', () => undefined);
        return s;
      };
      const first = get('/api/reset-first');
      setImmediate(() => first.close(h2.NGHTTP2_CANCEL));
      await new Promise<void>((r) => first.once('close', () => r()));
      await new Promise((r) => setTimeout(r, 20));
      const late = get('/api/reset-late');
      await new Promise((r) => setTimeout(r, 5));
      late.close(h2.NGHTTP2_CANCEL);
      const kept = get('/api/kept');
      const code = await new Promise<number>((r) => kept.once('response', (h) => r(Number(h[':status']))));
      kept.resume();
      await new Promise((r) => setTimeout(r, 200));
      session.close();
      assert.equal(code, 200);
      assert.ok(upstreamSaw.includes('GET /api/kept'));
      assert.ok(!upstreamSaw.includes('GET /api/reset-late'), 'the late-reset request reached the upstream');
    },
  );

  it(
    'gives up the upstream request when the client resets its HTTP/2 stream before the upstream answered',
    { skip: noOpenssl && 'openssl is not installed' },
    async () => {
      const session = h2session();
      const s = session.request({ ':path': '/api/slow/1', ':authority': 'a.example' });
      s.on('error', () => undefined);
      for (let i = 0; i < 100 && !upstreamSaw.includes('GET /api/slow/1'); i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.ok(upstreamSaw.includes('GET /api/slow/1'), 'the request reached the upstream');
      s.close(h2.NGHTTP2_CANCEL);
      for (let i = 0; i < 100 && !slowGivenUp.includes('/api/slow/1'); i++)
        await new Promise((r) => setTimeout(r, 20));
      session.close();
      assert.deepEqual(slowGivenUp, ['/api/slow/1']);
    },
  );

  it(
    'caps concurrent HTTP/2 streams per connection: the gateway announces 100 in its SETTINGS (nginx: 128)',
    { skip: noOpenssl && 'openssl is not installed' },
    async () => {
      const client = h2session();
      const settings = await new Promise<Settings>((r) => client.once('remoteSettings', r));
      client.close();
      assert.equal(settings.maxConcurrentStreams, 100);
    },
  );

  it('warns when listening beyond loopback, and not on loopback', () => {
    assert.match(listenWarning({ host: '0.0.0.0', port: 8080 }) ?? '', /0\.0\.0\.0:8080, beyond loopback/);
    assert.equal(listenWarning({ host: '127.0.0.1', port: 8080 }), undefined);
    assert.equal(listenWarning({ host: '::1', port: 8080 }), undefined);
    assert.deepEqual(warnings, []);
  });
});
