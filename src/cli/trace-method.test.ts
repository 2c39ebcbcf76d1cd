/**
 * `trace -X METHOD` sends that request, as `route -X` and `reach --http-method` do: Cilium's star wars guide lands
 * the tiefighter with `POST /v1/request-landing` (https://docs.cilium.io/en/stable/gettingstarted/demo/), which
 * trace could only judge as GET before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './program.ts';

const files = [
  '-f',
  'examples/star-wars/http-sw-app.yaml',
  '-f',
  'examples/star-wars/sw_l3_l4_l7_policy.yaml',
];
const url = 'http://deathstar.default.svc.cluster.local/v1/request-landing';

async function trace(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['trace', '-q', '--from', 'default/tiefighter', ...args, ...files], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readStdin: async () => '',
  });
  return { code, out, err };
}

test('trace -X POST is judged by the Cilium HTTP rule as POST; without -X the request is a GET', async () => {
  const post = await trace('-X', 'post', url);
  assert.equal(post.code, 0);
  assert.match(post.out, /^trace default\/tiefighter → POST http:\/\/deathstar/);
  assert.match(post.out, /HTTP POST \/v1\/request-landing admitted by CiliumNetworkPolicy\/default\/rule1/);
  const get = await trace(url);
  assert.equal(get.code, 1);
  assert.match(get.out, /no HTTP rule admits GET \/v1\/request-landing/);
});

test('trace -X on a target that is not an http(s) URL is a usage error (exit 2)', async () => {
  const r = await trace('-X', 'POST', 'service:default/deathstar:80');
  assert.equal(r.code, 2);
  assert.equal(r.err, 'error: -X POST: a method applies to an http:// or https:// URL target only\n');
});
