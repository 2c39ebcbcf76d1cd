import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawFromData } from '../parse/index.ts';
import { overlay } from './_overlay.ts';

const obj = (kind: string, name: string, namespace?: string, tag = 'live') =>
  rawFromData(
    { apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, tag },
    { file: tag, doc: 0, line: 1, column: 1 },
  );

test('overlay: a manifest replaces the live object of the same kind/namespace/name, as kubectl apply would', () => {
  const live = [obj('Service', 'web', 'shop'), obj('Service', 'db', 'shop'), obj('Namespace', 'shop')];
  const mine = [
    obj('Service', 'web', undefined, 'file'), // no namespace: the -n default (shop) applies
    obj('Namespace', 'shop', undefined, 'file'), // cluster-scoped: -n does not apply
    obj('Service', 'db', 'other', 'file'), // another namespace: added, replaces nothing
  ];
  const { objects, replaced } = overlay(live, mine, 'shop');
  assert.deepEqual(
    objects.map(
      (o) => `${String(o.body.kind)}/${(o.body.metadata as { name: string }).name}:${String(o.body.tag)}`,
    ),
    ['Service/db:live', 'Service/web:file', 'Namespace/shop:file', 'Service/db:file'],
  );
  assert.equal(replaced, 2);
});
