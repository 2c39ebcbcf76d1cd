/**
 * kube-apiserver writes the endpoints of the `default/kubernetes` Service itself (no selector; its endpoint
 * reconciler lists the API servers): a Service given without its EndpointSlice has endpoints kubetwin cannot know,
 * so reach and trace through it are unknown, not DENIED for "no ready endpoints".
 * https://kubernetes.io/docs/concepts/overview/components/#kube-apiserver
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor } from '../policy/_test-helpers.ts';
import { reach } from './index.ts';
import { traceOn } from '../trace/_test-fixtures.ts';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { servicePath } from '../service-path/index.ts';
import { renderEndpoints } from '../../render/endpoints.ts';

const apiService =
  'apiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: default, labels: {component: apiserver, provider: kubernetes}}\nspec: {ports: [{name: https, port: 443, targetPort: 6443}]}';
const apiSlice =
  "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: kubernetes, namespace: default, labels: {'kubernetes.io/service-name': kubernetes}}\naddressType: IPv4\nendpoints: [{addresses: [10.0.0.11], conditions: {ready: true}}]\nports: [{name: https, port: 6443, protocol: TCP}]";

const run = (yaml: string) => {
  const r = reach(engineFor(yaml), {
    from: 'z/b',
    to: 'service:default/kubernetes',
    port: 443,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
};

test('rule apiserver-endpoints-unknown: the kubernetes Service without its EndpointSlice is unknown, not DENIED', () => {
  const r = run(e2eTopology(apiService));
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join('\n'), /kube-apiserver writes its endpoints/);
  const t = traceOn(
    e2eTopology(apiService),
    { kind: 'ref', namespace: 'z', name: 'b' },
    'https://kubernetes.default:443/',
  );
  assert.match(t.unknown?.join('\n') ?? '', /kube-apiserver writes its endpoints/);
  // A Service without a selector gets its endpoints from elsewhere: selecting pods is not the fix.
  assert.match(
    t.fix?.summary ?? '',
    /has no selector, so its EndpointSlices are written by hand or by a controller/,
  );
});

test('rule apiserver-endpoints-unknown: with its EndpointSlice in the input the verdict stands', () => {
  const r = run(e2eTopology(`${apiService}\n---\n${apiSlice}`));
  assert.notEqual(r.verdict, 'unknown');
  assert.doesNotMatch(r.unknownReasons.join('\n'), /kube-apiserver/);
});

test('rule apiserver-endpoints-unknown: endpoints says unknown, not REJECTED, for the kubernetes Service without its slice', () => {
  const { model } = buildYaml(e2eTopology(apiService));
  const r = servicePath(model, { service: 'default/kubernetes', client: { kind: 'unspecified' } });
  assert.ok(typeof r !== 'string', String(r));
  assert.match(r.unknown ?? '', /kube-apiserver writes its endpoints/);
  assert.match(renderEndpoints(r), /=> UNKNOWN \(the objects kubetwin models say REJECTED/);
  const sliced = servicePath(buildYaml(e2eTopology(`${apiService}\n---\n${apiSlice}`)).model, {
    service: 'default/kubernetes',
    client: { kind: 'unspecified' },
  });
  assert.ok(typeof sliced !== 'string', String(sliced));
  assert.equal(sliced.unknown, undefined);
  assert.equal(sliced.verdict, 'routed');
});
