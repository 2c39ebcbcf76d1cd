/**
 * The CNI gives pod-range addresses to pods ("every Pod in a cluster gets its own unique cluster-wide IP address",
 * https://kubernetes.io/docs/concepts/cluster-administration/networking/#the-kubernetes-network-model): an address in
 * the pod range that no pod of the input holds is a pod kubetwin does not see, so a verdict about it is unknown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { reach, type ReachResult } from './index.ts';
import { traceOn } from '../trace/_test-fixtures.ts';

const denyAll = np('deny', 'x', '  podSelector: {}\n  policyTypes: [Ingress, Egress]');

function run(yaml: string, from: string, to: string): ReachResult {
  const r = reach(engineFor(yaml), { from, to, port: 80, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule pod-range-address-unheld: an address in the pod CIDR that no pod holds is unknown, either way and in either direction', () => {
  for (const [yaml, outcome] of [
    [e2eTopology(), 'allowed'],
    [e2eTopology(denyAll), 'denied'],
  ] as const) {
    for (const [from, to] of [
      ['ip:10.244.200.7', 'x/a'],
      ['x/a', 'ip:10.244.200.7'],
    ]) {
      const r = run(yaml, from, to);
      assert.equal(r.outcome, outcome);
      assert.equal(r.verdict, 'unknown', `${from} -> ${to}`);
      assert.match(
        r.unknownReasons.join('\n'),
        /10\.244\.200\.7 is in the pod range 10\.244\.0\.0\/16 but no pod in the input holds it/,
      );
    }
  }
});

test('rule pod-range-address-unheld: a pod address and an outside address stay sure', () => {
  const yaml = e2eTopology(denyAll);
  const engine = engineFor(yaml);
  const podIP = engine.model.pods.find((p) => p.key === 'Pod/y/b')?.ip;
  assert.equal(run(yaml, `ip:${podIP}`, 'x/a').verdict, 'denied');
  assert.equal(run(yaml, 'ip:198.51.100.7', 'x/a').verdict, 'denied');
  assert.equal(run(e2eTopology(), 'ip:198.51.100.7', 'x/a').verdict, 'allowed');
});

test('rule pod-range-address-unheld: trace to such an address names it as unknown', () => {
  const t = traceOn(e2eTopology(), { kind: 'ref', namespace: 'x', name: 'a' }, 'ip:10.244.200.7:80');
  assert.equal(t.outcome, 'delivered');
  assert.match(t.unknown?.join('\n') ?? '', /no pod in the input holds it/);
});
