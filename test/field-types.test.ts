/**
 * The field-type table (src/model/field-types) against the builder: every field the builder reads while building
 * the repository's examples and fixtures is in the table with the type it is read as (so a new field cannot slip in
 * unchecked), every range of the table is enforced by the read (one out-of-range value below and above each, built
 * from the table itself), and the cases issue 18 names are refused end to end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fieldReads, FieldReader } from '../src/cluster/_fields.ts';
import { buildFromTexts } from '../src/api/index.ts';
import { fieldRule, fieldRules, tableKey } from '../src/model/field-types/index.ts';
import { podSpecPaths } from '../src/model/catalogue.ts';
import { rawFromData } from '../src/parse/index.ts';
import type { Diagnostic } from '../src/model/diagnostic.ts';

function fixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const info = statSync(path, { throwIfNoEntry: false });
      if (info?.isDirectory()) walk(path);
      else if (info && /\.ya?ml$/.test(name) && info.size < 512 * 1024) out.push(path);
    }
  };
  walk('examples');
  walk('testdata');
  return out;
}

test('every field the builder reads on the fixtures is in the field-type table, with the type it is read as', () => {
  const missing = new Set<string>();
  const wrongType = new Set<string>();
  let reads = 0;
  fieldReads.record = (kind, path, type) => {
    reads++;
    const dotted = path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');
    const rule = fieldRule(kind, dotted);
    const want = type === 'integer or string' ? 'integer-or-string' : type;
    if (!rule) missing.add(`${tableKey(kind, dotted)} ${want}`);
    else if (rule.type !== want)
      wrongType.add(`${tableKey(kind, dotted)}: table ${rule.type}, read as ${want}`);
  };
  try {
    for (const file of fixtures()) {
      try {
        buildFromTexts([{ file, text: readFileSync(file, 'utf8') }]);
      } catch {
        // Inputs the builder refuses as a whole (e.g. not YAML) read no fields.
      }
    }
  } finally {
    fieldReads.record = undefined;
  }
  assert.ok(reads > 10_000, `only ${reads} reads recorded`);
  assert.deepEqual([...missing].sort(), [], 'add these lines to src/model/field-types');
  assert.deepEqual([...wrongType].sort(), []);
});

/** A raw object of `kind` with `value` at the dotted `path` (`*` → index 0), and the path as segments. */
function objectWith(kind: string, path: string, value: unknown) {
  const [k, full] =
    kind === 'PodSpec'
      ? ['Deployment', `${podSpecPaths.Deployment}.${path}`]
      : kind === 'PodTemplate'
        ? ['Deployment', `spec.template.${path}`]
        : [kind, path];
  const segments = full.split('.').map((s) => (s === '*' ? 0 : s));
  const body: Record<string, unknown> = { kind: k };
  let at: Record<string | number, unknown> = body;
  segments.forEach((s, i) => {
    if (i === segments.length - 1) at[s] = value;
    else at = (at[s] = typeof segments[i + 1] === 'number' ? [] : {}) as Record<string | number, unknown>;
  });
  return { raw: rawFromData(body, { file: 't.yaml', doc: 0, line: 1, column: 1 }), segments };
}

test('every range of the field-type table is enforced by the read: below, at and above each bound', () => {
  const ranged = fieldRules.filter((r) => r.min !== undefined && r.max !== undefined);
  assert.ok(ranged.length > 40, `${ranged.length} ranged fields`);
  for (const r of ranged) {
    for (const [value, ok] of [
      [r.min! - 1, false],
      [r.min!, true],
      [r.max!, true],
      [r.max! + 1, false],
    ] as const) {
      const seen: Diagnostic[] = [];
      const { raw, segments } = objectWith(r.kind, r.path, value);
      const f = new FieldReader(raw, 'x', (d) => seen.push(d));
      const got = r.type === 'integer-or-string' ? f.intOrString(segments) : f.int(segments);
      const what = `${r.kind} ${r.path} = ${value}`;
      if (ok) assert.equal(got, value, what);
      else {
        assert.equal(got, undefined, what);
        assert.deepEqual(
          seen.map((d) => d.code),
          [r.code],
          what,
        );
      }
    }
  }
});

const doc = (kind: string, apiVersion: string, spec: string) =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: x, namespace: default}\nspec: ${spec}\n`;

test('out-of-range values named in issue 18 are refused at their line, once, with the range of the API server', () => {
  const cases: [string, string, string][] = [
    [
      doc(
        'Deployment',
        'apps/v1',
        '{replicas: -1, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}',
      ),
      'invalid-field',
      'spec.replicas: -1 must be greater than or equal to 0',
    ],
    [
      doc(
        'Deployment',
        'apps/v1',
        '{replicas: 3000000000, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}',
      ),
      'invalid-field',
      'spec.replicas: 3000000000 is not a 32-bit integer',
    ],
    [
      doc('Service', 'v1', '{selector: {a: b}, ports: [{port: 70000}]}'),
      'invalid-port',
      'spec.ports[0].port: 70000 must be between 1 and 65535',
    ],
    [
      doc('Service', 'v1', '{selector: {a: b}, ports: [{port: 80, targetPort: 0}]}'),
      'invalid-port',
      'spec.ports[0].targetPort: 0 must be between 1 and 65535',
    ],
    [
      doc(
        'Service',
        'v1',
        '{selector: {a: b}, ports: [{port: 80}], sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 90000}}}',
      ),
      'invalid-field',
      'timeoutSeconds: 90000 must be between 1 and 86400',
    ],
  ];
  for (const [text, code, message] of cases) {
    const { diagnostics } = buildFromTexts([{ file: 'in.yaml', text }]);
    const d = diagnostics.find((x) => x.code === code);
    assert.ok(d, `${code} for ${text}: ${diagnostics.map((x) => `${x.code} ${x.message}`).join('; ')}`);
    assert.ok(d.message.includes(message), d.message);
    assert.equal(d.source?.file, 'in.yaml');
    assert.ok((d.source?.line ?? 0) >= 1);
    assert.equal(diagnostics.filter((x) => x.code === code).length, 1, `reported once: ${text}`);
  }
});
