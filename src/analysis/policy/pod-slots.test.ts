/**
 * Pod → class by the pod's slot (`_pod-slots.ts`): the answer must be the class `buildClasses` gave the pod
 * whatever else slotted it since — a second engine on the same model, a relabelled copy of the pod, a frozen pod,
 * a pod the model does not hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../model/types.ts';
import { PolicyEngine } from './_engine.ts';
import { e2eTopology, engineFor, party } from './_test-helpers.ts';

/** x/a alone is selected, so x/a and x/b are in different classes. */
const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-a, namespace: x}
spec: {podSelector: {matchLabels: {pod: a}}, policyTypes: [Ingress]}`;

/** More questions about a pod than the engine answers by scanning its pod list (`SCAN_ASKS`). */
function askMany(engine: PolicyEngine): void {
  for (let i = 0; i < 17; i++) engine.classOf(engine.model.pods[0]);
}

test('pod slots: an engine answers its own classes after a second engine on the same model took the slots', () => {
  const first = engineFor(e2eTopology(policy));
  const model = first.model;
  const before = model.pods.map((p) => first.classOf(p)!.id);
  const second = new PolicyEngine(model, { hostNetwork: 'pod' });
  assert.deepEqual(
    model.pods.map((p) => first.classOf(p)!.id),
    before,
  );
  assert.deepEqual(
    model.pods.map((p) => second.classOf(p)!.id),
    before,
  );
  const a = party(model, 'x/a');
  const b = party(model, 'x/b');
  assert.equal(first.allows(b, a, 80, 'TCP'), false);
  assert.equal(first.allows(a, b, 80, 'TCP'), true);
});

test('pod slots: a relabelled copy, a frozen pod and a foreign pod are not taken for a model pod', () => {
  const engine = engineFor(e2eTopology(policy));
  const a = engine.model.pods.find((p) => p.namespace === 'x' && p.name === 'a')!;
  const copy: Pod = { ...a, labels: { pod: 'b' } };
  assert.equal(engine.classOf(copy), undefined, 'a copy is not a pod of the model');
  assert.equal(Object.keys(a).length, Object.keys(copy).length, 'the slot is not enumerable');
  const frozen = engineFor(e2eTopology(policy));
  for (const p of frozen.model.pods) Object.freeze(p);
  const again = new PolicyEngine(frozen.model);
  const fa = frozen.model.pods.find((p) => p.namespace === 'x' && p.name === 'a')!;
  assert.equal(again.classOf(fa)!.id, frozen.classOf(fa)!.id);
  assert.equal(again.allows(party(frozen.model, 'x/b'), party(frozen.model, 'x/a'), 80, 'TCP'), false);
});

test('pod slots: one hidden property per pod, however many engines marked it (it must fit the spare in-object field)', () => {
  const first = engineFor(e2eTopology(policy));
  const second = new PolicyEngine(first.model, { hostNetwork: 'pod' });
  // Marks are written past the first questions: both engines mark every pod before the check.
  askMany(first);
  askMany(second);
  for (const p of first.model.pods) {
    assert.equal(Object.getOwnPropertySymbols(p).length, 1, `${p.key} carries one mark`);
    assert.equal(second.classOf(p)!.id, first.classOf(p)!.id);
  }
});

test('pod slots: the compile marks no pod; the first questions scan the list, later ones mark every pod of the list', () => {
  const engine = engineFor(e2eTopology(policy));
  const pods = engine.model.pods;
  const marks = () => pods.filter((p) => Object.getOwnPropertySymbols(p).length === 1).length;
  assert.equal(marks(), 0, 'no mark after the compile');
  const a = party(engine.model, 'x/a');
  const b = party(engine.model, 'x/b');
  assert.equal(engine.allows(b, a, 80, 'TCP'), false);
  assert.equal(marks(), 0, 'one pair: answered by scans');
  for (const p of pods) assert.ok(engine.classOf(p)!.pods.includes(p), `${p.key} answers its class`);
  askMany(engine);
  assert.equal(marks(), pods.length, 'every pod marked past the first questions');
  for (const p of pods) assert.ok(engine.classOf(p)!.pods.includes(p), `${p.key} answers its class`);
});

test('pod slots: the verdict table is built with every pod marked, so allows answers from it', () => {
  const model = engineFor(e2eTopology(policy)).model;
  // Two pods, two classes: the table comes after three queries, six questions about a pod (fewer than the scans).
  const two = model.pods.filter((p) => p.namespace === 'x' && (p.name === 'a' || p.name === 'b'));
  const engine = new PolicyEngine({ ...model, pods: two });
  assert.equal(engine.classes.length, 2);
  const a = party(engine.model, 'x/a');
  const b = party(engine.model, 'x/b');
  for (let i = 0; i < 4; i++) assert.equal(engine.allows(b, a, 80, 'TCP'), false);
  assert.equal(Object.getOwnPropertySymbols(a.kind === 'pod' ? a.pod : {}).length, 1);
  assert.equal(engine.allows(a, b, 80, 'TCP'), true);
});

test('pod slots: with the namespaces listed out of order (z, x, y, x again) each pod answers the class that lists it, and ids run namespace by namespace', () => {
  const first = engineFor(e2eTopology(policy));
  const pods = first.model.pods;
  // z's pods, then x/a, then y's, then x/b and x/c: the one walk numbers classes as met and renumbers them.
  const order = [
    ...pods.filter((p) => p.namespace === 'z'),
    ...pods.filter((p) => p.namespace === 'x' && p.name === 'a'),
    ...pods.filter((p) => p.namespace === 'y'),
    ...pods.filter((p) => p.namespace === 'x' && p.name !== 'a'),
  ];
  const engine = new PolicyEngine({ ...first.model, pods: order });
  const namespaces = engine.classes.map((c) => c.namespace);
  assert.deepEqual(namespaces, [...namespaces].sort());
  engine.classes.forEach((c, id) => assert.equal(c.id, id));
  for (const p of order) {
    const c = engine.classOf(p)!;
    assert.ok(c.pods.includes(p), `${p.key} is listed by the class it answers`);
    assert.equal(c.namespace, p.namespace);
  }
  // x/a is isolated for ingress (deny-a), x/b is not: their classes differ and answer as the policy says.
  const a = party(engine.model, 'x/a');
  const b = party(engine.model, 'x/b');
  const pod = (name: string) => order.find((p) => p.namespace === 'x' && p.name === name)!;
  assert.notEqual(engine.classOf(pod('a'))!.id, engine.classOf(pod('b'))!.id);
  assert.equal(engine.allows(b, a, 80, 'TCP'), false);
  assert.equal(engine.allows(a, b, 80, 'TCP'), true);
});
