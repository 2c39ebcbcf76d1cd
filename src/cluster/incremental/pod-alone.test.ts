import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../../model/types.ts';
import { defaultProfile } from '../../model/profile.ts';
import { buildCluster } from '../index.ts';
import { readEnvelopes } from '../_envelope.ts';
import { podAlone } from './_pod-event.ts';
import { base, podBody, raw } from './_test-events.ts';

const nodesOf = () => buildCluster(base).model.nodes;

/** `nodes` behind a proxy that counts reads of its elements (by index or by iteration). */
function counted(nodes: readonly Node[]) {
  const reads = { count: 0 };
  const proxy = new Proxy(nodes as Node[], {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) reads.count++;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { proxy, reads };
}

const bound = (node: 'n2' | 'n9') =>
  readEnvelopes(
    [
      raw(
        podBody({
          i: 1,
          ns: 'a',
          node,
          ip: '10.250.0.1',
          app: 'x',
          ready: true,
          owned: false,
          hostIP: false,
          hostname: false,
        }),
      ),
    ],
    'default',
    () => undefined,
  )[0];

test('a pod read alone is placed on its bound node without reading the node list (linear in pods, not pods × nodes)', () => {
  const nodes = nodesOf();
  const { proxy, reads } = counted(nodes);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const alone = podAlone(bound('n2'), proxy, byName, defaultProfile);
  assert.equal(reads.count, 0);
  assert.equal(alone?.pod?.nodeName, 'n2');
  assert.deepEqual(alone?.pod?.ips, ['10.250.0.1']);
  assert.deepEqual(alone?.diagnostics, []);
});

test('a pod read alone whose bound node does not exist is reported and not placed on another node', () => {
  const nodes = nodesOf();
  const alone = podAlone(bound('n9'), nodes, new Map(nodes.map((n) => [n.name, n])), defaultProfile);
  assert.equal(alone?.pod?.nodeName, undefined);
  assert.ok(alone?.diagnostics.some((d) => d.code === 'unschedulable'));
});
