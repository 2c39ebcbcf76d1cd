import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseManifests, rawFromData, renamedRaw, type ParseResult, type RawObject } from '../parse/index.ts';
import { BuildMemo, buildCluster } from './index.ts';

/** Files of a small cluster with every input the reused phases read, and objects with problems. */
const files: Readonly<Record<string, string>> = {
  'nodes.yaml': `apiVersion: v1
kind: Node
metadata: {name: n1, labels: {zone: a}}
---
apiVersion: v1
kind: Node
metadata: {name: n2, labels: {zone: b}}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
`,
  'apps.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {priorityClassName: high, containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: "two"
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api}]}
---
apiVersion: v1
kind: Pod
metadata: {name: lone, namespace: shop, labels: {app: lone}}
spec: {nodeName: n2, containers: [{name: c, image: c}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 3, maxReplicas: 5}
`,
  'services.yaml': `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
`,
  'policies.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: lone}}}]
    ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: shop}
spec:
  podSelector:
  policyTypes: [Ingress, Sideways]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: lone, namespace: shop}
spec:
  podSelector: {matchLabels: {app: lone}}
  egress: [{ports: [{port: 53, protocol: UDP}]}]
`,
};

/** Edits drawn at random; each changes one file (the others stay the same objects on both sides). */
const edits: readonly [string, (t: string) => string][] = [
  ['policies.yaml', (t) => t.replace('port: 8080', 'port: 8081')],
  ['policies.yaml', (t) => t.replace('Sideways', 'Egress')],
  ['services.yaml', (t) => t.replace('{app: web}', '{app: nothing}')],
  ['apps.yaml', (t) => t.replace('replicas: 2', 'replicas: 1')],
  ['apps.yaml', (t) => t.replace('labels: {app: lone}', 'labels: {app: lone, tier: x}')],
  ['nodes.yaml', (t) => t.replace('value: 1000', 'value: 10')],
  ['nodes.yaml', (t) => t.replace('{zone: b}', '{zone: c}')],
];

const apply = (picks: readonly boolean[]) => {
  const out: Record<string, string> = { ...files };
  picks.forEach((on, i) => on && (out[edits[i][0]] = edits[i][1](out[edits[i][0]])));
  return out;
};

/**
 * Parses file by file under `folder/`, as `diff` does (`parseThrough`): a text seen before under the same name
 * gives the same objects, under another name the same objects renamed to this file.
 */
function reader(): (texts: Record<string, string>, folder?: string) => RawObject[] {
  const seen = new Map<string, { file: string; result: ParseResult }>();
  return (texts, folder = '') =>
    Object.entries(texts).flatMap(([name, text]) => {
      const file = folder + name;
      const hit = seen.get(text);
      if (hit?.file === file) return hit.result.objects;
      if (hit) return hit.result.objects.map((o) => renamedRaw(o, hit.file, file));
      const result = parseManifests([{ file, text }]);
      seen.set(text, { file, result });
      return result.objects;
    });
}

const plain = (r: ReturnType<typeof buildCluster>) => JSON.parse(JSON.stringify(r)) as unknown;

test('BuildMemo: the second build equals a fresh build of its objects, whatever was reused (property)', () => {
  let reusedPods = 0;
  let reusedPolicies = 0;
  fc.assert(
    fc.property(
      fc.array(fc.boolean(), { minLength: edits.length, maxLength: edits.length }),
      fc.array(fc.boolean(), { minLength: edits.length, maxLength: edits.length }),
      fc.constantFrom('', 'head/'),
      (pa, pb, folder) => {
        const read = reader();
        const a = read(apply(pa), folder && 'base/');
        const b = read(apply(pb), folder);
        const memo = new BuildMemo();
        buildCluster(a, { memo });
        const got = buildCluster(b, { memo });
        if (memo.reused.podPhases) reusedPods++;
        reusedPolicies += memo.reused.policies;
        assert.deepEqual(plain(got), plain(buildCluster(b)));
      },
    ),
    { numRuns: 40, seed: 7 },
  );
  // Both paths ran: the property is not held by never reusing.
  assert.ok(reusedPods > 0 && reusedPods < 40, `pod phases reused in ${reusedPods} of 40 runs`);
  assert.ok(reusedPolicies > 0);
});

test('BuildMemo reuses the pod phases and unchanged policies, and raises their diagnostics again', () => {
  const read = reader();
  const memo = new BuildMemo();
  const first = buildCluster(read(files), { memo });
  // The Service edit: every other file is the same objects (the refused policy is a reading too).
  const after = apply(edits.map((_, i) => i === 2));
  const second = buildCluster(read(after), { memo });
  assert.deepEqual(memo.reused, { podPhases: true, policies: 3 });
  assert.equal(second.model.pods, first.model.pods, 'the pods array itself is shared');
  const codes = (r: typeof first) => r.diagnostics.map((d) => `${d.code} ${d.source?.path ?? ''}`);
  assert.ok(codes(second).includes('invalid-field-type spec.replicas'));
  assert.ok(codes(second).includes('null-selector spec.podSelector'));
  assert.deepEqual(plain(second), plain(buildCluster(read(after))));
});

test('BuildMemo: the same body read from another file, or parsed again, is not reused (positions differ)', () => {
  const memo = new BuildMemo();
  const body = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c' }] },
  };
  const at = (file: string) => rawFromData(body, { file, doc: 0, line: 1, column: 1 });
  buildCluster([at('a.yaml')], { memo });
  buildCluster([at('a.yaml')], { memo });
  assert.equal(memo.reused.podPhases, true, 'same body, same position: reused');
  const moved = buildCluster([at('b.yaml')], { memo });
  assert.equal(memo.reused.podPhases, false);
  assert.equal(moved.model.pods.find((p) => p.name === 'p')?.source?.file, 'b.yaml');
  const text = {
    file: 'a.yaml',
    text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n',
  };
  buildCluster(parseManifests([text]).objects, { memo });
  buildCluster(parseManifests([text]).objects, { memo });
  assert.equal(memo.reused.podPhases, false, 'two parses are two objects');
});

test('BuildMemo: the same files read under other names (diff --base DIR) are reused, at the new names', () => {
  const read = reader();
  const memo = new BuildMemo();
  buildCluster(read(files, 'base/'), { memo });
  const after = apply(edits.map((_, i) => i === 2));
  const got = buildCluster(read(after, 'head/'), { memo });
  assert.deepEqual(memo.reused, { podPhases: true, policies: 3 });
  assert.ok(got.model.pods.every((p) => p.source?.file === '<addon>' || p.source?.file.startsWith('head/')));
  assert.deepEqual(plain(got), plain(buildCluster(reader()(after, 'head/'))));
});
