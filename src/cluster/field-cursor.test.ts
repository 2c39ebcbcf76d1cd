import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawFromData, type PathSegment } from '../parse/index.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import { FieldReader, fieldReads } from './_fields.ts';

const body = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', namespace: 'n' },
  spec: {
    ingress: [
      {
        ports: [
          { port: 80, protocol: 'TCP', endPort: 70000 },
          { port: 'http', protocol: 'ICMP' },
          { port: true, endPort: '90' },
          null,
          'word',
        ],
        from: [
          { podSelector: { matchLabels: { a: 'b', c: 7 } } },
          { ipBlock: { cidr: 10, except: ['x', 3] } },
        ],
      },
    ],
  },
};

type Read = 'str' | 'int' | 'intOrString' | 'list' | 'bool' | 'map' | 'protocol';
const reads: Read[] = ['str', 'int', 'intOrString', 'list', 'bool', 'map', 'protocol'];
const keys: PathSegment[] = [
  'port',
  'protocol',
  'endPort',
  'ipBlock',
  'cidr',
  'except',
  0,
  1,
  'missing',
  'length',
];
const bases: PathSegment[][] = [
  ['spec', 'ingress', 0, 'ports', 0],
  ['spec', 'ingress', 0, 'ports', 1],
  ['spec', 'ingress', 0, 'ports', 2],
  ['spec', 'ingress', 0, 'ports', 3],
  ['spec', 'ingress', 0, 'ports', 4],
  ['spec', 'ingress', 0, 'from', 1, 'ipBlock'],
  ['spec', 'ingress', 0, 'from', 1, 'ipBlock', 'except'],
  ['spec', 'nothing'],
];

/** Every read of a key below a path, through the reader and through a cursor: values, reports and records. */
function readAll(viaCursor: boolean) {
  const diagnostics: Diagnostic[] = [];
  const records: string[] = [];
  const f = new FieldReader(rawFromData(body, { file: 'p.yaml', doc: 0, line: 1, column: 1 }), 'k', (d) =>
    diagnostics.push(d),
  );
  const values: unknown[] = [];
  fieldReads.record = (kind, path, type) => records.push(`${kind} ${path.join('.')} ${type}`);
  try {
    for (const base of bases) {
      const c = f.cursor(base);
      for (const key of keys)
        for (const read of reads) values.push(viaCursor ? c[read](key) : f[read]([...base, key]));
      values.push(viaCursor ? c.get('port') : f.get([...base, 'port']), c.pathOf('x'));
    }
    values.push(viaCursor ? f.cursor(['metadata']).at('name').value : f.get(['metadata', 'name']));
  } finally {
    fieldReads.record = undefined;
  }
  return { values, diagnostics, records, invalid: f.invalid };
}

test('FieldCursor reads give the FieldReader reads of the same paths: values, reports at the same paths, records', () => {
  const direct = readAll(false);
  const cursor = readAll(true);
  assert.deepEqual(cursor, direct);
  // Not vacuous: wrong types, out-of-range numbers and unknown protocols were read and reported.
  const codes = new Set(direct.diagnostics.map((d) => d.code));
  assert.ok(codes.has('invalid-field-type') && codes.has('invalid-field'), [...codes].join(', '));
  assert.ok(direct.diagnostics.some((d) => d.source?.path === 'spec.ingress[0].ports[0].endPort'));
  assert.ok(direct.records.length > 500);
});
