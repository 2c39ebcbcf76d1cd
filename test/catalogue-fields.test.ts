/**
 * Nothing ignored in silence (issue 13): every field of the API schemas kubetwin reads (src/model/schema.ts) is
 * either read by the builder or listed in the catalogue below `modeled` (src/model/catalogue.ts `fields`, or a
 * removed field in src/model/deprecations.ts), so a new field cannot slip through unlisted. "Read" is measured:
 * the builder builds a fixture holding every field (testdata/schema/) while every FieldReader access is recorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../src/api/index.ts';
import { FieldReader } from '../src/cluster/_fields.ts';
import { FieldCursor } from '../src/cluster/_field-cursor.ts';
import { fields } from '../src/model/catalogue.ts';
import { deprecatedFields } from '../src/model/deprecations.ts';
import { gatewayApiFields, knownFields, otherCrdFields } from '../src/model/schema.ts';
import { parseManifests } from '../src/parse/index.ts';

const fixtures: Record<string, string> = {
  NetworkPolicy: 'testdata/schema/networkpolicy.yaml',
  Service: 'testdata/schema/service.yaml',
  Ingress: 'testdata/schema/ingress.yaml',
  Gateway: 'testdata/schema/gateway.yaml',
  HTTPRoute: 'testdata/schema/httproute.yaml',
  BackendTLSPolicy: 'testdata/schema/backendtlspolicy.yaml',
  ListenerSet: 'testdata/schema/listenerset.yaml',
  TLSRoute: 'testdata/schema/tlsroute.yaml',
  TCPRoute: 'testdata/schema/tcproute.yaml',
  UDPRoute: 'testdata/schema/udproute.yaml',
  Route: 'testdata/schema/openshift-route.yaml',
  Middleware: 'testdata/schema/traefik-middleware.yaml',
  IngressRoute: 'testdata/schema/traefik-ingressroute.yaml',
};
const schemas = { ...knownFields, ...gatewayApiFields, ...otherCrdFields };

/** Leaf paths of a schema under `spec` (a field without its own entry is a leaf). */
function leaves(schema: Readonly<Record<string, readonly string[]>>): string[] {
  const out: string[] = [];
  const walk = (pattern: string) => {
    for (const f of schema[pattern] ?? []) {
      const path = `${pattern}.${f}`;
      if (schema[path]) walk(path);
      else if (schema[`${path}.*`]) walk(`${path}.*`);
      else out.push(path);
    }
  };
  walk('spec');
  return out;
}

const norm = (path: readonly (string | number)[]) =>
  path.map((s) => (typeof s === 'number' ? '*' : s)).join('.');

function present(v: unknown, segs: readonly string[]): boolean {
  if (!segs.length) return v !== undefined && v !== null;
  if (v === null || typeof v !== 'object') return false;
  const [head, ...rest] = segs;
  if (head === '*') return Array.isArray(v) && v.some((x) => present(x, rest));
  return present((v as Record<string, unknown>)[head], rest);
}

function readPaths(kind: string): Set<string> {
  const seen = new Set<string>();
  const original = FieldReader.prototype.get;
  FieldReader.prototype.get = function (this: FieldReader, path) {
    if (this.objectKey.startsWith(`${kind}/`)) seen.add(norm(path));
    return original.call(this, path);
  };
  // Reads through a cursor (a field below a rule, a port, a spec) are reads of `[...cursor.path, key]`.
  const originalAt = FieldCursor.prototype.get;
  FieldCursor.prototype.get = function (this: FieldCursor, key) {
    if (this.f.objectKey.startsWith(`${kind}/`)) seen.add(norm([...this.path, key]));
    return originalAt.call(this, key);
  };
  try {
    const file = fixtures[kind];
    buildFromTexts([{ file, text: readFileSync(file, 'utf8') }]);
  } finally {
    FieldReader.prototype.get = original;
    FieldCursor.prototype.get = originalAt;
  }
  return seen;
}

const listed = (kind: string, path: string) =>
  fields.some((f) => f.kind === kind && (path === f.path || path.startsWith(`${f.path}.`))) ||
  deprecatedFields.some((f) => f.kind === kind && (path === f.path || path.startsWith(`${f.path}.`)));

for (const kind of Object.keys(fixtures)) {
  test(`rule nothing-ignored-in-silence: every ${kind} field is read by the builder or listed in the catalogue`, () => {
    const schema = schemas[kind];
    const raw = rawOf(fixtures[kind]);
    const read = readPaths(kind);
    const isRead = (p: string) => [...read].some((r) => r === p || r.startsWith(`${p}.`));
    const missingInFixture = leaves(schema).filter((p) => !raw.some((o) => present(o, p.split('.'))));
    assert.deepEqual(missingInFixture, [], `${fixtures[kind]} must hold every field of the schema`);
    const silent = leaves(schema).filter((p) => !isRead(p) && !listed(kind, p));
    assert.deepEqual(
      silent,
      [],
      `${kind} fields neither read by the builder nor listed in src/model/catalogue.ts fields`,
    );
  });
}

test('rule catalogue-rows-name-real-fields: every catalogue row of a walked kind names a field of its schema', () => {
  for (const f of fields) {
    // The walked schemas are the upstream Kubernetes and Gateway API kinds; Istio's Gateway shares a kind name only.
    if (f.group === 'networking.istio.io') continue;
    // A well-known label or annotation (metadata.labels["KEY"]) is not a field of the spec schemas walked here.
    if (/^metadata\.(labels|annotations)\[/.test(f.path)) continue;
    const schema = schemas[f.kind];
    if (!schema) continue;
    const all = leaves(schema);
    assert.ok(
      all.some((p) => p === f.path || p.startsWith(`${f.path}.`) || f.path.startsWith(`${p}.`)),
      `${f.kind} ${f.path} is not a field of the schema`,
    );
  }
});

/** The objects of a fixture: a field counts as present when one of them holds it (exclusive fields need two). */
function rawOf(file: string): Record<string, unknown>[] {
  return parseManifests([{ file, text: readFileSync(file, 'utf8') }]).objects.map((o) => o.body);
}
