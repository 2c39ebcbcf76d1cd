import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseManifests, type ManifestText, type PathSegment, type RawObject } from '../parse/index.ts';
import { BuildMemo, buildCluster } from '../cluster/index.ts';
import { parseThrough, type ParseCache } from './_diff-parse.ts';
import { shopWebDeployment } from '../../test/helpers/shop.ts';

/** Documents files are made of: every kind the reused build phases read, flow and block styles, a List, a comment. */
const pool: readonly string[] = [
  `apiVersion: v1
kind: Node
metadata: {name: n1, labels: {zone: a}}`,
  shopWebDeployment,
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}   # the api
    spec:
      containers:
      - name: api
        image: api`,
  `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}`,
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 8080}]`,
  `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: shop}, data: {a: "1"}}`,
  `# only a comment`,
  `apiVersion: v1
kind: Pod
metadata: {name: lone, namespace: shop, labels: {app: lone}}
spec: {containers: [{name: c, image: c}]}`,
];

/** Edits of one document: a value changed, a line added inside it, the document broken. */
const docEdits: readonly ((d: string) => string)[] = [
  (d) => d.replace(/name: (\w+)/, 'name: $1x'),
  (d) => d.replace('\n', '\n# a line more\n'),
  (d) => d.replace('kind:', 'kind: [broken'),
];

type FileDocs = readonly string[];
const text = (docs: FileDocs) => docs.map((d) => `${d}\n`).join('---\n');

/** One random edit of a file's documents. */
const fileEdit = fc.oneof(
  fc.record({ op: fc.constant('keep' as const) }),
  fc.record({ op: fc.constant('edit' as const), at: fc.nat(), how: fc.nat(docEdits.length - 1) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), doc: fc.nat(pool.length - 1) }),
  fc.record({ op: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('top-line' as const) }),
);

function edited(docs: FileDocs, e: EditOf): string[] {
  const out = [...docs];
  const at = 'at' in e ? e.at % (out.length + 1) : 0;
  if (e.op === 'edit' && out.length) out[at % out.length] = docEdits[e.how](out[at % out.length]);
  else if (e.op === 'insert') out.splice(at, 0, pool[e.doc]);
  else if (e.op === 'remove' && out.length > 1) out.splice(at % out.length, 1);
  else if (e.op === 'top-line') out[0] = `# edited\n${out[0]}`;
  return out;
}
type EditOf = typeof fileEdit extends fc.Arbitrary<infer T> ? T : never;

/** Every path of a body (each map entry, each list item), and paths that name nothing (located at an ancestor). */
function pathsOf(
  v: unknown,
  prefix: PathSegment[] = [],
  out: PathSegment[][] = [[], ['nothing', 0]],
): PathSegment[][] {
  if (v && typeof v === 'object')
    for (const [k, w] of Object.entries(v)) {
      const p = [...prefix, Array.isArray(v) ? Number(k) : k];
      out.push(p, [...p, 'nothing']);
      pathsOf(w, p, out);
    }
  return out;
}

/** What anything can read of parsed objects: bodies, where each starts, where each field is located. */
const readable = (objects: readonly RawObject[]) =>
  objects.map((o) => ({ body: o.body, source: o.source, at: pathsOf(o.body).map((p) => o.locate(p)) }));

test('diff parse cache: an edited file read through the cache equals the file parsed alone, the unchanged documents of it taken over from the other side (property)', () => {
  let taken = 0;
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.nat(pool.length - 1), { minLength: 1, maxLength: 4 }), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.array(fileEdit, { minLength: 4, maxLength: 4 }),
      fc.constantFrom('k8s/', 'base/k8s/'),
      (files, edits, baseFolder) => {
        const docs = files.map((f) => f.map((i) => pool[i]));
        const base: ManifestText[] = docs.map((d, i) => ({ file: `${baseFolder}f${i}.yaml`, text: text(d) }));
        const head: ManifestText[] = docs.map((d, i) => ({
          file: `k8s/f${i}.yaml`,
          text: text(edited(d, edits[i])),
        }));
        const cache: ParseCache = new Map();
        const before = parseThrough(base, cache);
        const got = parseThrough(head, cache);
        const fresh = parseManifests(head);
        assert.deepEqual(readable(got.objects), readable(fresh.objects));
        assert.deepEqual(got.diagnostics, fresh.diagnostics);
        const bodies = new Set(before.objects.map((o) => o.body));
        taken += got.objects.filter((o) => bodies.has(o.body)).length;
        // What the build takes over of them equals a fresh build.
        const memo = new BuildMemo();
        buildCluster(before.objects, { memo });
        const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
        assert.deepEqual(plain(buildCluster(got.objects, { memo })), plain(buildCluster(fresh.objects)));
      },
    ),
    { numRuns: 150, seed: 15 },
  );
  assert.ok(taken > 100, `objects taken over from the other side: ${taken}`);
});

test('diff parse cache: the unchanged Deployment of an edited file is the other side’s object renamed, so the build takes over the pod phases', () => {
  const docs = [pool[1], pool[3]];
  const cache: ParseCache = new Map();
  const before = parseThrough([{ file: 'base/app.yaml', text: text(docs) }], cache);
  const after = parseThrough([{ file: 'app.yaml', text: text([pool[1], docEdits[0](pool[3])]) }], cache);
  assert.equal(after.objects[0].body, before.objects[0].body, 'the Deployment: the same body');
  assert.notEqual(after.objects[1].body, before.objects[1].body, 'the edited Service: read anew');
  assert.equal(after.objects[0].source.file, 'app.yaml');
  const memo = new BuildMemo();
  buildCluster(before.objects, { memo });
  buildCluster(after.objects, { memo });
  assert.equal(memo.reused.podPhases, true);
});
