/**
 * kube-proxy watches only Services without the label service.kubernetes.io/service-proxy-name (kubernetes/kubernetes
 * cmd/kube-proxy/app/server.go, `noProxyName`; KEP-2447): another proxy serves a labelled Service's virtual IPs, so
 * reach and trace through them are unknown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor } from '../policy/_test-helpers.ts';
import { reach, type ReachResult } from './index.ts';
import { traceOn } from '../trace/_test-fixtures.ts';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { servicePath } from '../service-path/index.ts';

const service = (labels: string, spec = '') =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: x, labels: {${labels}}}\nspec: {${spec}selector: {pod: a}, ports: [{port: 8080, targetPort: 80}]}`;
const labelled = service('service.kubernetes.io/service-proxy-name: my-proxy');

function run(yaml: string, to: string): ReachResult {
  const r = reach(engineFor(yaml), { from: 'z/b', to, port: 8080, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule service-proxy-name: a Service labelled service.kubernetes.io/service-proxy-name is not served by kube-proxy: reach through it is unknown', () => {
  const yaml = e2eTopology(labelled);
  const r = run(yaml, 'service:x/web');
  assert.equal(r.outcome, 'allowed');
  assert.equal(r.verdict, 'unknown');
  assert.match(
    r.unknownReasons.join('\n'),
    /Service x\/web has the label service\.kubernetes\.io\/service-proxy-name=my-proxy: kube-proxy ignores it/,
  );
  const vip = engineFor(yaml).model.services.find((s) => s.name === 'web')?.clusterIPs[0];
  assert.equal(run(yaml, `ip:${vip}`).verdict, 'unknown');
});

test('rule service-proxy-name: without the label, or headless (no virtual IP), the verdict stands', () => {
  assert.equal(run(e2eTopology(service('app: web')), 'service:x/web').verdict, 'allowed');
  const headless = service('service.kubernetes.io/service-proxy-name: my-proxy', 'clusterIP: None, ');
  assert.equal(run(e2eTopology(headless), 'service:x/web').verdict, 'allowed');
});

test('rule service-proxy-name: trace marks the Service hop unknown', () => {
  const t = traceOn(e2eTopology(labelled), { kind: 'ref', namespace: 'z', name: 'b' }, 'http://web.x:8080/');
  assert.equal(t.hops.find((h) => h.kind === 'service')?.verdict, 'warn');
  assert.match(t.unknown?.join('\n') ?? '', /kube-proxy ignores it/);
});

test('rule service-proxy-name: endpoints says unknown for a Service kube-proxy ignores', () => {
  const r = servicePath(buildYaml(e2eTopology(labelled)).model, {
    service: 'x/web',
    client: { kind: 'unspecified' },
  });
  assert.ok(typeof r !== 'string', String(r));
  assert.equal(r.verdict, 'routed');
  assert.match(r.unknown ?? '', /kube-proxy ignores it/);
});
