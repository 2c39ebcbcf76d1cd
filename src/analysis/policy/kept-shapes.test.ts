/**
 * The compile's shapes outlive its engines (`_kept-shapes.ts`, design note 0008, eighteenth session): for each kind
 * of object a compile makes and later drops, a kept object has the same V8 map, so a collection after the last
 * engine is dropped does not take the map, the type feedback naming it and the optimized code that knew it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { buildClasses } from './_classes.ts';
import { ClassIndex } from './_class-index.ts';
import { AddressSegments } from './_ip-blocks.ts';
import { keptShapes } from './_kept-shapes.ts';
import { selectPolicies } from './_policy-lists.ts';
import { walkPolicies } from './_policy-walk.ts';
import './index.ts';

v8.setFlagsFromString('--allow-natives-syntax');
/** V8's own answer: do the two objects have the same map (hidden class)? */
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

const CLUSTER = `
apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: shop, labels: { app: web } }
spec: { containers: [{ name: c, image: i, ports: [{ name: http, containerPort: 8080 }] }] }
status: { podIP: 10.0.0.1 }
---
apiVersion: v1
kind: Pod
metadata: { name: db-1, namespace: shop, labels: { app: db } }
spec: { containers: [{ name: c, image: i }] }
status: { podIP: 10.0.0.2 }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }], ports: [{ port: http }] }]
`;

test('kept shapes: every object a compile makes and drops has a kept object of the same map', () => {
  const { model } = buildYaml(CLUSTER);
  const walk = walkPolicies(model.networkPolicies, { table: true });
  const built = buildClasses(model.pods, {
    labelKeys: walk.labelKeys,
    portNames: [...walk.portNames.values()],
    segments: new AddressSegments(walk.blocks),
  });
  const index = new ClassIndex(built.classes, () => true, { keys: walk.labelKeys, labels: built.labels });
  const lists = selectPolicies(walk.targets, built.classes.length, index);
  const made: Record<string, object> = {
    'the walk answer': walk,
    'the walk targets': walk.targets,
    'the classes answer': built,
    'its label parts': built.labels,
    'a LabelParts': built.labels.parts,
    'the part pair lists': built.labels.parts.partPairs(),
    'a class': built.classes[0],
    'a ClassIndex': index,
    'the selection answer': lists,
    'a PolicyLists': lists.ingress,
  };
  assert.ok(built.classes.length >= 2);
  const kept = keptShapes();
  for (const [what, obj] of Object.entries(made))
    assert.ok(
      kept.some((k) => sameMap(k, obj)),
      `${what}: no kept object has its map`,
    );
});
