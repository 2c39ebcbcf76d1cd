import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests, separateDocuments } from './index.ts';

const one = (text: string) => parseManifests([{ file: 'm.yaml', text }]);

test('kubectl scalar resolution: "8080" stays a string, 8080 is a number', () => {
  const { objects } = one('a: "8080"\nb: 8080\n');
  assert.equal(objects[0].body.a, '8080');
  assert.equal(objects[0].body.b, 8080);
});

test('kubectl scalar resolution: unquoted yes/on/y are YAML 1.1 booleans (sigs.k8s.io/yaml over go-yaml v2)', () => {
  const { objects } = one('a: yes\nb: on\nc: "yes"\nd: off\n');
  assert.deepEqual(
    [objects[0].body.a, objects[0].body.b, objects[0].body.c, objects[0].body.d],
    [true, true, 'yes', false],
  );
});

test('kubectl scalar resolution: 0755 is a YAML 1.1 octal (493), as defaultMode is documented to accept', () => {
  const { objects } = one('mode: 0755\nhex: 0x1F\nt: 12:30\nd: 2001-12-14\n');
  assert.equal(objects[0].body.mode, 493);
  assert.equal(objects[0].body.hex, 31);
  // go-yaml v2 has no sexagesimal numbers or timestamps: these stay strings.
  assert.equal(objects[0].body.t, '12:30');
  assert.equal(objects[0].body.d, '2001-12-14');
});

test('multi-document YAML keeps each object with its document index and line', () => {
  const { objects } = one('apiVersion: v1\nkind: A\n---\n# c\napiVersion: v1\nkind: B\n');
  assert.equal(objects.length, 2);
  assert.deepEqual([objects[1].source.doc, objects[1].source.line], [1, 5]);
});

test('kind: List expands into its items, each located at its own position', () => {
  const { objects } = one('apiVersion: v1\nkind: List\nitems:\n  - kind: A\n  - kind: B\n');
  assert.deepEqual(
    objects.map((o) => [o.body.kind, o.source.line]),
    [
      ['A', 4],
      ['B', 5],
    ],
  );
});

test("Helm's # Source: comment is kept as the object's origin", () => {
  const { objects } = one('---\n# Source: shop/templates/svc.yaml\napiVersion: v1\nkind: Service\n');
  assert.equal(objects[0].source.origin, 'shop/templates/svc.yaml');
});

test('locate returns the line and column of a nested field and its kubectl path', () => {
  const { objects } = one('spec:\n  ports:\n    - port: 80\n      targetPort: "8080"\n');
  const at = objects[0].locate(['spec', 'ports', 0, 'targetPort']);
  assert.deepEqual([at.line, at.column, at.path], [4, 7, 'spec.ports[0].targetPort']);
});

test('a YAML syntax error is reported at its position and the other documents are still read', () => {
  const { objects, diagnostics } = one('a: b: c\n---\nkind: Ok\n');
  assert.equal(diagnostics[0].code, 'yaml-syntax');
  assert.equal(diagnostics[0].source?.line, 1);
  assert.deepEqual(
    objects.map((o) => o.body.kind),
    ['Ok'],
  );
});

test('JSON manifests parse as YAML does (JSON is a subset)', () => {
  const { objects } = parseManifests([
    { file: 'x.json', text: '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}' },
  ]);
  assert.equal(objects[0].body.kind, 'Namespace');
});

test('empty documents are skipped as kubectl skips them', () => {
  assert.equal(one('---\n---\n').objects.length, 0);
});

test('typed lists (PodList, NetworkPolicyList, ...) are read item by item: kind-less items take the list kind minus List and its apiVersion', () => {
  const { objects, diagnostics } = one(
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nmetadata: {resourceVersion: "9"}\nitems:\n' +
      '- metadata: {name: deny, namespace: shop}\n  spec: {podSelector: {}}\n' +
      '- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: kept}\n',
  );
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    objects.map((o) => [o.body.apiVersion, o.body.kind, o.source.line]),
    [
      ['networking.k8s.io/v1', 'NetworkPolicy', 5],
      ['v1', 'ConfigMap', 7],
    ],
  );
});

test('separateDocuments: a file is read whole exactly when a directive, `...` or Helm `# Source:` marks it (the regular expressions it replaced)', () => {
  // The rule as first written: a byte-order mark, `%` or `...` at a line start (`^` of a multi-line regular
  // expression: after \n, \r, U+2028, U+2029), or `#`, optional white space and `Source:` anywhere.
  const whole = (text: string) =>
    text.charCodeAt(0) === 0xfeff || /^(%|\.\.\.)/m.test(text) || /#\s*Source:/.test(text);
  const pieces = [
    '%',
    '.',
    '..',
    '...',
    '#',
    ' ',
    '\t',
    '\n',
    '\r',
    '\u2028',
    '\u2029',
    '\u00a0',
    'Source:',
    'a: b',
    '-',
  ];
  let seed = 11;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  let wholeCount = 0;
  for (let n = 0; n < 5000; n++) {
    let text = n % 50 === 0 ? '\ufeff' : '';
    for (let k = next() % 8; k > 0; k--) text += pieces[next() % pieces.length];
    const expected = whole(text);
    if (expected) wholeCount++;
    assert.equal(separateDocuments(text) === undefined, expected, JSON.stringify(text));
  }
  assert.ok(
    wholeCount > 500 && wholeCount < 4500,
    `both answers are tried (${wholeCount} of 5000 read whole)`,
  );
});
