/**
 * `endpoints` names a Service either way: `service:NAMESPACE/NAME`, as `reach` and `trace` spell a Service, or
 * `NAMESPACE/NAME`, as an SRE types it after `kubectl get endpoints -n NAMESPACE NAME` (the argument can only be a
 * Service). Anything else (another kind's prefix, no namespace) is a usage error, exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './program.ts';
import { serviceName } from './endpoints.ts';

async function endpoints(service: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['endpoints', service, '--port', 'http', '-q', '-f', 'examples/e-commerce/fixed'], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readStdin: async () => '',
  });
  return { code, out, err };
}

test('endpoints accepts NAMESPACE/NAME and answers as for service:NAMESPACE/NAME', async () => {
  const prefixed = await endpoints('service:e-commerce/api-gateway');
  const bare = await endpoints('e-commerce/api-gateway');
  assert.equal(prefixed.code, 0, prefixed.err);
  assert.match(prefixed.out, /^Service e-commerce\/api-gateway port/);
  assert.deepEqual(bare, prefixed);
});

test('endpoints refuses another kind or a name without a namespace (exit 2)', async () => {
  for (const bad of ['pod:e-commerce/api-gateway', 'api-gateway', 'service:api-gateway']) {
    const r = await endpoints(bad);
    assert.equal(r.code, 2, bad);
    assert.match(r.err, /is not service:NAMESPACE\/NAME \(or NAMESPACE\/NAME\)/);
  }
  assert.equal(serviceName('service:a/b'), 'a/b');
  assert.equal(serviceName('a/b'), 'a/b');
  assert.equal(serviceName('a/b/c'), undefined);
});
